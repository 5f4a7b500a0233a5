"""Who an announcement reaches, on both backends: every filter, their combinations, facts in force only,
subscribed and reachable clients only, a staff member's reach, and the count staff are shown before they
confirm being exactly the recipients that get a delivery row."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from karyar.broadcast import audience as audiences
from karyar.broadcast import store
from karyar.broadcast.audience import Audience, AudienceError
from karyar.db.engine import Database
from karyar.db.models import Client
from karyar.facts import ProfileFactName
from karyar.profile import record_fact
from tests.karyar.broadcast.conftest import (
    ALBORZ,
    BEHZISTI,
    EMDAD,
    FARS,
    ISFAHAN,
    SKIPPED,
    TEHRAN,
    add_client,
    deliveries,
    draft,
    fact,
)

# One small population; telegram ids name the people in the assertions.
AMINA = 7_100_000_001  # emdad, تهران/تهران, female, 24, diploma, female head of household, خیاطی + آشپزی
BAHAR = 7_100_000_002  # emdad, البرز/کرج, female, 31, bachelor, no target group, آرایشگری
CYRUS = 7_100_000_003  # behzisti, تهران/شهریار, male, 19, middle, person with disability, برق‌کاری
DARYA = 7_100_000_004  # behzisti, فارس/شیراز, female, 45, primary, female head of household, خیاطی
EHSAN = 7_100_000_005  # emdad, تهران, declined gender, age, education, target group and field
FARID = 7_100_000_006  # emdad, تهران, male, 60 (the oldest), doctorate, no facts beyond that
GOLI = 7_100_000_007  # told nothing at all


def _population(session: Session) -> dict[int, Client]:
    people = [
        add_client(
            session,
            AMINA,
            organisation=EMDAD,
            province=TEHRAN,
            city=TEHRAN,
            gender="female",
            age=24,
            education="diploma",
            target_groups=("female_head_of_household",),
            fields=("خیاطی", "آشپزی"),
        ),
        add_client(
            session,
            BAHAR,
            organisation=EMDAD,
            province=ALBORZ,
            city="کرج",
            gender="female",
            age=31,
            education="bachelor",
            target_groups=("none",),
            fields=("آرایشگری",),
        ),
        add_client(
            session,
            CYRUS,
            organisation=BEHZISTI,
            province=TEHRAN,
            city="شهریار",
            gender="male",
            age=19,
            education="middle",
            target_groups=("person_with_disability",),
            fields=("برق‌کاری",),
        ),
        add_client(
            session,
            DARYA,
            organisation=BEHZISTI,
            province=FARS,
            city="شیراز",
            gender="female",
            age=45,
            education="primary",
            target_groups=("female_head_of_household",),
            fields=("خیاطی",),
        ),
        add_client(
            session,
            EHSAN,
            organisation=EMDAD,
            province=TEHRAN,
            gender=SKIPPED,
            age=SKIPPED,
            education=SKIPPED,
            target_groups=(SKIPPED,),
            fields=(SKIPPED,),
        ),
        add_client(
            session, FARID, organisation=EMDAD, province=TEHRAN, gender="male", age=60, education="doctorate"
        ),
        add_client(session, GOLI),
    ]
    return {client.telegram_user_id: client for client in people}


def _reached(session: Session, audience: Audience) -> set[int]:
    """Telegram ids of the recipients, checking the count staff see agrees with the list."""
    rows = session.execute(audiences.recipients(audience)).all()
    client_ids = [row.id for row in rows]
    assert client_ids == sorted(client_ids), "recipients come in client order"
    assert audiences.count(session, audience) == len(rows)
    return {row.telegram_user_id for row in rows}


EVERYONE = {AMINA, BAHAR, CYRUS, DARYA, EHSAN, FARID, GOLI}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param({}, EVERYONE, id="no-filter-everyone"),
        pytest.param({"organisation": [EMDAD]}, {AMINA, BAHAR, EHSAN, FARID}, id="organisation"),
        pytest.param({"organisation": [BEHZISTI, EMDAD]}, EVERYONE - {GOLI}, id="organisation-either"),
        pytest.param({"province": [TEHRAN]}, {AMINA, CYRUS, EHSAN, FARID}, id="province"),
        pytest.param({"province": [ALBORZ, FARS]}, {BAHAR, DARYA}, id="province-either"),
        pytest.param({"province": [ISFAHAN]}, set(), id="province-nobody"),
        pytest.param({"city": [TEHRAN]}, {AMINA}, id="city-not-province"),
        pytest.param({"city": ["کرج", "شیراز"]}, {BAHAR, DARYA}, id="city-either"),
        pytest.param({"gender": ["female"]}, {AMINA, BAHAR, DARYA}, id="gender-female"),
        pytest.param({"gender": ["male"]}, {CYRUS, FARID}, id="gender-male"),
        pytest.param({"target_group": ["female_head_of_household"]}, {AMINA, DARYA}, id="target-group"),
        pytest.param(
            {"target_group": ["person_with_disability", "none"]}, {BAHAR, CYRUS}, id="target-group-either"
        ),
        pytest.param({"field": ["خیاطی"]}, {AMINA, DARYA}, id="field"),
        pytest.param({"field": ["آشپزی"]}, {AMINA}, id="field-second-of-several"),
        pytest.param({"field": ["آشپزی", "برق‌کاری"]}, {AMINA, CYRUS}, id="field-either"),
        pytest.param({"education": ["diploma", "bachelor"]}, {AMINA, BAHAR}, id="education"),
        pytest.param({"age": [18, 30]}, {AMINA, CYRUS}, id="age-range"),
        pytest.param({"age": [24, 24]}, {AMINA}, id="age-single-year"),
        pytest.param({"age": [19, 24]}, {AMINA, CYRUS}, id="age-bounds-included"),
        pytest.param({"age": [None, 30]}, {AMINA, CYRUS}, id="age-open-below"),
        pytest.param({"age": [40, None]}, {DARYA, FARID}, id="age-open-above"),
        pytest.param({"age": ["", 19]}, {CYRUS}, id="age-empty-string-is-open"),
        pytest.param({"age": [0, 100]}, {AMINA, BAHAR, CYRUS, DARYA, FARID}, id="age-whole-range-needs-age"),
        pytest.param({"age": [None, None]}, EVERYONE, id="age-both-open-no-filter"),
    ],
)
def test_each_filter_reaches_exactly_the_matching_clients(
    db: Database, filters: dict[str, Any], expected: set[int]
) -> None:
    with db.unit_of_work() as session:
        _population(session)
        assert _reached(session, Audience.from_dict(filters)) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param(
            {"organisation": [EMDAD], "province": [TEHRAN], "gender": ["female"]},
            {AMINA},
            id="org-prov-gender",
        ),
        pytest.param({"province": [TEHRAN], "age": [18, 25]}, {AMINA, CYRUS}, id="province-age"),
        pytest.param(
            {"target_group": ["female_head_of_household"], "field": ["خیاطی"], "age": [40, None]},
            {DARYA},
            id="group-field-age",
        ),
        pytest.param({"organisation": [BEHZISTI], "field": ["آشپزی"]}, set(), id="nobody-has-both"),
        pytest.param(
            {"gender": ["female", "male"], "education": ["doctorate", "middle"]},
            {CYRUS, FARID},
            id="either-within-and-across",
        ),
    ],
)
def test_filters_combine_as_and_values_within_one_as_or(
    db: Database, filters: dict[str, Any], expected: set[int]
) -> None:
    with db.unit_of_work() as session:
        _population(session)
        assert _reached(session, Audience.from_dict(filters)) == expected


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param({"gender": ["female", "male"]}, id="gender"),
        pytest.param({"education": ["none", "primary", "middle", "diploma", "bachelor"]}, id="education"),
        pytest.param({"age": [0, 100]}, id="age-every-year"),
        pytest.param({"age": [None, 100]}, id="age-open-below"),
        pytest.param({"target_group": ["female_head_of_household", "none"]}, id="target-group"),
        pytest.param({"field": ["خیاطی", "آرایشگری", "برق‌کاری"]}, id="field"),
    ],
)
def test_a_question_the_client_declined_never_matches_a_filter_on_it(
    db: Database, filters: dict[str, Any]
) -> None:
    """EHSAN answered «بی‌پاسخ» (stored as "skipped"): every filter on those facts leaves him out, while an
    audience without such a filter still reaches him."""
    with db.unit_of_work() as session:
        _population(session)
        assert EHSAN not in _reached(session, Audience.from_dict(filters))
        assert EHSAN in _reached(session, Audience.from_dict({"organisation": [EMDAD]}))


def test_only_the_facts_in_force_count_not_the_ones_they_corrected(db: Database) -> None:
    with db.unit_of_work() as session:
        moved = add_client(session, 7_100_000_101, province=FARS, city="شیراز", age=29)
        stayed = add_client(session, 7_100_000_102, province=FARS, city="شیراز", age=29)
        # She moved from Fars to Tehran, and a later birthday corrected her age.
        fact(session, moved, ProfileFactName.PROVINCE, TEHRAN)
        fact(session, moved, ProfileFactName.CITY, TEHRAN)
        fact(session, moved, ProfileFactName.AGE, "30")
        assert _reached(session, Audience.from_dict({"province": [FARS]})) == {stayed.telegram_user_id}
        assert _reached(session, Audience.from_dict({"city": ["شیراز"]})) == {stayed.telegram_user_id}
        assert _reached(session, Audience.from_dict({"province": [TEHRAN]})) == {moved.telegram_user_id}
        assert _reached(session, Audience.from_dict({"age": [29, 29]})) == {stayed.telegram_user_id}
        assert _reached(session, Audience.from_dict({"age": [30, 30]})) == {moved.telegram_user_id}
        # Fields accumulate: a new one does not replace the old.
        fact(session, moved, ProfileFactName.FIELD, "خیاطی")
        fact(session, moved, ProfileFactName.FIELD, "آشپزی")
        assert _reached(session, Audience.from_dict({"field": ["خیاطی"]})) == {moved.telegram_user_id}


def test_what_a_client_told_about_a_family_member_is_not_his_own_fact(db: Database) -> None:
    with db.unit_of_work() as session:
        husband = add_client(session, 7_100_000_151, province=FARS, age=40)
        record_fact(
            session,
            client_id=husband.id,
            name=ProfileFactName.GENDER,
            value="female",
            source="test",
            member="spouse",
        )
        record_fact(
            session,
            client_id=husband.id,
            name=ProfileFactName.AGE,
            value="28",
            source="test",
            member="spouse",
        )
        assert husband.telegram_user_id not in _reached(session, Audience.from_dict({"gender": ["female"]}))
        assert husband.telegram_user_id not in _reached(session, Audience.from_dict({"age": [28, 28]}))
        assert husband.telegram_user_id in _reached(session, Audience.from_dict({"age": [40, 40]}))


def test_only_subscribed_clients_who_can_be_reached_are_chosen(db: Database) -> None:
    with db.unit_of_work() as session:
        reached = add_client(session, 7_100_000_201, province=TEHRAN)
        add_client(session, 7_100_000_202, province=TEHRAN, subscribed=False)
        add_client(session, 7_100_000_203, province=TEHRAN, blocked=True)
        add_client(session, 7_100_000_204, province=TEHRAN, chat_missing=True)
        add_client(session, 7_100_000_205, province=TEHRAN, consent=False)  # consent is not subscription
        for filters in ({}, {"province": [TEHRAN]}):
            assert _reached(session, Audience.from_dict(filters)) == {reached.telegram_user_id, 7_100_000_205}


def test_writing_to_the_bot_again_makes_a_blocked_or_missing_chat_reachable(db: Database) -> None:
    from karyar import clients
    from karyar.clients import TelegramIdentity

    with db.unit_of_work() as session:
        add_client(session, 7_100_000_301, blocked=True)
        add_client(session, 7_100_000_302, chat_missing=True)
        assert _reached(session, Audience()) == set()
        clients.ensure_client(session, identity=TelegramIdentity(user_id=7_100_000_301))
        clients.ensure_client(session, identity=TelegramIdentity(user_id=7_100_000_302))
        session.flush()
        assert _reached(session, Audience()) == {7_100_000_301, 7_100_000_302}


# --- a staff member's reach -----------------------------------------------------------------------------


def test_within_narrows_an_open_audience_to_the_staff_members_organisations_and_provinces(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        _population(session)
        narrowed = Audience().within(organisations=[EMDAD], provinces=[TEHRAN, ALBORZ])
        assert narrowed.facts == {"organisation": (EMDAD,), "province": (TEHRAN, ALBORZ)}
        assert _reached(session, narrowed) == {AMINA, BAHAR, EHSAN, FARID}


def test_within_keeps_only_the_chosen_values_the_staff_member_may_reach(db: Database) -> None:
    with db.unit_of_work() as session:
        _population(session)
        chosen = Audience.from_dict({"province": [TEHRAN, FARS], "gender": ["female"], "age": [18, 50]})
        narrowed = chosen.within(organisations=[], provinces=[TEHRAN, ALBORZ])
        assert narrowed.facts == {"province": (TEHRAN,), "gender": ("female",)}
        assert (narrowed.age_min, narrowed.age_max) == (18, 50)
        assert _reached(session, narrowed) == {AMINA}


def test_within_with_no_restriction_changes_nothing() -> None:
    chosen = Audience.from_dict({"province": [FARS], "age": [None, 30]})
    assert chosen.within(organisations=[], provinces=[]) == chosen


@pytest.mark.parametrize(
    ("filters", "organisations", "provinces", "complaint"),
    [
        pytest.param({"province": [FARS]}, [], [TEHRAN, ALBORZ], "province", id="province-outside"),
        pytest.param({"organisation": [BEHZISTI]}, [EMDAD], [], "organisation", id="organisation-outside"),
        pytest.param(
            {"organisation": [EMDAD], "province": [ISFAHAN]},
            [EMDAD],
            [TEHRAN],
            "province",
            id="organisation-inside-province-outside",
        ),
    ],
)
def test_within_refuses_an_audience_wholly_outside_the_staff_members_reach(
    filters: dict[str, Any], organisations: list[str], provinces: list[str], complaint: str
) -> None:
    with pytest.raises(AudienceError, match=complaint):
        Audience.from_dict(filters).within(organisations=organisations, provinces=provinces)


# --- building audiences --------------------------------------------------------------------------------


def test_from_dict_cleans_values_and_round_trips() -> None:
    chosen = Audience.from_dict(
        {"province": [f" {TEHRAN} ", TEHRAN, "", "  ", ALBORZ], "field": [], "age": ["18", 30]}
    )
    assert chosen.facts == {"province": (TEHRAN, ALBORZ)}
    assert (chosen.age_min, chosen.age_max) == (18, 30)
    assert chosen.to_dict() == {"province": [TEHRAN, ALBORZ], "age": [18, 30]}
    assert Audience.from_dict(chosen.to_dict()) == chosen
    assert Audience.from_dict({}).to_dict() == {}


def test_with_filter_and_with_age_replace_one_part() -> None:
    chosen = Audience.from_dict({"province": [TEHRAN], "gender": ["female"]})
    assert chosen.with_filter("province", [FARS]).facts == {"province": (FARS,), "gender": ("female",)}
    assert chosen.with_filter("gender", []).facts == {"province": (TEHRAN,)}
    aged = chosen.with_age(20, None)
    assert (aged.age_min, aged.age_max) == (20, None)
    assert aged.with_age(None, None).to_dict() == chosen.to_dict()


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        pytest.param({"phone": ["0912"]}, "unknown audience filter", id="fact-not-offered"),
        pytest.param({"employment_status": ["unemployed"]}, "unknown audience filter", id="fact-not-filter"),
        pytest.param({"provinces": [TEHRAN]}, "unknown audience filter", id="misspelt"),
        pytest.param({"province": TEHRAN}, "list", id="one-string-not-a-list"),
        pytest.param({"province": None}, "list", id="none-not-a-list"),
        pytest.param({"age": [30, 18]}, "above the oldest", id="age-reversed"),
        pytest.param({"age": [-1, 18]}, "between 0 and 100", id="age-negative"),
        pytest.param({"age": [18, 101]}, "between 0 and 100", id="age-too-old"),
        pytest.param({"age": [18]}, r"\[min, max\]", id="age-one-number"),
        pytest.param({"age": [18, 30, 40]}, r"\[min, max\]", id="age-three-numbers"),
        pytest.param({"age": "18-30"}, r"\[min, max\]", id="age-text"),
        pytest.param({"age": 25}, r"\[min, max\]", id="age-number"),
        pytest.param({"age": ["هجده", 30]}, r"\[min, max\]", id="age-not-a-number"),
    ],
)
def test_from_dict_refuses_what_cannot_be_an_audience(data: dict[str, Any], complaint: str) -> None:
    with pytest.raises(AudienceError, match=complaint):
        Audience.from_dict(data)


# --- the count shown equals the rows made -------------------------------------------------------------


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param({}, id="everyone"),
        pytest.param({"organisation": [EMDAD], "province": [TEHRAN]}, id="emdad-tehran"),
        pytest.param({"field": ["خیاطی", "آشپزی"], "gender": ["female"]}, id="fields"),
        pytest.param({"age": [20, None]}, id="age"),
        pytest.param({"province": [ISFAHAN]}, id="nobody"),
    ],
)
def test_the_count_staff_see_is_exactly_the_delivery_rows_confirm_makes(
    db: Database, filters: dict[str, Any]
) -> None:
    with db.unit_of_work() as session:
        people = _population(session)
        # People the audience must never include, whatever the filters.
        add_client(session, 7_100_000_401, organisation=EMDAD, province=TEHRAN, subscribed=False)
        add_client(session, 7_100_000_402, organisation=EMDAD, province=TEHRAN, blocked=True)
        add_client(session, 7_100_000_403, organisation=EMDAD, province=TEHRAN, chat_missing=True)
        chosen = Audience.from_dict(filters)
        shown = audiences.count(session, chosen)
        expected = _reached(session, chosen)
        broadcast = draft(session, audience=filters)
        store.confirm(session, broadcast_id=broadcast.id, approval_required=False)
        rows = deliveries(session, broadcast.id)
        assert broadcast.recipients == shown == len(rows)
        assert {row.chat_id for row in rows} == expected
        by_telegram = {c.telegram_user_id: c.id for c in people.values()}
        assert {row.client_id for row in rows} == {by_telegram[t] for t in expected}
        assert {(row.status, row.attempts) for row in rows} <= {("pending", 0)}
