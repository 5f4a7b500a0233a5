"""The pace of bulk sending, on a clock the test moves: even spacing, room left for conversations, one
message a second per chat, and flood waits obeyed."""

from __future__ import annotations

import itertools

import pytest
from telegram.error import RetryAfter

from bot.broadcast.gate import SendGate, flood_wait


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _gate(clock: Clock, rate: float = 25) -> SendGate:
    return SendGate(rate, clock=clock, sleep=clock.sleep)


async def _times(gate: SendGate, clock: Clock, chats: list[int]) -> list[float]:
    moments = []
    for chat in chats:
        await gate.acquire(chat)
        moments.append(clock.now)
    return moments


async def test_bulk_sends_are_spaced_evenly_at_the_rate(clock: Clock) -> None:
    moments = await _times(_gate(clock), clock, list(range(100)))
    gaps = [b - a for a, b in itertools.pairwise(moments)]
    assert min(gaps) == pytest.approx(0.04)
    assert moments[-1] - moments[0] == pytest.approx(99 * 0.04)


async def test_conversation_traffic_leaves_less_room_for_the_broadcast(clock: Clock) -> None:
    gate = _gate(clock, rate=10)
    for chat in range(8):
        gate.note(1000 + chat)  # eight replies to clients in this very moment
    moments = await _times(gate, clock, [1, 2, 3, 4])
    within_a_second = [m for m in moments if m < 1000.0 + 1.0]
    assert len(within_a_second) == 2  # 8 + 2 = the 10 a second allowed
    assert moments[2] >= 1001.0


async def test_no_chat_gets_two_messages_within_a_second(clock: Clock) -> None:
    gate = _gate(clock, rate=25)
    gate.note(7)  # the client was just answered in their conversation
    first, second = await _times(gate, clock, [7, 7])
    assert first >= 1001.0
    assert second - first >= 1.0


async def test_a_flood_wait_holds_every_bulk_send(clock: Clock) -> None:
    gate = _gate(clock)
    await gate.acquire(1)
    gate.hold(5)
    assert gate.held_for == pytest.approx(5)
    (moment,) = await _times(gate, clock, [2])
    assert moment >= 1005.0
    assert gate.held_for == 0


def test_flood_wait_reads_telegrams_retry_after_in_seconds() -> None:
    assert flood_wait(RetryAfter(7)) == 7.0


async def test_the_gate_forgets_old_chats(clock: Clock) -> None:
    gate = _gate(clock, rate=1000)
    await _times(gate, clock, list(range(5000)))
    clock.now += 2
    await gate.acquire(99_999)
    assert len(gate._last_to_chat) == 1
