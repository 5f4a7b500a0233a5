"""How far a broadcast has got, and what came of it, counted from its delivery rows and button presses."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from karyar.db.models import Broadcast, BroadcastDelivery, BroadcastPress, DeliveryStatus

D = BroadcastDelivery
UNSUBSCRIBE_BUTTON = -1


@dataclass(frozen=True)
class Progress:
    total: int
    counts: dict[str, int] = field(default_factory=dict)

    def of(self, status: DeliveryStatus) -> int:
        return self.counts.get(status, 0)

    @property
    def sent(self) -> int:
        return self.of(DeliveryStatus.SENT)

    @property
    def blocked(self) -> int:
        return self.of(DeliveryStatus.BLOCKED) + self.of(DeliveryStatus.CHAT_MISSING)

    @property
    def failed(self) -> int:
        return self.of(DeliveryStatus.FAILED)

    @property
    def skipped(self) -> int:
        return self.of(DeliveryStatus.SKIPPED) + self.of(DeliveryStatus.CANCELLED)

    @property
    def remaining(self) -> int:
        return self.of(DeliveryStatus.PENDING) + self.of(DeliveryStatus.SENDING)

    @property
    def finished(self) -> int:
        return self.total - self.remaining

    @property
    def fraction(self) -> float:
        return self.finished / self.total if self.total else 1.0


@dataclass(frozen=True)
class Report:
    broadcast: Broadcast
    progress: Progress
    # (reason, how many) of the deliveries given up, most frequent first
    failures: list[tuple[str, int]]
    # (button title, how many clients pressed it), in the order of the buttons
    presses: list[tuple[str, int]]
    unsubscribed: int


def progress(session: Session, *, broadcast_id: int) -> Progress:
    counts = {
        status: number
        for status, number in session.execute(
            select(D.status, func.count()).where(D.broadcast_id == broadcast_id).group_by(D.status)
        )
    }
    return Progress(total=sum(counts.values()), counts=counts)


def report(session: Session, *, broadcast_id: int) -> Report:
    broadcast = session.get_one(Broadcast, broadcast_id)
    failures = session.execute(
        select(D.last_error, func.count())
        .where(D.broadcast_id == broadcast_id, D.status == DeliveryStatus.FAILED)
        .group_by(D.last_error)
        .order_by(func.count().desc())
    ).all()
    pressed: dict[int, int] = {
        button: number
        for button, number in session.execute(
            select(BroadcastPress.button, func.count())
            .where(BroadcastPress.broadcast_id == broadcast_id)
            .group_by(BroadcastPress.button)
        )
    }
    presses = [
        (button["title"], pressed.get(index, 0))
        for index, button in enumerate(broadcast.buttons)
        if button["kind"] != "link"
    ]
    return Report(
        broadcast=broadcast,
        progress=progress(session, broadcast_id=broadcast_id),
        failures=[(reason or "unknown", number) for reason, number in failures],
        presses=presses,
        unsubscribed=pressed.get(UNSUBSCRIBE_BUTTON, 0),
    )
