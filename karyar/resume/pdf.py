"""The résumé as a one-page PDF, its Persian shaped and laid out right to left (fpdf2 with HarfBuzz)."""

from __future__ import annotations

import logging
from pathlib import Path

from fpdf import FPDF

from karyar.resume.resume import Resume
from karyar.texts import _

logger = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONT_DIR / "DejaVuSans-Bold.ttf"
_FAMILY = "DejaVu"
# A one-page résumé: long parts are cut to what fits, the rest is in the chat.
_MAX_VALUE_CHARS = 300


class FontMissingError(RuntimeError):
    """The font the PDF is written in is not installed."""


def resume_pdf(resume: Resume, *, phone: str | None = None, heading: str | None = None) -> bytes:
    """The PDF's bytes; the phone only when given (a reader she consented to). Raises FontMissingError."""
    if not FONT.is_file():
        logger.error(
            "résumé PDF: the font %s is missing; install DejaVu Sans (Debian: fonts-dejavu-core)", FONT
        )
        raise FontMissingError(str(FONT))
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.add_font(_FAMILY, "", str(FONT))
    pdf.add_font(_FAMILY, "B", str(BOLD_FONT if BOLD_FONT.is_file() else FONT))
    pdf.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="fas")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font(_FAMILY, "B", 18)
    pdf.multi_cell(width, 12, heading or _("Resume: pdf title"), align="R")
    if resume.name:
        pdf.set_font(_FAMILY, "B", 14)
        pdf.multi_cell(width, 10, resume.name, align="R")
    pdf.ln(4)
    for label, value in resume.lines(phone=phone):
        if pdf.get_y() > pdf.h - 40:
            break  # one page
        pdf.set_font(_FAMILY, "B", 12)
        pdf.multi_cell(width, 8, label, align="R")
        pdf.set_font(_FAMILY, "", 12)
        pdf.multi_cell(width, 7, value[:_MAX_VALUE_CHARS], align="R")
        pdf.ln(2)
    pdf.set_y(pdf.h - 20)
    pdf.set_font(_FAMILY, "", 9)
    pdf.multi_cell(width, 6, _("Resume: pdf footer"), align="C")
    return bytes(pdf.output())
