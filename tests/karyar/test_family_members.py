"""A family member's facts in the client's case (both backends): kept apart from the client's own, shown under
the member on the counsellor's card and in «my data», erased with the client's."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.handoff.screens import card_text
from bot.privacy.screens import file_text, summary_text
from karyar import clients, profile
from karyar.db.engine import Database
from karyar.db.models import Client, ProfileFact
from karyar.facts import ProfileFactName
from karyar.handoff.snapshot import case_snapshot
from karyar.identity.cipher import DataCipher
from karyar.members import Member, implied_facts, member_label, member_named, your_member
from karyar.privacy import erasure
from karyar.privacy.erasure import ErasureRefusal
from karyar.privacy.export import client_data
from tests.karyar.handoff.conftest import add_client, open_for

AGE, GENDER, STATUS = ProfileFactName.AGE, ProfileFactName.GENDER, ProfileFactName.EMPLOYMENT_STATUS


def _husband_and_wife(session: Session) -> Client:
    """A man who told his own age and then his wife's age, sex and that she is out of work."""
    client = add_client(session, 6001, first_name="علی", organisation="emdad")
    clients.record_consent(session, client_id=client.id)
    for name, value in ((AGE, "35"), (GENDER, "male")):
        profile.record_fact(session, client_id=client.id, name=name, value=value, source="chat")
    assert profile.record_facts_with_consent(
        session,
        client_id=client.id,
        facts=[(AGE, "28"), (STATUS, "unemployed"), (GENDER, "female")],
        source="chat",
        member=Member.SPOUSE,
    )
    return client


def test_a_member_s_facts_never_supersede_or_show_as_the_client_s(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _husband_and_wife(session)
        own = profile.current_profile(session, client_id=client.id)
        assert own == {"organisation": ["emdad"], "age": ["35"], "gender": ["male"]}
        assert profile.member_profiles(session, client_id=client.id) == {
            "spouse": {"age": ["28"], "employment_status": ["unemployed"], "gender": ["female"]}
        }
        assert [fact.value for fact in profile.fact_history(session, client_id=client.id, name=AGE)] == ["35"]


def test_a_correction_of_a_member_s_fact_supersedes_only_that_member_s(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _husband_and_wife(session)
        profile.record_fact(
            session, client_id=client.id, name=AGE, value="29", source="chat", member="spouse"
        )
        profile.record_fact(session, client_id=client.id, name=AGE, value="17", source="chat", member="son")
        assert profile.current_profile(session, client_id=client.id)["age"] == ["35"]
        assert profile.current_profile(session, client_id=client.id, member="spouse")["age"] == ["29"]
        history = profile.fact_history(session, client_id=client.id, name=AGE, member="spouse")
        assert [(fact.value, fact.superseded_at is not None) for fact in history] == [
            ("28", True),
            ("29", False),
        ]
        assert list(profile.member_profiles(session, client_id=client.id)) == ["spouse", "son"]


def test_without_consent_nothing_of_a_member_is_kept(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, 6002)
        kept = profile.record_facts_with_consent(
            session, client_id=client.id, facts=[(AGE, "19")], source="chat", member="son"
        )
        assert not kept and profile.member_profiles(session, client_id=client.id) == {}


def test_the_counsellor_s_card_lists_a_member_s_facts_under_the_member(db: Database) -> None:
    with db.unit_of_work() as session:
        client = _husband_and_wife(session)
        card = case_snapshot(session, handoff=open_for(session, client))
    assert ("سن", "35") in card.facts and ("جنسیت", "مرد") in card.facts
    assert ("سن", "28") not in card.facts
    assert card.members == [("همسر", [("سن", "28"), ("جنسیت", "زن"), ("وضعیت شغلی", "بیکار")])]
    text = card_text(card)
    assert "• همسر: سن ۲۸، جنسیت زن، وضعیت شغلی بیکار" in text
    assert text.index("سن: ۳۵") < text.index("اعضای خانواده")


def test_my_data_shows_members_under_the_member_and_erasure_removes_them(db: Database) -> None:
    cipher = DataCipher([DataCipher.new_key()])
    with db.unit_of_work() as session:
        client = _husband_and_wife(session)
        client_id = client.id
        data = client_data(session, client_id=client_id, cipher=cipher)
    assert [(name, value) for name, value, _at in data.facts] == [
        ("organisation", "emdad"),
        ("age", "35"),
        ("gender", "male"),
    ]
    assert [(member, [(n, v) for n, v, _at in facts]) for member, facts in data.members] == [
        ("spouse", [("age", "28"), ("employment_status", "unemployed"), ("gender", "female")])
    ]
    for shown in (summary_text(data), file_text(data)):
        about_you, about_family = shown.split("آنچه دربارهٔ خودتان گفته‌اید:")[1].split("اعضای خانواده‌تان")
        assert "سن: ۳۵" in about_you and "۲۸" not in about_you
        assert "همسر: سن: ۲۸، وضعیت شغلی: بیکار، جنسیت: زن" in about_family

    with db.unit_of_work() as session:
        done = erasure.erase_client(session, client_id=client_id)
    assert not isinstance(done, ErasureRefusal) and done.facts == 6
    with db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(ProfileFact)) == 0


@pytest.mark.parametrize(
    ("member", "said_as", "expected"),
    [
        (Member.SON, "پسرم", [("gender", "male")]),
        (Member.MOTHER, "مامانم", [("gender", "female")]),
        (Member.SPOUSE, "خانمم", [("gender", "female")]),
        (Member.SPOUSE, "خانومم", [("gender", "female")]),
        (Member.SPOUSE, "شوهرم", [("gender", "male")]),
        (Member.SPOUSE, "آقامون", [("gender", "male")]),
        (Member.SPOUSE, "همسرم", []),
        (Member.OTHER, "داداشم", []),
    ],
)
def test_the_relation_tells_a_member_s_sex_only_when_its_words_do(
    member: Member, said_as: str, expected: list[tuple[str, str]]
) -> None:
    assert implied_facts(member, said_as) == expected


def test_every_subject_the_nlu_gives_is_the_client_or_a_member_with_labels() -> None:
    from karyar.data_files import read_data_file
    from karyar.settings import PROJECT_ROOT

    lookups = read_data_file(PROJECT_ROOT / "data" / "nlu" / "lookups" / "subject.yml")["nlu"]
    subjects = {item["synonym"] for item in lookups if "synonym" in item}
    assert subjects == {"self", *Member}
    assert member_named("self") is None and member_named("spouse") is Member.SPOUSE
    for member in Member:
        assert member_label(member) and your_member(member) != member_label(member)
