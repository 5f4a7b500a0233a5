"""Requests for a family member in a report: how many clients of the period wrote for a son, a spouse…,
within the reader's organisation and province (the client's own, never the member's), in the summary and
the figures export, as counts only."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from karyar.clients import TelegramIdentity, ensure_client
from karyar.clock import now
from karyar.db.engine import Database
from karyar.facts import ProfileFactName
from karyar.profile import record_fact
from karyar.reports import export, periods
from karyar.reports.figures import Report, build
from karyar.reports.scope import Scope
from karyar.reports.summary import text

FIGURE = "• مددجویانی که برای یکی از اعضای خانواده پرسیدند یا از او گفتند"
SECTION = "مددجویان و پرونده‌ها"
NAME = FIGURE.removeprefix("• ")


def _client(
    db: Database,
    user_id: int,
    *,
    own: dict[ProfileFactName, str],
    members: list[tuple[str, ProfileFactName, str, int]],  # (member, fact, value, days ago)
) -> None:
    with db.unit_of_work() as session:
        client = ensure_client(session, identity=TelegramIdentity(user_id=user_id))
        for name, value in own.items():
            record_fact(session, client_id=client.id, name=name, value=value, source="test")
        for member, name, value, days_ago in members:
            fact = record_fact(
                session, client_id=client.id, name=name, value=value, source="test", member=member
            )
            fact.recorded_at = now() - timedelta(days=days_ago)


def _own(organisation: str, province: str) -> dict[ProfileFactName, str]:
    return {ProfileFactName.ORGANISATION: organisation, ProfileFactName.PROVINCE: province}


@pytest.fixture
def reports(db: Database) -> dict[str, Report]:
    mashhad, tehran = "خراسان رضوی", "تهران"
    # A mother in Mashhad asking for her son, then for her daughter.
    _client(
        db,
        6101,
        own=_own("emdad", mashhad),
        members=[
            ("son", ProfileFactName.GENDER, "male", 3),
            ("son", ProfileFactName.AGE, "17", 3),
            ("daughter", ProfileFactName.AGE, "16", 2),
        ],
    )
    # A husband in Tehran asking for his wife; her province as told is not his.
    _client(
        db,
        6102,
        own=_own("emdad", tehran),
        members=[
            ("spouse", ProfileFactName.GENDER, "female", 4),
            ("spouse", ProfileFactName.PROVINCE, mashhad, 4),
        ],
    )
    # A father in Mashhad asking for his son, who then corrects the son's age: one client, one son.
    _client(
        db,
        6103,
        own=_own("behzisti", mashhad),
        members=[("son", ProfileFactName.AGE, "19", 1), ("son", ProfileFactName.AGE, "20", 1)],
    )
    # Asked for his mother before the period; and a client asking only for herself.
    _client(db, 6104, own=_own("behzisti", mashhad), members=[("mother", ProfileFactName.AGE, "50", 60)])
    _client(db, 6105, own=_own("behzisti", mashhad), members=[])
    today = periods.jalali_day(now())
    period = periods.days(today - timedelta(days=10), today)
    scopes = {
        "all": Scope(),
        "emdad": Scope(organisations=("emdad",)),
        "mashhad": Scope(provinces=(mashhad,)),
        "behzisti tehran": Scope(organisations=("behzisti",), provinces=(tehran,)),
    }
    with db.unit_of_work() as session:
        return {name: build(session, period=period, scope=scope) for name, scope in scopes.items()}


def _family_lines(report: Report) -> list[str]:
    lines = text(report).splitlines()
    at = next(index for index, line in enumerate(lines) if line.startswith(FIGURE))
    return lines[at : at + 2]


def test_the_summary_says_how_many_clients_asked_for_a_family_member_and_for_whom(
    reports: dict[str, Report],
) -> None:
    assert _family_lines(reports["all"]) == [f"{FIGURE}: ۳", "   برای: پسر ۲، همسر ۱، دختر ۱"]
    assert _family_lines(reports["emdad"]) == [f"{FIGURE}: ۲", "   برای: همسر ۱، پسر ۱، دختر ۱"]
    # The husband's wife was said to live in Mashhad, but he is counted where he lives.
    assert _family_lines(reports["mashhad"]) == [f"{FIGURE}: ۲", "   برای: پسر ۲، دختر ۱"]
    nobody = _family_lines(reports["behzisti tehran"])
    assert nobody[0] == f"{FIGURE}: ۰" and not nobody[1].startswith("   برای")


def test_the_figures_export_holds_the_counts_for_every_relation_and_no_one_named(
    reports: dict[str, Report],
) -> None:
    content = export.figures_csv(reports["all"]).decode("utf-8-sig")
    rows = {tuple(row[:4]): row[4] for row in csv.reader(io.StringIO(content))}
    assert rows[(SECTION, NAME, export.TOTAL, "")] == "3"
    by_relation = {key[3]: count for key, count in rows.items() if key[:3] == (SECTION, NAME, "برای")}
    assert by_relation == {
        "همسر": "1",
        "پسر": "2",
        "دختر": "1",
        "مادر": "0",
        "پدر": "0",
        "یکی دیگر از اعضای خانواده": "0",
    }
    assert not {"17", "16", "19", "20", "6101", "6102", "6103"} & {cell for row in rows for cell in row}
