"""Family members a client writes about («خانمم ۲۸ سالشه», «پسرم دیپلم داره»): whose facts a message gives.

Emdad screens every member of a supported family over 15 and a client often writes for a spouse or a child,
so a member's facts are kept in the client's case apart from the client's own (profile_facts.member). The
relation is the NLU's `subject` entity (data/nlu/lookups/subject.yml): `self` or one of the members below.
"""

from __future__ import annotations

import enum
import re
from functools import cache
from pathlib import Path

from karyar.data_files import read_data_file
from karyar.facts import ProfileFactName
from karyar.texts import _
from persian.text import search_key

# The subject of a message about the client themselves.
SELF = "self"


class Member(enum.StrEnum):
    """Who a member is to the client; stored as profile_facts.member."""

    SPOUSE = "spouse"
    SON = "son"
    DAUGHTER = "daughter"
    MOTHER = "mother"
    FATHER = "father"
    OTHER = "other"  # a brother, a grandchild, an in-law…: one member, the counsellor asks who


# The relations that say the member's gender whatever words were used.
_GENDER_OF = {
    Member.SON: "male",
    Member.DAUGHTER: "female",
    Member.MOTHER: "female",
    Member.FATHER: "male",
}
_WORDS_FILE = Path(__file__).with_name("member_words.yml")
_WORD_BREAK = re.compile(r"[^\w]+")


def member_named(subject: object) -> Member | None:
    """The member a `subject` value names; None for the client themselves or anything unknown."""
    return Member(subject) if isinstance(subject, str) and subject in Member._value2member_map_ else None


@cache
def _words() -> dict[str, frozenset[str]]:
    listed: dict[str, list[str]] = read_data_file(_WORDS_FILE)
    return {group: frozenset(search_key(word) for word in words) for group, words in listed.items()}


def _spouse_gender(said_as: str) -> str | None:
    key = search_key(said_as)
    return next((gender for gender in ("female", "male") if key in _words()[gender]), None)


def _says(text: str, group: str) -> bool:
    """Does the text hold one of the group's words or phrases, as whole words?"""
    padded = f" {' '.join(_WORD_BREAK.split(search_key(text)))} "
    return any(f" {phrase} " in padded for phrase in _words()[group])


def child_named(text: str) -> bool:
    """«بچه‌ام»: a child named without saying son or daughter."""
    return _says(text, "child")


def for_them(before: str) -> bool:
    """Do the words just before a member say the request is for them («برای پسرم»)?"""
    words = [word for word in _WORD_BREAK.split(search_key(before)) if word]
    return bool(words) and words[-1] in _words()["for_them"]


def asks_whose_letter(text: str) -> bool:
    """«رضایت‌نامه از من میخاد؟»: is the consent letter the writer's to give?"""
    return _says(text, "letter") and _says(text, "from_me")


# Facts a member shares with the client's household unless told otherwise: the family is supported by one
# organisation (Emdad screens every member of a supported family) and lives in one place.
SHARED_WITH_HOUSEHOLD = (
    ProfileFactName.ORGANISATION.value,
    ProfileFactName.PROVINCE.value,
    ProfileFactName.CITY.value,
)


def household_role_of(member: Member, client_role: str | None) -> str | None:
    """The member's place in the household the relation tells: a son or daughter is a child of the family;
    the spouse of a head is the head's spouse and the other way round."""
    if member in (Member.SON, Member.DAUGHTER):
        return "child"
    if member is Member.SPOUSE:
        return {"head": "spouse", "spouse": "head"}.get(client_role or "")
    return None


def implied_facts(member: Member, said_as: str = "") -> list[tuple[str, str]]:
    """Facts the relation itself tells: a son is a man; a spouse called «خانمم» is a woman."""
    gender = _GENDER_OF.get(member)
    if member is Member.SPOUSE:
        gender = _spouse_gender(said_as)
    return [(ProfileFactName.GENDER.value, gender)] if gender else []


def my_member(member: str) -> str:
    """«برای پسرم»: the button a client presses to say the request is for that member."""
    return {
        Member.SPOUSE: _("Member: for my spouse"),
        Member.SON: _("Member: for my son"),
        Member.DAUGHTER: _("Member: for my daughter"),
        Member.MOTHER: _("Member: for my mother"),
        Member.FATHER: _("Member: for my father"),
    }.get(Member(member), _("Member: for my family member"))


def member_label(member: str) -> str:
    """«همسر»: the member as counsellors and the client's data file name them."""
    return {
        Member.SPOUSE: _("Member: spouse"),
        Member.SON: _("Member: son"),
        Member.DAUGHTER: _("Member: daughter"),
        Member.MOTHER: _("Member: mother"),
        Member.FATHER: _("Member: father"),
    }.get(Member(member), _("Member: other"))


def your_member(member: str) -> str:
    """«همسرتان»: the member as the bot names them to the client."""
    return {
        Member.SPOUSE: _("Member: your spouse"),
        Member.SON: _("Member: your son"),
        Member.DAUGHTER: _("Member: your daughter"),
        Member.MOTHER: _("Member: your mother"),
        Member.FATHER: _("Member: your father"),
    }.get(Member(member), _("Member: your family member"))
