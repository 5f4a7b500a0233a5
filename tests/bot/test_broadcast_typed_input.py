"""What staff type in the broadcast flow and the progress line they read, without a bot running."""

from __future__ import annotations

import pytest

from bot.broadcast import compose
from bot.broadcast.progress import progress_text
from karyar.broadcast.report import Progress
from karyar.db.models import Broadcast, BroadcastStatus, DeliveryStatus


@pytest.mark.parametrize(
    ("typed", "ages"),
    [
        ("۱۸-۳۵", (18, 35)),
        ("18 تا 35", (18, 35)),
        ("۱۸تا۳۵", (18, 35)),
        ("35 — 18", (18, 35)),
        ("۱۸-", (18, None)),
        ("تا ۳۵", (None, 35)),
        ("۴۰", (40, 40)),
        ("-", None),
        ("۱۸ تاب ۳۵", None),
        ("جوان", None),
    ],
)
def test_an_age_range_is_read_with_either_digits_and_a_dash_or_the_word_ta(
    typed: str, ages: tuple[int | None, int | None] | None
) -> None:
    assert compose.read_age_range(typed) == ages


def test_names_are_split_at_commas_semicolons_and_lines() -> None:
    assert compose.split_names("مشهد، تهران;شیراز\n\nتبریز ؛ کرج,,") == [
        "مشهد",
        "تهران",
        "شیراز",
        "تبریز",
        "کرج",
    ]


def test_the_start_word_is_recognised_however_it_is_spelled() -> None:
    assert compose.is_word_command("اطلاعیه") and compose.is_word_command(" اطلاعيه ")
    assert not compose.is_word_command("اطلاعیه بفرست") and not compose.is_word_command(None)


@pytest.mark.parametrize(("sent", "shown"), [(0, "۰٪"), (1, "۰٪"), (2, "۱٪"), (134, "۶۷٪"), (200, "۱۰۰٪")])
def test_the_progress_line_shows_whole_percents(sent: int, shown: str) -> None:
    progress = Progress(200, {DeliveryStatus.SENT: sent, DeliveryStatus.PENDING: 200 - sent})
    broadcast = Broadcast(id=7, status=BroadcastStatus.PAUSED)
    assert progress_text(broadcast, progress, rate_per_second=25).splitlines()[1].endswith(f" {shown}")
