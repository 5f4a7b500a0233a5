"""Prometheus metrics of the bot. Counters and histograms are updated where things happen; the queue
gauges are read from the case database at each scrape, so they are right after a restart too."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from karyar.db.engine import Database
from karyar.observability.queues import queue_state

REGISTRY = CollectorRegistry(auto_describe=True)

MESSAGES = Counter(
    "karyar_messages", "Messages received from and sent to clients", ["direction"], registry=REGISTRY
)
REPLY_SECONDS = Histogram(
    "karyar_reply_seconds",
    "From a client's message being stored to the bot's answer being sent",
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 300),
    registry=REGISTRY,
)
ERRORS = Counter("karyar_errors", "Failures an operator may need to look at", ["kind"], registry=REGISTRY)
ERROR_KINDS = ("handler", "rasa_unavailable", "telegram_refused")
# Every series exists from the start, at 0, so rates and alerts work before the first event.
for _direction in ("in", "out"):
    MESSAGES.labels(_direction)
for _kind in ERROR_KINDS:
    ERRORS.labels(_kind)
FLOODS = Counter("karyar_floods", "Times a client was asked to slow down", registry=REGISTRY)


class QueueCollector(Collector):
    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self) -> Iterator[GaugeMetricFamily]:
        state = self.database.run(queue_state)
        waiting = GaugeMetricFamily("karyar_queue_messages", "Client messages waiting", labels=["for"])
        waiting.add_metric(["rasa"], state.waiting_for_rasa)
        waiting.add_metric(["counsellor"], state.waiting_for_counsellor)
        yield waiting
        yield GaugeMetricFamily(
            "karyar_handoffs_waiting", "Handoffs nobody has claimed yet", value=state.handoffs_waiting
        )
        yield GaugeMetricFamily(
            "karyar_handoff_oldest_wait_seconds",
            "How long the longest-waiting unclaimed handoff has waited",
            value=state.oldest_handoff_wait_seconds,
        )
        deliveries = GaugeMetricFamily(
            "karyar_broadcast_deliveries", "Deliveries of broadcasts being sent or paused", labels=["status"]
        )
        for status, count in sorted(state.deliveries.items()):
            deliveries.add_metric([status], count)
        yield deliveries


_watched: list[QueueCollector] = []


def watch_queues(database: Database) -> None:
    """Report the queues of this database (once per process: the registry refuses a second collector)."""
    if _watched:
        _watched[0].database = database
        return
    _watched.append(QueueCollector(database))
    REGISTRY.register(_watched[0])
