"""The case database on both backends: clients, cases, messages, profile facts, audit log."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from karyar import audit, cases, clients, messages, profile
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.db.models import AuditEntry, Case, CaseStage, Client, InboundStatus
from karyar.facts import ProfileFactName

AMINA = TelegramIdentity(user_id=7_000_000_001, first_name="آمنه", language_code="fa")


def _client(session: Session) -> Client:
    return clients.ensure_client(session, identity=AMINA)


def test_first_contact_creates_client_with_open_intake_case(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        client_id = client.id
    with db.unit_of_work() as session:
        stored = session.get_one(Client, client_id)
        assert stored.telegram_user_id == 7_000_000_001  # larger than 32 bits
        assert stored.first_name == "آمنه"
        assert stored.first_seen_at.tzinfo is not None
        [case] = stored.cases
        assert case.stage == CaseStage.INTAKE and case.closed_at is None
        assert [c.to_stage for c in cases.timeline(session, case_id=case.id)] == ["intake"]


def test_repeated_contact_reuses_client_and_case(db: Database) -> None:
    with db.unit_of_work() as session:
        first = _client(session).id
    with db.unit_of_work() as session:
        again = clients.ensure_client(
            session, identity=TelegramIdentity(user_id=AMINA.user_id, first_name="امینه")
        )
        assert again.id == first and again.first_name == "امینه"
    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 1


def test_concurrent_first_contact_yields_one_client(db: Database) -> None:
    def contact(_: int) -> int:
        with db.unit_of_work() as session:
            return clients.ensure_client(session, identity=TelegramIdentity(user_id=42_424_242)).id

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(contact, range(8)))
    assert len(ids) == 1
    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 1


def test_only_one_open_case_per_client(db: Database) -> None:
    with db.unit_of_work() as session:
        client_id = _client(session).id
    with pytest.raises(IntegrityError), db.unit_of_work() as session:
        session.add(Case(client_id=client_id, stage=CaseStage.INTAKE))
        session.flush()


def test_stage_changes_form_a_timeline_and_closing_allows_a_new_case(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        case = cases.open_case(session, client_id=client.id)
        cases.change_stage(session, case=case, to_stage=CaseStage.ASSESSMENT)
        cases.change_stage(session, case=case, to_stage=CaseStage.COUNSELLING, changed_by="counsellor:5")
        cases.change_stage(session, case=case, to_stage=CaseStage.CLOSED, note="placed")
        steps = [(c.from_stage, c.to_stage, c.changed_by) for c in cases.timeline(session, case_id=case.id)]
        assert steps == [
            (None, "intake", "system"),
            ("intake", "assessment", "system"),
            ("assessment", "counselling", "counsellor:5"),
            ("counselling", "closed", "system"),
        ]
        assert case.closed_at is not None
        with pytest.raises(ValueError, match="closed"):
            cases.change_stage(session, case=case, to_stage=CaseStage.TRAINING)
        new_case = cases.open_case(session, client_id=client.id)
        assert new_case.id != case.id and new_case.stage == CaseStage.INTAKE


def test_messages_are_logged_both_ways_with_intent(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        inbound = messages.log_inbound(
            session,
            client_id=client.id,
            kind="text",
            text="سلام",
            telegram_message_id=10,
            telegram_update_id=900,
        )
        messages.mark_answered(session, message_id=inbound.id, intent="greet", confidence=0.97)
        messages.log_outbound(
            session, client_id=client.id, kind="text", text="سلام! خوش آمدید.", telegram_message_id=11
        )
        log = messages.conversation(session, client_id=client.id)
    assert [(m.direction, m.text) for m in log] == [("in", "سلام"), ("out", "سلام! خوش آمدید.")]
    assert log[0].intent == "greet" and log[0].confidence == pytest.approx(0.97)
    assert log[0].status == InboundStatus.ANSWERED and log[0].answered_at is not None


def test_pending_messages_wait_in_order_until_answered(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        other = clients.ensure_client(session, identity=TelegramIdentity(user_id=99))
        first = messages.log_inbound(session, client_id=other.id, kind="text", text="اول")
        for text in ("یک", "دو"):
            messages.log_inbound(session, client_id=client.id, kind="text", text=text)
        messages.log_inbound(session, client_id=client.id, kind="sticker", text=None, for_rasa=False)
        pending = messages.pending_for_client(session, client_id=client.id)
        assert [m.rasa_text for m in pending] == ["یک", "دو"]
        assert messages.clients_with_pending(session) == [(other.id, 99), (client.id, AMINA.user_id)]
        messages.mark_answered(session, message_id=first.id)
        assert messages.clients_with_pending(session) == [(client.id, AMINA.user_id)]


def test_a_bot_answers_only_the_messages_sent_to_it(db: Database) -> None:
    """Two bots sharing the database: the sweep of one never takes up a message written to the other."""
    ours, theirs = 7001, 7002
    with db.unit_of_work() as session:
        client = _client(session)
        other = clients.ensure_client(session, identity=TelegramIdentity(user_id=99))
        messages.log_inbound(session, client_id=other.id, kind="text", text="سلام", bot_id=theirs)
        # Stored before messages named their bot: any bot answers it.
        messages.log_inbound(session, client_id=client.id, kind="text", text="قبلی")
        messages.log_inbound(session, client_id=client.id, kind="text", text="وام", bot_id=ours)
        messages.log_inbound(session, client_id=client.id, kind="text", text="دوره", bot_id=theirs)
        assert messages.clients_with_pending(session, bot_id=ours) == [(client.id, AMINA.user_id)]
        assert [
            m.rasa_text for m in messages.pending_for_client(session, client_id=client.id, bot_id=ours)
        ] == [
            "قبلی",
            "وام",
        ]
        assert messages.clients_with_pending(session, bot_id=theirs) == [
            (other.id, 99),
            (client.id, AMINA.user_id),
        ]


def test_stale_buttons_are_recognised_by_the_newest_button_message(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        old = messages.log_outbound(
            session, client_id=client.id, kind="buttons", text="?", extra={"buttons": ["/a"]}
        )
        new = messages.log_outbound(
            session, client_id=client.id, kind="buttons", text="?", extra={"buttons": ["/b"]}
        )
        messages.log_outbound(session, client_id=client.id, kind="text", text="plain")
        latest = messages.latest_with_buttons(session, client_id=client.id)
        assert latest is not None and latest.id == new.id != old.id
        assert latest.extra == {"buttons": ["/b"]}


def test_profile_correction_keeps_history(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        said = messages.log_inbound(session, client_id=client.id, kind="text", text="۲۳ سالمه")
        profile.record_fact(
            session,
            client_id=client.id,
            name=ProfileFactName.AGE,
            value="23",
            source="chat",
            source_message_id=said.id,
        )
        profile.record_fact(session, client_id=client.id, name=ProfileFactName.AGE, value="23", source="chat")
        profile.record_fact(session, client_id=client.id, name=ProfileFactName.AGE, value="25", source="chat")
        profile.record_fact(
            session, client_id=client.id, name=ProfileFactName.FIELD, value="خیاطی", source="chat"
        )
        profile.record_fact(
            session, client_id=client.id, name=ProfileFactName.FIELD, value="آشپزی", source="chat"
        )
        assert profile.current_profile(session, client_id=client.id) == {
            "age": ["25"],
            "field": ["خیاطی", "آشپزی"],
        }
        history = profile.fact_history(session, client_id=client.id, name=ProfileFactName.AGE)
        assert [(f.value, f.superseded_at is not None) for f in history] == [("23", True), ("25", False)]
        assert history[0].source_message_id == said.id


def test_consent_and_blocking(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _client(session)
        assert not clients.has_consent(session, telegram_user_id=AMINA.user_id)
        assert clients.record_consent(session, client_id=client.id) is True
        assert clients.has_consent(session, telegram_user_id=AMINA.user_id)
        assert client.consent_version == clients.CONSENT_VERSION
        given_at = client.consent_given_at
        assert clients.record_consent(session, client_id=client.id, version="later") is False
        assert (client.consent_given_at, client.consent_version) == (given_at, clients.CONSENT_VERSION)
        clients.mark_blocked(session, telegram_user_id=AMINA.user_id)
        assert client.blocked_bot
        _client(session)  # writing again means they unblocked us
        assert not client.blocked_bot


def test_audit_log_records_refusals_too(db: Database) -> None:
    with db.unit_of_work() as session:
        audit.record(
            session, action="broadcast.send", actor_telegram_user_id=5, actor_role=None, allowed=False
        )
    with db.unit_of_work() as session:
        entry = session.scalars(select(AuditEntry)).one()
        assert entry.action == "broadcast.send" and entry.allowed is False


def test_migrations_match_the_models(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from karyar.db.engine import make_engine
    from karyar.db.models import Base

    engine = make_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert differences == []
    assert {"clients", "cases", "case_stage_changes", "messages", "profile_facts", "audit_log"} <= tables
