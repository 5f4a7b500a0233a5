"""An assessment as a short Persian message a client reads on a phone (and a counsellor sees on the case)."""

from __future__ import annotations

from karyar.eligibility.model import Assessment, ServiceResult, Status
from karyar.texts import _
from karyar.vocabulary import FACT_LABELS
from persian.format import join_list, persian_text


def _eligible_line(result: ServiceResult) -> str:
    line = f"• {result.title}"
    if result.conditions:
        line += "\n   " + _("Eligibility: conditions").format(conditions=join_list(list(result.conditions)))
    return line


def _missing_line(result: ServiceResult) -> str:
    facts = [FACT_LABELS.get(name, name) for name in result.missing]
    needed = " " + _("Eligibility: facts needed").format(facts=join_list(facts)) if facts else ""
    return f"• {result.title}{needed}"


def _not_eligible_line(result: ServiceResult) -> str:
    return f"• {result.title}" + (f": {result.reasons[0]}" if result.reasons else "")


def summary_text(assessment: Assessment, *, heading: str) -> str:
    """Eligible services with their conditions, then what needs more facts, then what does not apply."""
    parts = [heading]
    eligible = assessment.by_status(Status.ELIGIBLE)
    if eligible:
        parts.append(_("Eligibility: eligible") + "\n" + "\n".join(_eligible_line(r) for r in eligible))
    needs_info = assessment.by_status(Status.NEEDS_INFO)
    if needs_info:
        parts.append(_("Eligibility: needs info") + "\n" + "\n".join(_missing_line(r) for r in needs_info))
    not_eligible = assessment.by_status(Status.NOT_ELIGIBLE)
    if not_eligible:
        parts.append(
            _("Eligibility: not eligible") + "\n" + "\n".join(_not_eligible_line(r) for r in not_eligible)
        )
    if assessment.priority is not None:
        priority = assessment.priority
        if priority.sub_title:
            line = _("Eligibility: priority in a sub-group").format(
                title=priority.title, rank=priority.rank, sub_title=priority.sub_title
            )
        else:
            line = _("Eligibility: priority").format(title=priority.title, rank=priority.rank)
        parts.append(line)
    next_steps = [step for result in eligible for step in result.next_steps]
    if next_steps:
        parts.append(_("Eligibility: next step").format(step=next_steps[0]))
    parts.append(_("Eligibility: disclaimer"))
    return persian_text("\n\n".join(parts))


def _bullets(heading: str, lines: list[str]) -> str | None:
    """A heading and each line once, in order; None when there is nothing to say."""
    unique = list(dict.fromkeys(lines))
    if not unique:
        return None
    return persian_text(heading + "\n" + "\n".join(f"• {line}" for line in unique))


def documents_text(assessment: Assessment) -> str | None:
    """The documents the eligible services ask for, then their conditions (letters), each once; None when
    nothing is eligible yet."""
    eligible = assessment.by_status(Status.ELIGIBLE)
    text = _bullets(
        _("Eligibility: documents"),
        [d for result in eligible for d in result.documents]
        + [c for result in eligible for c in result.conditions],
    )
    return None if text is None else text + "\n\n" + _("Eligibility: documents final list")


def good_to_know_text(assessment: Assessment) -> str | None:
    """How the eligible services work (e.g. the employer's insurance incentives for a placement) and what
    the client must fulfil (e.g. the consent letter)."""
    lines = [
        line
        for result in assessment.by_status(Status.ELIGIBLE)
        for line in (*result.notes, *result.conditions)
    ]
    return _bullets(_("Eligibility: good to know"), lines)


def result_record(assessment: Assessment, *, topic: str) -> dict[str, object]:
    """What goes on the case timeline: the status of each service and the priority, no free text."""
    return {
        "topic": topic,
        "organisation": assessment.organisation,
        "policy_effective_from": assessment.policy_effective_from,
        "services": {result.service: result.status.value for result in assessment.services},
        "priority": None
        if assessment.priority is None
        else {
            "group": assessment.priority.group,
            "rank": assessment.priority.rank,
            "sub_group": assessment.priority.sub_group,
        },
    }
