"""A server given a state directory keeps its world there: stopped and started again it shows the same chats,
and updates, messages and files go on being numbered where they stopped."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from telegram import Bot, ReplyKeyboardMarkup

from localapi import LocalBotApi, ThreadedLocalBotApi, World
from localapi.objects import BotIdentity
from localapi.persistence import STATE_FILE, WorldStore

from .conftest import USER
from .test_bot_methods import tiny_png
from .test_webchat import COUNSELLOR, GROUP, PERSONAS

SAVE_WAIT_SECONDS = 5.0


async def started(state_dir: Path) -> LocalBotApi:
    api = LocalBotApi(personas=PERSONAS, state_dir=state_dir)
    await api.start()
    return api


@pytest.fixture
async def restartable(tmp_path: Path) -> AsyncIterator[list[LocalBotApi]]:
    """Servers started on one state directory; all of them are stopped at the end."""
    servers: list[LocalBotApi] = []
    yield servers
    for server in servers:
        await server.stop()


def saved_world(state_dir: Path) -> World:
    """The world as a server started on ``state_dir`` now would find it."""
    world = World(BotIdentity(7000000001, "کاریار", "karyar_local_bot"))
    WorldStore(state_dir).load(world)
    return world


def wait_for(condition: Callable[[], bool], timeout: float = SAVE_WAIT_SECONDS) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


async def test_a_restarted_server_shows_its_chats_and_numbers_on(
    tmp_path: Path, restartable: list[LocalBotApi]
) -> None:
    first = await started(tmp_path)
    restartable.append(first)
    first.add_user(USER, "علی")
    first.add_user(COUNSELLOR, "خانم کریمی")
    first.create_group(GROUP, "مشاوران کاریار", members=[COUNSELLOR])
    async with Bot(first.token, base_url=first.bot_url, base_file_url=first.file_url) as bot:
        first.send_text(USER, "سلام")
        (hello,) = await bot.get_updates()
        await bot.send_message(USER, "منو", reply_markup=ReplyKeyboardMarkup([["آموزش و دوره‌ها"]]))
        photo = await bot.send_photo(USER, io.BytesIO(tiny_png(40, 30)), caption="کارت دوره")
        topic = (await bot.create_forum_topic(GROUP, "پرونده ۱ — علی")).message_thread_id
        await bot.send_message(GROUP, "کارت پرونده", message_thread_id=topic)
        await bot.get_updates(offset=hello.update_id + 1)  # confirmed: not delivered again
    pending = first.send_text(USER, "کسی هست؟")  # the bot is not listening: waits for the next server
    transcript = first.transcript(USER)
    await first.stop()

    second = await started(tmp_path)
    restartable.append(second)
    assert second.transcript(USER) == transcript
    assert second.reply_keyboard(USER) == {"keyboard": [[{"text": "آموزش و دوره‌ها"}]]}
    assert [t["name"] for t in second.topics(GROUP)] == ["پرونده ۱ — علی"]
    assert [m.get("text") for m in second.transcript(GROUP, message_thread_id=topic)][-1] == "کارت پرونده"
    async with Bot(second.token, base_url=second.bot_url, base_file_url=second.file_url) as bot:
        (waiting,) = await bot.get_updates()
        assert waiting.message is not None and waiting.message.text == "کسی هست؟"
        assert waiting.update_id == hello.update_id + 1
        await bot.get_updates(offset=waiting.update_id + 1)
        file = await bot.get_file(photo.photo[-1].file_id)
        assert bytes(await file.download_as_bytearray()) == tiny_png(40, 30)
        answer = await bot.send_message(USER, "بله")
        assert answer.message_id == pending["message_id"] + 1
        later = await bot.send_photo(USER, io.BytesIO(tiny_png(8, 8)))
        assert (await bot.get_file(later.photo[-1].file_id)).file_path != file.file_path
    second.send_text(USER, "ممنون")
    assert [u["update_id"] for u in second.pending_updates()] == [hello.update_id + 2]


async def test_what_each_persona_has_read_and_had_open_is_kept(
    tmp_path: Path, restartable: list[LocalBotApi]
) -> None:
    first = await started(tmp_path)
    restartable.append(first)
    first.add_user(USER, "علی")
    first.add_user(COUNSELLOR, "خانم کریمی")
    first.create_group(GROUP, "مشاوران کاریار", members=[COUNSELLOR])
    async with Bot(first.token, base_url=first.bot_url) as bot:
        read = (await bot.create_forum_topic(GROUP, "پرونده ۱")).message_thread_id
        await bot.send_message(GROUP, "کارت ۱", message_thread_id=read)
        unread = (await bot.create_forum_topic(GROUP, "پرونده ۲")).message_thread_id
        await bot.send_message(GROUP, "کارت ۲", message_thread_id=unread)
    last = first.transcript(GROUP, message_thread_id=read)[-1]["message_id"]
    async with httpx.AsyncClient(base_url=first.url or "") as web:
        viewing = {"user_id": COUNSELLOR, "chat_id": GROUP, "thread": read, "message_id": last}
        assert (await web.post("/_local/web/viewing", json=viewing)).status_code == 200
    await first.stop()

    second = await started(tmp_path)
    restartable.append(second)
    async with httpx.AsyncClient(base_url=second.url or "") as web:
        overview = (await web.get("/_local/web/overview")).json()
    counsellor = next(p for p in overview["personas"] if p["user_id"] == COUNSELLOR)
    (forum,) = [c for c in counsellor["chats"] if c["type"] == "forum"]
    assert {t["thread_id"]: t["unread"] for t in forum["threads"]} == {0: False, read: False, unread: True}
    assert second.world.last_open[COUNSELLOR] == (GROUP, read)


def test_changes_are_on_disk_while_the_server_runs(tmp_path: Path) -> None:
    """Written as they happen, so a server killed without stopping loses nothing but the last moment."""
    with ThreadedLocalBotApi(state_dir=tmp_path) as api:
        api.send_text(USER, "پیام اول")
        assert wait_for(lambda: USER in saved_world(tmp_path).chats)
        api.send_text(USER, "پیام دوم")

        def second_saved() -> bool:
            chat = saved_world(tmp_path).chats[USER]
            return [m.data.get("text") for m in chat.messages.values()] == ["پیام اول", "پیام دوم"]

        assert wait_for(second_saved)
        assert saved_world(tmp_path).next_update_id == 3


def test_an_unusable_state_is_set_aside_and_the_server_starts_empty(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / STATE_FILE).write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="localapi.persistence"):
        api = ThreadedLocalBotApi(state_dir=tmp_path)
    assert api.world.chats == {}
    assert "cannot be used" in caplog.text
    (aside,) = tmp_path.glob(f"{STATE_FILE}.unreadable-*")
    assert aside.read_text(encoding="utf-8") == "{not json"
    with api:
        api.send_text(USER, "سلام")
    assert [m.data["text"] for m in saved_world(tmp_path).chats[USER].messages.values()] == ["سلام"]


def test_a_restart_on_the_same_address_can_number_updates_from_one_again() -> None:
    """What a Bot API server that lost its update counter looks like to a bot: same address, same chats,
    update ids from 1."""
    with ThreadedLocalBotApi() as api:
        url = api.url
        for text in ("یک", "دو", "سه"):
            api.send_text(USER, text)
        confirm = httpx.get(f"{api.bot_url}{api.token}/getUpdates", params={"offset": 3}).json()
        assert [u["update_id"] for u in confirm["result"]] == [3]

        assert api.restart() == url  # a plain restart goes on numbering
        api.send_text(USER, "چهار")
        assert [u["update_id"] for u in api.pending_updates()] == [3, 4]

        assert api.restart(renumber_updates=True) == url
        api.send_text(USER, "پنج")
        updates = httpx.get(f"{api.bot_url}{api.token}/getUpdates").json()["result"]
        assert [(u["update_id"], u["message"]["text"]) for u in updates] == [
            (1, "سه"),
            (2, "چهار"),
            (3, "پنج"),
        ]
        assert [m["text"] for m in api.transcript(USER)] == ["یک", "دو", "سه", "چهار", "پنج"]
