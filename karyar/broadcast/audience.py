"""Who an announcement goes to: subscribed, reachable clients whose profile facts match every filter.

A filter names a profile fact and the values it accepts (province = تهران or البرز); an age range becomes
the list of ages in it, so the query compares strings on every database and never casts a stored value.
A staff member restricted to some organisations or provinces can only reach clients of those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import Session

from karyar.db.models import Client, ProfileFact
from karyar.facts import ProfileFactName

# The facts an audience can be narrowed by, in the order staff see them.
FILTER_FACTS: tuple[ProfileFactName, ...] = (
    ProfileFactName.ORGANISATION,
    ProfileFactName.PROVINCE,
    ProfileFactName.CITY,
    ProfileFactName.GENDER,
    ProfileFactName.TARGET_GROUP,
    ProfileFactName.FIELD,
    ProfileFactName.EDUCATION,
)
AGE_KEY = "age"
OLDEST = 100


class AudienceError(ValueError):
    """An audience that cannot be used; the message says which part and why."""


@dataclass(frozen=True)
class Audience:
    """Accepted values per fact (an empty mapping means every subscriber) and an optional age range."""

    facts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    age_min: int | None = None
    age_max: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Audience:
        facts: dict[str, tuple[str, ...]] = {}
        for name, values in data.items():
            if name == AGE_KEY:
                continue
            if name not in FILTER_FACTS:
                raise AudienceError(
                    f"unknown audience filter {name!r}; one of {[str(f) for f in FILTER_FACTS]}"
                )
            if isinstance(values, str) or not isinstance(values, Iterable):
                # A bare string would otherwise be read letter by letter and match nobody.
                raise AudienceError(f"{name} must be a list of values, got {values!r}")
            cleaned = tuple(dict.fromkeys(str(value).strip() for value in values if str(value).strip()))
            if cleaned:
                facts[name] = cleaned
        age_min, age_max = _age_range(data.get(AGE_KEY))
        return cls(facts=facts, age_min=age_min, age_max=age_max)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: list(values) for name, values in self.facts.items()}
        if self.age_min is not None or self.age_max is not None:
            data[AGE_KEY] = [self.age_min, self.age_max]
        return data

    def with_filter(self, name: str, values: Iterable[str]) -> Audience:
        """This audience with one fact's accepted values replaced (no values removes the filter)."""
        data = self.to_dict()
        data[name] = list(values)
        return Audience.from_dict(data)

    def with_age(self, age_min: int | None, age_max: int | None) -> Audience:
        data = self.to_dict()
        data[AGE_KEY] = [age_min, age_max]
        return Audience.from_dict(data)

    def within(self, *, organisations: Iterable[str], provinces: Iterable[str]) -> Audience:
        """Narrowed to a staff member's organisations and provinces (empty means all of them)."""
        narrowed = self
        for name, allowed in (
            (ProfileFactName.ORGANISATION, list(organisations)),
            (ProfileFactName.PROVINCE, list(provinces)),
        ):
            if not allowed:
                continue
            chosen = narrowed.facts.get(name)
            values = [value for value in chosen if value in allowed] if chosen else allowed
            if not values:
                raise AudienceError(f"{name} {list(chosen or [])} is outside the sender's {name}s {allowed}")
            narrowed = narrowed.with_filter(name, values)
        return narrowed


def _age_range(value: Any) -> tuple[int | None, int | None]:
    if value in (None, [], [None, None]):
        return None, None
    try:
        low, high = (None if part in (None, "") else int(part) for part in value)
    except (TypeError, ValueError):
        raise AudienceError(f"age must be [min, max] in years, got {value!r}") from None
    if (low is not None and not 0 <= low <= OLDEST) or (high is not None and not 0 <= high <= OLDEST):
        raise AudienceError(f"ages must be between 0 and {OLDEST}, got {value!r}")
    if low is not None and high is not None and low > high:
        raise AudienceError(f"the youngest age {low} is above the oldest {high}")
    return low, high


def _has_fact(name: str, values: Iterable[str]) -> ColumnElement[bool]:
    """The client's own fact (not one told about a family member) is one of `values`."""
    return exists().where(
        ProfileFact.client_id == Client.id,
        ProfileFact.member.is_(None),
        ProfileFact.name == name,
        ProfileFact.superseded_at.is_(None),
        ProfileFact.value.in_(list(values)),
    )


def reachable() -> list[ColumnElement[bool]]:
    """Subscribed, and Telegram has not told us the chat is blocked or gone."""
    return [Client.subscribed.is_(True), Client.blocked_bot.is_(False), Client.chat_missing.is_(False)]


def recipients(audience: Audience, *, leading: tuple[ColumnElement[Any], ...] = ()) -> Select[Any]:
    """(…leading, client id, Telegram chat id) of everyone the audience reaches, in client order."""
    query = select(*leading, Client.id, Client.telegram_user_id).where(*reachable())
    for name, values in audience.facts.items():
        query = query.where(_has_fact(name, values))
    if audience.age_min is not None or audience.age_max is not None:
        low = audience.age_min if audience.age_min is not None else 0
        high = audience.age_max if audience.age_max is not None else OLDEST
        query = query.where(_has_fact(ProfileFactName.AGE, (str(age) for age in range(low, high + 1))))
    return query.order_by(Client.id)


def count(session: Session, audience: Audience) -> int:
    return (
        session.scalar(select(func.count()).select_from(recipients(audience).order_by(None).subquery())) or 0
    )
