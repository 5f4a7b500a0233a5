"""Who answers a topic outside Karyar's work, as the client's organisation's policy file says."""

from __future__ import annotations

from sqlalchemy.orm import Session

from karyar.facts import ProfileFactName
from karyar.policies.elsewhere_topics import topics_in
from karyar.policies.loader import policies
from karyar.policies.schema import Policy
from karyar.profile import current_profile


def pointer(policy: Policy, text: str) -> str | None:
    """Who answers the first outside topic the message mentions that the policy names, or None."""
    answers = {entry.topic: entry.answer for entry in policy.elsewhere}
    return next((answers[topic] for topic in topics_in(text) if topic in answers), None)


def pointer_for_client(session: Session, *, client_id: int, text: str) -> str | None:
    """`pointer` under the policy of the client's organisation (the general one while it is not known)."""
    if not topics_in(text):
        return None  # the common case: the profile is not read
    organisation = current_profile(session, client_id=client_id).get(ProfileFactName.ORGANISATION, [None])[0]
    return pointer(policies().for_organisation(organisation), text)
