"""An assessment as a short Persian message a client reads on a phone (and a counsellor sees on the case)."""

from __future__ import annotations

from karyar.eligibility.model import Assessment, ServiceResult, Status
from karyar.texts import _
from karyar.vocabulary import FACT_LABELS
from persian.format import join_list, persian_text

# Kinds of service whose turn follows the priority order (seed 000, §4-2): saying the client's group when
# one of them is discussed tells them where they stand and why they may wait.
_KINDS_IN_PRIORITY_ORDER = frozenset({"loan", "capital", "placement"})


def _eligible_line(result: ServiceResult) -> str:
    line = f"• {result.title}"
    if result.conditions:
        # Each condition is a sentence; in one line they are a list, without a full stop before each comma.
        conditions = join_list([condition.rstrip(".") for condition in result.conditions])
        line += "\n   " + _("Eligibility: conditions").format(conditions=conditions)
    return line


def _what_fits(assessment: Assessment) -> list[ServiceResult]:
    """The eligible services, with only the plan type that suits the client when one does."""
    eligible = assessment.by_status(Status.ELIGIBLE)
    lead = any(result.option and result.suggested for result in eligible)
    return [result for result in eligible if not (lead and result.option and not result.suggested)]


def _both(phrases: tuple[str, ...]) -> str:
    """«سن شما و اینکه …»: the phrases as one list, the last joined with «و»."""
    if len(phrases) < 2:
        return "".join(phrases)
    return _("Eligibility: A and B").format(first=join_list(list(phrases[:-1])), second=phrases[-1])


def _plan_types_line(options: list[ServiceResult]) -> str:
    """The plan type that suits the client and why, what it is, the other types in one line, and that the
    expert decides; never all types as open to everyone."""
    suggested = [option for option in options if option.suggested]
    if not suggested:
        types = join_list([option.title for option in options])
        return "• " + _("Eligibility: plan types, none suggested").format(types=types)
    lead = suggested[0]
    suits = _("Eligibility: plan type suits you").format(because=_both(lead.suited_because), title=lead.title)
    lines = [f"• {lead.title}", suits, *lead.notes[:1]]
    others = [option.title for option in options if option is not lead]
    if others:
        lines.append(_("Eligibility: other plan types").format(types=join_list(others)))
    lines.append(_("Eligibility: the expert decides the plan type"))
    return "\n   ".join(lines)


def _eligible_lines(eligible: tuple[ServiceResult, ...]) -> list[str]:
    """One line per service; the plan types (options of one service) as one entry, where the first is."""
    options = [result for result in eligible if result.option]
    lines = []
    for result in eligible:
        if not result.option:
            lines.append(_eligible_line(result))
        elif result is options[0]:
            lines.append(_plan_types_line(options))
    return lines


def _missing_line(result: ServiceResult) -> str:
    facts = [FACT_LABELS.get(name, name) for name in result.missing]
    needed = " " + _("Eligibility: facts needed").format(facts=join_list(facts)) if facts else ""
    return f"• {result.title}{needed}"


def _not_eligible_text(not_eligible: tuple[ServiceResult, ...], *, anything_open: bool) -> str:
    """What does not apply, in one line; the reasons only when nothing applies (they are then the answer)."""
    if anything_open:
        return _("Eligibility: not eligible") + " " + join_list([result.title for result in not_eligible])
    reasons = dict.fromkeys(reason for result in not_eligible for reason in result.reasons[:1])
    return _("Eligibility: nothing applies") + "\n" + "\n".join(f"• {reason}" for reason in reasons)


def priority_text(assessment: Assessment) -> str | None:
    """The client's place in the order of service, as a fact about whose turn comes first (never a promise);
    None unless a loan or a placement is open to them and their group is known."""
    priority = assessment.priority
    discussed = any(
        result.kind in _KINDS_IN_PRIORITY_ORDER and result.status != Status.NOT_ELIGIBLE
        for result in assessment.services
    )
    if priority is None or not discussed:
        return None
    if priority.sub_title:
        return _("Eligibility: priority in a sub-group").format(
            title=priority.title,
            rank=priority.rank,
            out_of=priority.out_of,
            sub_title=priority.sub_title,
            sub_rank=priority.sub_rank,
            sub_out_of=priority.sub_out_of,
        )
    return _("Eligibility: priority").format(title=priority.title, rank=priority.rank, out_of=priority.out_of)


def summary_text(assessment: Assessment, *, heading: str) -> str:
    """What fits the client first (with the plan type that suits them), then what needs more facts, then
    one line of what does not apply; the priority order when a loan or placement is open."""
    parts = [heading]
    eligible = assessment.by_status(Status.ELIGIBLE)
    if eligible:
        parts.append(_("Eligibility: eligible") + "\n" + "\n".join(_eligible_lines(eligible)))
    needs_info = assessment.by_status(Status.NEEDS_INFO)
    if needs_info:
        parts.append(_("Eligibility: needs info") + "\n" + "\n".join(_missing_line(r) for r in needs_info))
    not_eligible = assessment.by_status(Status.NOT_ELIGIBLE)
    if not_eligible:
        parts.append(_not_eligible_text(not_eligible, anything_open=bool(eligible or needs_info)))
    if (priority := priority_text(assessment)) is not None:
        parts.append(priority)
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
    """The documents the eligible services ask for, then, apart, the conditions to fulfil (a consent letter
    is a permission, not a paper she has), each once; None when nothing is eligible yet."""
    eligible = assessment.by_status(Status.ELIGIBLE)
    documents = _bullets(_("Eligibility: documents"), [d for result in eligible for d in result.documents])
    conditions = _bullets(
        _("Eligibility: conditions to fulfil"), [c for result in eligible for c in result.conditions]
    )
    parts = [part for part in (documents, conditions) if part is not None]
    if not parts:
        return None
    return "\n\n".join([*parts, _("Eligibility: documents final list")])


def good_to_know_text(assessment: Assessment) -> str | None:
    """How the eligible services work (e.g. the employer's insurance incentives for a placement), what the
    client must fulfil (e.g. the consent letter, only when it is for them) and, with a placement, their
    place in the order of service."""
    lines = [line for result in _what_fits(assessment) for line in (*result.notes, *result.conditions)]
    if (priority := priority_text(assessment)) is not None:
        lines.append(priority)
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
