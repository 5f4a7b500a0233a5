"""Which services a client can apply for, and why: pure rules over a profile and the policies in force.

No I/O, no database, no clock: the policies (already chosen for a day) and the profile are the only inputs.
A rule that cannot be decided yet gives NEEDS_INFO with the facts that would decide it; a declined fact is
never asked again, so its service stays NEEDS_INFO for a counsellor to settle.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from karyar.eligibility import texts
from karyar.eligibility.model import (
    Assessment,
    Priority,
    Profile,
    ServiceResult,
    Status,
    Topic,
)
from karyar.facts import ASKING_ORDER, FACT_BY_NAME, SKIPPED
from karyar.policies import Criterion, Policy, PolicySet, Service
from karyar.policies.schema import PriorityGroup

# Which kinds of service each topic is about; None = all of them.
_TOPIC_KINDS: dict[Topic, frozenset[str] | None] = {
    Topic.ELIGIBILITY: None,
    Topic.COURSES: frozenset({"training", "allowance", "internship"}),
    Topic.JOBS: frozenset({"placement", "insurance"}),
    Topic.LOANS: frozenset({"loan", "capital"}),
}
# Facts a search needs even though no rule depends on them. Gender, because many courses and jobs are for
# women or for men only: unasked, a man would be shown women-only work. It is asked for every search, not
# only when today's list holds such items, since the same facts match the client's alerts on new ones.
_SEARCH_FACTS: dict[Topic, tuple[str, ...]] = {
    Topic.COURSES: ("gender", "field", "province"),
    Topic.JOBS: ("gender", "field", "province", "city"),
}
# Target groups only women are in: a client in one of them is a woman, whether or not she said so.
WOMEN_ONLY_GROUPS = frozenset({"female_head_of_household", "self_supporting_girl"})
# The priority order is about who is served first with loans; asking for it elsewhere would only lengthen
# a course or job search.
_PRIORITY_TOPICS = frozenset({Topic.ELIGIBILITY, Topic.LOANS})
# The criteria that name a fact and list the values that satisfy it (age has bounds, target groups a set).
_CHOICE_FACTS = tuple(
    name for name in Criterion.model_fields if name in FACT_BY_NAME and name != "target_group"
)


@dataclass(frozen=True, slots=True)
class _Check:
    holds: bool | None  # None: cannot tell yet
    missing: tuple[str, ...] = ()


def assess(profile: Profile, policies: PolicySet, *, topic: Topic = Topic.ELIGIBILITY) -> Assessment:
    """Every service of the client's organisation that the topic is about, each with its status and texts.

    Clients of neither organisation (or who have not said) get the general policy's services.
    """
    policy = policies.for_organisation(fact(profile, "organisation"))
    kinds = _TOPIC_KINDS[topic]
    worth_asking: list[str] = [] if fact(profile, "organisation") is not None else ["organisation"]
    results = []
    would_decide_a_suggestion: list[str] = []
    for service in policy.services:
        if kinds is None or service.kind in kinds:
            result, consent_missing, suits_missing = _assess_service(policy, service, profile)
            results.append(result)
            worth_asking += (*result.missing, *consent_missing)
            would_decide_a_suggestion += suits_missing
    # Once one plan type clearly suits the client, questions that would only weigh the others are not
    # worth a message: the counsellor decides the type anyway.
    if not any(result.suggested for result in results):
        worth_asking += would_decide_a_suggestion
    priority, priority_missing = _priority(policy.priority, profile)
    if topic in _PRIORITY_TOPICS:
        worth_asking += priority_missing
    worth_asking += _SEARCH_FACTS.get(topic, ())
    return Assessment(
        organisation=policy.organisation,
        policy_effective_from=policy.effective_from.isoformat(),
        services=tuple(results),
        priority=priority,
        missing=_askable(profile, worth_asking),
    )


def missing_facts(profile: Profile, *, topic: Topic, policies: PolicySet) -> list[str]:
    """The facts still worth asking for this topic, in asking order.

    Only facts that would change a result or a search are listed; known and declined facts never are.
    """
    return list(assess(profile, policies, topic=topic).missing)


def fact(profile: Profile, name: str) -> Any:
    """The known value of a fact by its name, or None when unknown or declined; a gender not said is
    known from a women-only target group."""
    if declined(profile, name):
        return None
    if name == "target_group":
        return profile.target_groups if profile.target_groups_known else None
    if name == "field":
        return profile.fields or None
    if name == "gender" and profile.gender is None and profile.target_groups & WOMEN_ONLY_GROUPS:
        return "female"  # a widow heading her household is not asked whether she is a woman
    return getattr(profile, name)


def declined(profile: Profile, name: str) -> bool:
    """The client chose not to answer (recorded in `skipped`, or a text fact holding SKIPPED)."""
    return name in profile.skipped or getattr(profile, name, None) == SKIPPED


def _assess_service(
    policy: Policy, service: Service, profile: Profile
) -> tuple[ServiceResult, tuple[str, ...], tuple[str, ...]]:
    """The service's result, then the facts that would decide its consent letter and its suggestion."""
    exclusions: list[str] = []
    missing: list[str] = []
    age = fact(profile, "age")
    if age is None:
        missing.append("age")
    elif age < policy.min_age:
        exclusions.append(policy.too_young)
    for requirement in policy.requirements:
        if requirement.services is not None and service.id not in requirement.services:
            continue
        applies = _any(profile, requirement.applies_to)
        must = _any(profile, requirement.must) if applies.holds is not False else _Check(True)
        if applies.holds and must.holds is False:
            exclusions.append(requirement.reason)
        elif not must.holds:
            missing += (*applies.missing, *must.missing)
    audience = _any(profile, service.audience)
    if audience.holds is False:
        exclusions.append(service.not_for_you or "")
    missing += audience.missing

    refused = ServiceResult(
        service=service.id,
        title=service.title,
        kind=service.kind,
        status=Status.NOT_ELIGIBLE,
        reasons=tuple(exclusions),
        notes=tuple(service.notes),
        option=service.suits is not None,
    )
    if exclusions:
        return refused, (), ()

    consent = _any(profile, policy.consents[service.consent].required_for) if service.consent else None
    suits = _any(profile, service.suits) if service.suits is not None else _Check(False)
    conditions = list(service.conditions)
    if service.consent and consent is not None and consent.holds is not False:
        letter = policy.consents[service.consent]
        conditions.append(letter.text if consent.holds else letter.text_when_unsure)
    decisive = tuple(_unique(missing))
    if decisive:
        status = Status.NEEDS_INFO
        reasons = tuple(texts.needs(name, declined=declined(profile, name)) for name in decisive)
    else:
        status = Status.ELIGIBLE
        reasons = tuple(
            text
            for text in (service.for_you, service.suits_you if suits.holds else None, policy.final_say)
            if text
        )
    result = replace(
        refused,
        status=status,
        reasons=reasons,
        missing=decisive,
        conditions=tuple(conditions),
        documents=tuple(service.documents),
        next_steps=tuple(service.next_steps),
        amount_toman=policy.figures[service.amount] if service.amount else None,
        suggested=bool(suits.holds),
        suited_because=_because(profile, service.suits) if suits.holds else (),
        consent_letter=consent.holds if consent is not None else False,
    )
    return result, consent.missing if consent else (), suits.missing


def _priority(groups: list[PriorityGroup], profile: Profile) -> tuple[Priority | None, tuple[str, ...]]:
    """The first group (in rank order) the client is in; undecided while a higher group cannot be ruled out."""
    for rank, group in enumerate(groups, start=1):
        check = _any(profile, group.when)
        if check.holds is None:
            return None, check.missing
        if not check.holds:
            continue
        priority = Priority(group=group.id, title=group.title, rank=rank, out_of=len(groups))
        for sub_rank, sub in enumerate(group.sub_groups, start=1):
            sub_check = _any(profile, sub.when)
            if sub_check.holds is None:
                return priority, sub_check.missing
            if sub_check.holds:
                return _with_sub(priority, group, sub_rank), ()
        ids = [sub.id for sub in group.sub_groups]
        if group.default_sub_group in ids:
            return _with_sub(priority, group, ids.index(group.default_sub_group) + 1), ()
        return priority, ()
    return None, ()


def _with_sub(priority: Priority, group: PriorityGroup, sub_rank: int) -> Priority:
    sub = group.sub_groups[sub_rank - 1]
    return replace(
        priority,
        sub_group=sub.id,
        sub_title=sub.title,
        sub_rank=sub_rank,
        sub_out_of=len(group.sub_groups),
    )


def _because(profile: Profile, criteria: list[Criterion] | None) -> tuple[str, ...]:
    """What the client said that makes an option suit them: each fact of every criterion that holds."""
    names = (
        name
        for criterion in criteria or ()
        if _criterion(profile, criterion).holds
        for name, _test in sorted(_constraints(criterion), key=lambda item: ASKING_ORDER.index(item[0]))
    )
    return tuple(_unique(texts.because(name, fact(profile, name)) for name in _unique(names)))


def _any(profile: Profile, criteria: list[Criterion] | None) -> _Check:
    """A list of criteria holds when one does; absent criteria hold for everyone, an empty list for nobody."""
    if criteria is None:
        return _Check(True)
    checks = [_criterion(profile, criterion) for criterion in criteria]
    if any(check.holds for check in checks):
        return _Check(True)
    missing = tuple(_unique(name for check in checks for name in check.missing))
    return _Check(None, missing) if missing else _Check(False)


def _criterion(profile: Profile, criterion: Criterion) -> _Check:
    """Every constraint must hold. While undecided, report one fact: the first unknown in asking order.

    One at a time keeps questions relevant: later facts depend on earlier ones (the school grade matters
    only once we know the client is a student), so if the earlier one was declined, the later is not asked.
    """
    unknown: list[str] = []
    for name, test in sorted(_constraints(criterion), key=lambda item: ASKING_ORDER.index(item[0])):
        value = fact(profile, name)
        if value is None:
            unknown.append(name)
        elif not test(value):
            return _Check(False)
    if not unknown:
        return _Check(True)
    return _Check(None, (unknown[0],))


def _constraints(criterion: Criterion) -> Iterator[tuple[str, Callable[[Any], bool]]]:
    low, high = criterion.age_min, criterion.age_max
    if low is not None or high is not None:
        yield "age", lambda age: (low is None or age >= low) and (high is None or age <= high)
    for name in _CHOICE_FACTS:
        allowed = getattr(criterion, name)
        if allowed is not None:
            yield name, _one_of(allowed)
    if criterion.target_group is not None:
        groups = frozenset(criterion.target_group)
        yield "target_group", lambda known: bool(known & groups)


def _one_of(allowed: Collection[object]) -> Callable[[Any], bool]:
    return lambda value: value in allowed


def _askable(profile: Profile, names: Iterable[str]) -> tuple[str, ...]:
    """Facts still unknown and not declined, in the asking order."""
    wanted = {name for name in names if not declined(profile, name) and fact(profile, name) is None}
    return tuple(name for name in ASKING_ORDER if name in wanted)


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))
