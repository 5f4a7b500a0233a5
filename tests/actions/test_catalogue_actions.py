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


def _texts(messages: list[dict[str, Any]]) -> list[str]:
    return [str(m.get("text") or "") for m in messages]


async def test_a_mashhad_head_of_household_reads_that_one_course_is_in_her_city_and_where_the_rest_are() -> (
    None
):
    head = {**WOMAN_IN_MASHHAD, "household_role": "head", "target_group": "none"}
    _events, messages = await _run(ActionIntakeResult(), _tracker({**head, "topic": "courses"}))
    heading, cards = messages[0]["text"], _cards(messages)
    assert "در شهر شما: ۱ مورد" in heading
    assert "در استان‌های دورتر:" in heading and "با شرایط شما" in heading
    assert "مشهد" in cards[0]["text"] and "مشهد" not in "".join(_texts(cards[1:]))
    assert "کاشان، استان اصفهان" in "".join(_texts(cards))  # a far course names its province
    assert "فقط برای" not in "".join(_texts(cards))  # her facts settle every condition


async def test_a_wife_and_a_daughter_are_not_offered_a_course_for_female_heads_of_household() -> None:
    for member in ({"household_role": "spouse", "age": "30"}, {"household_role": "child", "age": "16"}):
        _events, messages = await _run(
            ActionIntakeResult(), _tracker({**WOMAN_IN_MASHHAD, **member, "topic": "courses"})
        )
        text = "\n".join(_texts(messages))
        assert "سرپرست خانوار" not in "\n".join(_texts(_cards(messages)))
        assert text.startswith("در شهر و استان شما دوره خیاطی پیدا نشد.")
        assert "تسهیلگر شغلی شهرستان شما" in messages[0]["text"]
        assert [b["title"] for b in messages[0]["buttons"]] == ["گفتگو با مشاور"]


async def test_where_the_target_group_is_unknown_the_card_says_whom_the_course_is_for() -> None:
    _events, messages = await _run(ActionIntakeResult(), _tracker({**WOMAN_IN_MASHHAD, "topic": "courses"}))
    heading, first = messages[0]["text"], _cards(messages)[0]["text"]
    assert "با شرایط شما" not in heading and "بستگی دارد" in heading
    assert "مشهد" in first and "فقط برای: بانوی سرپرست خانوار" in first


async def test_a_man_with_a_leg_disability_sees_the_remote_job_first_and_no_women_only_jobs() -> None:
    man = {
        "organisation": "behzisti",
        "age": "35",
        "gender": "male",
        "target_group": "person_with_disability",
        "work_ability": "limited",
        "employment_status": "unemployed",
        "field": "skipped",
        "province": "خراسان جنوبی",
        "city": "قائن",
    }
    _events, messages = await _run(ActionIntakeResult(), _tracker({**man, "topic": "jobs"}))
    heading, cards = messages[0]["text"], _texts(_cards(messages))
    assert heading.startswith("در شهر و استان شما فرصت شغلی پیدا نشد.")
    assert "ویژه افراد دارای معلولیت اول" in heading
    assert [b["title"] for b in messages[0]["buttons"]] == ["گفتگو با مشاور"]
    assert "دورکاری" in cards[0]
    assert len(cards) <= 5 and "مورد دورِ دیگر هم هست" in heading
    with_more = [m for m in messages if "بعدی" in str(m.get("buttons"))]
    assert "۵ مورد از ۱۲ مورد" in with_more[0]["text"]  # 5 nearby, 2 online and the 5 nearest far ones
    _events, all_pages = await _run(
        ActionNextPage(), _tracker({**man, "last_search": {"topic": "jobs", "page": 0}})
    )
    everything = "\n".join(cards + _texts(_cards(all_pages)))
    for women_only in ("چرخ‌کار", "آرایشگر زنانه", "سوزن‌دوز"):
        assert women_only not in everything
    [orchard] = [card for card in cards + _texts(_cards(all_pages)) if "باغ پسته" in card]
    assert orchard.endswith("این کار توان بدنی کامل می‌خواهد.")  # seasonal farm work: heavy, listed after


async def test_a_fourteen_year_old_asking_for_training_is_told_it_starts_at_fifteen() -> None:
    young = {**WOMAN_IN_MASHHAD, "age": "14", "household_role": "child"}
    _events, messages = await _run(ActionIntakeResult(), _tracker({**young, "topic": "courses"}))
    [message] = messages
    assert "۱۵ سال" in message["text"] and "دوباره" in message["text"] and not _cards(messages)
