"""Persian phrasing the engine adds itself: what is still missing. Rule texts live in the policy files."""

from __future__ import annotations

from karyar.vocabulary import FACT_LABELS

# How each fact is named in a sentence («… باید {label} شما را بدانیم»): its label, worded for a sentence
# where the short label would read oddly.
FACT_PHRASES: dict[str, str] = {
    **FACT_LABELS,
    "household_role": "نسبت شما با سرپرست خانوار",
    "emdad_support": "نوع حمایت کمیته امداد از خانواده",
    "target_group": "گروه حمایتی",
    "work_ability": "توان کاری",
    "work_experience": "سابقه کار",
    "field": "رشته یا مهارت مورد علاقه",
}


def needs(fact: str, *, declined: bool) -> str:
    """Why a service is still undecided; a declined question is left to a counsellor, not asked again."""
    phrase = FACT_PHRASES.get(fact, fact)
    if declined:
        return f"چون ترجیح دادید {phrase} را نگویید، کارشناس اشتغال این مورد را با شما بررسی می‌کند."
    return f"برای بررسی این خدمت، باید {phrase} شما را بدانیم."
