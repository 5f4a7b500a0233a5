"""An employer ends their own opening from the chat: filled or withdrawn, it leaves search and the alerts not
yet delivered at once; a second press changes nothing; another chat can never end it; all audited."""

from __future__ import annotations

from sqlalchemy import select

from karyar.alerts.store import Added, add, read_request
from karyar.catalogue.search import JobQuery, search_jobs
from karyar.clock import now
from karyar.db.engine import Database
from karyar.db.models import AuditEntry, BroadcastDelivery, Client, DeliveryStatus, OpeningStatus
from karyar.employers import own, review
from karyar.employers.errors import Problem
from karyar.facts import ProfileFactName
from karyar.identity.cipher import DataCipher
from karyar.profile import record_fact
from tests.karyar.employers.conftest import sewing_opening, workshop

OWNER, STRANGER = 7_200_000_001, 7_200_000_002
SEWING_IN_TEHRAN = JobQuery(field="خیاطی", province="تهران", city="تهران", gender="female", age=30)


def _approved_opening(db: Database, cipher: DataCipher) -> int:
    with db.unit_of_work() as session:
        opening = sewing_opening(session, workshop(session, cipher, telegram_user_id=OWNER))
        review.approve(session, opening_id=opening.id, telegram_user_id=None)
        assert search_jobs(session, query=SEWING_IN_TEHRAN).total == 1
        return opening.id


def _audit(db: Database) -> list[tuple[str, int | None, str | None, bool]]:
    with db.unit_of_work() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.actor_role == own.ROLE).order_by(AuditEntry.id)
        )
        return [(e.action, e.actor_telegram_user_id, e.target, e.allowed) for e in entries]


def test_the_employer_marks_the_opening_filled_once_and_it_leaves_search(
    db: Database, cipher: DataCipher
) -> None:
    opening_id = _approved_opening(db, cipher)
    with db.unit_of_work() as session:
        asked = own.show(session, telegram_user_id=OWNER, opening_id=opening_id)
        assert asked.done and asked.opening is not None and asked.opening.title == "چرخ‌کار"
        done = own.end(session, telegram_user_id=OWNER, opening_id=opening_id, status=OpeningStatus.FILLED)
        assert done.done and done.opening is not None and done.opening.status == OpeningStatus.FILLED
    with db.unit_of_work() as session:
        assert search_jobs(session, query=SEWING_IN_TEHRAN).total == 0
        # A second press, or the confirmation asked again, finds it ended and changes nothing.
        again = own.end(
            session, telegram_user_id=OWNER, opening_id=opening_id, status=OpeningStatus.WITHDRAWN
        )
        assert again.problem == Problem.NOT_PENDING and again.opening is not None
        assert again.opening.status == OpeningStatus.FILLED
        assert own.show(session, telegram_user_id=OWNER, opening_id=opening_id).problem == Problem.NOT_PENDING
        # Staff cannot publish it again either: the rule is the same for everyone.
        assert (
            review.approve(session, opening_id=opening_id, telegram_user_id=None).problem
            == Problem.NOT_PENDING
        )
    assert _audit(db) == [("opening.fill", OWNER, f"opening:{opening_id}", True)]


def test_a_pending_opening_withdrawn_by_its_employer_is_never_published(
    db: Database, cipher: DataCipher
) -> None:
    with db.unit_of_work() as session:
        opening_id = sewing_opening(session, workshop(session, cipher, telegram_user_id=OWNER)).id
    with db.unit_of_work() as session:
        done = own.end(session, telegram_user_id=OWNER, opening_id=opening_id, status=OpeningStatus.WITHDRAWN)
        assert done.done and done.opening is not None and done.opening.status == OpeningStatus.WITHDRAWN
    with db.unit_of_work() as session:
        assert (
            review.approve(session, opening_id=opening_id, telegram_user_id=None).problem
            == Problem.NOT_PENDING
        )
        assert search_jobs(session, query=SEWING_IN_TEHRAN).total == 0
    assert _audit(db) == [("opening.withdraw", OWNER, f"opening:{opening_id}", True)]


def test_another_chat_can_neither_see_nor_end_the_opening_and_the_attempt_is_audited(
    db: Database, cipher: DataCipher
) -> None:
    opening_id = _approved_opening(db, cipher)
    with db.unit_of_work() as session:
        workshop(session, cipher, business_name="نانوایی برکت", telegram_user_id=STRANGER)
    with db.unit_of_work() as session:
        refused = own.end(
            session, telegram_user_id=STRANGER, opening_id=opening_id, status=OpeningStatus.FILLED
        )
        assert refused.problem == Problem.NOT_FOUND and refused.opening is None
        assert own.show(session, telegram_user_id=STRANGER, opening_id=opening_id).opening is None
        missing = own.end(
            session, telegram_user_id=OWNER, opening_id=opening_id + 99, status=OpeningStatus.FILLED
        )
        assert missing.problem == Problem.NOT_FOUND
    with db.unit_of_work() as session:
        assert search_jobs(session, query=SEWING_IN_TEHRAN).total == 1  # untouched
    target = f"opening:{opening_id}"
    assert _audit(db) == [
        ("opening.fill", STRANGER, target, False),
        ("opening.show", STRANGER, target, False),
    ]


def test_alerts_of_the_opening_not_yet_delivered_are_not_sent(db: Database, cipher: DataCipher) -> None:
    with db.unit_of_work() as session:
        client = Client(telegram_user_id=7_200_000_101, subscribed=True, consent_given_at=now())
        session.add(client)
        session.flush()
        for name, value in ((ProfileFactName.PROVINCE, "تهران"), (ProfileFactName.GENDER, "female")):
            record_fact(session, client_id=client.id, name=name, value=value, source="test")
        request = read_request("وقتی کار خیاطی در تهران باز شد خبرم کن")
        assert add(session, client_id=client.id, request=request) is Added.ADDED
    opening_id = _approved_opening(db, cipher)
    with db.unit_of_work() as session:
        planned = session.scalars(select(BroadcastDelivery.status)).all()
        assert planned == [DeliveryStatus.PENDING]
        own.end(session, telegram_user_id=OWNER, opening_id=opening_id, status=OpeningStatus.FILLED)
    with db.unit_of_work() as session:
        assert session.scalars(select(BroadcastDelivery.status)).all() == [DeliveryStatus.CANCELLED]
