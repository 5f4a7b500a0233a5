"""Handoffs in a counsellors' forum supergroup (one topic per case), and reminders and escalation.

Each runs its own bot process on the shared Rasa, action server and database, with its own Bot API
stand-in, so the group setting and the short timers apply to it alone.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from karyar.db.engine import Database
from localapi.server import ThreadedLocalBotApi, run_in_thread
from persian.format import persian_text
from tests.e2e.test_handoff import ASK, handoff_of, press, wait_for
from tests.e2e.test_intake import client_of
from tests.support.chat import button_titles
from tests.support.stack import Stack, extra_bot
from tests.support.team import Team

pytestmark = pytest.mark.e2e
FORUM_TOKEN = "7000000003:AAforum-test-token-for-karyar-e2e"
TIMERS_TOKEN = "7000000004:AAtimer-test-token-for-karyar-e2e"
GROUP = -1001234567890


def _running(api: ThreadedLocalBotApi, name: str, stack: Stack, **env: str) -> Iterator[ThreadedLocalBotApi]:
    with extra_bot(stack, api, name, **env) as bot:
        if not api.wait_until(lambda: bool(api.api_calls("getUpdates")), timeout=60):
            raise RuntimeError(f"the {name} never polled:\n{bot.tail()}")
        yield api


@pytest.fixture
def forum_api(stack: Stack) -> Iterator[ThreadedLocalBotApi]:
    with run_in_thread(FORUM_TOKEN) as api:
        yield from _running(api, "forum-bot", stack, COUNSELLOR_GROUP_ID=str(GROUP))


@pytest.fixture
def timers_api(stack: Stack) -> Iterator[ThreadedLocalBotApi]:
    with run_in_thread(TIMERS_TOKEN) as api:
        yield from _running(
            api, "timers-bot", stack, HANDOFF_REMIND_MINUTES="0.03", HANDOFF_ESCALATE_MINUTES="0.06"
        )


def test_a_case_gets_a_topic_claimed_there_recreated_when_deleted_and_closed(
    forum_api: ThreadedLocalBotApi, stack_db: Database, user_id: int
) -> None:
    api = forum_api
    team = Team(api, stack_db, "خراسان جنوبی")
    try:
        counsellor = team.add("فاطمه")
        outsider = 8_299_000_001
        api.add_user(outsider, "مهمان")
        api.create_group(GROUP, "مشاوران کاریار", members=[counsellor, outsider])
        chat = team.client(user_id)

        group_mark = api.mark(GROUP)
        chat.say(ASK)
        [card] = wait_for(api, GROUP, group_mark)
        thread = card["message_thread_id"]
        assert card["is_topic_message"] and "قبول" in " ".join(button_titles(card))
        assert [topic["message_thread_id"] for topic in api.topics(GROUP)][-1] == thread

        # Being in the group grants nothing.
        refused = press(api, outsider, card, "✋ قبول", chat_id=GROUP)
        assert "فقط برای همکاران" in api.wait_for_callback_answer(refused, timeout=30)["text"]
        api.send_text(outsider, "سلام مددجو", chat_id=GROUP, message_thread_id=thread)

        client_mark = api.mark(user_id)
        press(api, counsellor, card, "✋ قبول", chat_id=GROUP)
        assert "شروع کرد" in wait_for(api, user_id, client_mark)[0]["text"]

        # Both ways through the topic; the outsider's words never reached the client. The client's words
        # come under their name, not as the bot's own.
        topic_mark = api.mark(GROUP)
        api.send_text(user_id, "سلام، کمک می‌خواهم")
        [relayed] = wait_for(api, GROUP, topic_mark, message_thread_id=thread)
        name = client_of(stack_db, user_id).first_name
        header = f"👤 {name} (پرونده {persian_text(str(handoff_of(stack_db, user_id).case_id))}):"
        assert name and relayed["text"].splitlines() == [header, "سلام، کمک می‌خواهم"]
        topic_mark = api.mark(GROUP)
        api.send_photo(user_id, caption="کارت ملی")
        [photo] = wait_for(api, GROUP, topic_mark, message_thread_id=thread)
        assert "photo" in photo and photo["caption"].splitlines() == [header, "کارت ملی"]
        client_mark = api.mark(user_id)
        api.send_text(counsellor, "در خدمتم", chat_id=GROUP, message_thread_id=thread)
        assert wait_for(api, user_id, client_mark)[0]["text"] == "در خدمتم"
        assert all("سلام مددجو" not in str(m.get("text")) for m in api.bot_messages(user_id))

        # A topic deleted by hand comes back with the next message, card first.
        api.delete_topic(GROUP, thread)
        group_mark = api.mark(GROUP)
        api.send_text(user_id, "هنوز هستید؟")
        recreated = wait_for(api, GROUP, group_mark, 2)
        new_thread = recreated[-1]["message_thread_id"]
        assert new_thread != thread and "دوباره ساخته شد" in recreated[0]["text"]
        assert recreated[-1]["text"].splitlines()[-1] == "هنوز هستید؟" and name in recreated[-1]["text"]

        # Closing from the card's buttons closes the topic.
        group_mark = api.mark(GROUP)
        press(api, counsellor, recreated[0], "✅ پایان گفتگو", chat_id=GROUP)
        [outcomes] = wait_for(api, GROUP, group_mark)
        client_mark = api.mark(user_id)
        press(api, counsellor, outcomes, "راهنمایی و اطلاع‌رسانی", chat_id=GROUP)
        assert "تمام شد" in wait_for(api, user_id, client_mark)[0]["text"]
        assert api.wait_until(
            lambda: any(t["message_thread_id"] == new_thread and t["closed"] for t in api.topics(GROUP)),
            timeout=30,
        )
        assert handoff_of(stack_db, user_id).outcome == "information"
    finally:
        team.dismiss()


def test_an_unclaimed_request_reminds_the_pool_then_reaches_a_supervisor(
    timers_api: ThreadedLocalBotApi, stack_db: Database, user_id: int
) -> None:
    api = timers_api
    team = Team(api, stack_db, "کهگیلویه و بویراحمد")
    try:
        counsellor, supervisor = team.add("رضا"), team.add("سرپرست", role="supervisor")
        chat = team.client(user_id)
        marks = {counsellor: api.mark(counsellor), supervisor: api.mark(supervisor)}
        chat.say(ASK)
        assert api.wait_until(
            lambda: any(
                "منتظر مشاور" in str(m.get("text"))
                for m in api.bot_messages(counsellor, since=marks[counsellor])
            ),
            timeout=30,
        )
        assert api.wait_until(
            lambda: any(
                "هنوز هیچ مشاوری" in str(m.get("text"))
                for m in api.bot_messages(supervisor, since=marks[supervisor])
            ),
            timeout=30,
        )
        assert handoff_of(stack_db, user_id).escalated_at is not None
    finally:
        team.dismiss()
