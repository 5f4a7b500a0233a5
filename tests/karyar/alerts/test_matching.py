"""New courses and openings reach the subscribed clients whose alerts and facts they fit, a few a week."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from karyar.alerts import announce as announce_module
from karyar.alerts import hours
from karyar.alerts.announce import announce
from karyar.alerts.store import Added, AlertRequest, add, alerts_of, read_request, stop_all
from karyar.broadcast import store as broadcast_store
from karyar.catalogue.importer import import_samples
from karyar.db.alert_models import AlertKind
from karyar.db.engine import Database
from karyar.db.models import Broadcast, BroadcastDelivery, BroadcastStatus, Client, Course, JobOpening
from karyar.facts import SKIPPED, ProfileFactName
from karyar.privacy.erasure import erase_client
from karyar.profile import record_fact
from tests.karyar.catalogue.factories import course, job

NOW = datetime(2026, 12, 6, 7, 0, tzinfo=UTC)  # a Saturday morning, in office hours in Tehran
_users = itertools.count(7_000_001)
_codes = itertools.count(1)


@pytest.fixture(autouse=True)
def _office_morning(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(announce_module, "now", lambda: NOW)
    monkeypatch.setattr(announce_module, "is_open", lambda at: True)
    yield


def _client(session: Any, *, subscribed: bool = True, **facts: str) -> int:
    client = Client(telegram_user_id=next(_users), subscribed=subscribed, consent_given_at=NOW)
    session.add(client)
    session.flush()
    for name, value in facts.items():
        record_fact(session, client_id=client.id, name=ProfileFactName(name), value=value, source="test")
    return client.id


def _alert(session: Any, client_id: int, text: str) -> None:
    assert add(session, client_id=client_id, request=read_request(text)) is Added.ADDED


def _course(**values: Any) -> Course:
    return course(f"C{next(_codes)}", starts_at=NOW + timedelta(days=20), **values)


def _job(**values: Any) -> JobOpening:
    return job(f"J{next(_codes)}", **values)


def _publish(db: Database, *items: Course | JobOpening, per_week: int = 3) -> dict[int, list[str]]:
    """Announce the items; by client, the titles of the alerts waiting for them."""
    with db.unit_of_work() as session:
        session.add_all(items)
        session.flush()
        announce(session, list(items), per_week=per_week)
    return _received(db)


def _received(db: Database) -> dict[int, list[str]]:
    with db.unit_of_work() as session:
        rows = session.execute(
            select(BroadcastDelivery.client_id, Broadcast.content)
            .join(Broadcast, Broadcast.id == BroadcastDelivery.broadcast_id)
            .order_by(BroadcastDelivery.id)
        )
        received: dict[int, list[str]] = {}
        for client_id, content in rows:
            received.setdefault(client_id, []).append(content["text"])
        return received


def test_a_sewing_course_in_mashhad_reaches_who_asked_for_it_and_nobody_else(db: Database) -> None:
    with db.unit_of_work() as session:
        asked = _client(session, gender="female", age="30")
        _alert(session, asked, "وقتی دوره خیاطی در مشهد باز شد خبرم کن")
        other_field = _client(session)
        _alert(session, other_field, "دوره آرایشگری در مشهد خبرم کن")
        far = _client(session)
        _alert(session, far, "دوره خیاطی در تبریز خبرم کن")
        jobs_only = _client(session)
        _alert(session, jobs_only, "کار خیاطی در مشهد خبرم کن")
        left = _client(session)
        _alert(session, left, "دوره خیاطی در مشهد خبرم کن")
        session.get_one(Client, left).subscribed = False
    received = _publish(db, _course(title="خیاطی مقدماتی", province="خراسان رضوی", city="مشهد"))
    assert list(received) == [asked]
    assert "خیاطی مقدماتی" in received[asked][0]


def test_facts_rule_out_what_the_item_is_not_open_to(db: Database) -> None:
    with db.unit_of_work() as session:
        man = _client(session, gender="male")
        too_old = _client(session, age="60")
        other_organisation = _client(session, organisation="behzisti")
        not_in_group = _client(session, target_group="none")
        wife = _client(session, gender="female", household_role="spouse")
        head = _client(session, gender="female", household_role="head", age="35", organisation="emdad")
        unknown = _client(session)
        for client_id in (man, too_old, other_organisation, not_in_group, wife, head, unknown):
            _alert(session, client_id, "کار خیاطی در تهران خبرم کن")
    received = _publish(
        db,
        _job(
            title="چرخ‌کار خانگی",
            gender="female",
            max_age=50,
            organisations=["emdad"],
            target_groups=["female_head_of_household"],
        ),
    )
    # A woman heading her household fits; a client of whom nothing is known is not ruled out.
    assert sorted(received) == sorted([head, unknown])


def test_neighbouring_provinces_online_items_and_the_fields_in_her_facts(db: Database) -> None:
    with db.unit_of_work() as session:
        # No field or place in the alert: her own facts say them.
        isfahan_tailor = _client(session, province="اصفهان", field="خیاطی")
        _alert(session, isfahan_tailor, "هشدار بده")
        isfahan_cook = _client(session, province="اصفهان", field="آشپزی")
        _alert(session, isfahan_cook, "هشدار بده")
    received = _publish(
        db,
        _course(title="خیاطی در یزد", province="یزد", city="یزد"),  # Yazd neighbours Isfahan
        _course(title="خیاطی در تبریز", province="آذربایجان شرقی", city="تبریز"),
        _course(title="خیاطی برخط", province=None, city=None, mode="online"),
    )
    assert list(received) == [isfahan_tailor]
    assert len(received[isfahan_tailor]) == 2
    assert not any("تبریز" in text for text in received[isfahan_tailor])


def _titles(received: dict[int, list[str]], client_id: int, titles: list[str]) -> list[str]:
    """The titles, of those given, of the items the client is alerted about."""
    return [title for title in titles if any(title in text for text in received.get(client_id, []))]


def test_the_place_and_field_an_alert_is_for_come_from_the_alert_else_her_facts(db: Database) -> None:
    with db.unit_of_work() as session:
        nothing_known = _client(session)
        _alert(session, nothing_known, "هشدار بده")  # no field, no place, none in her facts either
        isfahani = _client(session, province="اصفهان")
        _alert(session, isfahani, "هشدار دوره خیاطی")  # the place is hers
        asked_for_tehran = _client(session, province="اصفهان")
        _alert(session, asked_for_tehran, "دوره خیاطی در تهران خبرم کن")  # the alert's place wins
        isfahani_cook = _client(session, province="اصفهان", field="آشپزی")
        _alert(session, isfahani_cook, "هشدار بده")  # the field is hers
    titles = [
        "خیاطی در یزد",
        "خیاطی در تبریز",
        "خیاطی برخط",
        "خیاطی بی‌نشانی",
        "خیاطی در تهران",
        "خیاطی در اصفهان",
    ]
    received = _publish(
        db,
        _course(title=titles[0], province="یزد", city="یزد"),  # Yazd neighbours Isfahan, not Tehran
        _course(title=titles[1], province="آذربایجان شرقی", city="تبریز"),
        _course(title=titles[2], province=None, city=None, mode="online"),
        _course(title=titles[3], province=None, city=None),  # in person, place not given
        _course(title=titles[4], province="تهران", city="تهران"),
        _course(title=titles[5], province="اصفهان", city="اصفهان"),
        per_week=10,
    )
    assert _titles(received, nothing_known, titles) == titles
    assert _titles(received, isfahani, titles) == ["خیاطی در یزد", "خیاطی برخط", "خیاطی در اصفهان"]
    assert _titles(received, asked_for_tehran, titles) == ["خیاطی برخط", "خیاطی در تهران"]
    assert isfahani_cook not in received


def test_a_woman_heading_her_household_is_not_alerted_about_work_for_men(db: Database) -> None:
    with db.unit_of_work() as session:
        head = _client(session, target_group="female_head_of_household")
        declined = _client(session, target_group="female_head_of_household", gender=SKIPPED)
        for client_id in (head, declined):
            _alert(session, client_id, "کار خیاطی در تهران خبرم کن")
    titles = ["چرخ‌کار آقا", "چرخ‌کار خانم"]
    received = _publish(db, _job(title=titles[0], gender="male"), _job(title=titles[1], gender="female"))
    assert _titles(received, head, titles) == ["چرخ‌کار خانم"]
    # She chose not to say: neither is ruled out, as in a search.
    assert _titles(received, declined, titles) == titles


def test_at_most_the_weekly_number_of_alerts(db: Database) -> None:
    with db.unit_of_work() as session:
        eager = _client(session)
        _alert(session, eager, "هشدار کار و دوره خیاطی در تهران")
    first = _publish(db, *[_job(title=f"چرخ‌کار {n}") for n in range(4)], per_week=3)
    assert len(first[eager]) == 3
    # Later the same week: the week's three are used up.
    second = _publish(db, _job(title="چرخ‌کار دیگر"), per_week=3)
    assert len(second[eager]) == 3


def test_stopped_alerts_bring_nothing(db: Database) -> None:
    with db.unit_of_work() as session:
        client_id = _client(session)
        _alert(session, client_id, "کار خیاطی در تهران خبرم کن")
        assert stop_all(session, client_id=client_id) == 1
    assert _publish(db, _job()) == {}


def test_outside_office_hours_alerts_wait_for_the_office_to_open(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(announce_module, "is_open", lambda at: False)
    opening = NOW + timedelta(hours=14)
    monkeypatch.setattr(announce_module, "next_opening", lambda at: opening)
    with db.unit_of_work() as session:
        client_id = _client(session)
        _alert(session, client_id, "کار خیاطی در تهران خبرم کن")
    _publish(db, _job())
    with db.unit_of_work() as session:
        [broadcast] = session.scalars(select(Broadcast))
        assert (broadcast.status, broadcast.send_at, broadcast.recipients) == (
            BroadcastStatus.SCHEDULED,
            opening,
            1,
        )


def test_not_subscribed_clients_cannot_ask_for_alerts(db: Database) -> None:
    with db.unit_of_work() as session:
        client_id = _client(session, subscribed=False)
        request = AlertRequest(AlertKind.JOB, "خیاطی", "تهران", None)
        assert add(session, client_id=client_id, request=request) is Added.NOT_SUBSCRIBED


def test_a_catalogue_import_alerts_about_the_items_it_adds_and_not_again_when_reimported(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        client_id = _client(session)
        _alert(session, client_id, "هشدار بده")  # any kind, any field, anywhere
    with db.unit_of_work() as session:
        import_samples(session, first_date=(NOW + timedelta(days=1)).date())
    assert len(_received(db)[client_id]) == 3  # the weekly number, of the many items added
    with db.unit_of_work() as session:
        import_samples(session, first_date=(NOW + timedelta(days=1)).date())  # nothing new
        assert session.scalar(select(func.count()).select_from(Broadcast)) == 3


def test_alerts_still_sending_when_the_office_closes_wait_for_it_to_open(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.unit_of_work() as session:
        client_id = _client(session)
        _alert(session, client_id, "کار خیاطی در تهران خبرم کن")
    _publish(db, _job())
    opening = NOW + timedelta(hours=20)
    monkeypatch.setattr(hours, "now", lambda: NOW)
    monkeypatch.setattr(hours, "is_open", lambda at: False)
    monkeypatch.setattr(hours, "next_opening", lambda at: opening)
    with db.unit_of_work() as session:
        announcement = Broadcast(status=BroadcastStatus.SENDING, content={"text": "x"}, created_at=NOW)
        session.add(announcement)
        session.flush()
        assert hours.hold_outside_office_hours(session) == 1
        statuses = dict(session.execute(select(Broadcast.id, Broadcast.status)).tuples().all())
        # The staff's announcement goes on; it is also the only one staff's lists show.
        assert sorted(statuses.values()) == [BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING]
        assert statuses[announcement.id] == BroadcastStatus.SENDING
        assert [b.id for b in broadcast_store.recent(session)] == [announcement.id]


def test_erasing_a_client_erases_her_alerts(db: Database) -> None:
    with db.unit_of_work() as session:
        client_id = _client(session)
        _alert(session, client_id, "کار خیاطی در تهران خبرم کن")
        erase_client(session, client_id=client_id)
        assert alerts_of(session, client_id=client_id) == []
