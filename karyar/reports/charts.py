"""A report's charts as PNG images for a phone screen: the client funnel, a weekly trend, provinces.

matplotlib draws characters one by one, left to right, so Persian would come out as separate letters in
the wrong order. Every label is first given its joined letter forms (arabic_reshaper) and then laid out
right to left (python-bidi), with Persian digits. DejaVu Sans, which matplotlib ships, has those forms;
Vazirmatn is used instead where it is installed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

import arabic_reshaper
import matplotlib

matplotlib.use("Agg")  # no display on a server

from bidi import get_display
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from karyar.reports import labels, periods
from karyar.reports.activity import Activity
from karyar.reports.dimensions import Split, value_label
from karyar.reports.figures import Report
from karyar.texts import _
from persian.format import format_number, persian_text

PREFERRED_FONT = "Vazirmatn"
FALLBACK_FONT = "DejaVu Sans"
# Wide enough for long province names, small enough to be sharp on a phone without zooming.
SIZE_INCHES = (7.2, 5.4)
DPI = 150
COLOURS = ("#1b7f79", "#e0873a", "#5b5ea6", "#c44e52", "#8c8c8c", "#55a868")
PROVINCES_SHOWN = 15


def shape(text: str) -> str:
    """Persian text as matplotlib must be given it: joined letters, visual right-to-left order."""
    lines = persian_text(text).split("\n")  # bidi reorders within a line; lines keep their order
    # Once the letters have their forms the half-space has done its work; fonts often have no glyph for it.
    return "\n".join(str(get_display(arabic_reshaper.reshape(line))).replace("\u200c", "") for line in lines)


@dataclass(frozen=True, slots=True)
class Chart:
    name: str  # file name without extension: funnel, trend, provinces
    title: str  # Persian, unshaped (for captions)
    png: bytes


@cache
def font() -> str:
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return PREFERRED_FONT if PREFERRED_FONT in installed else FALLBACK_FONT


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI)
    return figure, figure.add_subplot()


def _finish(figure: Figure, axes: Axes, *, title: str, subtitle: str) -> bytes:
    axes.set_title(shape(f"{title}\n{subtitle}"), fontsize=13, loc="center")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _persian_ticks(value: float, _: object) -> str:
    return format_number(int(value)) if value == int(value) else ""


def _bar_labels(axes: Axes, bars: BarContainer, values: list[int]) -> None:
    axes.bar_label(bars, labels=[format_number(value) for value in values], padding=3, fontsize=10)


def funnel(report: Report) -> Chart:
    title = _("Report chart: funnel")
    steps = [labels.FUNNEL[step] for step, _ in report.funnel]
    values = [count for _, count in report.funnel]
    figure, axes = _figure()
    positions = list(range(len(steps)))[::-1]  # the first step on top
    bars = axes.barh(positions, values, color=COLOURS[0])
    _bar_labels(axes, bars, values)
    axes.set_yticks(positions, [shape(step) for step in steps], fontsize=11)
    axes.xaxis.set_major_formatter(FuncFormatter(_persian_ticks))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    subtitle = _("Report chart: funnel subtitle").format(period=report.period.label)
    return Chart("funnel", title, _finish(figure, axes, title=title, subtitle=subtitle))


def trend(report: Report) -> Chart:
    title = _("Report chart: trend")
    figure, axes = _figure()
    ticks = list(range(len(report.trend)))
    for colour, series in zip(COLOURS, labels.TREND_SERIES, strict=False):
        values = [week.counts.get(series, 0) for week in report.trend]
        axes.plot(ticks, values, marker="o", color=colour, label=shape(labels.TREND_SERIES[series]))
    every = max(1, len(ticks) // 8)
    axes.set_xticks(
        ticks[::every], [shape(periods.week_label(week.start)) for week in report.trend][::every], fontsize=9
    )
    axes.yaxis.set_major_formatter(FuncFormatter(_persian_ticks))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.legend(loc="best", fontsize=10)
    axes.set_xlabel(shape(_("Report chart: week starting")), fontsize=10)
    return Chart("trend", title, _finish(figure, axes, title=title, subtitle=report.period.label))


def provinces(report: Report) -> Chart:
    title = _("Report chart: provinces")
    new = report.figures[Activity.NEW_CLIENTS].splits[Split.PROVINCE]
    placed = report.figures[Activity.PLACEMENTS].splits[Split.PROVINCE]
    names = sorted(
        (name for name in set(new) | set(placed) if name != "unknown"),
        key=lambda name: (-placed[name], -new[name]),
    )[:PROVINCES_SHOWN]
    figure, axes = _figure()
    positions = list(range(len(names)))[::-1]
    height = 0.4
    new_bars = axes.barh(
        [p + height / 2 for p in positions],
        [new[n] for n in names],
        height,
        color=COLOURS[0],
        label=shape(labels.FIGURES[Activity.NEW_CLIENTS]),
    )
    placed_bars = axes.barh(
        [p - height / 2 for p in positions],
        [placed[n] for n in names],
        height,
        color=COLOURS[1],
        label=shape(labels.FIGURES[Activity.PLACEMENTS]),
    )
    _bar_labels(axes, new_bars, [new[n] for n in names])
    _bar_labels(axes, placed_bars, [placed[n] for n in names])
    axes.set_yticks(positions, [shape(value_label(Split.PROVINCE, n)) for n in names], fontsize=9)
    axes.xaxis.set_major_formatter(FuncFormatter(_persian_ticks))
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if names:
        axes.legend(loc="best", fontsize=9)
    else:
        no_data = shape(_("Report chart: no data"))
        axes.text(0.5, 0.5, no_data, ha="center", va="center", transform=axes.transAxes)
    subtitle = _("Report chart: provinces subtitle").format(period=report.period.label, count=len(names))
    return Chart("provinces", title, _finish(figure, axes, title=title, subtitle=subtitle))


def all_charts(report: Report) -> list[Chart]:
    with matplotlib.rc_context({"font.family": font()}):
        return [funnel(report), trend(report), provinces(report)]
