"""The figures of a report, counted in the database for one period and scope.

Each query groups in SQL and returns counts (or, for waiting times, one number per handoff of the period),
so a monthly report over a national history reads a few thousand small rows at most.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastPress,
    Case,
    CaseEvent,
    CaseEventKind,
    Client,
    DeliveryStatus,
    FollowUp,
    FollowUpAnswer,
    Handoff,
    Message,
)
from karyar.followup import CHECK_IN_MONTHS
from karyar.reports import periods
from karyar.reports.activity import Activity, activity, between
from karyar.reports.dimensions import Split, classifier
from karyar.reports.employers import EmployerFigures, employer_figures
from karyar.reports.family import FamilyFigures, family_figures
from karyar.reports.periods import Period
from karyar.reports.scope import Scope, condition, join_facts, scoped
from karyar.reports.targets import Target, target_for

SPLIT_FACTS = ("gender", "province", "city", "field", "organisation")
# A trend shorter than this many weeks says little; a shorter period's trend reaches back to it.
TREND_WEEKS = 8
TREND_SERIES = (Activity.NEW_CLIENTS, Activity.HANDOFFS, Activity.PLACEMENTS)


@dataclass
class Figure:
    activity: Activity
    total: int = 0
    splits: dict[Split, Counter[str]] = field(default_factory=lambda: {split: Counter() for split in Split})
    target: Target | None = None
    year_to_date: int | None = None  # with a target: the count from the year's start to the period's end

    def add(self, splits: dict[Split, str], count: int) -> None:
        self.total += count
        for split, value in splits.items():
            self.splits[split][value] += count


@dataclass(frozen=True)
class HandoffFigures:
    requested: int
    claimed: int
    median_wait_minutes: float | None
    p90_wait_minutes: float | None
    target_minutes: float
    claimed_within_target: int
    outcomes: dict[str, int]
    ratings: int
    average_rating: float | None

    @property
    def share_within_target(self) -> float | None:
        return self.claimed_within_target / self.requested if self.requested else None


@dataclass(frozen=True)
class BroadcastFigures:
    broadcasts: int
    deliveries: dict[str, int]
    presses: int
    pressing_clients: int

    @property
    def delivered(self) -> int:
        return self.deliveries.get(DeliveryStatus.SENT, 0)

    @property
    def blocked(self) -> int:
        return self.deliveries.get(DeliveryStatus.BLOCKED, 0) + self.deliveries.get(
            DeliveryStatus.CHAT_MISSING, 0
        )


@dataclass(frozen=True)
class TrendWeek:
    start: datetime
    counts: dict[Activity, int]


@dataclass(frozen=True)
class Report:
    period: Period
    scope: Scope
    generated_at: datetime
    figures: dict[Activity, Figure]
    family: FamilyFigures
    eligibility: dict[str, Counter[str]]  # service id -> status -> checks
    interests_by_kind: dict[str, int]  # course or job
    handoffs: HandoffFigures
    follow_ups: dict[int, Counter[str]]  # months after the start -> answer -> count
    broadcasts: BroadcastFigures
    employers: EmployerFigures
    messages: dict[str, int]  # direction -> count
    funnel: list[tuple[str, int]]
    trend: list[TrendWeek]


def build(session: Session, *, period: Period, scope: Scope, claim_target_minutes: float = 15.0) -> Report:
    figures = _client_figures(session, period=period, scope=scope)
    _add_targets(session, figures, period=period, scope=scope)
    return Report(
        period=period,
        scope=scope,
        generated_at=now(),
        figures=figures,
        family=family_figures(session, period=period, scope=scope),
        eligibility=_eligibility(session, period=period, scope=scope),
        interests_by_kind=_interests_by_kind(session, period=period, scope=scope),
        handoffs=_handoffs(session, period=period, scope=scope, target_minutes=claim_target_minutes),
        follow_ups=_follow_ups(session, period=period, scope=scope),
        broadcasts=_broadcasts(session, period=period, scope=scope),
        employers=employer_figures(session, period=period, scope=scope),
        messages=_messages(session, period=period, scope=scope),
        funnel=_funnel(session, period=period, scope=scope),
        trend=_trend(session, period=period, scope=scope),
    )


def _client_figures(session: Session, *, period: Period, scope: Scope) -> dict[Activity, Figure]:
    rows = activity(period.start, period.end)
    statement, facts = join_facts(select(rows.c.kind), rows.c.client_id, SPLIT_FACTS)
    dims = [facts["gender"], facts["province"], facts["city"], facts["field"]]
    statement = (
        statement.add_columns(*dims, func.count()).where(condition(scope, facts)).group_by(rows.c.kind, *dims)
    )
    figures = {kind: Figure(kind) for kind in Activity}
    classify = classifier()
    # Streamed: a year of a national history has tens of thousands of (place, field) combinations.
    for kind, gender, province, city, field_name, count in session.execute(
        statement.execution_options(yield_per=5000)
    ):
        splits = classify.splits(gender=gender, province=province, city=city, field=field_name)
        figures[Activity(kind)].add(splits, count)
    return figures


def _kind_counts(session: Session, *, start: datetime, end: datetime, scope: Scope) -> Counter[str]:
    rows = activity(start, end)
    statement = scoped(select(rows.c.kind, func.count()), rows.c.client_id, scope).group_by(rows.c.kind)
    return Counter({kind: count for kind, count in session.execute(statement)})


def _add_targets(session: Session, figures: dict[Activity, Figure], *, period: Period, scope: Scope) -> None:
    targets = {kind: target_for(period.jalali_year, kind, scope) for kind in figures}
    if not any(targets.values()):
        return
    year_end = periods.year(period.jalali_year).end
    counts = _kind_counts(session, start=period.year_start, end=min(period.end, year_end), scope=scope)
    for kind, target in targets.items():
        if target is not None:
            figures[kind].target = target
            figures[kind].year_to_date = counts.get(kind, 0)


def _scoped_events(kind: CaseEventKind, *, period: Period, scope: Scope, columns: list[Any]) -> Any:
    statement = (
        select(*columns)
        .select_from(CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.kind == kind, between(CaseEvent.created_at, period.start, period.end))
    )
    return scoped(statement, Case.client_id, scope)


def _eligibility(session: Session, *, period: Period, scope: Scope) -> dict[str, Counter[str]]:
    """Per service, how many checks found the client eligible, not eligible or needing more facts."""
    statement = _scoped_events(
        CaseEventKind.ELIGIBILITY_RESULT, period=period, scope=scope, columns=[CaseEvent.data]
    )
    results: defaultdict[str, Counter[str]] = defaultdict(Counter)
    # The services of a check are keys of its JSON, which SQLite and PostgreSQL unpack differently; the
    # period's events are streamed in batches instead, a few kilobytes at a time.
    for data in session.scalars(statement.execution_options(yield_per=2000)):
        for service, status in (data or {}).get("services", {}).items():
            results[service][status] += 1
    return dict(results)


def _interests_by_kind(session: Session, *, period: Period, scope: Scope) -> dict[str, int]:
    # Grouped outside the subquery: PostgreSQL does not see two renderings of `data ->> $n` as one.
    kinds = _scoped_events(
        CaseEventKind.INTEREST,
        period=period,
        scope=scope,
        columns=[CaseEvent.data["kind"].as_string().label("kind")],
    ).subquery()
    statement = select(kinds.c.kind, func.count()).group_by(kinds.c.kind)
    return {kind or "unknown": count for kind, count in session.execute(statement)}


def _scoped_handoffs(period: Period, scope: Scope, *columns: Any) -> Any:
    statement = select(*columns).where(between(Handoff.requested_at, period.start, period.end))
    return scoped(statement, Handoff.client_id, scope)


def _handoffs(session: Session, *, period: Period, scope: Scope, target_minutes: float) -> HandoffFigures:
    requested = session.scalar(_scoped_handoffs(period, scope, func.count(Handoff.id))) or 0
    waits = sorted(
        (claimed - asked).total_seconds() / 60
        for asked, claimed in session.execute(
            _scoped_handoffs(period, scope, Handoff.requested_at, Handoff.claimed_at)
            .where(Handoff.claimed_at.is_not(None))
            .execution_options(yield_per=5000)
        )
    )
    outcomes = {
        outcome: count
        for outcome, count in session.execute(
            _scoped_handoffs(period, scope, Handoff.outcome, func.count())
            .where(Handoff.outcome.is_not(None))
            .group_by(Handoff.outcome)
        )
    }
    ratings, average = session.execute(
        _scoped_handoffs(period, scope, func.count(Handoff.rating), func.avg(Handoff.rating))
    ).one()
    return HandoffFigures(
        requested=requested,
        claimed=len(waits),
        median_wait_minutes=statistics.median(waits) if waits else None,
        p90_wait_minutes=_percentile(waits, 0.9),
        target_minutes=target_minutes,
        claimed_within_target=sum(1 for wait in waits if wait <= target_minutes),
        outcomes=outcomes,
        ratings=ratings,
        average_rating=float(average) if average is not None else None,
    )


def _percentile(ordered: list[float], fraction: float) -> float | None:
    """The nearest-rank percentile of sorted values."""
    if not ordered:
        return None
    return ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]


def _follow_ups(session: Session, *, period: Period, scope: Scope) -> dict[int, Counter[str]]:
    statement = select(FollowUp.months, FollowUp.answer, func.count()).where(
        between(FollowUp.answered_at, period.start, period.end),
        FollowUp.answer.is_not(None),
    )
    statement = scoped(statement, FollowUp.client_id, scope).group_by(FollowUp.months, FollowUp.answer)
    results: dict[int, Counter[str]] = {months: Counter() for months in CHECK_IN_MONTHS}
    for months, answer, count in session.execute(statement):
        results.setdefault(months, Counter())[answer] += count
    return results


def _broadcasts(session: Session, *, period: Period, scope: Scope) -> BroadcastFigures:
    started = between(Broadcast.started_at, period.start, period.end)
    deliveries_statement = (
        select(BroadcastDelivery.status, func.count())
        .join(Broadcast, Broadcast.id == BroadcastDelivery.broadcast_id)
        .where(started)
    )
    deliveries_statement = scoped(deliveries_statement, BroadcastDelivery.client_id, scope)
    deliveries = {
        status: count
        for status, count in session.execute(deliveries_statement.group_by(BroadcastDelivery.status))
    }
    broadcasts = session.scalar(select(func.count(Broadcast.id)).where(started)) or 0
    presses_statement = (
        select(func.count(), func.count(func.distinct(BroadcastPress.client_id)))
        .join(Broadcast, Broadcast.id == BroadcastPress.broadcast_id)
        .where(started)
    )
    presses, pressing = session.execute(scoped(presses_statement, BroadcastPress.client_id, scope)).one()
    return BroadcastFigures(
        broadcasts=broadcasts, deliveries=deliveries, presses=presses, pressing_clients=pressing
    )


def _messages(session: Session, *, period: Period, scope: Scope) -> dict[str, int]:
    statement = select(Message.direction, func.count()).where(
        between(Message.created_at, period.start, period.end)
    )
    statement = scoped(statement, Message.client_id, scope).group_by(Message.direction)
    return {direction: count for direction, count in session.execute(statement)}


FUNNEL_STEPS = ("started", "consented", "checked", "interested", "handed_off", "placed")


def _has_event(kind: CaseEventKind) -> Any:
    return exists().where(Case.client_id == Client.id, CaseEvent.case_id == Case.id, CaseEvent.kind == kind)


def _funnel(session: Session, *, period: Period, scope: Scope) -> list[tuple[str, int]]:
    """Of the clients who started in the period, how many have reached each step since."""

    def reached(condition_: Any) -> Any:
        return func.coalesce(func.sum(case((condition_, 1), else_=0)), 0)

    statement = select(
        func.count(Client.id),
        reached(Client.consent_given_at.is_not(None)),
        reached(_has_event(CaseEventKind.ELIGIBILITY_RESULT)),
        reached(_has_event(CaseEventKind.INTEREST)),
        reached(exists().where(Handoff.client_id == Client.id)),
        reached(_has_event(CaseEventKind.PLACEMENT)),
    ).where(between(Client.first_seen_at, period.start, period.end))
    counts = session.execute(scoped(statement, Client.id, scope)).one()
    return list(zip(FUNNEL_STEPS, (int(count) for count in counts), strict=True))


def trend_range(period: Period) -> tuple[datetime, datetime]:
    """The period, reaching back to whole weeks and to at least TREND_WEEKS of them."""
    start = min(period.start, period.end - timedelta(weeks=TREND_WEEKS))
    return periods.week_of(periods.jalali_day(start)).start, period.end


def _trend(session: Session, *, period: Period, scope: Scope) -> list[TrendWeek]:
    start, end = trend_range(period)
    weeks = periods.weeks(start, end)
    rows = activity(start, end)
    week_index = case(
        *((rows.c.at < week_end, index) for index, (_, week_end) in enumerate(weeks)), else_=len(weeks)
    ).label("week")
    inner = scoped(select(week_index, rows.c.kind), rows.c.client_id, scope)
    bucketed = inner.where(rows.c.kind.in_(TREND_SERIES)).subquery()
    statement = select(bucketed.c.week, bucketed.c.kind, func.count()).group_by(
        bucketed.c.week, bucketed.c.kind
    )
    counts: defaultdict[int, Counter[Activity]] = defaultdict(Counter)
    for index, kind, count in session.execute(statement):
        counts[index][Activity(kind)] += count
    return [
        TrendWeek(start=week_start, counts={series: counts[index][series] for series in TREND_SERIES})
        for index, (week_start, _) in enumerate(weeks)
    ]


def still_working_share(answers: Counter[str]) -> float | None:
    answered = sum(answers.values())
    return answers.get(FollowUpAnswer.WORKING, 0) / answered if answered else None
