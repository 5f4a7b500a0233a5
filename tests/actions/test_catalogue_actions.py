"""Course and job lists as the action server gives them, against the sample catalogue (both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import update

from actions.catalogue import ActionExpressInterest, ActionNextPage, ActionShowDetails
from actions.results import ActionIntakeResult
from karyar import cases, clients
from karyar.catalogue.importer import import_samples
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.db.models import CaseEventKind, Course
from karyar.settings import get_settings

USER = 5_550_000_888
WOMAN_IN_MASHHAD = {
    "organisation": "emdad",
    "age": "23",
    "gender": "female",
    "employment_status": "unemployed",
    "field": "خیاطی",
    "province": "خراسان رضوی",
    "city": "مشهد",
}


@pytest.fixture(autouse=True)
def _catalogue(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", db.url)
    get_settings.cache_clear()
    with db.unit_of_work() as session:
        import_samples(session)
    yield
    get_settings.cache_clear()


def _tracker(
    slots: dict[str, Any], *, intent: str = "inform", entities: list[dict[str, Any]] | None = None
) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": str(USER),
            "slots": slots,
            "latest_message": {
                "text": "",
                "intent": {"name": intent},
                "entities": entities or [],
                "metadata": {},
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


async def _run(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return events, dispatcher.messages


def _cards(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if any(b["title"] == "علاقه‌مندم" for b in m.get("buttons") or [])]


async def test_a_course_list_starts_in_the_clients_city_and_pages_on(db: Database) -> None:
    events, messages = await _run(ActionIntakeResult(), _tracker({**WOMAN_IN_MASHHAD, "topic": "courses"}))
    cards = _cards(messages)
    assert "خیاطی" in messages[0]["text"] and "مشهد" in cards[0]["text"]
    assert any("رضایت‌نامه" in (m.get("text") or "") for m in messages)  # the condition for a female trainee
    [last_search] = [e["value"] for e in events if e.get("name") == "last_search"]
    assert last_search == {"topic": "courses", "page": 0}

    if any(b["title"] == "بعدی" for b in messages[-1].get("buttons") or []):
        _events, more = await _run(
            ActionNextPage(), _tracker({**WOMAN_IN_MASHHAD, "last_search": last_search})
        )
        assert _cards(more) and {m["text"] for m in _cards(more)}.isdisjoint({m["text"] for m in cards})


async def test_next_page_without_a_list_says_so() -> None:
    _events, messages = await _run(ActionNextPage(), _tracker({}))
    assert [m["response"] for m in messages] == ["utter_no_previous_list"]


async def test_details_and_interest_name_their_course_and_the_interest_lands_on_the_case(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        client = clients.ensure_client(session, identity=TelegramIdentity(user_id=USER))
        clients.record_consent(session, client_id=client.id)
        client_id = client.id
    _events, messages = await _run(ActionIntakeResult(), _tracker({**WOMAN_IN_MASHHAD, "topic": "courses"}))
    payload = _cards(messages)[0]["buttons"][1]["payload"]  # /express_interest{"item": "course:<id>"}
    item = payload.split('"item": "')[1].rstrip('"}')

    _events, details = await _run(
        ActionShowDetails(), _tracker({}, intent="show_details", entities=[{"entity": "item", "value": item}])
    )
    assert "مشهد" in details[0]["text"]
    for _ in range(2):
        _events, recorded = await _run(
            ActionExpressInterest(),
            _tracker({}, intent="express_interest", entities=[{"entity": "item", "value": item}]),
        )
        assert recorded[0]["response"] == "utter_interest_recorded"
    with db.unit_of_work() as session:
        case = cases.open_case(session, client_id=client_id)
        [event] = cases.events(session, case_id=case.id, kind=CaseEventKind.INTEREST)
        assert f"{event.data['kind']}:{event.data['item_id']}" == item


async def test_a_forged_or_unknown_item_is_answered_politely() -> None:
    for value in ("course:999999", "nonsense", "job:-1"):
        _events, messages = await _run(
            ActionShowDetails(),
            _tracker({}, intent="show_details", entities=[{"entity": "item", "value": value}]),
        )
        assert [m["response"] for m in messages] == ["utter_item_gone"]


async def test_an_empty_catalogue_offers_a_counsellor_instead_of_a_dead_end(db: Database) -> None:
    with db.unit_of_work() as session:
        session.execute(update(Course).values(active=False))
    _events, messages = await _run(ActionIntakeResult(), _tracker({**WOMAN_IN_MASHHAD, "topic": "courses"}))
    [message] = messages
    assert message["response"] == "utter_list_empty"
