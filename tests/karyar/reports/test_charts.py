"""Report charts: Persian labels reach matplotlib with joined letter forms in right-to-left order, the font
has a glyph for every character drawn, and each image decodes at a size a phone shows sharply."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.text import Text
from PIL import Image

from bench.history import HistoryShape, generate
from karyar.catalogue.reference import places
from karyar.db.engine import Database
from karyar.reports import charts, figures, periods
from karyar.reports.figures import Report
from karyar.reports.scope import Scope

# Persian letters as typed (the Arabic block); after shaping none may be left, only presentation forms.
UNSHAPED = {chr(code) for code in range(0x0621, 0x064B)} | set("پچژگکیۀ")


def _report(db: Database, period: str = "1405/08") -> Report:
    with db.unit_of_work() as session:
        return figures.build(session, period=periods.parse(period), scope=Scope())


@pytest.fixture
def report(db: Database) -> Report:
    end = datetime(2026, 11, 30, tzinfo=UTC)
    generate(
        db, HistoryShape(clients=600, messages_per_client=0, start=datetime(2026, 6, 1, tzinfo=UTC), end=end)
    )
    return _report(db)


@pytest.fixture
def drawn_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text matplotlib is asked to draw in the charts made during the test."""
    texts: list[str] = []
    finish: Callable[..., bytes] = charts._finish

    def recording(figure: Any, axes: Any, **kwargs: str) -> bytes:
        png = finish(figure, axes, **kwargs)
        texts.extend(t.get_text() for t in figure.findobj(Text) if t.get_text().strip())
        return png

    monkeypatch.setattr(charts, "_finish", recording)
    return texts


def test_shaping_joins_letters_and_orders_them_right_to_left() -> None:
    shaped = charts.shape("آغاز گفتگو")
    assert not set(shaped) & UNSHAPED
    assert all(unicodedata.name(c).startswith("ARABIC LETTER") or c == " " for c in shaped)
    assert unicodedata.name(shaped[0]).endswith("FINAL FORM")  # the last letter, و, is drawn leftmost
    # Read from the right: the year, then the month; the digits stay a left-to-right run, in Persian digits.
    assert charts.shape("۱۴۰۵ آبان") == "ﻥﺎﺑﺁ ۱۴۰۵"
    assert charts.shape("آبان 1405") == "۱۴۰۵ ﻥﺎﺑﺁ"
    # Lines keep their order; each is laid out on its own.
    assert charts.shape("قیف\nآبان") == f"{charts.shape('قیف')}\n{charts.shape('آبان')}"


def test_every_chart_draws_only_shaped_persian_the_font_can_show(
    report: Report, drawn_texts: list[str]
) -> None:
    made = charts.all_charts(report)
    assert [chart.name for chart in made] == ["funnel", "trend", "provinces"]
    font = TTFont(font_manager.findfont(charts.font()))
    glyphs = set(font.getBestCmap())
    assert len(drawn_texts) > 30  # titles, ticks, bar labels, legends
    for text in drawn_texts:
        assert not set(text) & UNSHAPED, text
        missing = {c for c in text if not c.isspace() and ord(c) not in glyphs}
        assert not missing, (text, missing)
    assert charts.shape("قیف مددجویان\nکسانی که در آبان ۱۴۰۵ آغاز کردند، تا امروز") in drawn_texts
    assert sum(charts.shape(name) in drawn_texts for name in places().provinces) == charts.PROVINCES_SHOWN


def test_images_decode_at_a_phone_friendly_size(report: Report) -> None:
    for chart in charts.all_charts(report):
        image = Image.open(io.BytesIO(chart.png))
        image.load()
        assert image.format == "PNG" and image.size == (1080, 810)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
        assert len(colours) > 50, chart.name  # drawn, not a blank canvas


def test_charts_of_an_empty_period_still_render(db: Database) -> None:
    for chart in charts.all_charts(_report(db, "1405/08/01 تا 1405/08/02")):
        assert Image.open(io.BytesIO(chart.png)).size == (1080, 810)
