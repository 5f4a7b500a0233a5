"""Who gives the head of household's consent letter when a client asks for a family member.

The policies say whom the letter is required from (karyar/reference/policies: `consents`); the engine decides
it for the person the answer is for. The letter is the head of household's: a husband who heads the family
asking for his wife gives it himself, a mother asking for her son gives it when she heads the household and
her husband does when he does; a head of household never needs her own.
"""

from __future__ import annotations

import enum

from karyar.eligibility.model import Assessment, Status
from karyar.members import Member
from karyar.texts import _


class Giver(enum.StrEnum):
    YOU = "you"  # the client heads the household
    YOUR_SPOUSE = "your_spouse"  # the client is the head's spouse
    HEAD = "head"  # the head of household, who that is not yet known


def needs_letter(assessment: Assessment) -> bool | None:
    """Does any service open to the person need the letter? None while it cannot be told yet."""
    open_ = [result for result in assessment.services if result.status is not Status.NOT_ELIGIBLE]
    if any(result.consent_letter for result in open_):
        return True
    return None if any(result.consent_letter is None for result in open_) else False


def consent_giver(member: Member, *, member_role: str | None, client_role: str | None) -> Giver:
    """Who gives the letter for a member: the one of the two who heads the household, when that is known."""
    if client_role == "head" or (member is Member.SPOUSE and member_role == "spouse"):
        return Giver.YOU
    if client_role == "spouse" and member in (Member.SON, Member.DAUGHTER):
        return Giver.YOUR_SPOUSE
    return Giver.HEAD


def giver_text(giver: Giver, *, member: str) -> str:
    """«رضایت‌نامه سرپرست خانوار برای همسرتان را شما می‌دهید»: the sentence naming who gives the letter."""
    return {
        Giver.YOU: _("Consent giver: you"),
        Giver.YOUR_SPOUSE: _("Consent giver: your spouse"),
        Giver.HEAD: _("Consent giver: the head of household"),
    }[giver].format(member=member)
