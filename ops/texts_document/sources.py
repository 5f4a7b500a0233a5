"""The texts as their sources hold them: Rasa's domain responses, the Babel catalogue and the policy files."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from karyar.data_files import read_data_file


class Audience(Enum):
    CLIENTS = "clients"
    STAFF = "staff"


@dataclass(frozen=True)
class Variation:
    """One way a domain response can be said; Rasa picks among them (by condition, then at random)."""

    text: str
    buttons: tuple[str, ...]
    conditions: tuple[str, ...]
    custom: str | None


@dataclass(frozen=True)
class Response:
    name: str
    variations: tuple[Variation, ...]


@dataclass(frozen=True)
class DomainFile:
    path: str
    responses: tuple[Response, ...]


@dataclass(frozen=True)
class Entry:
    description: str
    text: str
    locations: tuple[str, ...]
    draft: bool


@dataclass(frozen=True)
class Group:
    name: str
    audience: Audience | None
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class PolicyText:
    where: str  # its place in the file («services[2].for_you»)
    text: str


@dataclass(frozen=True)
class PolicyFile:
    path: str
    texts: tuple[PolicyText, ...]


# A policy value is a text for people when it has Persian letters (ids, dates and criteria have none).
_PERSIAN_LETTER = re.compile("[\u0600-\u06ff]")


def read_policies(directory: Path) -> list[PolicyFile]:
    return [
        PolicyFile(
            f"{directory.parent.name}/{directory.name}/{path.name}",
            tuple(_policy_texts(read_data_file(path))),
        )
        for path in sorted(directory.glob("*.yml"))
    ]


def _policy_texts(value: Any, where: str = "") -> Iterable[PolicyText]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _policy_texts(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _policy_texts(item, f"{where}[{index}]")
    elif isinstance(value, str) and _PERSIAN_LETTER.search(value):
        yield PolicyText(where, value.strip())


# Only areas whose name says who reads them; every other group is left unmarked.
STAFF_AREAS = ("Report", "Broadcast", "Staff", "Catalogue import")
CLIENT_AREAS = ("Consent button", "News button", "My data", "My data file")
UNNAMED_AREA = ""


def read_domain(directory: Path) -> list[DomainFile]:
    files = []
    for path in sorted(directory.glob("*.yml")):
        responses = (read_data_file(path) or {}).get("responses") or {}
        if responses:
            files.append(
                DomainFile(
                    path=f"{directory.name}/{path.name}",
                    responses=tuple(
                        Response(name, tuple(_variation(v) for v in variations))
                        for name, variations in responses.items()
                    ),
                )
            )
    return files


def _variation(raw: Mapping[str, Any]) -> Variation:
    custom = raw.get("custom")
    return Variation(
        text=str(raw.get("text", "")),
        buttons=tuple(str(button["title"]) for button in raw.get("buttons") or ()),
        conditions=tuple(_condition(c) for c in raw.get("condition") or ())
        + ((f"channel = {raw['channel']}",) if "channel" in raw else ()),
        custom=None if custom is None else _inline(custom),
    )


def _condition(raw: Mapping[str, Any]) -> str:
    return f"{raw.get('name')} = {raw.get('value')}"


def _inline(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{key}: {_inline(item)}" for key, item in value.items())
    return str(value)


def read_catalogue(path: Path) -> list[Group]:
    with path.open("rb") as file:
        catalogue = read_po(file)
    by_area: dict[str, list[Entry]] = {}
    for message in catalogue:
        if message.id:
            entry = _entry(message)
            by_area.setdefault(area_of(entry.description), []).append(entry)
    named = sorted(area for area in by_area if area != UNNAMED_AREA)
    order = named + ([UNNAMED_AREA] if UNNAMED_AREA in by_area else [])
    return [Group(area, audience_of(area), tuple(by_area[area])) for area in order]


def _entry(message: Message) -> Entry:
    description = _first(message.id)
    return Entry(
        description=description,
        text=_first(message.string),
        locations=tuple(f"{file}:{line}" if line else file for file, line in message.locations),
        draft=message.fuzzy,
    )


def _first(value: str | Iterable[str] | None) -> str:
    """Plural entries hold several forms; Persian has one (nplurals=1)."""
    if value is None or isinstance(value, str):
        return value or ""
    return next(iter(value), "")


def area_of(description: str) -> str:
    head, colon, _ = description.partition(":")
    return head.strip() if colon else UNNAMED_AREA


def audience_of(area: str) -> Audience | None:
    if area in CLIENT_AREAS:
        return Audience.CLIENTS
    if area.split(" ")[0] in STAFF_AREAS or area in STAFF_AREAS:
        return Audience.STAFF
    return None
