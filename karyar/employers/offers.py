"""What the organisations offer employers, from the `employers:` section of their policy files."""

from __future__ import annotations

from karyar.catalogue.labels import ORGANISATION
from karyar.employers.values import EMPLOYER_ORGANISATIONS
from karyar.policies import PolicySet, policies
from karyar.texts import _


def employer_offers(organisation: str | None, *, policy_set: PolicySet | None = None) -> str:
    """For an employer in Persian: the offers of the organisation they deal with (both organisations' when
    none), each in the seeds' wording, and that the office confirms the details."""
    rules = policy_set or policies()
    chosen = [organisation] if organisation in EMPLOYER_ORGANISATIONS else list(EMPLOYER_ORGANISATIONS)
    sections = []
    for code in chosen:
        policy = rules.for_organisation(code)
        if policy.employers:
            items = [f"• {offer.title}: {offer.text}" for offer in policy.employers]
            sections.append("\n".join([f"🏢 {policy.title}", *items]))
    names = _("Catalogue suits: or").join(ORGANISATION.get(code, code) for code in chosen)
    if not sections:
        return _("Employer offers: none").format(organisations=names)
    closing = _("Employer offers: office confirms").format(organisations=names)
    return "\n\n".join([_("Employer offers: header"), *sections, closing])
