"""Persian names of reasons, stages, outcomes, results and timeline entries, for counsellor screens."""

from __future__ import annotations

from karyar.db.models import CaseEventKind, CaseStage, FollowUpAnswer, HandoffOutcome, HandoffReason
from karyar.texts import _
from karyar.wellbeing.distress import DistressKind


def reason_label(reason: str) -> str:
    labels: dict[str, str] = {
        HandoffReason.CLIENT_REQUEST: _("Reason: client request"),
        HandoffReason.NOT_UNDERSTOOD: _("Reason: not understood"),
        HandoffReason.JUDGEMENT: _("Reason: judgement"),
        HandoffReason.INTEREST: _("Reason: interest"),
        HandoffReason.FOLLOW_UP: _("Reason: follow-up"),
        HandoffReason.COMPLAINT: _("Reason: complaint"),
        HandoffReason.DISTRESS: _("Reason: distress"),
    }
    return labels.get(reason, reason)


def stage_label(stage: str) -> str:
    labels: dict[str, str] = {
        CaseStage.INTAKE: _("Stage: intake"),
        CaseStage.ASSESSMENT: _("Stage: assessment"),
        CaseStage.COUNSELLING: _("Stage: counselling"),
        CaseStage.TRAINING: _("Stage: training"),
        CaseStage.PLACEMENT: _("Stage: placement"),
        CaseStage.FOLLOW_UP: _("Stage: follow-up"),
        CaseStage.CLOSED: _("Stage: closed"),
    }
    return labels.get(stage, stage)


def outcome_labels() -> dict[HandoffOutcome, str]:
    return {
        HandoffOutcome.REFERRED_TRAINING: _("Outcome: referred to training"),
        HandoffOutcome.REFERRED_JOB: _("Outcome: referred to a job"),
        HandoffOutcome.LOAN_FILE: _("Outcome: loan file opened"),
        HandoffOutcome.INFORMATION: _("Outcome: information given"),
        HandoffOutcome.NOT_REACHABLE: _("Outcome: not reachable"),
        HandoffOutcome.OTHER: _("Outcome: other"),
    }


def outcome_label(outcome: str) -> str:
    labels = {str(outcome): label for outcome, label in outcome_labels().items()}
    return labels.get(outcome, outcome)


def result_label(status: str) -> str:
    labels: dict[str, str] = {
        "eligible": _("Result: eligible"),
        "not_eligible": _("Result: not eligible"),
        "needs_info": _("Result: needs information"),
    }
    return labels.get(status, status)


def follow_up_answer_labels() -> dict[FollowUpAnswer, str]:
    return {
        FollowUpAnswer.WORKING: _("Follow-up: still working"),
        FollowUpAnswer.STOPPED: _("Follow-up: stopped"),
        FollowUpAnswer.PROBLEM: _("Follow-up: problem"),
    }


def event_label(kind: str) -> str:
    labels: dict[str, str] = {
        CaseEventKind.ELIGIBILITY_RESULT: _("Event: eligibility result"),
        CaseEventKind.INTEREST: _("Event: interest"),
        CaseEventKind.HANDOFF_REQUESTED: _("Event: handoff requested"),
        CaseEventKind.HANDOFF_CANCELLED: _("Event: handoff cancelled"),
        CaseEventKind.HANDOFF_ESCALATED: _("Event: handoff escalated"),
        CaseEventKind.HANDOFF_CLAIMED: _("Event: handoff claimed"),
        CaseEventKind.HANDOFF_TRANSFERRED: _("Event: handoff transferred"),
        CaseEventKind.HANDOFF_CLOSED: _("Event: handoff closed"),
        CaseEventKind.NOTE: _("Event: note"),
        CaseEventKind.RATING: _("Event: rating"),
        CaseEventKind.PLACEMENT: _("Event: placement"),
        CaseEventKind.TRAINING_START: _("Event: training start"),
        CaseEventKind.FOLLOW_UP_ANSWER: _("Event: follow-up answer"),
        CaseEventKind.DISTRESS: _("Event: distress"),
    }
    return labels.get(kind, kind)


def distress_label(kind: DistressKind) -> str:
    labels: dict[DistressKind, str] = {
        DistressKind.SELF_HARM: _("Distress: self-harm"),
        DistressKind.VIOLENCE: _("Distress: violence"),
        DistressKind.PRISON: _("Distress: prison"),
        DistressKind.EVICTION: _("Distress: eviction"),
        DistressKind.HUNGER: _("Distress: hunger"),
        DistressKind.ILLNESS: _("Distress: illness"),
        DistressKind.DESPAIR: _("Distress: despair"),
    }
    return labels[kind]
