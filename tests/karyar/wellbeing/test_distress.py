"""Signs of distress in what clients write, marked on the case; a person is offered once, not every message."""

from __future__ import annotations

import pytest

from karyar import cases, clients
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.db.models import CaseEventKind
from karyar.wellbeing import distress
from karyar.wellbeing.distress import DistressKind, signs_of_distress

CLIENT = 7_700_000_001


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("سلام. شوهرم زندانه، سه تا بچه دارم. کار میخوام", {DistressKind.PRISON}),
        ("صاحبخونه گفته تا آخر ماه باید بریم، غذا نداریم", {DistressKind.EVICTION, DistressKind.HUNGER}),
        ("شوهرم كتكم ميزنه", {DistressKind.VIOLENCE}),  # Arabic letter forms
        ("دیگه نمیکشم، میخوام بمیرم", {DistressKind.SELF_HARM}),
        ("از بس گشتم خسته شدم، ناامیدم", {DistressKind.DESPAIR}),
        ("بچم سرطان داره و شیمی درمانی میره", {DistressKind.ILLNESS}),
    ],
)
def test_distress_is_seen_in_the_words_clients_use(text: str, kinds: set[DistressKind]) -> None:
    assert set(signs_of_distress(text)) == kinds


@pytest.mark.parametrize(
    "text",
    [
        "دوره خیاطی در مشهد میخوام",
        "دوره گیاهان دارویی",
        "تو انبار تخلیه بار کار کردم",
        "میخوام کمک پرستار بیمارستان بشم",
        "وام میخوام برای مغازه",
    ],
)
def test_ordinary_requests_show_no_distress(text: str) -> None:
    assert signs_of_distress(text) == ()


def test_signs_are_marked_on_the_case_and_a_person_is_offered_once(db: Database) -> None:
    with db.unit_of_work() as session:
        client_id = clients.ensure_client(session, identity=TelegramIdentity(user_id=CLIENT)).id
    first = db.run(distress.mark, client_id=client_id, message_id=None, kinds=(DistressKind.PRISON,))
    second = db.run(distress.mark, client_id=client_id, message_id=None, kinds=(DistressKind.EVICTION,))
    assert first is True and second is False  # offered once; the second sign is still marked
    with db.unit_of_work() as session:
        case = cases.open_case(session, client_id=client_id)
        events = cases.events(session, case_id=case.id, kind=CaseEventKind.DISTRESS)
        assert [event.data for event in events] == [
            {"kinds": ["prison"], "offered": True},
            {"kinds": ["eviction"], "offered": False},
        ]
        assert distress.kinds_on_case(session, case_id=case.id) == [
            DistressKind.PRISON,
            DistressKind.EVICTION,
        ]
