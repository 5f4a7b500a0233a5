"""Identifiers stored encrypted, a client's data gathered for them, erasure and retention, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from karyar import audit, clients, messages, profile
from karyar.clock import now
from karyar.db.engine import Database
from karyar.db.models import (
    AuditEntry,
    CaseEvent,
    CaseEventKind,
    Client,
    ClientIdentifier,
    Handoff,
    HandoffStatus,
    Message,
    ProfileFact,
)
from karyar.facts import ProfileFactName
from karyar.handoff import queue
from karyar.identity import store
from karyar.identity.cipher import DataCipher
from karyar.identity.identifiers import IdentifierKind, Protected
from karyar.privacy import erasure, retention
from karyar.privacy.erasure import ErasureRefusal
from karyar.privacy.export import client_data
from tests.karyar.handoff.conftest import add_client, add_member

OLD_KEY = DataCipher.new_key()
NEW_KEY = DataCipher.new_key()
NATIONAL_ID = Protected(IdentifierKind.NATIONAL_ID, "0012345679")
PHONE = Protected(IdentifierKind.PHONE, "09121234567")


def _consenting_client(session: Session, user_id: int = 5001) -> Client:
    client = add_client(session, user_id, first_name="مریم", last_name="رضایی", username="maryam")
    clients.record_consent(session, client_id=client.id)
    return client


def test_identifiers_are_stored_encrypted_masked_and_only_with_consent(db: Database) -> None:
    cipher = DataCipher([OLD_KEY])
    with db.unit_of_work() as session:
        stranger = add_client(session, 5000)
        assert not store.record_with_consent(
            session, cipher=cipher, client_id=stranger.id, values=[NATIONAL_ID], source="message"
        )
        client = _consenting_client(session)
        assert store.record_with_consent(
            session, cipher=cipher, client_id=client.id, values=[NATIONAL_ID, PHONE], source="message"
        )
        client_id = client.id
    with db.unit_of_work() as session:
        raw = session.execute(text("SELECT ciphertext, masked FROM client_identifiers ORDER BY id")).all()
        assert [masked for _c, masked in raw] == ["۰۰۱•••••۷۹", "۰۹۱۲•••۴۵۶۷"]
        assert all("0012345679" not in c and "09121234567" not in c for c, _m in raw)
        assert store.reveal(session, cipher=cipher, client_id=client_id) == {
            IdentifierKind.NATIONAL_ID: "0012345679",
            IdentifierKind.PHONE: "09121234567",
        }
        assert session.scalar(select(func.count()).select_from(ClientIdentifier)) == 2


def test_the_same_number_again_changes_nothing_a_new_one_supersedes(db: Database) -> None:
    cipher = DataCipher([OLD_KEY])
    with db.unit_of_work() as session:
        client = _consenting_client(session)
        first = store.record(session, cipher=cipher, client_id=client.id, protected=PHONE, source="message")
        again = store.record(session, cipher=cipher, client_id=client.id, protected=PHONE, source="telegram")
        assert again.id == first.id
        newer = Protected(IdentifierKind.PHONE, "09351112233")
        store.record(session, cipher=cipher, client_id=client.id, protected=newer, source="message")
        assert store.reveal(session, cipher=cipher, client_id=client.id) == {
            IdentifierKind.PHONE: "09351112233"
        }
        assert session.scalar(select(func.count()).select_from(ClientIdentifier)) == 2  # history kept


def test_rotation_re_encrypts_everything_so_the_old_key_can_go(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _consenting_client(session)
        store.record(
            session, cipher=DataCipher([OLD_KEY]), client_id=client.id, protected=NATIONAL_ID, source="m"
        )
        store.record(session, cipher=DataCipher([OLD_KEY]), client_id=client.id, protected=PHONE, source="m")
        client_id = client.id
    with db.unit_of_work() as session:
        report = store.rotate_all(session, cipher=DataCipher([NEW_KEY, OLD_KEY]), batch=1)
    assert (report.rotated, report.unreadable) == (2, [])
    with db.unit_of_work() as session:
        assert store.reveal(session, cipher=DataCipher([NEW_KEY]), client_id=client_id)[
            IdentifierKind.PHONE
        ] == ("09121234567")
    with db.unit_of_work() as session:
        lost = store.rotate_all(session, cipher=DataCipher([DataCipher.new_key()]))
    assert lost.rotated == 0 and len(lost.unreadable) == 2


def _history(session: Session, client: Client) -> None:
    """A conversation with facts, an identifier, a rating comment and a counsellor's note."""
    cipher = DataCipher([OLD_KEY])
    inbound = messages.log_inbound(session, client_id=client.id, kind="text", text="من ۳۰ سالمه و معتاد بودم")
    messages.log_outbound(session, client_id=client.id, kind="text", text="ممنون مریم جان")
    profile.record_fact(
        session,
        client_id=client.id,
        name=ProfileFactName.AGE,
        value="30",
        source="chat",
        source_message_id=inbound.id,
    )
    store.record(session, cipher=cipher, client_id=client.id, protected=NATIONAL_ID, source="message")
    member = add_member(session, 7001)
    handoff, _created = queue.open_handoff(session, client_id=client.id, reason="client_request")
    queue.claim(session, handoff_id=handoff.id, member=member)
    queue.add_note(session, handoff=handoff, by=member, text="مادر سه فرزند، همسرش زندانی است")
    queue.close(session, handoff=handoff, by=member, outcome="information")
    queue.rate(session, handoff_id=handoff.id, client_id=client.id, rating=5)
    handoff.rating_comment = "خانم کریمی خیلی کمک کرد"
    session.flush()


def test_a_client_sees_everything_stored_about_them(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _consenting_client(session)
        _history(session, client)
        data = client_data(session, client_id=client.id, cipher=DataCipher([OLD_KEY]))
    assert (data.first_name, data.username, data.consent_version) == (
        "مریم",
        "maryam",
        clients.CONSENT_VERSION,
    )
    assert ("age", "30") in [(name, value) for name, value, _at in data.facts]
    assert data.identifiers == {IdentifierKind.NATIONAL_ID: "0012345679"}
    assert [m.text for m in data.messages] == ["من ۳۰ سالمه و معتاد بودم", "ممنون مریم جان"]
    assert data.handoffs[0].rating == 5
    assert CaseEventKind.NOTE in {entry.kind for case in data.cases for entry in case.entries}


def test_erasure_removes_personal_data_and_keeps_anonymous_counts(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _consenting_client(session)
        _history(session, client)
        client_id = client.id
    with db.unit_of_work() as session:
        done = erasure.erase_client(session, client_id=client_id)
    assert not isinstance(done, ErasureRefusal)
    assert (done.messages, done.facts, done.identifiers) == (2, 1, 1)
    with db.unit_of_work() as session:
        client = session.get_one(Client, client_id)
        assert (client.first_name, client.last_name, client.username, client.consent_given_at) == (None,) * 4
        assert client.telegram_user_id < 0 and client.erased_at is not None
        assert clients.find_client(session, telegram_user_id=5001) is None  # a returning user starts afresh
        rows = session.scalars(select(Message).where(Message.client_id == client_id)).all()
        assert len(rows) == 2 and all(row.text is None and row.erased_at for row in rows)
        assert session.scalar(select(func.count()).select_from(ProfileFact)) == 0
        assert session.scalar(select(func.count()).select_from(ClientIdentifier)) == 0
        handoff = session.scalars(select(Handoff)).one()
        assert (handoff.rating, handoff.outcome, handoff.rating_comment) == (5, "information", None)
        notes = session.scalars(select(CaseEvent).where(CaseEvent.kind == CaseEventKind.NOTE)).all()
        assert notes and all(note.data == {} for note in notes)
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.erase")).one()
        assert (entry.target, entry.actor_telegram_user_id) == (f"client:{client_id}", None)
        dump = " ".join(str(value) for value in session.execute(text("SELECT * FROM case_events")).all())
        assert "زندانی" not in dump and "معتاد" not in dump


def test_erasure_waits_while_a_counsellor_is_talking_and_cancels_a_waiting_request(db: Database) -> None:
    with db.unit_of_work() as session:
        talking = _consenting_client(session, 5002)
        handoff, _created = queue.open_handoff(session, client_id=talking.id, reason="client_request")
        queue.claim(session, handoff_id=handoff.id, member=add_member(session, 7002))
        assert erasure.erase_client(session, client_id=talking.id) == ErasureRefusal.IN_CONVERSATION
        waiting = _consenting_client(session, 5003)
        queue.open_handoff(session, client_id=waiting.id, reason="client_request")
        assert not isinstance(erasure.erase_client(session, client_id=waiting.id), ErasureRefusal)
        statuses = {h.client_id: h.status for h in session.scalars(select(Handoff))}
        assert statuses == {talking.id: HandoffStatus.CLAIMED, waiting.id: HandoffStatus.CANCELLED}


def test_retention_anonymises_only_texts_older_than_the_period(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _consenting_client(session)
        old = messages.log_inbound(session, client_id=client.id, kind="text", text="پیام قدیمی")
        old.created_at = now() - timedelta(days=600)
        messages.log_inbound(session, client_id=client.id, kind="text", text="پیام تازه")
    cutoff = retention.cutoff(retention_days=540)
    total = 0
    while True:
        with db.unit_of_work() as session:
            done = retention.anonymise_batch(session, older_than=cutoff, batch=1)
        if not done:
            break
        total += done
    assert total == 1
    with db.unit_of_work() as session:
        texts = session.scalars(select(Message.text).order_by(Message.id)).all()
    assert texts == [None, "پیام تازه"]


def test_audit_of_other_actions_is_untouched_by_erasure(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _consenting_client(session)
        audit.record(
            session, action="identifiers.reveal", actor_telegram_user_id=7001, target=f"client:{client.id}"
        )
        erasure.erase_client(session, client_id=client.id)
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 2


@pytest.mark.parametrize("keys", [OLD_KEY, f"{NEW_KEY}, {OLD_KEY}"])
def test_keys_come_from_the_environment_newest_first(keys: str) -> None:
    from karyar.settings import load_settings

    settings = load_settings(_env_file=None, DATA_ENCRYPTION_KEYS=keys)
    token = DataCipher.from_settings(settings).encrypt("x")
    assert DataCipher([keys.split(",")[0].strip()]).decrypt(token) == "x"
