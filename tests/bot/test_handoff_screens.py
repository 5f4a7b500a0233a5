"""What clients and counsellors read around a handoff, and the callback data of its buttons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram.error import BadRequest

from bot.handoff import callbacks
from bot.handoff.channel import topic_missing
from bot.handoff.screens import card_text, outcome_keyboard, rating_keyboard, waiting_text
from karyar.handoff.snapshot import CaseSnapshot, RecentMessage
from karyar.handoff.waiting import WaitingInfo
from karyar.wellbeing.distress import DistressKind
from persian.format import ltr

SATURDAY_8_TEHRAN = datetime(2026, 11, 28, 4, 30, tzinfo=UTC)  # 7 Azar 1405, 08:00 in Tehran


def test_a_client_asking_after_hours_is_told_when_counsellors_are_back() -> None:
    text = waiting_text(WaitingInfo(position=1, office_open=False, back_at=SATURDAY_8_TEHRAN, minutes=None))
    assert "ساعت کاری مشاوران نیست" in text
    assert "۸" in text and "صبح" in text


def test_a_client_in_line_is_told_their_place_and_the_wait_in_persian_digits() -> None:
    assert "نفر اول صف" in waiting_text(WaitingInfo(position=1, office_open=True, back_at=None, minutes=5))
    text = waiting_text(WaitingInfo(position=3, office_open=True, back_at=None, minutes=15))
    assert "نفر ۳ صف" in text and "۱۵ دقیقه" in text


def test_the_card_shows_the_reason_facts_results_interests_and_last_words() -> None:
    snapshot = CaseSnapshot(
        handoff_id=4,
        case_id=12,
        stage="assessment",
        reason="judgement",
        tier="counsellor",
        status="waiting",
        requested_at=SATURDAY_8_TEHRAN,
        client_name="مریم احمدی",
        username="maryam",
        facts=[("سن", "23"), ("استان", "خراسان رضوی")],
        services=[("آموزش مهارتی", "eligible")],
        priority="مددجویان کمک‌معیشت‌بگیر",
        interests=["خیاطی مقدماتی"],
        recent=[RecentMessage(True, "کار " * 200), RecentMessage(False, "بفرمایید")],
        claimed_by=None,
        details={},
        distress=[],
    )
    text = card_text(snapshot)
    for expected in (
        "پرونده ۱۲",
        "نیاز به نظر مشاور",
        ltr("@maryam"),  # «maryam@» otherwise, after the Persian name
        "سن: ۲۳",
        "واجد شرایط",
        "خیاطی مقدماتی",
        "🤖",
    ):
        assert expected in text
    assert len(text) < 4096 and "…" in text  # a long message is cut, the card stays one message
    assert "پریشانی" not in text


def test_the_card_warns_of_distress_seen_in_the_clients_messages() -> None:
    snapshot = CaseSnapshot(
        handoff_id=5,
        case_id=13,
        stage="intake",
        reason="distress",
        tier="counsellor",
        status="waiting",
        requested_at=SATURDAY_8_TEHRAN,
        client_name="زهرا",
        username=None,
        facts=[],
        services=[],
        priority=None,
        interests=[],
        recent=[RecentMessage(True, "شوهرم زندانه و صاحبخونه میگه باید بریم")],
        claimed_by=None,
        details={},
        distress=[DistressKind.PRISON, DistressKind.EVICTION],
    )
    text = card_text(snapshot)
    assert "⚠️" in text and "زندان" in text and "تخلیه" in text
    assert "شرایط سختی" in text  # the reason: she accepted the person offered


def test_button_data_fits_telegram_and_round_trips() -> None:
    for markup in (outcome_keyboard(9_223_372_036_854_775), rating_keyboard(9_223_372_036_854_775)):
        for row in markup.inline_keyboard:
            for button in row:
                data = str(button.callback_data)
                assert len(data.encode()) <= 64
                assert callbacks.parse(data) is not None


@pytest.mark.parametrize(
    "forged", ["ho:claim", "ho:claim:x", "hc:rate:1:5:6", "ho:CLAIM:1", "", None, "hc:rate:-1"]
)
def test_forged_button_data_is_not_parsed(forged: str | None) -> None:
    assert callbacks.parse(forged) is None


@pytest.mark.parametrize(
    ("answer", "gone"),
    [
        ("Bad Request: message thread not found", True),
        ("Bad Request: TOPIC_DELETED", True),
        ("Bad Request: TOPIC_ID_INVALID", True),
        ("Bad Request: TOPIC_CLOSED", False),
        ("Bad Request: TOPIC_NOT_MODIFIED", False),
        ("Bad Request: chat not found", False),
    ],
)
def test_only_a_deleted_topic_counts_as_gone(answer: str, gone: bool) -> None:
    assert topic_missing(BadRequest(answer)) is gone
