"""The figures of a report on both backends equal counts made independently from a generated history:
the generator hands over every client's record, and these tests count them in Python, classifying
places and fields from the data files themselves."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from bench.history import ClientRecord, HistoryShape, generate
from karyar.db.engine import Database
from karyar.db.models import CaseEventKind
from karyar.reports import figures, periods
from karyar.reports.activity import Activity
from karyar.reports.dimensions import Split
from karyar.reports.figures import Report
from karyar.reports.periods import Period
from karyar.reports.scope import Scope
from karyar.reports.targets import targets

REFERENCE = Path(__file__).resolve().parents[3] / "karyar" / "reference"
START, END = datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC)
ABAN = periods.parse("1405/08")
EVENT_FIGURES = {
    Activity.ELIGIBILITY_CHECKS: CaseEventKind.ELIGIBILITY_RESULT,
    Activity.INTERESTS: CaseEventKind.INTEREST,
    Activity.TRAINING_STARTS: CaseEventKind.TRAINING_START,
    Activity.PLACEMENTS: CaseEventKind.PLACEMENT,
}


def _yaml(name: str) -> Any:
    return YAML(typ="safe").load((REFERENCE / name).read_text(encoding="utf-8"))


class Expected:
    """The figures counted straight from the generated records."""

    def __init__(self, records: list[ClientRecord]) -> None:
        self.records = records
        areas = _yaml("areas.yml")
        self.rural = {entry["name"] for entry in areas["rural"]}
        self.urban = {entry["name"] for entry in _yaml("places.yml")["cities"]} - self.rural
        self.sectors = {entry["name"]: entry["sector"] for entry in _yaml("fields.yml")["fields"]}

    def splits(self, record: ClientRecord) -> dict[Split, str]:
        city = record.facts.get("city")
        if city in self.rural or (city or "").startswith("روستای"):
            area = "rural"
        else:
            area = "urban" if city in self.urban else "unknown"
        return {
            Split.GENDER: record.facts.get("gender", "unknown"),
            Split.AREA: area,
            Split.SECTOR: self.sectors.get(record.facts.get("field", ""), "unknown"),
            Split.PROVINCE: record.facts.get("province", "unknown"),
        }

    def in_scope(self, record: ClientRecord, scope: Scope) -> bool:
        return (not scope.organisations or record.facts.get("organisation") in scope.organisations) and (
            not scope.provinces or record.facts.get("province") in scope.provinces
        )

    def moments(self, record: ClientRecord, activity: Activity) -> list[datetime]:
        if activity == Activity.NEW_CLIENTS:
            return [record.first_seen_at]
        if activity == Activity.CONSENTS:
            return [record.consent_given_at] if record.consent_given_at else []
        if activity == Activity.HANDOFFS:
            return [asked for asked, *_ in record.handoffs]
        return [at for kind, at, _ in record.events if kind == EVENT_FIGURES[activity]]

    def figure(
        self, activity: Activity, period: Period, scope: Scope
    ) -> tuple[int, dict[Split, Counter[str]]]:
        total, splits = 0, {split: Counter[str]() for split in Split}
        for record in self.records:
            if not self.in_scope(record, scope):
                continue
            count = sum(1 for moment in self.moments(record, activity) if period.contains(moment))
            total += count
            for split, value in self.splits(record).items():
                if count:
                    splits[split][value] += count
        return total, splits


@pytest.fixture
def history(db: Database) -> Expected:
    records: list[ClientRecord] = []
    generate(
        db, HistoryShape(clients=1500, messages_per_client=4, start=START, end=END), observe=records.append
    )
    return Expected(records)


EVERYONE = Scope()


def _report(db: Database, period: Period = ABAN, scope: Scope = EVERYONE) -> Report:
    with db.unit_of_work() as session:
        return figures.build(session, period=period, scope=scope, claim_target_minutes=15)


@pytest.mark.parametrize(
    "scope",
    [
        Scope(),
        Scope(organisations=("behzisti",)),
        Scope(organisations=("emdad",), provinces=("تهران", "فارس")),
    ],
    ids=["everyone", "behzisti", "emdad-in-two-provinces"],
)
def test_every_figure_and_split_equals_the_independent_count(
    db: Database, history: Expected, scope: Scope
) -> None:
    report = _report(db, scope=scope)
    assert report.figures[Activity.NEW_CLIENTS].total > 0
    for activity in Activity:
        total, splits = history.figure(activity, ABAN, scope)
        figure = report.figures[activity]
        assert figure.total == total, activity
        for split in Split:
            assert dict(figure.splits[split]) == dict(splits[split]), (activity, split)
            assert sum(figure.splits[split].values()) == figure.total


def test_a_split_adds_up_when_facts_are_missing(db: Database, history: Expected) -> None:
    new = _report(db).figures[Activity.NEW_CLIENTS]
    # Clients who never consented told us nothing: they are counted, as unknown.
    assert new.splits[Split.GENDER]["unknown"] > 0
    assert set(new.splits[Split.AREA]) <= {"urban", "rural", "unknown"}
    assert new.splits[Split.AREA]["rural"] > 0 and new.splits[Split.AREA]["urban"] > 0
    assert set(new.splits[Split.SECTOR]) <= {"services", "agriculture", "industry", "unknown"}


def test_eligibility_results_per_service(db: Database, history: Expected) -> None:
    expected: dict[str, Counter[str]] = {}
    for record in history.records:
        for kind, at, data in record.events:
            if kind == CaseEventKind.ELIGIBILITY_RESULT and ABAN.contains(at):
                for service, status in data["services"].items():
                    expected.setdefault(service, Counter())[status] += 1
    assert _report(db).eligibility == expected


def test_interests_by_kind(db: Database, history: Expected) -> None:
    expected = Counter(
        data["kind"]
        for record in history.records
        for kind, at, data in record.events
        if kind == CaseEventKind.INTEREST and ABAN.contains(at)
    )
    assert _report(db).interests_by_kind == dict(expected)


def test_handoff_waits_outcomes_and_ratings(db: Database, history: Expected) -> None:
    handoffs = [h for record in history.records for h in record.handoffs if ABAN.contains(h[0])]
    waits = sorted((claimed - asked).total_seconds() / 60 for asked, claimed, *_ in handoffs if claimed)
    ratings = [rating for *_, rating in handoffs if rating is not None]
    found = _report(db).handoffs
    assert (found.requested, found.claimed) == (len(handoffs), len(waits))
    assert found.median_wait_minutes == pytest.approx(
        (waits[len(waits) // 2] + waits[(len(waits) - 1) // 2]) / 2
    )
    # Nearest rank: the smallest wait that at least 90% of the claimed handoffs did not exceed.
    p90 = found.p90_wait_minutes
    assert p90 in waits and sum(w <= p90 for w in waits) >= 0.9 * len(waits) > sum(w < p90 for w in waits)
    assert found.claimed_within_target == sum(1 for wait in waits if wait <= 15)
    assert found.outcomes == dict(Counter(outcome for _, _, outcome, _ in handoffs if outcome))
    assert found.ratings == len(ratings)
    assert found.average_rating == pytest.approx(sum(ratings) / len(ratings))


def test_follow_up_answers_by_months(db: Database, history: Expected) -> None:
    expected: dict[int, Counter[str]] = {months: Counter() for months in (1, 3, 6, 12)}
    for record in history.records:
        for months, answered, answer in record.follow_ups:
            if ABAN.contains(answered):
                expected[months][answer] += 1
    report = _report(db)
    assert report.follow_ups == expected
    working = expected[1]["working"] / sum(expected[1].values())
    assert figures.still_working_share(report.follow_ups[1]) == pytest.approx(working)


def test_broadcasts_and_messages(db: Database, history: Expected) -> None:
    year = periods.parse("1405")
    report = _report(db, period=year)
    deliveries = [d for record in history.records for d in record.deliveries if year.contains(d[1])]
    assert report.broadcasts.broadcasts == len({index for index, *_ in deliveries})
    assert sum(report.broadcasts.deliveries.values()) == len(deliveries)
    assert report.broadcasts.delivered == sum(1 for _, _, status, _ in deliveries if status == "sent")
    assert report.broadcasts.blocked == sum(1 for _, _, status, _ in deliveries if status == "blocked")
    assert report.broadcasts.presses == sum(1 for *_, pressed in deliveries if pressed)
    messages = Counter(
        direction for record in history.records for direction, at in record.messages if year.contains(at)
    )
    assert report.messages == dict(messages)


def test_funnel_follows_the_clients_who_started_in_the_period(db: Database, history: Expected) -> None:
    cohort = [record for record in history.records if ABAN.contains(record.first_seen_at)]

    def reached(record: ClientRecord, kind: CaseEventKind) -> bool:
        return any(event == kind for event, _, _ in record.events)

    expected = [
        ("started", len(cohort)),
        ("consented", sum(1 for r in cohort if r.consent_given_at)),
        ("checked", sum(1 for r in cohort if reached(r, CaseEventKind.ELIGIBILITY_RESULT))),
        ("interested", sum(1 for r in cohort if reached(r, CaseEventKind.INTEREST))),
        ("handed_off", sum(1 for r in cohort if r.handoffs)),
        ("placed", sum(1 for r in cohort if reached(r, CaseEventKind.PLACEMENT))),
    ]
    funnel = _report(db).funnel
    assert funnel == expected
    assert [count for _, count in funnel] == sorted((count for _, count in funnel), reverse=True)


def test_weekly_trend_covers_whole_weeks_and_adds_up(db: Database, history: Expected) -> None:
    report = _report(db)
    start, end = figures.trend_range(ABAN)
    assert report.trend[0].start == start and periods.jalali_day(start).weekday() == 0
    assert len(report.trend) >= figures.TREND_WEEKS
    for series in figures.TREND_SERIES:
        total, _ = history.figure(series, Period(start, end, "", 1405), Scope())
        assert sum(week.counts[series] for week in report.trend) == total


def test_a_configured_target_shows_with_the_count_since_the_year_began(
    db: Database, history: Expected
) -> None:
    configured = {
        t.figure: t for t in targets() if t.year == 1405 and t.organisation is None and t.province is None
    }
    report = _report(db)
    placements = report.figures[Activity.PLACEMENTS]
    assert placements.target == configured["placements"]
    since_nowruz = Period(ABAN.year_start, ABAN.end, "", 1405)
    assert placements.year_to_date == history.figure(Activity.PLACEMENTS, since_nowruz, Scope())[0]
    assert report.figures[Activity.CONSENTS].target is None  # no target configured for consents
    # A scope of two provinces matches no configured target.
    two = _report(db, scope=Scope(provinces=("تهران", "فارس")))
    assert two.figures[Activity.PLACEMENTS].target is None


def test_an_empty_database_gives_a_report_of_zeros(db: Database) -> None:
    report = _report(db, period=periods.parse("1405/08/01 تا 1405/08/03"))
    assert all(figure.total == 0 for figure in report.figures.values())
    assert report.handoffs.median_wait_minutes is None and report.handoffs.share_within_target is None
    assert [count for _, count in report.funnel] == [0] * 6
    assert report.trend and all(sum(week.counts.values()) == 0 for week in report.trend)
