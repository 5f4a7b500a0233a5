"""Cases as counsellors look them up: who may see a case, search limited to what they may see, a case's
timeline in time order with the names of who did what, and the card shown when a client asks for help."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar import cases, messages, profile
from karyar.db.engine import Database
from karyar.db.models import (
    Case,
    CaseEventKind,
    CaseStage,
    CaseStageChange,
    Client,
    HandoffOutcome,
    HandoffReason,
    StaffRole,
)
from karyar.facts import ProfileFactName
from karyar.handoff import casebook, queue
from karyar.handoff.casebook import RawEntry
from karyar.handoff.queue import ClaimResult
from karyar.handoff.snapshot import RecentMessage, case_snapshot
from tests.karyar.handoff.conftest import (
    ALBORZ,
    BEHZISTI,
    EMDAD,
    SATURDAY,
    TEHRAN_PROVINCE,
    add_client,
    add_member,
    case_of,
    open_for,
    tehran,
)

ZAHRA = 7_500_000_001
ZAHRA_AHMADI = 7_500_000_002
ALI = 7_500_000_003
MARYAM = 7_500_000_004


def _case(session: Session, client: Client) -> Case:
    [case] = session.scalars(select(Case).where(Case.client_id == client.id))
    return case


# --- who may see a case --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "organisations", "provinces", "active", "visible"),
    [
        pytest.param(StaffRole.COUNSELLOR, (EMDAD,), (TEHRAN_PROVINCE,), True, True, id="pool-counsellor"),
        pytest.param(StaffRole.COUNSELLOR, (), (), True, True, id="counsellor-of-all"),
        pytest.param(StaffRole.COUNSELLOR, (BEHZISTI,), (), True, False, id="other-organisation"),
        pytest.param(StaffRole.COUNSELLOR, (EMDAD,), (ALBORZ,), True, False, id="other-province"),
        pytest.param(StaffRole.SUPERVISOR, (EMDAD,), (), True, True, id="pool-supervisor"),
        pytest.param(StaffRole.SUPERVISOR, (BEHZISTI,), (), True, False, id="other-pool-supervisor"),
        pytest.param(StaffRole.STAFF, (), (), True, False, id="staff"),
        pytest.param(StaffRole.ADMIN, (), (), True, False, id="admin"),
        pytest.param(StaffRole.COUNSELLOR, (EMDAD,), (TEHRAN_PROVINCE,), False, False, id="inactive"),
    ],
)
def test_a_case_is_visible_to_its_pool_only(
    db: Database,
    role: StaffRole,
    organisations: tuple[str, ...],
    provinces: tuple[str, ...],
    active: bool,
    visible: bool,
) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, ZAHRA, organisation=EMDAD, province=TEHRAN_PROVINCE)
        member = add_member(
            session, 5_500_000_001, role=role, organisations=organisations, provinces=provinces, active=active
        )
        assert casebook.can_view(session, member=member, case=_case(session, client)) is visible


def test_whoever_handled_a_case_keeps_seeing_it_after_the_client_moved_pools(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, ZAHRA, organisation=BEHZISTI, province=TEHRAN_PROVINCE)
        handler = add_member(session, 5_500_000_001, organisations=(BEHZISTI,))
        colleague = add_member(session, 5_500_000_002, organisations=(BEHZISTI,))
        handoff = open_for(session, client)
        assert queue.claim(session, handoff_id=handoff.id, member=handler)[0] is ClaimResult.CLAIMED
        assert queue.close(session, handoff=handoff, by=handler, outcome=HandoffOutcome.INFORMATION)
        # The client corrects their organisation: the case now belongs to Emdad's pool.
        profile.record_fact(
            session, client_id=client.id, name=ProfileFactName.ORGANISATION, value=EMDAD, source="chat"
        )
        case = case_of(session, handoff)
        assert casebook.can_view(session, member=handler, case=case)
        assert not casebook.can_view(session, member=colleague, case=case)
        handler.active = False
        assert not casebook.can_view(session, member=handler, case=case)


def test_a_client_of_no_organisation_is_seen_by_every_counsellor_of_the_province(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, ZAHRA, organisation="none", province=TEHRAN_PROVINCE)
        emdad = add_member(session, 5_500_000_001, organisations=(EMDAD,))
        behzisti = add_member(session, 5_500_000_002, organisations=(BEHZISTI,))
        alborz = add_member(session, 5_500_000_003, provinces=(ALBORZ,))
        case = _case(session, client)
        assert [casebook.can_view(session, member=m, case=case) for m in (emdad, behzisti, alborz)] == [
            True,
            True,
            False,
        ]


# --- search --------------------------------------------------------------------------------------------


def _clients(session: Session) -> dict[str, Client]:
    return {
        "zahra": add_client(
            session,
            ZAHRA,
            first_name="زهرا",
            last_name="کریمی",
            username="Zahra_K",
            organisation=EMDAD,
            province=TEHRAN_PROVINCE,
        ),
        "ahmadi": add_client(
            session,
            ZAHRA_AHMADI,
            first_name="زهرا",
            last_name="احمدی",
            organisation=BEHZISTI,
            province=TEHRAN_PROVINCE,
        ),
        "ali": add_client(
            session, ALI, first_name="علی", last_name="کریمی", organisation=EMDAD, province=TEHRAN_PROVINCE
        ),
        "maryam": add_client(session, MARYAM, first_name="مریم", organisation=EMDAD, province=ALBORZ),
    }


def test_search_finds_clients_by_name_username_telegram_id_and_case_number(db: Database) -> None:
    with db.unit_of_work() as session:
        people = _clients(session)
        counsellor = add_member(session, 5_500_000_001, organisations=(EMDAD,), provinces=(TEHRAN_PROVINCE,))
        case_ids = {name: _case(session, client).id for name, client in people.items()}

        def found(text: str) -> list[int]:
            return [
                client.telegram_user_id
                for _, client in casebook.search(session, member=counsellor, text=text)
            ]

        assert found("زهرا") == [ZAHRA]  # the other Zahra is Behzisti's
        assert found("کریمی") == [ALI, ZAHRA]  # newest case first
        assert found(" @zahra_k ") == [ZAHRA]
        assert found("ZAHRA") == [ZAHRA]
        assert found(str(ZAHRA)) == [ZAHRA]
        assert found(f"#{case_ids['ali']}") == [ALI]
        assert found(str(case_ids["zahra"])) == [ZAHRA]
        # What the counsellor may not see is not found, however it is looked for.
        assert found(str(ZAHRA_AHMADI)) == []
        assert found(f"#{case_ids['ahmadi']}") == []
        assert found("مریم") == []
        assert found(str(MARYAM)) == []
        assert found("نیست") == []
        # Persian digits, as a phone keyboard types them; a long number is simply not a case number.
        assert found(str(ZAHRA).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))) == [ZAHRA]
        assert found("123456789012345678901234") == []


def test_a_supervisor_of_all_pools_finds_every_match_and_staff_find_nothing(db: Database) -> None:
    with db.unit_of_work() as session:
        _clients(session)
        supervisor = add_member(session, 5_500_000_001, role=StaffRole.SUPERVISOR)
        staff = add_member(session, 5_500_000_002, role=StaffRole.STAFF)
        found = casebook.search(session, member=supervisor, text="زهرا")
        assert [client.telegram_user_id for _, client in found] == [ZAHRA_AHMADI, ZAHRA]
        assert casebook.search(session, member=staff, text="زهرا") == []
        assert casebook.search(session, member=staff, text=str(ZAHRA)) == []


def test_search_lists_every_case_of_a_client_newest_first(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, ZAHRA, first_name="زهرا", organisation=EMDAD)
        counsellor = add_member(session, 5_500_000_001)
        first = _case(session, client)
        cases.change_stage(session, case=first, to_stage=CaseStage.CLOSED)
        second = cases.open_case(session, client_id=client.id)
        found = casebook.search(session, member=counsellor, text="زهرا")
        assert [case.id for case, _ in found] == [second.id, first.id]


# --- the timeline --------------------------------------------------------------------------------------


def test_the_timeline_merges_stage_changes_and_events_in_time_order(db: Database) -> None:
    start = tehran(SATURDAY, 9)
    with db.unit_of_work() as session:
        client = add_client(session, ZAHRA)
        counsellor = add_member(session, 5_500_000_001)
        case = _case(session, client)
        [intake] = cases.timeline(session, case_id=case.id)
        intake.changed_at = start
        # Written out of order on purpose: the timeline follows the time, not the order of writing.
        note = cases.record_event(
            session,
            case=case,
            kind=CaseEventKind.NOTE,
            data={"text": "پیگیری"},
            actor=f"staff:{counsellor.id}",
        )
        note.created_at = start + timedelta(minutes=5)
        requested = cases.record_event(
            session,
            case=case,
            kind=CaseEventKind.HANDOFF_REQUESTED,
            data={"reason": "client_request"},
            actor="client",
        )
        requested.created_at = start + timedelta(minutes=1)
        session.add_all(
            [
                CaseStageChange(
                    case_id=case.id,
                    from_stage="assessment",
                    to_stage="counselling",
                    changed_at=start + timedelta(minutes=3),
                    changed_by=f"staff:{counsellor.id}",
                ),
                CaseStageChange(
                    case_id=case.id,
                    from_stage="intake",
                    to_stage="assessment",
                    changed_at=start + timedelta(seconds=30),
                    note="eligibility",
                ),
            ]
        )
        case_id, actor = case.id, f"staff:{counsellor.id}"
    with db.unit_of_work() as session:
        assert casebook.timeline(session, case_id=case_id) == [
            RawEntry(start, "stage", "system", {"stage": "intake", "note": None}),
            RawEntry(
                start + timedelta(seconds=30),
                "stage",
                "system",
                {"stage": "assessment", "note": "eligibility"},
            ),
            RawEntry(
                start + timedelta(minutes=1), "handoff_requested", "client", {"reason": "client_request"}
            ),
            RawEntry(start + timedelta(minutes=3), "stage", actor, {"stage": "counselling", "note": None}),
            RawEntry(start + timedelta(minutes=5), "note", actor, {"text": "پیگیری"}),
        ]


def test_a_handled_case_shows_its_whole_story(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, ZAHRA)
        counsellor = add_member(session, 5_500_000_001, name="مریم احمدی")
        handoff = open_for(session, client, reason=HandoffReason.JUDGEMENT)
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.CLAIMED
        queue.add_note(session, handoff=handoff, by=counsellor, text="معرفی به کارگاه")
        assert queue.close(session, handoff=handoff, by=counsellor, outcome=HandoffOutcome.REFERRED_TRAINING)
        case_id = handoff.case_id
    with db.unit_of_work() as session:
        entries = casebook.timeline(session, case_id=case_id)
        assert [e.at for e in entries] == sorted(e.at for e in entries)
        assert [e.data["stage"] for e in entries if e.kind == "stage"] == [
            "intake",
            "counselling",
            "training",
        ]
        assert [e.kind for e in entries if e.kind != "stage"] == [
            "handoff_requested",
            "handoff_claimed",
            "note",
            "handoff_closed",
        ]
        names = casebook.actor_names(session, {entry.actor for entry in entries})
        assert names == {f"staff:{counsellor.id}": "مریم احمدی"}


def test_actor_names_are_the_colleagues_names(db: Database) -> None:
    with db.unit_of_work() as session:
        first = add_member(session, 5_500_000_001, name="مریم احمدی")
        second = add_member(session, 5_500_000_002, name="رضا کریمی", active=False)  # left, still named
        actors = {f"staff:{first.id}", f"staff:{second.id}", f"staff:{second.id + 1000}", "client", "system"}
        assert casebook.actor_names(session, actors) == {
            f"staff:{first.id}": "مریم احمدی",
            f"staff:{second.id}": "رضا کریمی",
        }
        assert casebook.actor_names(session, {"client", "system"}) == {}


def test_client_name_joins_what_is_known(db: Database) -> None:
    with db.unit_of_work() as session:
        full = add_client(session, ZAHRA, first_name="زهرا", last_name="کریمی")
        first_only = add_client(session, ALI, first_name="علی")
        nameless = add_client(session, MARYAM)
        assert [casebook.client_name(session, client_id=c.id) for c in (full, first_only, nameless)] == [
            "زهرا کریمی",
            "علی",
            "—",
        ]


# --- the card counsellors see --------------------------------------------------------------------------


def test_the_card_shows_who_why_what_we_know_and_the_last_words_before_the_request(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(
            session, ZAHRA, first_name="زهرا", last_name="کریمی", username="zahra_k", organisation=EMDAD
        )
        for name, value in ((ProfileFactName.AGE, "25"), (ProfileFactName.LOCATION, "35.7,51.4")):
            profile.record_fact(session, client_id=client.id, name=name, value=value, source="chat")
        case = _case(session, client)
        cases.record_event(
            session, case=case, kind=CaseEventKind.INTEREST, data={"code": "C-1", "title": "خیاطی"}
        )
        cases.record_event(session, case=case, kind=CaseEventKind.INTEREST, data={"code": "J-7"})
        for number in range(1, 5):
            messages.log_inbound(session, client_id=client.id, kind="text", text=f"پیام {number}")
            messages.log_outbound(session, client_id=client.id, kind="text", text=f"پاسخ {number}")
        messages.log_inbound(session, client_id=client.id, kind="sticker", text=None)
        handoff = open_for(session, client, reason=HandoffReason.NOT_UNDERSTOOD)
        messages.log_inbound(
            session, client_id=client.id, kind="text", text="بعد از درخواست", handoff_id=handoff.id
        )
        counsellor = add_member(session, 5_500_000_001, name="مریم احمدی")

        card = case_snapshot(session, handoff=handoff)
        assert (card.handoff_id, card.case_id, card.reason, card.status) == (
            handoff.id,
            case.id,
            "not_understood",
            "waiting",
        )
        assert (card.client_name, card.username, card.claimed_by) == ("زهرا کریمی", "zahra_k", None)
        assert card.facts == [("سن", "25"), ("نهاد حمایتی", "کمیته امداد")]  # no map location
        assert card.interests == ["خیاطی", "J-7"]
        # The last six messages with text written before the request, oldest first.
        assert card.recent == [
            RecentMessage(from_client=True, text="پیام 2"),
            RecentMessage(from_client=False, text="پاسخ 2"),
            RecentMessage(from_client=True, text="پیام 3"),
            RecentMessage(from_client=False, text="پاسخ 3"),
            RecentMessage(from_client=True, text="پیام 4"),
            RecentMessage(from_client=False, text="پاسخ 4"),
        ]

        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.CLAIMED
        claimed = case_snapshot(session, handoff=handoff)
        assert (claimed.claimed_by, claimed.stage, claimed.status) == ("مریم احمدی", "counselling", "claimed")
