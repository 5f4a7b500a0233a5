"""Phrasing the engine adds itself: what is still missing. Rule texts live in the policy files."""

from __future__ import annotations

from functools import cache

from karyar.texts import _
from karyar.vocabulary import FACT_LABELS


@cache
def _fact_phrases() -> dict[str, str]:
    """How each fact is named in a sentence («… باید {phrase} شما را بدانیم»): its label, worded for a
    sentence where the short label would read oddly."""
    return {
        **FACT_LABELS,
        "household_role": _("Eligibility: household_role in a sentence"),
        "emdad_support": _("Eligibility: emdad_support in a sentence"),
        "target_group": _("Eligibility: target_group in a sentence"),
        "work_ability": _("Eligibility: work_ability in a sentence"),
        "work_experience": _("Eligibility: work_experience in a sentence"),
        "field": _("Eligibility: field in a sentence"),
    }


def needs(fact: str, *, declined: bool) -> str:
    """Why a service is still undecided; a declined question is left to a counsellor, not asked again."""
    phrase = _fact_phrases().get(fact, fact)
    if declined:
        return _("Eligibility: needs a declined fact").format(fact=phrase)
    return _("Eligibility: needs a fact").format(fact=phrase)


@cache
def _because_phrases() -> dict[tuple[str, object], str]:
    """What the client said, worded to follow «با توجه به …» (why a plan type suits them); age by itself."""
    return {
        ("work_ability", "limited"): _("Eligibility: because work_ability limited"),
        ("work_ability", "full"): _("Eligibility: because work_ability full"),
        ("work_experience", "none"): _("Eligibility: because work_experience none"),
        ("work_experience", "some"): _("Eligibility: because work_experience some"),
        ("work_experience", "experienced"): _("Eligibility: because work_experience experienced"),
    }


def because(fact: str, value: object) -> str:
    """One thing the client said that makes an option suit them, as a phrase for «با توجه به …»."""
    if fact == "age":
        return _("Eligibility: because age")
    return _because_phrases().get((fact, value), _("Eligibility: because your answers"))
