"""What a client's press on a button under an announcement does, on both backends: counted once per client
and button, the interest put on their case (with consent only), «خبر نفرست» unsubscribing them; presses
that cannot be real (a client it never went to, a link, a button it does not have) change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from karyar.broadcast.presses import Press, record_press, was_sent_to
from karyar.broadcast.report import UNSUBSCRIBE_BUTTON
from karyar.db.engine import Database
from karyar.db.models import (
    Broadcast,
    BroadcastDelivery,
    BroadcastPress,
    CaseEventKind,
    Client,
    Course,
    DeliveryStatus,
)
from tests.karyar.broadcast.conftest import add_client, case_events, sending_broadcast
from tests.karyar.catalogue.factories import course

REGISTER, INTERESTED, SITE = 0, 1, 2


def _announcement(session: Session, sewing: Course) -> Broadcast:
    """An announcement delivered to every subscriber (a press is possible only on a delivered one)."""
    broadcast = sending_broadcast(
        session,
        buttons=[
            {"kind": "course", "title": "ثبت‌نام", "course_id": sewing.id},
            {"kind": "interest", "title": "علاقه‌مندم"},
            {"kind": "link", "title": "سایت", "url": "https://emdad.ir"},
        ],
    )
    session.execute(
        update(BroadcastDelivery)
        .where(BroadcastDelivery.broadcast_id == broadcast.id)
        .values(status=DeliveryStatus.SENT)
    )
    return broadcast


def _sewing(session: Session) -> Course:
    sewing = course("C-7", title="دوخت مانتو")
    session.add(sewing)
    session.flush()
    return sewing


def _presses(session: Session, broadcast_id: int) -> list[tuple[int, int]]:
    return [
        (row.client_id, row.button)
        for row in session.scalars(
            select(BroadcastPress)
            .where(BroadcastPress.broadcast_id == broadcast_id)
            .order_by(BroadcastPress.id)
        )
    ]


def test_a_course_press_records_the_interest_and_the_press_on_the_case_once(db: Database) -> None:
    with db.unit_of_work() as session:
        sewing = _sewing(session)
        client = add_client(session, 7_500_000_001)
        broadcast = _announcement(session, sewing)
        first = record_press(session, broadcast_id=broadcast.id, client_id=client.id, button=REGISTER)
        assert first == Press(
            broadcast_id=broadcast.id,
            client_id=client.id,
            button={"kind": "course", "title": "ثبت‌نام", "course_id": sewing.id},
            first_time=True,
            has_consent=True,
        )
        again = record_press(session, broadcast_id=broadcast.id, client_id=client.id, button=REGISTER)
        assert again is not None and not again.first_time and again.button == first.button
        interests = case_events(session, client, CaseEventKind.INTEREST)
        assert [e.data for e in interests] == [
            {"kind": "course", "item_id": sewing.id, "code": "C-7", "title": "دوخت مانتو"}
        ]
        pressed = case_events(session, client, CaseEventKind.ANNOUNCEMENT_PRESS)
        assert [e.data for e in pressed] == [
            {"broadcast_id": broadcast.id, "title": "ثبت‌نام", "kind": "course"}
        ]
        assert _presses(session, broadcast.id) == [(client.id, REGISTER)]


def test_an_interest_press_goes_on_the_case_without_a_course_interest(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, 7_500_000_101)
        broadcast = _announcement(session, _sewing(session))
        press = record_press(session, broadcast_id=broadcast.id, client_id=client.id, button=INTERESTED)
        assert press is not None and press.first_time
        assert press.button == {"kind": "interest", "title": "علاقه‌مندم"}
        assert case_events(session, client, CaseEventKind.INTEREST) == []
        [event] = case_events(session, client, CaseEventKind.ANNOUNCEMENT_PRESS)
        assert event.data == {"broadcast_id": broadcast.id, "title": "علاقه‌مندم", "kind": "interest"}


def test_two_buttons_and_two_clients_are_counted_separately(db: Database) -> None:
    with db.unit_of_work() as session:
        one = add_client(session, 7_500_000_201)
        two = add_client(session, 7_500_000_202)
        broadcast = _announcement(session, _sewing(session))
        for client, button in [(one, REGISTER), (one, INTERESTED), (two, REGISTER), (one, REGISTER)]:
            record_press(session, broadcast_id=broadcast.id, client_id=client.id, button=button)
        assert _presses(session, broadcast.id) == [
            (one.id, REGISTER),
            (one.id, INTERESTED),
            (two.id, REGISTER),
        ]
        assert len(case_events(session, one, CaseEventKind.ANNOUNCEMENT_PRESS)) == 2


def test_without_consent_the_press_is_counted_but_nothing_goes_on_the_case(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, 7_500_000_301, consent=False)
        broadcast = _announcement(session, _sewing(session))
        for button in (REGISTER, INTERESTED):
            press = record_press(session, broadcast_id=broadcast.id, client_id=client.id, button=button)
            assert press is not None and press.first_time and not press.has_consent
        assert case_events(session, client, CaseEventKind.INTEREST) == []
        assert case_events(session, client, CaseEventKind.ANNOUNCEMENT_PRESS) == []
        assert _presses(session, broadcast.id) == [(client.id, REGISTER), (client.id, INTERESTED)]


def test_a_course_removed_after_the_announcement_still_counts_the_press(db: Database) -> None:
    with db.unit_of_work() as session:
        sewing = _sewing(session)
        client = add_client(session, 7_500_000_401)
        broadcast = _announcement(session, sewing)
        session.delete(sewing)
        session.flush()
        press = record_press(session, broadcast_id=broadcast.id, client_id=client.id, button=REGISTER)
        assert press is not None and press.first_time
        assert case_events(session, client, CaseEventKind.INTEREST) == []
        assert len(case_events(session, client, CaseEventKind.ANNOUNCEMENT_PRESS)) == 1


@pytest.mark.parametrize(
    ("button", "why"),
    [
        pytest.param(SITE, "a link opens by itself and never reaches the bot", id="link"),
        pytest.param(3, "no fourth button", id="past-the-end"),
        pytest.param(-2, "only -1 means unsubscribe", id="negative"),
        pytest.param(99, "no such button", id="far-out"),
    ],
)
def test_a_press_on_a_button_the_announcement_does_not_have_changes_nothing(
    db: Database, button: int, why: str
) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, 7_500_000_501)
        broadcast = _announcement(session, _sewing(session))
        assert record_press(session, broadcast_id=broadcast.id, client_id=client.id, button=button) is None, (
            why
        )
        assert _presses(session, broadcast.id) == []
        assert case_events(session, client, CaseEventKind.ANNOUNCEMENT_PRESS) == []


def test_a_press_from_a_client_it_never_went_to_changes_nothing(db: Database) -> None:
    with db.unit_of_work() as session:
        sewing = _sewing(session)
        recipient = add_client(session, 7_500_000_601)
        broadcast = _announcement(session, sewing)
        outsider = add_client(session, 7_500_000_602)  # subscribed after it was confirmed
        unsubscribed = add_client(session, 7_500_000_603, subscribed=False)
        for client in (outsider, unsubscribed):
            assert not was_sent_to(session, broadcast_id=broadcast.id, client_id=client.id)
            for button in (REGISTER, UNSUBSCRIBE_BUTTON):
                assert (
                    record_press(session, broadcast_id=broadcast.id, client_id=client.id, button=button)
                    is None
                )
        assert was_sent_to(session, broadcast_id=broadcast.id, client_id=recipient.id)
        assert (
            record_press(session, broadcast_id=broadcast.id + 100, client_id=recipient.id, button=0) is None
        )
        assert _presses(session, broadcast.id) == []
        assert session.get_one(Client, outsider.id).subscribed
        assert case_events(session, outsider, CaseEventKind.SUBSCRIPTION) == []


def test_the_unsubscribe_button_unsubscribes_once_with_the_announcement_as_source(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, 7_500_000_701, consent=False)  # consent is not needed to leave
        broadcast = _announcement(session, _sewing(session))
        press = record_press(
            session, broadcast_id=broadcast.id, client_id=client.id, button=UNSUBSCRIBE_BUTTON
        )
        assert press == Press(broadcast.id, client.id, None, first_time=True, has_consent=False)
        assert not session.get_one(Client, client.id).subscribed
        again = record_press(
            session, broadcast_id=broadcast.id, client_id=client.id, button=UNSUBSCRIBE_BUTTON
        )
        assert again is not None and not again.first_time
        [event] = case_events(session, client, CaseEventKind.SUBSCRIPTION)
        assert event.data == {"subscribed": False, "source": "announcement"}
        assert case_events(session, client, CaseEventKind.ANNOUNCEMENT_PRESS) == []
        assert _presses(session, broadcast.id) == [(client.id, UNSUBSCRIBE_BUTTON)]
        # Nothing later reaches them.
        assert sending_broadcast(session).recipients == 0


def test_pressing_the_same_button_twice_from_two_sessions_counts_once(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, 7_500_000_801)
        broadcast_id = _announcement(session, _sewing(session)).id
        client_id = client.id
    results: list[Any] = []
    for _ in range(2):
        with db.unit_of_work() as session:
            results.append(
                record_press(session, broadcast_id=broadcast_id, client_id=client_id, button=REGISTER)
            )
    assert [r.first_time for r in results] == [True, False]
    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(BroadcastPress)) == 1
        [client] = session.scalars(select(Client).where(Client.id == client_id))
        assert len(case_events(session, client, CaseEventKind.ANNOUNCEMENT_PRESS)) == 1
