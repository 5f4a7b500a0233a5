"""A client's short résumé: the parts an employer would read, built from the facts she gave.

Parts that are profile facts (field, education, place, experience) come from them; the rest (skills,
courses done, languages, availability, and whether her phone may go with it) are kept as profile facts of
their own under the `resume_` names, so a correction keeps history like any fact. Her national id never
appears, and her phone only when she chose to share it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy.orm import Session

from karyar.db.models import Client
from karyar.facts import ProfileFactName
from karyar.identity import store as identifier_store
from karyar.identity.identifiers import IdentifierKind
from karyar.profile import current_profile
from karyar.texts import _
from karyar.vocabulary import value_label
from persian.format import join_list


class Part(enum.StrEnum):
    """The parts she can see and correct, in the order they are shown."""

    FIELD = "field"
    SKILLS = "skills"
    EXPERIENCE = "experience"
    EDUCATION = "education"
    COURSES = "courses"
    LANGUAGES = "languages"
    AVAILABILITY = "availability"
    PLACE = "place"
    PHONE = "phone"


# The parts kept only for the résumé, each under its own profile fact name.
NOTE_NAMES: dict[Part, str] = {
    Part.SKILLS: "resume_skills",
    Part.EXPERIENCE: "resume_experience",
    Part.COURSES: "resume_courses",
    Part.LANGUAGES: "resume_languages",
    Part.AVAILABILITY: "resume_availability",
    Part.PHONE: "resume_phone",
}
PHONE_SHARED = "yes"
PHONE_KEPT = "no"
# One part of the résumé: its label and what she said.
_LINE = "• {label}: {value}"


def part_label(part: Part) -> str:
    return {
        Part.FIELD: _("Resume part: field"),
        Part.SKILLS: _("Resume part: skills"),
        Part.EXPERIENCE: _("Resume part: experience"),
        Part.EDUCATION: _("Resume part: education"),
        Part.COURSES: _("Resume part: courses"),
        Part.LANGUAGES: _("Resume part: languages"),
        Part.AVAILABILITY: _("Resume part: availability"),
        Part.PLACE: _("Resume part: place"),
        Part.PHONE: _("Resume part: phone"),
    }[part]


def note_line(name: str, value: str) -> tuple[str, str] | None:
    """(label, value) of a fact kept only for the résumé, as «اطلاعات من» shows it; None for other facts."""
    part = next((part for part, note in NOTE_NAMES.items() if note == name), None)
    if part is None:
        return None
    if part is Part.PHONE:
        value = _("Resume: phone goes with it") if value == PHONE_SHARED else _("Resume: phone kept")
    return part_label(part), value


@dataclass(frozen=True, slots=True)
class Resume:
    name: str | None
    parts: dict[Part, str]  # the parts known, in Persian; a part she never gave is absent
    phone_shared: bool  # she chose to let her phone go with the résumé
    phone_masked: str | None  # her phone as she sees it, if she gave one

    def lines(self, *, phone: str | None = None) -> list[tuple[str, str]]:
        """(label, value) of each known part; the phone only when given here (a reader she consented to)."""
        shown = [(part_label(part), value) for part, value in self.parts.items() if part is not Part.PHONE]
        if phone:
            shown.append((part_label(Part.PHONE), phone))
        return shown


def build_resume(session: Session, *, client_id: int) -> Resume:
    profile = current_profile(session, client_id=client_id)
    client = session.get_one(Client, client_id)

    def fact(name: str) -> str | None:
        value = _first(profile, name)
        return None if value is None else value_label(name, value)

    parts: dict[Part, str | None] = {
        Part.FIELD: join_list(profile[ProfileFactName.FIELD]) if profile.get(ProfileFactName.FIELD) else None,
        Part.SKILLS: fact(NOTE_NAMES[Part.SKILLS]),
        # Her own words first; else the answer to the intake's question.
        Part.EXPERIENCE: fact(NOTE_NAMES[Part.EXPERIENCE]) or fact(ProfileFactName.WORK_EXPERIENCE),
        Part.EDUCATION: fact(ProfileFactName.EDUCATION),
        Part.COURSES: fact(NOTE_NAMES[Part.COURSES]),
        Part.LANGUAGES: fact(NOTE_NAMES[Part.LANGUAGES]),
        Part.AVAILABILITY: fact(NOTE_NAMES[Part.AVAILABILITY]),
        Part.PLACE: _place(fact(ProfileFactName.CITY), fact(ProfileFactName.PROVINCE)),
    }
    phone_shared = _first(profile, NOTE_NAMES[Part.PHONE]) == PHONE_SHARED
    masked = identifier_store.masked(session, client_id=client_id).get(IdentifierKind.PHONE)
    name = " ".join(p for p in (client.first_name, client.last_name) if p) or None
    return Resume(
        name=name,
        parts={part: value for part, value in parts.items() if value},
        phone_shared=phone_shared,
        phone_masked=masked,
    )


def _first(profile: dict[str, list[str]], name: str) -> str | None:
    """The value in force of a single-valued fact, by any stored name (résumé notes are not karyar.facts)."""
    values = profile.get(name)
    return values[0] if values else None


def _place(city: str | None, province: str | None) -> str | None:
    if city and province and city != province:
        return _("Resume: city in province").format(city=city, province=province)
    return city or province


def resume_text(resume: Resume) -> str:
    """The résumé as she sees it: every part, the ones not given yet marked so, and where her phone stands."""
    lines = [_("Resume: title")]
    if resume.name:
        lines.append(_("Resume: name line").format(name=resume.name))
    for part in Part:
        if part is Part.PHONE:
            continue
        value = resume.parts.get(part) or _("Resume: not given")
        lines.append(_LINE.format(label=part_label(part), value=value))
    if resume.phone_shared and resume.phone_masked:
        phone = _("Resume: phone shared").format(phone=resume.phone_masked)
    elif resume.phone_shared:
        phone = _("Resume: phone shared but none given")
    else:
        phone = _("Resume: phone kept")
    lines.append(_LINE.format(label=part_label(Part.PHONE), value=phone))
    lines.append("")
    lines.append(_("Resume: what is never shared"))
    return "\n".join(lines)


def shared_text(resume: Resume, *, phone: str | None, heading: str) -> str:
    """The résumé as a reader she consented to gets it: only the parts she gave, the phone only if chosen."""
    lines = [heading, ""]
    if resume.name:
        lines.append(_("Resume: name line").format(name=resume.name))
    lines += [_LINE.format(label=label, value=value) for label, value in resume.lines(phone=phone)]
    return "\n".join(lines)
