"""What staff see of a broadcast: the progress message (edited while it is sent) with its pause, resume
and cancel buttons, and the report when it is over.

Buttons carry "bs:<broadcast id>:<action>"; the staff handlers check who presses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from karyar.broadcast.report import Progress, Report
from karyar.clock import now
from karyar.db.models import Broadcast, BroadcastStatus
from karyar.texts import _
from persian.format import format_number, jalali_datetime, percent

BAR_WIDTH = 10
ACTIONS = ("pause", "resume", "cancel", "report", "approve", "reject")
_CONTROL = re.compile(rf"^bs:(\d{{1,18}}):({'|'.join(ACTIONS)})$")
CONTROL_PATTERN = r"^bs:"


@dataclass(frozen=True, slots=True)
class Control:
    broadcast_id: int
    action: str


def control_data(broadcast_id: int, action: str) -> str:
    assert action in ACTIONS, action
    return f"bs:{broadcast_id}:{action}"


def parse_control(data: str | None) -> Control | None:
    match = _CONTROL.match(data or "")
    return Control(int(match[1]), match[2]) if match else None


def status_label(status: str) -> str:
    labels: dict[str, str] = {
        BroadcastStatus.DRAFT: _("Broadcast status: draft"),
        BroadcastStatus.AWAITING_APPROVAL: _("Broadcast status: awaiting approval"),
        BroadcastStatus.SCHEDULED: _("Broadcast status: scheduled"),
        BroadcastStatus.SENDING: _("Broadcast status: sending"),
        BroadcastStatus.PAUSED: _("Broadcast status: paused"),
        BroadcastStatus.CANCELLED: _("Broadcast status: cancelled"),
        BroadcastStatus.REJECTED: _("Broadcast status: rejected"),
        BroadcastStatus.DONE: _("Broadcast status: done"),
    }
    return labels.get(status, status)


def bar(fraction: float) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * BAR_WIDTH)
    return "▓" * filled + "░" * (BAR_WIDTH - filled)


def finish_estimate(progress: Progress, rate_per_second: float) -> datetime:
    return now() + timedelta(seconds=progress.remaining / rate_per_second)


def progress_text(broadcast: Broadcast, progress: Progress, *, rate_per_second: float) -> str:
    lines = [
        _("Broadcast progress: title").format(
            number=format_number(broadcast.id), status=status_label(broadcast.status)
        ),
        # Whole percents: the bar moves a tenth at a time, so a decimal would only flicker.
        f"{bar(progress.fraction)} {percent(round(progress.fraction * 100) / 100)}",
        _("Broadcast progress: counts").format(
            sent=format_number(progress.sent),
            total=format_number(progress.total),
            blocked=format_number(progress.blocked),
            failed=format_number(progress.failed),
        ),
    ]
    if broadcast.status == BroadcastStatus.SENDING and progress.remaining:
        lines.append(
            _("Broadcast progress: finish").format(
                when=jalali_datetime(finish_estimate(progress, rate_per_second))
            )
        )
    if broadcast.status == BroadcastStatus.SCHEDULED and broadcast.send_at is not None:
        lines.append(_("Broadcast progress: starts").format(when=jalali_datetime(broadcast.send_at)))
    if broadcast.status == BroadcastStatus.PAUSED and broadcast.pause_reason:
        lines.append(_("Broadcast progress: paused because").format(reason=broadcast.pause_reason))
    return "\n".join(lines)


def progress_keyboard(broadcast: Broadcast) -> InlineKeyboardMarkup | None:
    """Pause or resume, and cancel, while there is something to stop; the report once it is over."""
    status = broadcast.status
    row = []
    if status in (BroadcastStatus.SENDING, BroadcastStatus.SCHEDULED):
        row.append(
            InlineKeyboardButton(
                _("Broadcast button: pause"), callback_data=control_data(broadcast.id, "pause")
            )
        )
    if status == BroadcastStatus.PAUSED:
        row.append(
            InlineKeyboardButton(
                _("Broadcast button: resume"), callback_data=control_data(broadcast.id, "resume")
            )
        )
    if status in (
        BroadcastStatus.AWAITING_APPROVAL,
        BroadcastStatus.SENDING,
        BroadcastStatus.SCHEDULED,
        BroadcastStatus.PAUSED,
    ):
        row.append(
            InlineKeyboardButton(
                _("Broadcast button: cancel"), callback_data=control_data(broadcast.id, "cancel")
            )
        )
    if status in (BroadcastStatus.DONE, BroadcastStatus.CANCELLED):
        row.append(
            InlineKeyboardButton(
                _("Broadcast button: report"), callback_data=control_data(broadcast.id, "report")
            )
        )
    return InlineKeyboardMarkup([row]) if row else None


def report_text(report: Report) -> str:
    progress = report.progress
    lines = [
        _("Broadcast report: title").format(
            number=format_number(report.broadcast.id), status=status_label(report.broadcast.status)
        ),
        _("Broadcast report: recipients").format(total=format_number(progress.total)),
        _("Broadcast report: delivered").format(count=format_number(progress.sent)),
        _("Broadcast report: blocked").format(count=format_number(progress.blocked)),
        _("Broadcast report: not sent").format(count=format_number(progress.skipped + progress.remaining)),
        _("Broadcast report: failed").format(count=format_number(progress.failed)),
    ]
    lines += [f"  • {reason}: {format_number(count)}" for reason, count in report.failures]
    if report.presses:
        lines.append(_("Broadcast report: presses"))
        lines += [f"  • {title}: {format_number(count)}" for title, count in report.presses]
    lines.append(_("Broadcast report: unsubscribed").format(count=format_number(report.unsubscribed)))
    return "\n".join(lines)
