"""An employer's conversation in the bot, kept in the database (employer_chats) so a restart loses nothing.

Only a user with a row here is in the conversation; everybody else's messages go their usual way. Each
answer is checked (karyar.employers.answers) before it is kept; «✅ ثبت» registers the business (for a new
employer) and the opening, pending staff review, and ends the conversation. The contact is kept encrypted
from the moment it is typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.models import EmployerChat, EmployerOpening
from karyar.employers import answers, store
from karyar.employers.errors import OpeningError, Problem
from karyar.identity.cipher import DataCipher
from karyar.identity.identifiers import IdentifierKind, mask

CONTACT_MASKED = "contact_masked"


@dataclass(frozen=True, slots=True)
class ChatState:
    telegram_user_id: int
    step: str
    answers: dict[str, Any] = field(default_factory=dict)
    employer_id: int | None = None  # set when the employer registered before: only the opening is asked

    @property
    def steps(self) -> tuple[str, ...]:
        return answers.steps(registered=self.employer_id is not None)


def state(session: Session, *, telegram_user_id: int) -> ChatState | None:
    row = session.get(EmployerChat, telegram_user_id)
    return _state(row) if row is not None else None


def users_in_conversation(session: Session) -> list[int]:
    """Who has an unfinished employer's conversation (read once when the bot starts)."""
    return list(session.scalars(select(EmployerChat.telegram_user_id)))


def start(session: Session, *, telegram_user_id: int) -> ChatState:
    """A new conversation (an unfinished one is dropped): the business first unless it is registered."""
    employer = store.employer_of_user(session, telegram_user_id=telegram_user_id)
    employer_id = employer.id if employer is not None else None
    row = session.get(EmployerChat, telegram_user_id)
    if row is None:
        row = EmployerChat(telegram_user_id=telegram_user_id)
        session.add(row)
    row.employer_id, row.answers = employer_id, {}
    row.step = answers.next_step({}, registered=employer_id is not None)
    row.updated_at = now()
    session.flush()
    return _state(row)


def answer(
    session: Session, *, cipher: DataCipher, telegram_user_id: int, step: str, typed: str
) -> ChatState:
    """Keep the answer to `step` (the question on screen) and move to the next unanswered one, or back to
    the summary after a correction. Raises OpeningError (nothing changes) if the answer is refused, and
    Problem.NOT_FOUND if the user is not in the conversation or `step` is not its current question."""
    row = _row(session, telegram_user_id)
    if row.step != step or step == answers.SUMMARY:
        raise OpeningError(Problem.NOT_FOUND, f"not waiting for {step}", value=step)
    given = dict(row.answers)
    value = answers.read(step, typed, given)
    if step == "contact":
        given[CONTACT_MASKED] = mask(IdentifierKind.PHONE, value)
        value = cipher.encrypt(value)
    if step == "province" and given.get("city"):
        given.pop("city")  # asked again, so the city is in the new province
        if value == given.get("province"):
            given["city"] = row.answers["city"]
    given[step] = value
    row.answers = given
    row.step = answers.next_step(given, registered=row.employer_id is not None)
    row.updated_at = now()
    session.flush()
    return _state(row)


def edit(session: Session, *, telegram_user_id: int, step: str) -> ChatState:
    """Ask `step` again; its answer is kept until a new one replaces it."""
    row = _row(session, telegram_user_id)
    if step not in answers.steps(registered=row.employer_id is not None):
        raise OpeningError(Problem.NOT_FOUND, f"no question {step}", value=step)
    row.step = step
    row.updated_at = now()
    session.flush()
    return _state(row)


def submit(session: Session, *, cipher: DataCipher, telegram_user_id: int) -> EmployerOpening:
    """Register the business if new, post the opening (pending review) and end the conversation."""
    row = _row(session, telegram_user_id)
    if row.step != answers.SUMMARY:
        raise OpeningError(Problem.NOT_FOUND, "the summary is not on screen", value=row.step)
    given = row.answers
    employer_id = row.employer_id
    if employer_id is None:
        employer = store.register_employer(
            session,
            cipher=cipher,
            business_name=given["business_name"],
            province=given["province"],
            city=given.get("city"),
            organisation=given.get("organisation"),
            sector=given.get("sector"),
            contact=cipher.decrypt(given["contact"]),
            telegram_user_id=telegram_user_id,
        )
        employer_id = employer.id
    low, high = given["wage"]
    opening = store.add_opening(
        session,
        employer_id=employer_id,
        title=given["title"],
        field=given["field"],
        positions=given["positions"],
        hours=given["hours"],
        wage_min_toman=low,
        wage_max_toman=high,
        insured=given["insured"],
        requirements=given.get("requirements"),
        suits_disability=given["suits_disability"],
        home_based=given["home_based"],
    )
    session.delete(row)
    session.flush()
    return opening


def cancel(session: Session, *, telegram_user_id: int) -> bool:
    """Leave the conversation; False if the user was not in it."""
    gone = session.execute(delete(EmployerChat).where(EmployerChat.telegram_user_id == telegram_user_id))
    return bool(getattr(gone, "rowcount", 0))


def _row(session: Session, telegram_user_id: int) -> EmployerChat:
    row = session.get(EmployerChat, telegram_user_id)
    if row is None:
        raise OpeningError(Problem.NOT_FOUND, "not in the employer's conversation")
    return row


def _state(row: EmployerChat) -> ChatState:
    return ChatState(row.telegram_user_id, row.step, dict(row.answers), row.employer_id)
