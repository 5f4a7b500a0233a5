"""Names of a report's figures, steps and values, shared by the summary, the charts and the exports."""

from __future__ import annotations

from karyar.db.models import DeliveryStatus, FollowUpAnswer, HandoffOutcome
from karyar.reports.activity import Activity
from karyar.reports.dimensions import UNKNOWN_LABEL
from karyar.texts import _

FIGURES: dict[str, str] = {
    Activity.NEW_CLIENTS: _("Report figure: new clients"),
    Activity.CONSENTS: _("Report figure: consents"),
    Activity.ELIGIBILITY_CHECKS: _("Report figure: eligibility checks"),
    Activity.INTERESTS: _("Report figure: interests"),
    Activity.HANDOFFS: _("Report figure: handoffs"),
    Activity.TRAINING_STARTS: _("Report figure: training starts"),
    Activity.PLACEMENTS: _("Report figure: placements"),
}
FOR_A_MEMBER = _("Report figure: for a family member")
FOR_WHOM = _("Report split: for whom")
FUNNEL: dict[str, str] = {
    "started": _("Report funnel: started"),
    "consented": _("Report funnel: consented"),
    "checked": _("Report funnel: checked"),
    "interested": _("Report funnel: interested"),
    "handed_off": _("Report funnel: handed off"),
    "placed": _("Report funnel: placed"),
}
STATUSES: dict[str, str] = {
    "eligible": _("Report eligibility: eligible"),
    "not_eligible": _("Report eligibility: not eligible"),
    "needs_info": _("Report eligibility: needs information"),
}
INTEREST_KINDS: dict[str, str] = {
    "course": _("Report interest: course"),
    "job": _("Report interest: job"),
    "unknown": UNKNOWN_LABEL,
}
OUTCOMES: dict[str, str] = {
    HandoffOutcome.REFERRED_TRAINING: _("Report handoff outcome: referred to training"),
    HandoffOutcome.REFERRED_JOB: _("Report handoff outcome: referred to a job"),
    HandoffOutcome.LOAN_FILE: _("Report handoff outcome: loan file"),
    HandoffOutcome.INFORMATION: _("Report handoff outcome: information"),
    HandoffOutcome.NOT_REACHABLE: _("Report handoff outcome: not reachable"),
    HandoffOutcome.OTHER: _("Report handoff outcome: other"),
}
ANSWERS: dict[str, str] = {
    FollowUpAnswer.WORKING: _("Report follow-up: still working"),
    FollowUpAnswer.STOPPED: _("Report follow-up: stopped"),
    FollowUpAnswer.PROBLEM: _("Report follow-up: problem"),
}
DELIVERIES: dict[str, str] = {
    DeliveryStatus.SENT: _("Report delivery: sent"),
    DeliveryStatus.BLOCKED: _("Report delivery: blocked"),
    DeliveryStatus.CHAT_MISSING: _("Report delivery: chat missing"),
    DeliveryStatus.FAILED: _("Report delivery: failed"),
    DeliveryStatus.SKIPPED: _("Report delivery: skipped"),
    DeliveryStatus.CANCELLED: _("Report delivery: cancelled"),
    DeliveryStatus.PENDING: _("Report delivery: pending"),
    DeliveryStatus.SENDING: _("Report delivery: sending"),
}
DIRECTIONS: dict[str, str] = {
    "in": _("Report messages: from clients"),
    "out": _("Report messages: from Karyar"),
}
TREND_SERIES: dict[Activity, str] = {
    Activity.NEW_CLIENTS: FIGURES[Activity.NEW_CLIENTS],
    Activity.HANDOFFS: FIGURES[Activity.HANDOFFS],
    Activity.PLACEMENTS: FUNNEL["placed"],
}
