"""A request for a family member: «for you or for your son?» when it is not clear, the questions worded
about the member with the answers kept as the member's, the result for the member and who gives the consent
letter (both backends)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from ruamel.yaml import YAML

from actions.family import ASK_ACTIONS, ActionAskForMember, Whom, whom_for
from actions.intake import ActionStartIntake, ValidateIntakeForm
from actions.results import ActionDocuments, ActionIntakeResult
from karyar import clients, profile
from karyar.clients import TelegramIdentity
from karyar.db.engine import Database
from karyar.eligibility.engine import assess
from karyar.eligibility.household import Giver, consent_giver, needs_letter
from karyar.eligibility.model import Profile, Topic
from karyar.facts import ASKING_ORDER, ProfileFactName
from karyar.members import Member
from karyar.policies import policies
from karyar.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
USER = 5_550_000_889
SLOTS = [*ASKING_ORDER, "topic", "requested_slot", "consent_given", "for_member", "members_offered"]
DOMAIN: dict[str, Any] = {
    "slots": {name: {} for name in SLOTS},
    "forms": {"intake_form": {"required_slots": list(ASKING_ORDER)}},
}
HUSBAND_WHO_HEADS = {"age": "35", "gender": "male", "household_role": "head", "organisation": "emdad"}
MOTHER_WHO_HEADS = {
    "age": "44",
    "gender": "female",
    "household_role": "head",
    "organisation": "emdad",
    "province": "خراسان رضوی",
    "city": "مشهد",
}


@pytest.fixture(autouse=True)
def _actions_use_test_database(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", db.url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _client(db: Database, own: dict[str, str] | None = None) -> int:
    with db.unit_of_work() as session:
        client = clients.ensure_client(session, identity=TelegramIdentity(user_id=USER))
        clients.record_consent(session, client_id=client.id)
        for name, value in (own or {}).items():
            profile.record_fact(
                session, client_id=client.id, name=ProfileFactName(name), value=value, source="chat"
            )
        return client.id


def _entity(name: str, value: str, start: int, text: str = "") -> dict[str, Any]:
    return {"entity": name, "value": value, "start": start, "end": start + len(text or value), "text": text}


def _tracker(
    text: str,
    entities: list[dict[str, Any]] | None = None,
    *,
    intent: str = "inform",
    slots: dict[str, Any] | None = None,
    requested: str | None = None,
) -> Tracker:
    """The tracker after the client wrote `text`; Rasa has set every slot an entity names."""
    entities = entities or []
    earlier = {"consent_given": True, **(slots or {})}
    new = {e["entity"]: e["value"] for e in entities if e["entity"] != "subject"}
    events: list[dict[str, Any]] = [{"event": "slot", "name": k, "value": v} for k, v in earlier.items()]
    events.append({"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}})
    events += [{"event": "slot", "name": k, "value": v} for k, v in new.items()]
    return Tracker.from_dict(
        {
            "sender_id": str(USER),
            "slots": {**earlier, **new, "requested_slot": requested},
            "latest_message": {"text": text, "intent": {"name": intent}, "entities": entities},
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": "intake_form"} if requested else {},
            "latest_action_name": "intake_form" if requested else "action_listen",
        }
    )


def _slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def _texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(str(message.get("text") or "") for message in dispatcher.messages)


SON_17 = [_entity("subject", "son", 0, "پسرم"), _entity("age", "17", 5, "۱۷")]


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        pytest.param("پسرم ۱۷ سالشه دنبال کار میگرده", SON_17, Whom(Member.SON), id="about the son: clear"),
        pytest.param(
            "برای پسرم دوره خیاطی میخوام",
            [_entity("subject", "son", 5, "پسرم")],
            Whom(Member.SON),
            id="for him",
        ),
        pytest.param(
            "برای بچه‌ام دنبال کلاس هستم",
            [],
            Whom(offered=(Member.SON, Member.DAUGHTER)),
            id="which child: ask",
        ),
        pytest.param(
            "پسرم، وام میدن؟",
            [_entity("subject", "son", 0, "پسرم")],
            Whom(offered=(Member.SON,)),
            id="a member named beside a loan question: ask",
        ),
        pytest.param("کار میخوام", [], Whom(), id="no one named: the client"),
        pytest.param(
            "من ۳۵ سالمه از کمیته امداد. شوهرم از کار افتاده. وام خیاطی چقدره؟",
            [
                _entity("age", "35", 3, "۳۵"),
                _entity("organisation", "emdad", 15, "کمیته امداد"),
                _entity("subject", "spouse", 28, "شوهرم"),
                _entity("work_ability", "limited", 34, "از کار افتاده"),
            ],
            Whom(),
            id="she tells of herself and mentions her husband: hers",
        ),
    ],
)
def test_whom_a_request_is_for(text: str, entities: list[dict[str, Any]], expected: Whom) -> None:
    assert whom_for({"text": text, "entities": entities}) == expected


async def test_a_request_clearly_for_the_son_asks_about_him_and_keeps_the_mother_s_facts(
    db: Database,
) -> None:
    client_id = _client(db, MOTHER_WHO_HEADS)
    dispatcher = CollectingDispatcher()
    tracker = _tracker("پسرم ۱۷ سالشه دنبال کار میگرده", SON_17, intent="ask_jobs", slots=MOTHER_WHO_HEADS)
    events = await ActionStartIntake().run(dispatcher, tracker, DOMAIN)

    slots = _slots(events)
    assert slots["for_member"] == "son" and slots["age"] == "17" and slots["gender"] == "male"
    assert slots["household_role"] == "child" and slots["city"] == "مشهد"  # the household's, not asked
    assert "سؤال‌های بعدی درباره‌ی پسرتان است" in _texts(dispatcher)
    assert not any(m.get("buttons") for m in dispatcher.messages)  # no «for you or for him?»

    # The next question is about him, in words about him.
    asked = CollectingDispatcher()
    ask_field = next(action for action in ASK_ACTIONS if action().name() == "action_ask_field")
    await ask_field().run(asked, _tracker("", slots={**slots}), DOMAIN)
    assert asked.messages[0]["text"].startswith("پسرتان به چه کار یا رشته‌ای علاقه دارد؟")
    assert asked.messages[0]["response"] == "utter_ask_field"  # its buttons unchanged

    # His answers are his: her age stays 44.
    answer = _tracker(
        "۱۷", [_entity("age", "17", 0, "۱۷")], slots={**slots, "topic": "jobs"}, requested="age"
    )
    said = CollectingDispatcher()
    await ValidateIntakeForm().run(said, answer, DOMAIN)
    assert "تغییر" not in _texts(said)  # her 44 is not «corrected» to his 17
    with db.unit_of_work() as session:
        own = profile.current_profile(session, client_id=client_id)
        son = profile.current_profile(session, client_id=client_id, member="son")
    assert own["age"] == ["44"] and own["gender"] == ["female"]
    assert son["age"] == ["17"] and son["gender"] == ["male"] and son["household_role"] == ["child"]


async def test_an_unclear_request_asks_for_whom_and_serves_the_one_chosen(db: Database) -> None:
    client_id = _client(db, MOTHER_WHO_HEADS)
    dispatcher = CollectingDispatcher()
    start = _tracker("برای بچه‌ام دنبال کلاس هستم", intent="ask_training", slots=MOTHER_WHO_HEADS)
    slots = _slots(await ActionStartIntake().run(dispatcher, start, DOMAIN))
    assert slots["for_member"] is None and slots["members_offered"] == ["son", "daughter"]

    form = await ValidateIntakeForm().required_slots(
        [], dispatcher, _tracker("", slots={**MOTHER_WHO_HEADS, **slots}), DOMAIN
    )
    assert form[0] == "for_member"
    asked = CollectingDispatcher()
    await ActionAskForMember().run(asked, _tracker("", slots=slots), DOMAIN)
    [question] = asked.messages
    assert question["text"] == "این درخواست برای خودتان است یا برای پسرتان یا دخترتان؟ یکی را بزنید."
    assert [b["title"] for b in question["buttons"]] == ["برای خودم", "برای پسرم", "برای دخترم"]

    chosen = _tracker(
        "برای دخترم",
        [_entity("subject", "daughter", 5, "دخترم")],
        slots={**MOTHER_WHO_HEADS, **slots, "topic": "courses"},
        requested="for_member",
    )
    events = await ValidateIntakeForm().run(CollectingDispatcher(), chosen, DOMAIN)
    after = _slots(events)
    assert after["for_member"] == "daughter" and after["gender"] == "female" and after["age"] is None
    assert after["requested_slot"] == "age"
    asked = CollectingDispatcher()
    ask_age = next(action for action in ASK_ACTIONS if action().name() == "action_ask_age")
    await ask_age().run(asked, _tracker("", slots=after), DOMAIN)
    assert asked.messages[0]["text"].startswith("دخترتان چند سال دارد؟")
    with db.unit_of_work() as session:
        assert profile.current_profile(session, client_id=client_id)["age"] == ["44"]


async def test_choosing_oneself_keeps_the_questions_about_the_client(db: Database) -> None:
    _client(db, MOTHER_WHO_HEADS)
    chosen = _tracker(
        "برای خودم",
        [_entity("subject", "self", 5, "خودم")],
        slots={**MOTHER_WHO_HEADS, "members_offered": ["son"], "topic": "loans"},
        requested="for_member",
    )
    after = _slots(await ValidateIntakeForm().run(CollectingDispatcher(), chosen, DOMAIN))
    assert after["for_member"] == "self" and after["members_offered"] is None


WIFE = {
    "organisation": "emdad",
    "age": "28",
    "gender": "female",
    "household_role": "spouse",
    "emdad_support": "living_allowance",
    "target_group": "none",
    "employment_status": "unemployed",
    "education": "diploma",
    "work_ability": "full",
    "work_experience": "none",
    "topic": "eligibility",
}


async def test_a_husband_is_told_the_result_is_for_his_wife_and_that_the_letter_is_his(db: Database) -> None:
    client_id = _client(db, HUSBAND_WHO_HEADS)
    with db.unit_of_work() as session:
        profile.record_facts_with_consent(
            session,
            client_id=client_id,
            facts=[(ProfileFactName(k), v) for k, v in WIFE.items() if k != "topic"],
            source="chat",
            member="spouse",
        )
    dispatcher = CollectingDispatcher()
    await ActionIntakeResult().run(dispatcher, _tracker("", slots={**WIFE, "for_member": "spouse"}), DOMAIN)
    said = _texts(dispatcher)
    assert said.startswith("نتیجه برای همسرتان:")
    assert "رضایت‌نامه سرپرست خانوار برای همسرتان را شما، به‌عنوان سرپرست خانوار، می‌دهید." in said

    # «رضایت‌نامه از من میخاد؟»: yes, from him; not the documents list, not the questions again.
    asked = CollectingDispatcher()
    question = _tracker(
        "رضایت‌نامه از من میخاد؟", intent="ask_documents", slots={**WIFE, "for_member": "spouse"}
    )
    assert await ActionDocuments().run(asked, question, DOMAIN) == []
    [answer] = asked.messages
    assert answer["text"] == (
        "بله. رضایت‌نامه سرپرست خانوار برای همسرتان را شما، به‌عنوان سرپرست خانوار، می‌دهید."
    )


@pytest.mark.parametrize(
    ("member", "member_role", "client_role", "giver"),
    [
        (Member.SPOUSE, "spouse", None, Giver.YOU),
        (Member.SPOUSE, None, "head", Giver.YOU),
        (Member.SON, "child", "head", Giver.YOU),
        (Member.DAUGHTER, "child", "spouse", Giver.YOUR_SPOUSE),
        (Member.DAUGHTER, "child", None, Giver.HEAD),
        (Member.MOTHER, None, None, Giver.HEAD),
    ],
)
def test_who_gives_a_member_s_consent_letter(
    member: Member, member_role: str | None, client_role: str | None, giver: Giver
) -> None:
    assert consent_giver(member, member_role=member_role, client_role=client_role) is giver


@pytest.mark.parametrize("topic", [Topic.COURSES, Topic.JOBS, Topic.ELIGIBILITY])
def test_a_woman_who_heads_her_household_never_needs_her_own_letter(topic: Topic) -> None:
    head = Profile.from_facts({k: [v] for k, v in MOTHER_WHO_HEADS.items()})
    assert needs_letter(assess(head, policies(), topic=topic)) is False
    wife = Profile.from_facts({k: [v] for k, v in WIFE.items() if k != "topic"})
    assert needs_letter(assess(wife, policies(), topic=topic)) is True


async def test_the_buttons_under_a_question_about_a_son_speak_of_him_and_answer_the_same() -> None:
    intake = YAML(typ="safe", pure=True).load((ROOT / "domain" / "intake.yml").read_text("utf-8"))
    domain = {**DOMAIN, "responses": intake["responses"]}
    ask = next(action for action in ASK_ACTIONS if action().name() == "action_ask_employment_status")
    asked = CollectingDispatcher()
    await ask().run(asked, _tracker("", slots={"for_member": "son"}), domain)
    [question] = asked.messages
    titles = [button["title"] for button in question["buttons"]]
    assert question["text"].startswith("پسرتان الان کار می‌کند؟")
    assert "بیکار است و دنبال کار است" in titles and "کار خودش را دارد" in titles
    assert not {"بیکارم و دنبال کارم", "کار خودم را دارم", "کارگر یا کارمندم"} & set(titles)
    # The same answers as the client's own question: only the words on the buttons change.
    own = [
        str(b["payload"]).replace("{{", "{").replace("}}", "}")
        for b in intake["responses"]["utter_ask_employment_status"][0]["buttons"]
    ]
    assert [button["payload"] for button in question["buttons"]] == own
