"""The résumé as a one-page PDF, its Persian shaped and laid out right to left (fpdf2 with HarfBuzz)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from karyar.resume.resume import Resume
from karyar.texts import _
from persian.text import LIST_SEPARATORS

logger = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONT_DIR / "DejaVuSans-Bold.ttf"
_FAMILY = "DejaVu"
# A one-page résumé: a very long part is cut at a word, with «…»; the whole of it is in the chat.
_MAX_VALUE_CHARS = 300
_ELLIPSIS = "…"
# A value cut at a word loses the spaces and commas it would have ended on.
_TRAILING_SEPARATORS = re.compile(rf"(?:\s|{LIST_SEPARATORS.pattern})+$")
# The parts' font sizes tried, largest first, until every part fits above the footer; at the smallest,
# the parts that still do not fit are left out rather than written over the footer or off the page.
_SIZES = (12, 11, 10, 9)
_FOOTER_TOP = 22  # mm above the page's bottom edge
_GAP = 2  # mm between parts


class FontMissingError(RuntimeError):
    """The font the PDF is written in is not installed."""


def resume_pdf(resume: Resume, *, phone: str | None = None, heading: str | None = None) -> bytes:
    """The PDF's bytes; the phone only when given (a reader she consented to). Raises FontMissingError."""
    if not FONT.is_file():
        logger.error(
            "résumé PDF: the font %s is missing; install DejaVu Sans (Debian: fonts-dejavu-core)", FONT
        )
        raise FontMissingError(str(FONT))
    parts = [(label, _cut(value)) for label, value in resume.lines(phone=phone)]
    for size in _SIZES:
        pdf, all_fit = _layout(heading or _("Resume: pdf title"), resume.name, parts, size)
        if all_fit:
            break
    return bytes(pdf.output())


def _layout(heading: str, name: str | None, parts: Sequence[tuple[str, str]], size: int) -> tuple[FPDF, bool]:
    """The page with the parts in this font size; whether all of them fitted."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.add_font(_FAMILY, "", str(FONT))
    pdf.add_font(_FAMILY, "B", str(BOLD_FONT if BOLD_FONT.is_file() else FONT))
    pdf.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="fas")
    pdf.add_page()
    pdf.set_font(_FAMILY, "B", 18)
    _paragraph(pdf, 12, heading)
    if name:
        pdf.set_font(_FAMILY, "B", 14)
        _paragraph(pdf, 10, name)
    pdf.ln(4)
    label_height, value_height = size * 2 / 3, size * 7 / 12  # 8 and 7 mm at 12 points
    bottom = pdf.h - _FOOTER_TOP
    written = 0
    for label, value in parts:
        pdf.set_font(_FAMILY, "B", size)
        needed = _paragraph(pdf, label_height, label, dry_run=True)
        pdf.set_font(_FAMILY, "", size)
        needed += _paragraph(pdf, value_height, value, dry_run=True)
        if pdf.get_y() + needed > bottom:
            break
        pdf.set_font(_FAMILY, "B", size)
        _paragraph(pdf, label_height, label)
        pdf.set_font(_FAMILY, "", size)
        _paragraph(pdf, value_height, value)
        pdf.ln(_GAP)
        written += 1
    pdf.set_y(pdf.h - _FOOTER_TOP + 2)
    pdf.set_font(_FAMILY, "", 9)
    _paragraph(pdf, 6, _("Resume: pdf footer"), align="C")
    return pdf, written == len(parts)


def _paragraph(pdf: FPDF, line_height: float, text: str, *, align: str = "R", dry_run: bool = False) -> float:
    """Text across the page's width, the next one starting below it at the left margin (fpdf2 would
    otherwise start it where this one ended, at the right edge, and write it off the page); its height."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    height = pdf.multi_cell(
        width,
        line_height,
        text,
        align=align,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        dry_run=dry_run,
        output=MethodReturnValue.HEIGHT,
    )
    assert isinstance(height, float | int)
    return float(height)


def _cut(value: str) -> str:
    if len(value) <= _MAX_VALUE_CHARS:
        return value
    kept = value[: _MAX_VALUE_CHARS - 1]
    return (
        _TRAILING_SEPARATORS.sub("", kept[: kept.rfind(" ")]) + _ELLIPSIS if " " in kept else kept + _ELLIPSIS
    )
