"""Load the policy files, check them, and pick the version of each in force on a given day."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from karyar.clock import now
from karyar.policies.elsewhere_topics import topic_words
from karyar.policies.schema import Policy
from karyar.policies.yaml_source import Location, YamlSource, read_yaml
from karyar.settings import PROJECT_ROOT, get_settings
from persian.format import format_number

POLICY_DIR = PROJECT_ROOT / "karyar" / "reference" / "policies"
ORGANISATIONS = ("emdad", "behzisti", "general")
# Staff date their policies by the Iranian calendar day; Iran has kept UTC+03:30 all year since 2022.
_IRAN = timezone(timedelta(hours=3, minutes=30))


@dataclass(frozen=True)
class PolicySet:
    """The policy of each organisation in force on `today`, and the dates of versions scheduled after it."""

    today: date
    in_force: Mapping[str, Policy]
    scheduled: Mapping[str, tuple[date, ...]]

    def for_organisation(self, organisation: str | None) -> Policy:
        """Emdad's or Behzisti's policy; anyone else (none, unknown, declined) gets the general one."""
        if organisation in ("emdad", "behzisti"):
            return self.in_force[organisation]
        return self.in_force["general"]

    def summary(self) -> list[str]:
        lines = []
        for organisation in ORGANISATIONS:
            policy = self.in_force[organisation]
            later = ", ".join(day.isoformat() for day in self.scheduled[organisation])
            lines.append(
                f"{organisation}: {policy.title} — in force since {policy.effective_from.isoformat()}, "
                f"{len(policy.services)} services" + (f"; scheduled: {later}" if later else "")
            )
        return lines


def load_policies(directory: Path | None = None, *, today: date | None = None) -> PolicySet:
    """Read and check every policy file; raises PolicyError (file:line: reason) for the first problem."""
    directory = directory or get_settings().POLICIES_DIR or POLICY_DIR
    today = today or iran_today()
    in_force: dict[str, Policy] = {}
    scheduled: dict[str, tuple[date, ...]] = {}
    for organisation in ORGANISATIONS:
        source = read_yaml(directory / f"{organisation}.yml")
        versions = _versions(source)
        current = [(i, v) for i, v in versions if v.effective_from <= today]
        if not current:
            first = min(versions, key=lambda item: item[1].effective_from)
            raise source.error(
                _at(first[0], "effective_from"),
                f"effective_from: no version is in force on {today.isoformat()} "
                f"(the earliest starts on {first[1].effective_from.isoformat()})",
            )
        in_force[organisation] = max(current, key=lambda item: item[1].effective_from)[1]
        scheduled[organisation] = tuple(
            sorted(v.effective_from for _, v in versions if v.effective_from > today)
        )
    return PolicySet(today, in_force, scheduled)


def policies() -> PolicySet:
    """The shipped policies in force today, read once a day (a scheduled version starts without a restart)."""
    return _load_for_day(iran_today())


@lru_cache(maxsize=2)
def _load_for_day(today: date) -> PolicySet:
    return load_policies(today=today)


def iran_today() -> date:
    return now().astimezone(_IRAN).date()


def _at(index: int | None, *location: int | str) -> Location:
    return ((index,) if index is not None else ()) + location


def _versions(source: YamlSource) -> list[tuple[int | None, Policy]]:
    """A file holds one policy (a mapping) or several dated versions of it (a list of mappings)."""
    if isinstance(source.data, list) and source.data:
        items: list[tuple[int | None, Any]] = list(enumerate(source.data))
    elif isinstance(source.data, dict):
        items = [(None, source.data)]
    else:
        raise source.error((), "the file must hold a policy (a mapping) or a list of dated versions of it")
    versions = [(index, _policy(source, index, raw)) for index, raw in items]
    seen: set[date] = set()
    for index, version in versions:
        if version.organisation != source.path.stem:
            raise source.error(
                _at(index, "organisation"),
                f"organisation: {version.organisation!r} does not match the file name {source.path.name}",
            )
        if version.effective_from in seen:
            raise source.error(
                _at(index, "effective_from"),
                f"effective_from: two versions start on {version.effective_from.isoformat()}",
            )
        seen.add(version.effective_from)
    return versions


def _policy(source: YamlSource, index: int | None, raw: Any) -> Policy:
    try:
        policy = Policy.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        raise source.error(_at(index, *first["loc"]), f"{_dotted(first['loc'])}: {first['msg']}") from None
    for location, message in _cross_check(policy):
        raise source.error(_at(index, *location), f"{_dotted(location)}: {message}")
    placeholders = {"min_age": format_number(policy.min_age)} | {
        name: format_number(value) for name, value in policy.figures.items()
    }
    rendered = _render(source, index, raw, placeholders, ())
    return Policy.model_validate(rendered)


def _cross_check(policy: Policy) -> Iterator[tuple[Location, str]]:
    """References between parts of a policy must resolve; pydantic checks each part alone."""
    known_topics = topic_words()
    for i, entry in enumerate(policy.elsewhere):
        if entry.topic not in known_topics:
            yield ("elsewhere", i, "topic"), _unknown("topic", entry.topic, known_topics)
    service_ids: set[str] = set()
    for i, service in enumerate(policy.services):
        if service.id in service_ids:
            yield ("services", i, "id"), f"the service id {service.id!r} is used twice"
        service_ids.add(service.id)
        if service.consent is not None and service.consent not in policy.consents:
            yield ("services", i, "consent"), _unknown("consent", service.consent, policy.consents)
        if service.amount is not None and service.amount not in policy.figures:
            yield ("services", i, "amount"), _unknown("figure", service.amount, policy.figures)
        if service.for_you is None and service.audience != []:
            yield ("services", i), "for_you is required (only a service with an empty audience may omit it)"
        if service.audience is not None and service.not_for_you is None:
            yield ("services", i, "audience"), "an audience needs not_for_you (the reason given to others)"
        if service.suits is not None and service.suits_you is None:
            yield ("services", i, "suits"), "suits needs suits_you (the text for those it suits)"
    offer_ids: set[str] = set()
    for i, offer in enumerate(policy.employers):
        if offer.id in offer_ids:
            yield ("employers", i, "id"), f"the employer offer id {offer.id!r} is used twice"
        offer_ids.add(offer.id)
    for i, requirement in enumerate(policy.requirements):
        for j, service_id in enumerate(requirement.services or ()):
            if service_id not in service_ids:
                yield ("requirements", i, "services", j), _unknown("service", service_id, service_ids)
    group_ids: set[str] = set()
    for i, group in enumerate(policy.priority):
        if group.id in group_ids:
            yield ("priority", i, "id"), f"the priority group id {group.id!r} is used twice"
        group_ids.add(group.id)
        sub_ids = {sub.id for sub in group.sub_groups}
        if group.default_sub_group is not None and group.default_sub_group not in sub_ids:
            yield (
                ("priority", i, "default_sub_group"),
                _unknown("sub-group", group.default_sub_group, sub_ids),
            )


def _unknown(what: str, name: str, known: Mapping[str, object] | set[str]) -> str:
    return f"unknown {what} {name!r} (defined: {', '.join(sorted(known)) or 'none'})"


def _render(
    source: YamlSource, index: int | None, value: Any, placeholders: dict[str, str], location: Location
) -> Any:
    """Fill {figure} placeholders in every text, so amounts are written once and shown everywhere."""
    if isinstance(value, dict):
        return {k: _render(source, index, v, placeholders, (*location, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(source, index, v, placeholders, (*location, i)) for i, v in enumerate(value)]
    if isinstance(value, str) and ("{" in value or "}" in value):
        try:
            return value.format_map(placeholders)
        except KeyError as error:
            known = ", ".join(sorted(placeholders))
            message = f"unknown placeholder {{{error.args[0]}}} (known: {known})"
        except (ValueError, IndexError) as error:
            message = f"bad placeholder: {error}"
        raise source.error(_at(index, *location), f"{_dotted(location)}: {message}")
    return value


def _dotted(location: Location) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "policy"
