"""The life of a handoff on both backends: opened once, queued by pool and tier, claimed by exactly one
counsellor (also when two press «قبول» at the same moment), cancelled, transferred, closed, rated."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from karyar import cases, messages
from karyar.clock import now
from karyar.db.engine import Database
from karyar.db.models import (
    CaseEventKind,
    CaseStage,
    Handoff,
    HandoffOutcome,
    HandoffReason,
    HandoffStatus,
    HandoffTier,
    InboundStatus,
    Message,
    StaffMember,
    StaffRole,
)
from karyar.handoff import posts, queue
from karyar.handoff.posts import PostKind
from karyar.handoff.queue import ClaimResult
from tests.karyar.handoff.conftest import (
    ALBORZ,
    BEHZISTI,
    EMDAD,
    FARS,
    TEHRAN_PROVINCE,
    add_client,
    add_member,
    case_of,
    events_of,
    open_for,
    stages_of,
)

CLIENT = 7_100_000_001
OTHER_CLIENT = 7_100_000_002
COUNSELLOR = 5_100_000_001
COLLEAGUE = 5_100_000_002
SUPERVISOR = 5_100_000_003


# --- opening -------------------------------------------------------------------------------------------


def test_a_client_has_one_handoff_at_a_time(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT, organisation=EMDAD, province=TEHRAN_PROVINCE)
        first, created = queue.open_handoff(
            session,
            client_id=client.id,
            reason=HandoffReason.INTEREST,
            details={"code": "C-12"},
        )
        assert created
        first_id, case_id, client_id = first.id, first.case_id, client.id
    with db.unit_of_work() as session:
        again, created = queue.open_handoff(session, client_id=client_id, reason=HandoffReason.NOT_UNDERSTOOD)
        assert not created
        assert again.id == first_id
        assert (again.status, again.tier, again.reason) == (
            HandoffStatus.WAITING,
            HandoffTier.COUNSELLOR,
            HandoffReason.INTEREST,
        )
        assert again.details == {"code": "C-12"}
        assert session.scalar(select(func.count()).select_from(Handoff)) == 1
        [requested] = events_of(session, case_id, CaseEventKind.HANDOFF_REQUESTED)
        assert requested.data == {"handoff_id": first_id, "reason": "interest", "code": "C-12"}
        assert requested.actor == "client"
        assert queue.active_handoff(session, client_id=client_id) is again


@pytest.mark.parametrize(
    ("organisation", "province", "routed"),
    [
        pytest.param(EMDAD, TEHRAN_PROVINCE, (EMDAD, TEHRAN_PROVINCE), id="emdad-tehran"),
        pytest.param(BEHZISTI, None, (BEHZISTI, None), id="behzisti-no-province"),
        # Supported by neither organisation: routed as unknown, to every counsellor of the province.
        pytest.param("none", FARS, (None, FARS), id="no-organisation"),
        pytest.param(None, None, (None, None), id="nothing-known"),
    ],
)
def test_a_handoff_is_routed_by_the_clients_organisation_and_province(
    db: Database, organisation: str | None, province: str | None, routed: tuple[str | None, str | None]
) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT, organisation=organisation, province=province)
        handoff = open_for(session, client)
        assert (handoff.organisation, handoff.province) == routed


def test_a_new_handoff_opens_after_the_previous_one_ended(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        first = open_for(session, client)
        assert queue.cancel(session, handoff_id=first.id, client_id=client.id) is not None
        second, created = queue.open_handoff(session, client_id=client.id, reason=HandoffReason.JUDGEMENT)
        assert created and second.id != first.id
        assert second.case_id == first.case_id  # the case is still open: the same case goes on
        assert queue.claim(session, handoff_id=second.id, member=counsellor)[0] is ClaimResult.CLAIMED
        assert queue.close(session, handoff=second, by=counsellor, outcome=HandoffOutcome.INFORMATION)
        third, created = queue.open_handoff(session, client_id=client.id, reason=HandoffReason.CLIENT_REQUEST)
        assert created and third.id not in {first.id, second.id}
        assert queue.active_handoff(session, client_id=client.id) is third
        assert queue.latest_of_case(session, case_id=first.case_id) is third
        assert len(events_of(session, first.case_id, CaseEventKind.HANDOFF_REQUESTED)) == 3


# --- the queue -----------------------------------------------------------------------------------------


def test_queue_position_counts_the_waiting_of_the_same_pool_and_tier(db: Database) -> None:
    with db.unit_of_work() as session:
        counsellor = add_member(session, COUNSELLOR)

        def waiting(telegram_user_id: int, organisation: str | None, province: str | None) -> Handoff:
            client = add_client(session, telegram_user_id, organisation=organisation, province=province)
            return open_for(session, client)

        first = waiting(7_100_000_101, EMDAD, TEHRAN_PROVINCE)
        other_organisation = waiting(7_100_000_102, BEHZISTI, TEHRAN_PROVINCE)
        second = waiting(7_100_000_103, EMDAD, TEHRAN_PROVINCE)
        unknown_province = waiting(7_100_000_104, EMDAD, None)
        other_province = waiting(7_100_000_105, EMDAD, ALBORZ)
        third = waiting(7_100_000_106, EMDAD, TEHRAN_PROVINCE)

        def positions() -> list[int]:
            return [
                queue.queue_position(session, handoff=handoff)
                for handoff in (first, second, third, other_organisation, unknown_province, other_province)
            ]

        assert positions() == [1, 2, 3, 1, 1, 1]

        # The first is claimed: everyone behind moves up.
        assert queue.claim(session, handoff_id=first.id, member=counsellor)[0] is ClaimResult.CLAIMED
        assert [queue.queue_position(session, handoff=h) for h in (second, third)] == [1, 2]

        # The second is claimed and sent on to supervisors: it waits in their line, not the counsellors'.
        assert queue.claim(session, handoff_id=second.id, member=counsellor)[0] is ClaimResult.CLAIMED
        queue.transfer_to_supervisors(session, handoff=second, by=counsellor)
        assert queue.queue_position(session, handoff=second) == 1
        assert queue.queue_position(session, handoff=third) == 1

        # A later escalated case of the pool queues behind the earlier one among supervisors.
        assert queue.claim(session, handoff_id=third.id, member=counsellor)[0] is ClaimResult.CLAIMED
        queue.transfer_to_supervisors(session, handoff=third, by=counsellor)
        assert [queue.queue_position(session, handoff=h) for h in (second, third)] == [1, 2]


# --- claiming ------------------------------------------------------------------------------------------


def test_claiming_gives_the_case_to_the_counsellor_and_records_the_wait(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT, organisation=EMDAD, province=TEHRAN_PROVINCE)
        counsellor = add_member(session, COUNSELLOR, organisations=(EMDAD,), provinces=(TEHRAN_PROVINCE,))
        handoff = open_for(session, client, requested_at=now() - timedelta(minutes=10))
        handoff_id, case_id, member_id = handoff.id, handoff.case_id, counsellor.id

    with db.unit_of_work() as session:
        member = session.get_one(StaffMember, member_id)
        result, claimed = queue.claim(session, handoff_id=handoff_id, member=member)
        assert result is ClaimResult.CLAIMED and claimed is not None

    with db.unit_of_work() as session:
        handoff = session.get_one(Handoff, handoff_id)
        assert handoff.status == HandoffStatus.CLAIMED
        assert handoff.claimed_by == member_id and handoff.claimed_at is not None
        assert session.get_one(StaffMember, member_id).focus_handoff_id == handoff_id
        assert [h.id for h in queue.claimed_by(session, member=session.get_one(StaffMember, member_id))] == [
            handoff_id
        ]
        [event] = events_of(session, case_id, CaseEventKind.HANDOFF_CLAIMED)
        assert event.actor == f"staff:{member_id}"
        assert event.data["handoff_id"] == handoff_id
        assert 600 <= event.data["waited_seconds"] < 660
        [*_, change] = cases.timeline(session, case_id=case_id)
        assert (change.from_stage, change.to_stage, change.changed_by) == (
            "intake",
            "counselling",
            f"staff:{member_id}",
        )
        assert case_of(session, handoff).stage == CaseStage.COUNSELLING


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (CaseStage.INTAKE, CaseStage.COUNSELLING),
        (CaseStage.ASSESSMENT, CaseStage.COUNSELLING),
        (CaseStage.COUNSELLING, CaseStage.COUNSELLING),
        (CaseStage.TRAINING, CaseStage.TRAINING),
        (CaseStage.PLACEMENT, CaseStage.PLACEMENT),
        (CaseStage.FOLLOW_UP, CaseStage.FOLLOW_UP),
    ],
)
def test_claiming_moves_an_early_case_to_counselling_and_keeps_a_later_stage(
    db: Database, before: CaseStage, after: CaseStage
) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        handoff = open_for(session, client)
        case = case_of(session, handoff)
        cases.change_stage(session, case=case, to_stage=before)
        stages = stages_of(session, case.id)
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.CLAIMED
        assert case.stage == after
        assert stages_of(session, case.id) == (stages if before == after else [*stages, after])


def test_claiming_again_or_after_someone_else_or_after_the_end(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        other = add_client(session, OTHER_CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        colleague = add_member(session, COLLEAGUE)
        handoff = open_for(session, client)
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.CLAIMED
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.ALREADY_YOURS
        result, seen = queue.claim(session, handoff_id=handoff.id, member=colleague)
        assert result is ClaimResult.TAKEN and seen is not None and seen.claimed_by == counsellor.id
        assert colleague.focus_handoff_id is None

        assert queue.close(session, handoff=handoff, by=counsellor, outcome=HandoffOutcome.OTHER)
        assert queue.claim(session, handoff_id=handoff.id, member=colleague)[0] is ClaimResult.ENDED
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.ENDED

        cancelled = open_for(session, other)
        assert queue.cancel(session, handoff_id=cancelled.id, client_id=other.id) is not None
        result, seen = queue.claim(session, handoff_id=cancelled.id, member=colleague)
        assert result is ClaimResult.ENDED and seen is not None and seen.claimed_by is None
        assert queue.claim(session, handoff_id=cancelled.id + 1000, member=colleague) == (
            ClaimResult.ENDED,
            None,
        )

        assert len(events_of(session, handoff.case_id, CaseEventKind.HANDOFF_CLAIMED)) == 1
        assert events_of(session, cancelled.case_id, CaseEventKind.HANDOFF_CLAIMED) == []


@pytest.mark.parametrize(
    ("role", "organisations", "provinces", "tier", "active"),
    [
        pytest.param(
            StaffRole.COUNSELLOR, (BEHZISTI,), (), HandoffTier.COUNSELLOR, True, id="other-organisation"
        ),
        pytest.param(StaffRole.COUNSELLOR, (), (FARS,), HandoffTier.COUNSELLOR, True, id="other-province"),
        pytest.param(StaffRole.COUNSELLOR, (), (), HandoffTier.SUPERVISOR, True, id="counsellor-escalated"),
        pytest.param(
            StaffRole.SUPERVISOR, (BEHZISTI,), (), HandoffTier.SUPERVISOR, True, id="supervisor-other-pool"
        ),
        pytest.param(StaffRole.STAFF, (), (), HandoffTier.COUNSELLOR, True, id="staff"),
        pytest.param(StaffRole.ADMIN, (), (), HandoffTier.COUNSELLOR, True, id="admin"),
        pytest.param(StaffRole.COUNSELLOR, (), (), HandoffTier.COUNSELLOR, False, id="inactive"),
    ],
)
def test_claiming_is_refused_to_whoever_may_not_take_the_case(
    db: Database,
    role: StaffRole,
    organisations: tuple[str, ...],
    provinces: tuple[str, ...],
    tier: HandoffTier,
    active: bool,
) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT, organisation=EMDAD, province=TEHRAN_PROVINCE)
        member = add_member(
            session, COUNSELLOR, role=role, organisations=organisations, provinces=provinces, active=active
        )
        handoff = open_for(session, client, tier=tier)
        result, seen = queue.claim(session, handoff_id=handoff.id, member=member)
        assert result is ClaimResult.NOT_ALLOWED and seen is handoff
        assert (handoff.status, handoff.claimed_by) == (HandoffStatus.WAITING, None)
        assert member.focus_handoff_id is None
        assert case_of(session, handoff).stage == CaseStage.INTAKE
        assert events_of(session, handoff.case_id, CaseEventKind.HANDOFF_CLAIMED) == []


@pytest.mark.parametrize(
    ("role", "organisations", "provinces", "tier"),
    [
        pytest.param(StaffRole.COUNSELLOR, (), (), HandoffTier.COUNSELLOR, id="counsellor-of-all"),
        pytest.param(
            StaffRole.COUNSELLOR, (EMDAD,), (ALBORZ, TEHRAN_PROVINCE), HandoffTier.COUNSELLOR, id="own-pool"
        ),
        pytest.param(StaffRole.SUPERVISOR, (EMDAD,), (), HandoffTier.COUNSELLOR, id="supervisor-any-tier"),
        pytest.param(
            StaffRole.SUPERVISOR, (), (TEHRAN_PROVINCE,), HandoffTier.SUPERVISOR, id="supervisor-escalated"
        ),
    ],
)
def test_members_of_the_pool_may_claim(
    db: Database,
    role: StaffRole,
    organisations: tuple[str, ...],
    provinces: tuple[str, ...],
    tier: HandoffTier,
) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT, organisation=EMDAD, province=TEHRAN_PROVINCE)
        member = add_member(session, COUNSELLOR, role=role, organisations=organisations, provinces=provinces)
        handoff = open_for(session, client, tier=tier)
        assert queue.claim(session, handoff_id=handoff.id, member=member)[0] is ClaimResult.CLAIMED


RACE_ROUNDS = 20


def _press_accept(
    database: Database, barrier: threading.Barrier, *, member_id: int, handoff_id: int
) -> ClaimResult:
    """One counsellor's «قبول» in its own process: its own engine, session and transaction."""
    with database.unit_of_work() as session:
        member = session.get_one(StaffMember, member_id)
        barrier.wait(timeout=30)
        return queue.claim(session, handoff_id=handoff_id, member=member)[0]


def test_two_counsellors_pressing_accept_at_once_exactly_one_gets_the_case(
    db: Database, database_url: str
) -> None:
    """Two processes (two engines, two sessions) claim the same handoff at the same moment, 20 times."""
    with db.unit_of_work() as session:
        ids = (add_member(session, COUNSELLOR).id, add_member(session, COLLEAGUE).id)
    engines = (Database(database_url), Database(database_url))
    try:
        for round_number in range(RACE_ROUNDS):
            with db.unit_of_work() as session:
                client = add_client(session, 7_200_000_000 + round_number)
                handoff_id = open_for(session, client).id
            barrier = threading.Barrier(2)
            with ThreadPoolExecutor(max_workers=2) as pool:
                futures = [
                    pool.submit(_press_accept, database, barrier, member_id=member_id, handoff_id=handoff_id)
                    for database, member_id in zip(engines, ids, strict=True)
                ]
                results = [future.result(timeout=60) for future in futures]

            assert sorted(results) == sorted([ClaimResult.CLAIMED, ClaimResult.TAKEN]), round_number
            winner = ids[results.index(ClaimResult.CLAIMED)]
            with db.unit_of_work() as session:
                handoff = session.get_one(Handoff, handoff_id)
                assert (handoff.status, handoff.claimed_by) == (HandoffStatus.CLAIMED, winner)
                assert len(events_of(session, handoff.case_id, CaseEventKind.HANDOFF_CLAIMED)) == 1
                assert stages_of(session, handoff.case_id) == ["intake", "counselling"]
                focus = {m.id: m.focus_handoff_id for m in session.scalars(select(StaffMember))}
                assert focus[winner] == handoff_id
                assert all(focus[member_id] != handoff_id for member_id in ids if member_id != winner)
    finally:
        for database in engines:
            database.dispose()


# --- cancelling ----------------------------------------------------------------------------------------


def test_only_the_client_cancels_and_only_while_waiting(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        other = add_client(session, OTHER_CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        handoff = open_for(session, client)
        assert queue.cancel(session, handoff_id=handoff.id, client_id=other.id) is None
        assert handoff.status == HandoffStatus.WAITING and handoff.ended_at is None
        assert queue.cancel(session, handoff_id=handoff.id + 1000, client_id=client.id) is None

        cancelled = queue.cancel(session, handoff_id=handoff.id, client_id=client.id)
        assert cancelled is handoff
        assert handoff.status == HandoffStatus.CANCELLED and handoff.ended_at is not None
        assert queue.active_handoff(session, client_id=client.id) is None
        [event] = events_of(session, handoff.case_id, CaseEventKind.HANDOFF_CANCELLED)
        assert (event.actor, event.data) == ("client", {"handoff_id": handoff.id})
        assert queue.cancel(session, handoff_id=handoff.id, client_id=client.id) is None

        claimed = open_for(session, client)
        assert queue.claim(session, handoff_id=claimed.id, member=counsellor)[0] is ClaimResult.CLAIMED
        assert queue.cancel(session, handoff_id=claimed.id, client_id=client.id) is None
        assert claimed.status == HandoffStatus.CLAIMED and claimed.ended_at is None


def test_what_a_client_wrote_while_waiting_is_dropped_when_they_cancel(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        handoff = open_for(session, client)
        for text in ("سلام", "هنوز منتظرم"):
            messages.log_inbound(session, client_id=client.id, kind="text", text=text, handoff_id=handoff.id)
        assert len(messages.for_counsellor(session, handoff_id=handoff.id)) == 2
        assert queue.cancel(session, handoff_id=handoff.id, client_id=client.id) is not None
        client_id, handoff_id = client.id, handoff.id
    with db.unit_of_work() as session:
        assert messages.for_counsellor(session, handoff_id=handoff_id) == []
        assert messages.pending_for_client(session, client_id=client_id) == []  # nor are they sent to Rasa
        kept = session.scalars(select(Message).where(Message.handoff_id == handoff_id)).all()
        assert [(m.text, m.status) for m in kept] == [
            ("سلام", InboundStatus.NOT_FOR_RASA),
            ("هنوز منتظرم", InboundStatus.NOT_FOR_RASA),
        ]


def test_the_client_ends_a_conversation_only_once_a_counsellor_has_it_and_it_can_be_rated(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        other = add_client(session, OTHER_CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        handoff = open_for(session, client)
        assert queue.end_by_client(session, handoff_id=handoff.id, client_id=client.id) is None  # waiting
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.CLAIMED
        assert queue.end_by_client(session, handoff_id=handoff.id, client_id=other.id) is None
        stage = case_of(session, handoff).stage
        messages.log_inbound(session, client_id=client.id, kind="menu", text="پایان", handoff_id=handoff.id)

        assert queue.end_by_client(session, handoff_id=handoff.id, client_id=client.id) is handoff
        assert handoff.status == HandoffStatus.CLOSED and handoff.ended_at is not None
        assert (handoff.outcome, handoff.ended_by, counsellor.focus_handoff_id) == (None, None, None)
        assert case_of(session, handoff).stage == stage  # the outcome, and so the next stage, is not known
        [event] = events_of(session, handoff.case_id, CaseEventKind.HANDOFF_CLOSED)
        assert (event.actor, event.data) == ("client", {"handoff_id": handoff.id, "by": "client"})
        assert messages.for_counsellor(session, handoff_id=handoff.id) == []
        assert queue.end_by_client(session, handoff_id=handoff.id, client_id=client.id) is None
        assert queue.rate(session, handoff_id=handoff.id, client_id=client.id, rating=4) is handoff


# --- messages during a handoff -------------------------------------------------------------------------


def test_messages_during_a_handoff_wait_for_the_counsellor_in_order(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        other = add_client(session, OTHER_CLIENT)
        handoff = open_for(session, client)
        elsewhere = open_for(session, other)
        before = messages.log_inbound(session, client_id=client.id, kind="text", text="قبل از درخواست")
        first = messages.log_inbound(
            session, client_id=client.id, kind="text", text="یک", handoff_id=handoff.id, for_rasa=True
        )
        messages.log_inbound(session, client_id=other.id, kind="text", text="دیگری", handoff_id=elsewhere.id)
        messages.log_outbound(session, client_id=client.id, kind="text", text="مشاور", handoff_id=handoff.id)
        messages.log_inbound(session, client_id=client.id, kind="photo", text="دو", handoff_id=handoff.id)
        messages.log_inbound(session, client_id=client.id, kind="text", text="سه", handoff_id=handoff.id)

        assert first.status == InboundStatus.FOR_COUNSELLOR
        assert [m.text for m in messages.for_counsellor(session, handoff_id=handoff.id)] == ["یک", "دو", "سه"]
        # Rasa answers only what was written outside the handoff.
        assert [m.id for m in messages.pending_for_client(session, client_id=client.id)] == [before.id]

        messages.mark_relayed(session, message_id=first.id)
        assert [m.text for m in messages.for_counsellor(session, handoff_id=handoff.id)] == ["دو", "سه"]
        assert session.get_one(Message, first.id).status == InboundStatus.RELAYED


# --- transfers -----------------------------------------------------------------------------------------


def test_a_case_is_transferred_to_a_colleague_of_its_pool(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT, organisation=EMDAD, province=TEHRAN_PROVINCE)
        counsellor = add_member(session, COUNSELLOR, organisations=(EMDAD,))
        colleague = add_member(session, COLLEAGUE, provinces=(TEHRAN_PROVINCE,))
        handoff = open_for(session, client)
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.CLAIMED
        assert counsellor.focus_handoff_id == handoff.id

        assert queue.transfer_to_member(session, handoff=handoff, by=counsellor, to=colleague)
        assert (handoff.status, handoff.claimed_by) == (HandoffStatus.CLAIMED, colleague.id)
        assert (counsellor.focus_handoff_id, colleague.focus_handoff_id) == (None, handoff.id)
        assert queue.claimed_by(session, member=counsellor) == []
        assert queue.claimed_by(session, member=colleague) == [handoff]
        [event] = events_of(session, handoff.case_id, CaseEventKind.HANDOFF_TRANSFERRED)
        assert event.actor == f"staff:{counsellor.id}"
        assert event.data == {"handoff_id": handoff.id, "to": f"staff:{colleague.id}"}


@pytest.mark.parametrize(
    ("role", "organisations", "active"),
    [
        pytest.param(StaffRole.COUNSELLOR, (BEHZISTI,), True, id="outside-the-pool"),
        pytest.param(StaffRole.STAFF, (), True, id="staff"),
        pytest.param(StaffRole.COUNSELLOR, (), False, id="inactive"),
    ],
)
def test_a_transfer_to_someone_who_may_not_take_the_case_is_refused(
    db: Database, role: StaffRole, organisations: tuple[str, ...], active: bool
) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT, organisation=EMDAD, province=TEHRAN_PROVINCE)
        counsellor = add_member(session, COUNSELLOR)
        outsider = add_member(session, COLLEAGUE, role=role, organisations=organisations, active=active)
        handoff = open_for(session, client)
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.CLAIMED
        assert not queue.transfer_to_member(session, handoff=handoff, by=counsellor, to=outsider)
        assert handoff.claimed_by == counsellor.id and counsellor.focus_handoff_id == handoff.id
        assert outsider.focus_handoff_id is None
        assert events_of(session, handoff.case_id, CaseEventKind.HANDOFF_TRANSFERRED) == []


def test_a_transfer_needs_a_claimed_case_and_another_person(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        colleague = add_member(session, COLLEAGUE)
        handoff = open_for(session, client)
        assert not queue.transfer_to_member(session, handoff=handoff, by=counsellor, to=colleague)
        assert handoff.status == HandoffStatus.WAITING and handoff.claimed_by is None
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.CLAIMED
        assert not queue.transfer_to_member(session, handoff=handoff, by=counsellor, to=counsellor)
        assert events_of(session, handoff.case_id, CaseEventKind.HANDOFF_TRANSFERRED) == []


def test_transferring_to_supervisors_puts_the_case_back_in_their_queue(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT, organisation=EMDAD, province=TEHRAN_PROVINCE)
        counsellor = add_member(session, COUNSELLOR)
        supervisor = add_member(session, SUPERVISOR, role=StaffRole.SUPERVISOR, organisations=(EMDAD,))
        handoff = open_for(session, client)
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.CLAIMED
        handoff.cards_posted_at = handoff.reminded_at = now()

        queue.transfer_to_supervisors(session, handoff=handoff, by=counsellor)
        assert (handoff.status, handoff.tier) == (HandoffStatus.WAITING, HandoffTier.SUPERVISOR)
        assert (handoff.claimed_by, handoff.claimed_at) == (None, None)
        assert (handoff.cards_posted_at, handoff.reminded_at) == (None, None)  # so cards go out again
        assert handoff.ended_at is None
        assert counsellor.focus_handoff_id is None
        [event] = events_of(session, handoff.case_id, CaseEventKind.HANDOFF_TRANSFERRED)
        assert (event.actor, event.data) == (
            f"staff:{counsellor.id}",
            {"handoff_id": handoff.id, "to": "supervisor"},
        )
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.NOT_ALLOWED
        assert queue.claim(session, handoff_id=handoff.id, member=supervisor)[0] is ClaimResult.CLAIMED


# --- closing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "stage"),
    [
        (HandoffOutcome.REFERRED_TRAINING, CaseStage.TRAINING),
        (HandoffOutcome.REFERRED_JOB, CaseStage.PLACEMENT),
        (HandoffOutcome.LOAN_FILE, CaseStage.COUNSELLING),
        (HandoffOutcome.INFORMATION, CaseStage.COUNSELLING),
        (HandoffOutcome.NOT_REACHABLE, CaseStage.COUNSELLING),
        (HandoffOutcome.OTHER, CaseStage.COUNSELLING),
    ],
)
def test_closing_moves_the_case_on_by_the_outcome(
    db: Database, outcome: HandoffOutcome, stage: CaseStage
) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        handoff = open_for(session, client)
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.CLAIMED
        handoff_id, case_id, member_id = handoff.id, handoff.case_id, counsellor.id
    with db.unit_of_work() as session:
        handoff = session.get_one(Handoff, handoff_id)
        counsellor = session.get_one(StaffMember, member_id)
        assert queue.close(session, handoff=handoff, by=counsellor, outcome=outcome)
    with db.unit_of_work() as session:
        handoff = session.get_one(Handoff, handoff_id)
        assert (handoff.status, handoff.outcome, handoff.ended_by) == (
            HandoffStatus.CLOSED,
            outcome,
            member_id,
        )
        assert handoff.ended_at is not None
        assert queue.active_handoff(session, client_id=handoff.client_id) is None
        assert session.get_one(StaffMember, member_id).focus_handoff_id is None
        assert case_of(session, handoff).stage == stage
        expected = ["intake", "counselling"] + ([] if stage == CaseStage.COUNSELLING else [stage])
        assert stages_of(session, case_id) == expected
        [event] = events_of(session, case_id, CaseEventKind.HANDOFF_CLOSED)
        assert (event.actor, event.data) == (
            f"staff:{member_id}",
            {"handoff_id": handoff_id, "outcome": outcome},
        )


def test_a_closed_handoff_cannot_be_closed_again(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        supervisor = add_member(session, SUPERVISOR, role=StaffRole.SUPERVISOR)
        handoff = open_for(session, client)
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.CLAIMED
        assert queue.close(session, handoff=handoff, by=counsellor, outcome=HandoffOutcome.REFERRED_JOB)
        ended_at = handoff.ended_at
        assert not queue.close(
            session, handoff=handoff, by=supervisor, outcome=HandoffOutcome.REFERRED_TRAINING
        )
        assert (handoff.outcome, handoff.ended_by, handoff.ended_at) == (
            HandoffOutcome.REFERRED_JOB,
            counsellor.id,
            ended_at,
        )
        assert case_of(session, handoff).stage == CaseStage.PLACEMENT
        assert len(events_of(session, handoff.case_id, CaseEventKind.HANDOFF_CLOSED)) == 1


def test_notes_and_escalations_are_written_to_the_case(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        handoff = open_for(session, client)
        queue.escalate(session, handoff=handoff)
        assert handoff.escalated_at is not None
        queue.add_note(session, handoff=handoff, by=counsellor, text="با کارفرما تماس گرفته شد")
        [escalated] = events_of(session, handoff.case_id, CaseEventKind.HANDOFF_ESCALATED)
        assert (escalated.actor, escalated.data) == ("system", {"handoff_id": handoff.id})
        [note] = events_of(session, handoff.case_id, CaseEventKind.NOTE)
        assert note.actor == f"staff:{counsellor.id}"
        assert note.data == {"handoff_id": handoff.id, "text": "با کارفرما تماس گرفته شد"}


# --- rating --------------------------------------------------------------------------------------------


def _closed_handoff(db: Database) -> tuple[int, int, int]:
    """(handoff id, its client's id, another client's id) of a handoff closed by a counsellor."""
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        other = add_client(session, OTHER_CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        handoff = open_for(session, client)
        assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.CLAIMED
        assert queue.close(session, handoff=handoff, by=counsellor, outcome=HandoffOutcome.INFORMATION)
        return handoff.id, client.id, other.id


def test_a_client_rates_a_closed_conversation_once_from_1_to_5(db: Database) -> None:
    handoff_id, client_id, other_id = _closed_handoff(db)
    with db.unit_of_work() as session:
        for refused in (0, 6, -1):
            assert queue.rate(session, handoff_id=handoff_id, client_id=client_id, rating=refused) is None
        assert queue.rate(session, handoff_id=handoff_id, client_id=other_id, rating=4) is None
        assert queue.rate(session, handoff_id=handoff_id + 1000, client_id=client_id, rating=4) is None
        assert session.get_one(Handoff, handoff_id).rating is None
        rated = queue.rate(session, handoff_id=handoff_id, client_id=client_id, rating=5)
        assert rated is not None and rated.rating == 5
    with db.unit_of_work() as session:
        assert queue.rate(session, handoff_id=handoff_id, client_id=client_id, rating=1) is None
        handoff = session.get_one(Handoff, handoff_id)
        assert handoff.rating == 5
        [event] = events_of(session, handoff.case_id, CaseEventKind.RATING)
        assert (event.actor, event.data) == ("client", {"handoff_id": handoff_id, "rating": 5})


@pytest.mark.parametrize("status", ["waiting", "claimed", "cancelled"])
def test_only_a_closed_conversation_can_be_rated(db: Database, status: str) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        handoff = open_for(session, client)
        if status == "claimed":
            assert queue.claim(session, handoff_id=handoff.id, member=counsellor)[0] is ClaimResult.CLAIMED
        if status == "cancelled":
            assert queue.cancel(session, handoff_id=handoff.id, client_id=client.id) is not None
        assert handoff.status == status
        assert queue.rate(session, handoff_id=handoff.id, client_id=client.id, rating=5) is None
        assert handoff.rating is None
        assert events_of(session, handoff.case_id, CaseEventKind.RATING) == []


def test_a_client_may_add_one_comment_to_their_rating(db: Database) -> None:
    handoff_id, client_id, other_id = _closed_handoff(db)
    with db.unit_of_work() as session:
        assert not queue.want_comment(session, handoff_id=handoff_id, client_id=client_id)  # rate first
        assert queue.rate(session, handoff_id=handoff_id, client_id=client_id, rating=2) is not None
        assert not queue.want_comment(session, handoff_id=handoff_id, client_id=other_id)
        assert queue.awaiting_comment(session, client_id=client_id) is None
        assert queue.want_comment(session, handoff_id=handoff_id, client_id=client_id)
    with db.unit_of_work() as session:
        waiting = queue.awaiting_comment(session, client_id=client_id)
        assert waiting is not None and waiting.id == handoff_id
        assert queue.awaiting_comment(session, client_id=other_id) is None
        queue.save_comment(session, handoff=waiting, text="خ" * 1500)
    with db.unit_of_work() as session:
        handoff = session.get_one(Handoff, handoff_id)
        assert handoff.rating_comment == "خ" * queue.COMMENT_LIMIT
        assert not handoff.awaiting_comment
        assert queue.awaiting_comment(session, client_id=client_id) is None
        assert not queue.want_comment(session, handoff_id=handoff_id, client_id=client_id)  # one comment only
        ratings = events_of(session, handoff.case_id, CaseEventKind.RATING)
        assert [event.data for event in ratings] == [
            {"handoff_id": handoff_id, "rating": 2},
            {"handoff_id": handoff_id, "rating": 2, "comment": True},
        ]


def test_a_client_who_changes_their_mind_about_commenting_is_not_asked_again(db: Database) -> None:
    handoff_id, client_id, _ = _closed_handoff(db)
    with db.unit_of_work() as session:
        assert queue.rate(session, handoff_id=handoff_id, client_id=client_id, rating=4) is not None
        assert queue.want_comment(session, handoff_id=handoff_id, client_id=client_id)
        waiting = queue.awaiting_comment(session, client_id=client_id)
        assert waiting is not None
        queue.drop_comment(session, handoff=waiting)
    with db.unit_of_work() as session:
        assert queue.awaiting_comment(session, client_id=client_id) is None
        handoff = session.get_one(Handoff, handoff_id)
        assert handoff.rating_comment is None and handoff.rating == 4


# --- what the bot picks up again after a restart -------------------------------------------------------


def test_unannounced_handoffs_are_found_until_client_and_counsellors_were_told(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        other = add_client(session, OTHER_CLIENT)
        old = open_for(session, client, requested_at=now() - timedelta(minutes=5))
        fresh = open_for(session, other)
        cutoff = now() - timedelta(minutes=1)
        assert queue.unannounced(session, older_than=cutoff) == [old.id]  # the fresh one is still being told
        posts.mark_client_told(session, handoff_id=old.id)
        assert queue.unannounced(session, older_than=cutoff) == [old.id]  # counsellors not told yet
        posts.mark_cards_posted(session, handoff_id=old.id)
        assert queue.unannounced(session, older_than=cutoff) == []
        assert queue.unannounced(session, older_than=now()) == [fresh.id]


def test_ended_handoffs_wait_for_the_rasa_conversation_to_resume(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        other = add_client(session, OTHER_CLIENT)
        open_for(session, other)  # still going: not resumed, not listed
        handoff = open_for(session, client)
        assert queue.ended_not_resumed(session) == []
        assert queue.cancel(session, handoff_id=handoff.id, client_id=client.id) is not None
        assert queue.ended_not_resumed(session) == [queue.PausedConversation(handoff.id, CLIENT)]
        assert queue.not_resumed(session, client_id=client.id) == queue.PausedConversation(handoff.id, CLIENT)
        assert queue.client_chat(session, handoff_id=handoff.id) == (handoff, CLIENT)
        queue.mark_resumed(session, handoff_id=handoff.id)
        assert queue.ended_not_resumed(session) == []
        assert queue.not_resumed(session, client_id=client.id) is None


def test_a_reply_to_any_post_about_a_handoff_finds_it(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        handoff = open_for(session, client)
        posts.record_post(
            session, handoff_id=handoff.id, chat_id=5_100_000_001, message_id=10, kind=PostKind.CARD
        )
        posts.record_post(
            session, handoff_id=handoff.id, chat_id=5_100_000_002, message_id=10, kind=PostKind.CARD
        )
        posts.record_post(
            session, handoff_id=handoff.id, chat_id=5_100_000_001, message_id=11, kind=PostKind.RELAY
        )
        posts.set_topic(session, handoff_id=handoff.id, chat_id=-100_123, thread_id=77)
        session.flush()
        assert posts.handoff_of_post(session, chat_id=5_100_000_002, message_id=10) == handoff.id
        assert posts.handoff_of_post(session, chat_id=5_100_000_001, message_id=11) == handoff.id
        assert posts.handoff_of_post(session, chat_id=5_100_000_002, message_id=11) is None
        assert [
            (p.chat_id, p.message_id)
            for p in posts.posts_of(session, handoff_id=handoff.id, kind=PostKind.CARD)
        ] == [
            (5_100_000_001, 10),
            (5_100_000_002, 10),
        ]
        assert posts.handoff_of_topic(session, chat_id=-100_123, thread_id=77) is handoff
        assert posts.handoff_of_topic(session, chat_id=-100_123, thread_id=78) is None


def test_closing_a_later_case_with_information_keeps_its_stage(db: Database) -> None:
    """A placed client who asks for help again stays in follow-up: a chat never takes a case backwards."""
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        handoff = open_for(session, client)
        case = case_of(session, handoff)
        cases.change_stage(session, case=case, to_stage=CaseStage.FOLLOW_UP)
        queue.claim(session, handoff_id=handoff.id, member=counsellor)
        assert queue.close(session, handoff=handoff, by=counsellor, outcome=HandoffOutcome.INFORMATION)
        assert case_of(session, handoff).stage == CaseStage.FOLLOW_UP


@pytest.mark.parametrize(
    ("stage", "outcome"),
    [
        (CaseStage.FOLLOW_UP, HandoffOutcome.REFERRED_JOB),
        (CaseStage.FOLLOW_UP, HandoffOutcome.REFERRED_TRAINING),
        (CaseStage.PLACEMENT, HandoffOutcome.REFERRED_TRAINING),
    ],
)
def test_closing_never_takes_a_case_back_along_its_path(
    db: Database, stage: CaseStage, outcome: HandoffOutcome
) -> None:
    """/placed put the case in follow-up; closing the same chat as «معرفی به کار» keeps it there."""
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        handoff = open_for(session, client)
        cases.change_stage(session, case=case_of(session, handoff), to_stage=stage)
        queue.claim(session, handoff_id=handoff.id, member=counsellor)
        assert queue.close(session, handoff=handoff, by=counsellor, outcome=outcome)
        assert case_of(session, handoff).stage == stage


def test_a_supervisor_closing_a_case_frees_its_counsellor_s_private_chat(db: Database) -> None:
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        supervisor = add_member(session, SUPERVISOR, role=StaffRole.SUPERVISOR)
        handoff = open_for(session, client)
        queue.claim(session, handoff_id=handoff.id, member=counsellor)
        assert counsellor.focus_handoff_id == handoff.id
        assert queue.close(session, handoff=handoff, by=supervisor, outcome=HandoffOutcome.OTHER)
        session.flush()
        session.refresh(counsellor)
        assert counsellor.focus_handoff_id is None


def test_the_periodic_check_finds_claimed_handoffs_whose_messages_never_reached_the_counsellor(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        client, other = add_client(session, CLIENT), add_client(session, OTHER_CLIENT)
        counsellor = add_member(session, COUNSELLOR)
        claimed, waiting = open_for(session, client), open_for(session, other)
        queue.claim(session, handoff_id=claimed.id, member=counsellor)
        for handoff, owner in ((claimed, client), (waiting, other)):
            messages.log_inbound(session, client_id=owner.id, kind="text", text="سلام", handoff_id=handoff.id)
            messages.log_inbound(
                session, client_id=owner.id, kind="text", text="هستید؟", handoff_id=handoff.id
            )
        # Waiting ones are relayed on claim, not by the check; relayed ones are done.
        assert queue.claimed_with_unrelayed(session) == [claimed.id]
        for message in messages.for_counsellor(session, handoff_id=claimed.id):
            messages.mark_relayed(session, message_id=message.id)
        assert queue.claimed_with_unrelayed(session) == []
