"""A report as Persian text, for a Telegram chat or a terminal: every figure with its splits and targets."""

from __future__ import annotations

from collections import Counter

from karyar.employers import cards
from karyar.members import member_label
from karyar.policies import policies
from karyar.reports import labels
from karyar.reports.activity import Activity
from karyar.reports.dimensions import SPLIT_LABELS, Split, value_label
from karyar.reports.family import FamilyFigures
from karyar.reports.figures import Figure, Report, still_working_share
from karyar.texts import _
from persian import format as persian_format
from persian.format import format_number, jalali_datetime, join_list, persian_text

# A split lists at most this many values in the text; the exports and charts have them all.
SHOWN_VALUES = 6
# The lines under a heading or a figure.
INDENT = "   "


def percent(fraction: float) -> str:
    """0.456 → «۴۵٫۶٪». Rounded to a tenth of a percent as Python rounds the float; the formatter alone
    would round the decimal half to even (1.15 to 1.2 where Python gives 1.1)."""
    return persian_format.percent(round(fraction * 100, 1) / 100)


def minutes(value: float) -> str:
    if value < 60:
        return _("Report: minutes").format(minutes=format_number(round(value, 1)))
    return _("Report: hours").format(hours=format_number(round(value / 60, 1)))


def _split_line(split: Split, counts: Counter[str]) -> str:
    ordered = sorted(counts.items(), key=lambda item: (item[0] == "unknown", -item[1]))
    shown = [f"{value_label(split, value)} {format_number(count)}" for value, count in ordered[:SHOWN_VALUES]]
    rest = len(ordered) - SHOWN_VALUES
    if rest > 0:
        shown.append(_("Report: and more").format(count=format_number(rest)))
    return f"{INDENT}{SPLIT_LABELS[split]}: {join_list(shown)}"


def _figure_lines(figure: Figure) -> list[str]:
    lines = [f"• {labels.FIGURES[figure.activity]}: {format_number(figure.total)}"]
    if figure.total:
        lines += [_split_line(split, figure.splits[split]) for split in Split]
    if figure.target is not None and figure.year_to_date is not None:
        share = figure.year_to_date / figure.target.target
        target = _("Report: target of the year").format(
            year=persian_text(str(figure.target.year)),
            target=format_number(figure.target.target),
            done=format_number(figure.year_to_date),
            share=percent(share),
        )
        lines.append(INDENT + target)
    return lines


def _family_lines(family: FamilyFigures) -> list[str]:
    lines = [f"• {labels.FOR_A_MEMBER}: {format_number(family.clients)}"]
    asked = sorted(((member, n) for member, n in family.ordered() if n), key=lambda item: -item[1])
    if asked:
        parts = [f"{member_label(member)} {format_number(count)}" for member, count in asked]
        lines.append(f"{INDENT}{labels.FOR_WHOM}: {join_list(parts)}")
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
        _("Report: heading").format(period=report.period.label),
        report.scope.label(),
        _("Report: made at").format(moment=jalali_datetime(report.generated_at)),
        "",
        _("Report: clients heading"),
    ]
    for activity in Activity:
        lines += _figure_lines(report.figures[activity])
    lines += _family_lines(report.family)
    lines += ["", _("Report: eligibility heading")]
    if not report.eligibility:
        lines.append(INDENT + _("Report: no eligibility checks"))
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
        lines += ["", _("Report: interests").format(interests=join_list(parts))]
    lines += ["", *_handoff_lines(report), "", *_follow_up_lines(report), "", *_broadcast_lines(report)]
    lines += ["", _employer_line(report)]
    messages = [
        f"{name} {format_number(report.messages.get(direction, 0))}"
        for direction, name in labels.DIRECTIONS.items()
    ]
    lines += ["", _("Report: messages").format(messages=join_list(messages))]
    return "\n".join(lines)


def _handoff_lines(report: Report) -> list[str]:
    handoffs = report.handoffs
    lines = [
        _("Report: handoffs").format(
            requested=format_number(handoffs.requested), claimed=format_number(handoffs.claimed)
        )
    ]
    if handoffs.median_wait_minutes is not None and handoffs.p90_wait_minutes is not None:
        wait = _("Report: wait until claimed").format(
            median=minutes(handoffs.median_wait_minutes), p90=minutes(handoffs.p90_wait_minutes)
        )
        lines.append(INDENT + wait)
    if handoffs.share_within_target is not None:
        within = _("Report: claimed within the target").format(
            minutes=minutes(handoffs.target_minutes), share=percent(handoffs.share_within_target)
        )
        lines.append(INDENT + within)
    if handoffs.outcomes:
        parts = [
            f"{labels.OUTCOMES.get(outcome, outcome)} {format_number(count)}"
            for outcome, count in sorted(handoffs.outcomes.items(), key=lambda item: -item[1])
        ]
        lines.append(INDENT + _("Report: handoff outcomes").format(outcomes=join_list(parts)))
    if handoffs.average_rating is not None:
        rating = _("Report: average rating").format(
            rating=format_number(round(handoffs.average_rating, 1)), ratings=format_number(handoffs.ratings)
        )
        lines.append(INDENT + rating)
    return lines


def _follow_up_lines(report: Report) -> list[str]:
    lines = [_("Report: follow-ups heading")]
    for months, answers in sorted(report.follow_ups.items()):
        share = still_working_share(answers)
        answered = format_number(sum(answers.values()))
        state = (
            _("Report: no follow-up answer")
            if share is None
            else _("Report: still working").format(share=percent(share), answered=answered)
        )
        line = _("Report: follow-up months after the start").format(months=format_number(months), state=state)
        lines.append(f"• {line}")
    return lines


def _broadcast_lines(report: Report) -> list[str]:
    broadcasts = report.broadcasts
    return [
        _("Report: broadcasts").format(
            broadcasts=format_number(broadcasts.broadcasts),
            delivered=format_number(broadcasts.delivered),
            blocked=format_number(broadcasts.blocked),
            presses=format_number(broadcasts.presses),
            people=format_number(broadcasts.pressing_clients),
        )
    ]


def _employer_line(report: Report) -> str:
    employers = report.employers
    if not employers.posted:
        return _("Report: no employer openings")
    statuses = [
        f"{label} {format_number(employers.by_status.get(status, 0))}"
        for status, label in cards.STATUS.items()
    ]
    line = _("Report: employer openings").format(
        posted=format_number(employers.posted), statuses=join_list(statuses)
    )
    if employers.median_days_to_first_interest is not None:
        line += " " + _("Report: employer first interest").format(
            openings=format_number(employers.with_interest),
            days=format_number(employers.median_days_to_first_interest),
        )
    return line
