"""A report as Persian text, for a Telegram chat or a terminal: every figure with its splits and targets."""

from __future__ import annotations

from collections import Counter

from karyar.policies import policies
from karyar.reports import labels
from karyar.reports.activity import Activity
from karyar.reports.dimensions import SPLIT_LABELS, Split, value_label
from karyar.reports.figures import Figure, Report, still_working_share
from persian.format import format_number, jalali_datetime, join_list, persian_text

# A split lists at most this many values in the text; the exports and charts have them all.
SHOWN_VALUES = 6


def percent(fraction: float) -> str:
    """0.456 → «۴۵٫۶٪»."""
    return f"{format_number(round(fraction * 100, 1))}٪"


def minutes(value: float) -> str:
    if value < 60:
        return f"{format_number(round(value, 1))} دقیقه"
    return f"{format_number(round(value / 60, 1))} ساعت"


def _split_line(split: Split, counts: Counter[str]) -> str:
    ordered = sorted(counts.items(), key=lambda item: (item[0] == "unknown", -item[1]))
    shown = [f"{value_label(split, value)} {format_number(count)}" for value, count in ordered[:SHOWN_VALUES]]
    rest = len(ordered) - SHOWN_VALUES
    if rest > 0:
        shown.append(f"و {format_number(rest)} مورد دیگر")
    return f"   {SPLIT_LABELS[split]}: {join_list(shown)}"


def _figure_lines(figure: Figure) -> list[str]:
    lines = [f"• {labels.FIGURES[figure.activity]}: {format_number(figure.total)}"]
    if figure.total:
        lines += [_split_line(split, figure.splits[split]) for split in Split]
    if figure.target is not None and figure.year_to_date is not None:
        share = figure.year_to_date / figure.target.target
        lines.append(
            f"   هدف سال {persian_text(str(figure.target.year))}: {format_number(figure.target.target)}؛ "
            f"از آغاز سال {format_number(figure.year_to_date)} ({percent(share)})"
        )
    return lines


def _service_titles() -> dict[str, str]:
    titles: dict[str, str] = {}
    for policy in policies().in_force.values():
        for service in policy.services:
            titles.setdefault(service.id, service.title)
    return titles


def service_title(service: str) -> str:
    return _service_titles().get(service, service)


def text(report: Report) -> str:
    lines = [
        f"📊 گزارش کاریار — {report.period.label}",
        report.scope.label(),
        f"تهیه‌شده در {jalali_datetime(report.generated_at)}",
        "",
        "👥 مددجویان و پرونده‌ها",
    ]
    for activity in Activity:
        lines += _figure_lines(report.figures[activity])
    lines += ["", "✅ نتیجه‌ی بررسی شرایط، به تفکیک خدمت"]
    if not report.eligibility:
        lines.append("   در این دوره بررسی‌ای ثبت نشده است.")
    for service, statuses in sorted(report.eligibility.items(), key=lambda item: -sum(item[1].values())):
        parts = [
            f"{labels.STATUSES.get(status, status)} {format_number(n)}"
            for status, n in statuses.most_common()
        ]
        lines.append(f"• {service_title(service)}: {join_list(parts)}")
    if report.interests_by_kind:
        parts = [
            f"{labels.INTEREST_KINDS.get(kind, kind)} {format_number(count)}"
            for kind, count in sorted(report.interests_by_kind.items())
        ]
        lines += ["", f"⭐️ علاقه‌ها: {join_list(parts)}"]
    lines += ["", *_handoff_lines(report), "", *_follow_up_lines(report), "", *_broadcast_lines(report)]
    messages = [
        f"{name} {format_number(report.messages.get(direction, 0))}"
        for direction, name in labels.DIRECTIONS.items()
    ]
    lines += ["", f"💬 پیام‌ها: {join_list(messages)}"]
    return "\n".join(lines)


def _handoff_lines(report: Report) -> list[str]:
    handoffs = report.handoffs
    lines = [
        f"🤝 ارجاع به مشاور: {format_number(handoffs.requested)} درخواست، {format_number(handoffs.claimed)} پذیرفته"
    ]
    if handoffs.median_wait_minutes is not None and handoffs.p90_wait_minutes is not None:
        lines.append(
            f"   انتظار تا پذیرش: میانه {minutes(handoffs.median_wait_minutes)}، "
            f"۹۰ درصد تا {minutes(handoffs.p90_wait_minutes)}"
        )
    if handoffs.share_within_target is not None:
        lines.append(
            f"   پذیرفته در {minutes(handoffs.target_minutes)} نخست: {percent(handoffs.share_within_target)}"
        )
    if handoffs.outcomes:
        parts = [
            f"{labels.OUTCOMES.get(outcome, outcome)} {format_number(count)}"
            for outcome, count in sorted(handoffs.outcomes.items(), key=lambda item: -item[1])
        ]
        lines.append(f"   نتیجه‌ها: {join_list(parts)}")
    if handoffs.average_rating is not None:
        lines.append(
            f"   میانگین امتیاز مددجویان: {format_number(round(handoffs.average_rating, 1))} از ۵ "
            f"({format_number(handoffs.ratings)} امتیاز)"
        )
    return lines


def _follow_up_lines(report: Report) -> list[str]:
    lines = ["📞 پیگیری پس از اشتغال یا آموزش (پاسخ‌های این دوره)"]
    for months, answers in sorted(report.follow_ups.items()):
        share = still_working_share(answers)
        answered = format_number(sum(answers.values()))
        state = "پاسخی نیامده" if share is None else f"{percent(share)} هنوز سر کار، از {answered} پاسخ"
        lines.append(f"• {format_number(months)} ماه پس از شروع: {state}")
    return lines


def _broadcast_lines(report: Report) -> list[str]:
    broadcasts = report.broadcasts
    return [
        f"📣 اطلاعیه‌ها: {format_number(broadcasts.broadcasts)} اطلاعیه، {format_number(broadcasts.delivered)} رسیده، "
        f"{format_number(broadcasts.blocked)} مسدود، {format_number(broadcasts.presses)} بار زدن دکمه "
        f"({format_number(broadcasts.pressing_clients)} نفر)"
    ]
