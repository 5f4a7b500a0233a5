"""Job alerts end to end: a client asks for them in the chat, staff approve a matching opening, the bot's
sender delivers the alert through the stand-in with its three buttons, and «علاقه‌مندم» counts as interest
in the opening; a client whose alert does not match receives nothing."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from karyar import clients, profile
from karyar.alerts import announce as announce_module
from karyar.clients import TelegramIdentity
from karyar.db.alert_models import AlertItem
from karyar.db.engine import Database
from karyar.db.models import BroadcastDelivery, Client, JobOpening
from karyar.employers import review, store
from karyar.employers.interest import interest_in_jobs
from karyar.facts import ProfileFactName
from karyar.identity.cipher import DataCipher
from localapi import UserDriver
from tests.support.chat import Chat, button_titles
from tests.support.stack import DATA_KEY, Stack

pytestmark = pytest.mark.e2e


def _subscriber(db: Database, api: UserDriver, user: int, **facts: str) -> None:
    """A client who accepted the privacy notice and gets the news (how is tested elsewhere)."""
    api.add_user(user, "مریم")
    with db.unit_of_work() as session:
        client = clients.ensure_client(session, identity=TelegramIdentity(user_id=user, first_name="مریم"))
        clients.record_consent(session, client_id=client.id)
        client.subscribed = True
        for name, value in facts.items():
            profile.record_fact(
                session, client_id=client.id, name=ProfileFactName(name), value=value, source="test"
            )


def test_a_matching_client_gets_the_alert_and_shows_interest_and_another_gets_nothing(
    stack: Stack, stack_db: Database, user_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(announce_module, "is_open", lambda at: True)  # whatever the hour of the test run
    seeker, elsewhere = user_id * 1000 + 1, user_id * 1000 + 2
    _subscriber(stack_db, stack.api, seeker, gender="female", age="32")
    _subscriber(stack_db, stack.api, elsewhere, gender="female")
    # A title nobody else's opening has (in letters: cards show digits in Persian).
    title = f"چرخ‌کار {uuid.uuid4().hex[:6].translate(str.maketrans('0123456789', 'ghijklmnop'))}"

    [answer] = Chat(stack.api, seeker).say("وقتی کار خیاطی در تهران باز شد خبرم کن")
    assert "✅" in answer["text"] and "تهران" in answer["text"], answer["text"]
    [answer] = Chat(stack.api, elsewhere).say("هشدار دوره آرایشگری در تبریز")
    assert "✅" in answer["text"], answer["text"]
    [listing] = Chat(stack.api, seeker).say("هشدارهای من")
    assert "تهران" in listing["text"] and len(button_titles(listing)) == 2, listing

    with stack_db.unit_of_work() as session:
        employer = store.register_employer(
            session,
            cipher=DataCipher([DATA_KEY]),
            business_name="تولیدی پوشاک نسیم",
            organisation="emdad",
            province="تهران",
            city="تهران",
            sector="پوشاک",
            contact="09121234567",
        )
        opening = store.add_opening(
            session, employer_id=employer.id, title=title, field="خیاطی", positions=2, gender="female"
        )
        outcome = review.approve(session, opening_id=opening.id, telegram_user_id=None)
        assert outcome.problem is None
        job_id = session.get_one(type(opening), opening.id).job_opening_id
        assert job_id is not None

    before = len(stack.api.bot_messages(seeker))
    assert stack.api.wait_until(lambda: len(stack.api.bot_messages(seeker)) > before, timeout=60)
    alert = stack.api.bot_messages(seeker)[-1]
    assert title in alert["text"], alert["text"]
    assert button_titles(alert) == ["علاقه‌مندم", "خبر نفرست", "تنظیم هشدارها"]

    replies = Chat(stack.api, seeker).press("علاقه‌مندم", on=alert)
    # Then, for an employer's opening, the question whether her résumé may go (tests/e2e/test_resume_share.py).
    assert "علاقه‌ی شما ثبت شد" in str(replies[0]["text"]), replies
    with stack_db.unit_of_work() as session:
        assert interest_in_jobs(session, [job_id])[job_id].clients == 1
        assert session.get_one(JobOpening, job_id).title == title

    # She was never among the alert's recipients, so nothing can still be on its way to her.
    with stack_db.unit_of_work() as session:
        planned = session.scalars(
            select(Client.telegram_user_id)
            .join(BroadcastDelivery, BroadcastDelivery.client_id == Client.id)
            .join(AlertItem, AlertItem.broadcast_id == BroadcastDelivery.broadcast_id)
            .where(AlertItem.item_id == job_id)
        ).all()
    assert list(planned) == [seeker]
    assert not any(title in str(message.get("text")) for message in stack.api.bot_messages(elsewhere))

    [answer] = Chat(stack.api, seeker).press("خبر نفرست", on=alert)
    assert "دیگر هشدار" in answer["text"], answer["text"]
