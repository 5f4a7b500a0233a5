"""Who a handoff goes to: the pool of its organisation and province, on duty by the office and personal
hours; who may manage a claimed case; and the registry-only authority check, whose refusals are audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from karyar.db.engine import Database
from karyar.db.models import AuditEntry, Handoff, HandoffTier, StaffMember, StaffRole
from karyar.handoff import queue, routing
from karyar.handoff.queue import ClaimResult
from karyar.office_hours import holiday_name, is_open
from karyar.staff import access
from karyar.staff.roles import Permission
from tests.karyar.handoff.conftest import (
    ALBORZ,
    BEHZISTI,
    EMDAD,
    FRIDAY,
    SATURDAY,
    TEHRAN_PROVINCE,
    THURSDAY,
    WEDNESDAY,
    add_client,
    add_member,
    open_for,
    tehran,
)

CLIENT = 7_300_000_001


def test_the_week_used_is_an_ordinary_office_week() -> None:
    for day in (WEDNESDAY, THURSDAY, FRIDAY, SATURDAY):
        assert holiday_name(tehran(day, 10).date()) is None
    assert [tehran(day, 10).strftime("%A") for day in (WEDNESDAY, THURSDAY, FRIDAY, SATURDAY)] == [
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ]
    assert is_open(tehran(SATURDAY, 10)) and not is_open(tehran(SATURDAY, 14))
    assert is_open(tehran(THURSDAY, 11, 59)) and not is_open(tehran(THURSDAY, 12))
    assert not is_open(tehran(FRIDAY, 10))


def _names(members: list[StaffMember]) -> list[str]:
    return [member.name for member in members]


def _staff_the_office(db: Database) -> None:
    with db.unit_of_work() as session:
        add_member(
            session, 5_300_000_001, name="emdad-tehran", organisations=(EMDAD,), provinces=(TEHRAN_PROVINCE,)
        )
        add_member(session, 5_300_000_002, name="everyone")
        add_member(session, 5_300_000_003, name="behzisti", organisations=(BEHZISTI,))
        add_member(session, 5_300_000_004, name="emdad-alborz", organisations=(EMDAD,), provinces=(ALBORZ,))
        add_member(session, 5_300_000_005, name="supervisor", role=StaffRole.SUPERVISOR)
        add_member(
            session,
            5_300_000_006,
            name="behzisti-supervisor",
            role=StaffRole.SUPERVISOR,
            organisations=(BEHZISTI,),
        )
        add_member(session, 5_300_000_007, name="staff", role=StaffRole.STAFF)
        add_member(session, 5_300_000_008, name="admin", role=StaffRole.ADMIN)
        add_member(session, 5_300_000_009, name="gone", active=False)


@pytest.mark.parametrize(
    ("organisation", "province", "counsellors", "supervisors"),
    [
        pytest.param(
            EMDAD,
            TEHRAN_PROVINCE,
            ["emdad-tehran", "everyone", "supervisor"],
            ["supervisor"],
            id="emdad-tehran",
        ),
        pytest.param(
            BEHZISTI,
            ALBORZ,
            ["everyone", "behzisti", "supervisor", "behzisti-supervisor"],
            ["supervisor", "behzisti-supervisor"],
            id="behzisti-alborz",
        ),
        pytest.param(
            EMDAD,
            ALBORZ,
            ["everyone", "emdad-alborz", "supervisor"],
            ["supervisor"],
            id="emdad-alborz",
        ),
        # An organisation or province the client did not give matches every member.
        pytest.param(
            "none",
            TEHRAN_PROVINCE,
            ["emdad-tehran", "everyone", "behzisti", "supervisor", "behzisti-supervisor"],
            ["supervisor", "behzisti-supervisor"],
            id="no-organisation",
        ),
        pytest.param(
            None,
            None,
            ["emdad-tehran", "everyone", "behzisti", "emdad-alborz", "supervisor", "behzisti-supervisor"],
            ["supervisor", "behzisti-supervisor"],
            id="nothing-known",
        ),
    ],
)
def test_the_pool_is_who_serves_the_clients_organisation_and_province(
    db: Database,
    organisation: str | None,
    province: str | None,
    counsellors: list[str],
    supervisors: list[str],
) -> None:
    _staff_the_office(db)
    with db.unit_of_work() as session:
        handoff = open_for(session, add_client(session, CLIENT, organisation=organisation, province=province))
        assert _names(routing.pool(session, handoff=handoff)) == counsellors
        assert _names(routing.pool(session, handoff=handoff, supervisors=True)) == supervisors
        handoff.tier = HandoffTier.SUPERVISOR
        assert _names(routing.pool(session, handoff=handoff)) == supervisors


def test_on_duty_follows_the_office_and_personal_hours(db: Database) -> None:
    with db.unit_of_work() as session:
        early = add_member(session, 5_300_000_011, name="early", hours="sat-wed 08:00-10:00")
        office = add_member(session, 5_300_000_012, name="office")
        weekend = add_member(
            session, 5_300_000_013, name="thursday", hours="thu 08:00-20:00, fri 08:00-20:00"
        )
        handoff = open_for(session, add_client(session, CLIENT))

        def on_duty(day: tuple[int, int, int], hour: int, minute: int = 0) -> list[str]:
            return _names(routing.pool(session, handoff=handoff, at=tehran(day, hour, minute)))

        assert on_duty(SATURDAY, 9) == ["early", "office"]
        assert on_duty(SATURDAY, 9, 59) == ["early", "office"]
        assert on_duty(SATURDAY, 10) == ["office"]  # personal hours end at 10:00
        assert on_duty(SATURDAY, 11) == ["office"]
        assert on_duty(SATURDAY, 7, 59) == []  # before the office opens
        assert on_duty(SATURDAY, 14) == []
        assert on_duty(THURSDAY, 11) == ["office", "thursday"]
        assert on_duty(THURSDAY, 13) == []  # their own hours run on, the office's do not
        assert on_duty(FRIDAY, 10) == []  # the office is closed on Fridays
        # Without a moment, everyone in the pool.
        assert _names(routing.pool(session, handoff=handoff)) == ["early", "office", "thursday"]

        assert routing.is_on_duty(early, tehran(SATURDAY, 9))
        assert not routing.is_on_duty(early, tehran(SATURDAY, 11))
        assert routing.is_on_duty(office, tehran(WEDNESDAY, 13, 59))
        assert not routing.is_on_duty(weekend, tehran(FRIDAY, 9))


@pytest.mark.parametrize(
    ("role", "organisations", "provinces", "claimant", "active", "allowed"),
    [
        pytest.param(StaffRole.COUNSELLOR, (), (), True, True, True, id="its-counsellor"),
        pytest.param(StaffRole.COUNSELLOR, (EMDAD,), (), False, True, False, id="another-counsellor"),
        pytest.param(
            StaffRole.SUPERVISOR, (EMDAD,), (TEHRAN_PROVINCE,), False, True, True, id="pool-supervisor"
        ),
        pytest.param(StaffRole.SUPERVISOR, (), (), False, True, True, id="supervisor-of-all"),
        pytest.param(StaffRole.SUPERVISOR, (BEHZISTI,), (), False, True, False, id="other-pool-supervisor"),
        pytest.param(StaffRole.SUPERVISOR, (), (ALBORZ,), False, True, False, id="other-province-supervisor"),
        pytest.param(StaffRole.SUPERVISOR, (), (), False, False, False, id="inactive-supervisor"),
        pytest.param(StaffRole.COUNSELLOR, (), (), True, False, False, id="inactive-counsellor"),
        pytest.param(StaffRole.ADMIN, (), (), False, True, False, id="admin"),
    ],
)
def test_who_may_close_or_transfer_a_claimed_case(
    db: Database,
    role: StaffRole,
    organisations: tuple[str, ...],
    provinces: tuple[str, ...],
    claimant: bool,
    active: bool,
    allowed: bool,
) -> None:
    with db.unit_of_work() as session:
        handoff = open_for(session, add_client(session, CLIENT, organisation=EMDAD, province=TEHRAN_PROVINCE))
        counsellor = add_member(session, 5_300_000_021)
        member = (
            counsellor
            if claimant
            else add_member(
                session, 5_300_000_022, role=role, organisations=organisations, provinces=provinces
            )
        )
        assert queue.claim(session, handoff_id=handoff.id, member=member if claimant else counsellor)[0] is (
            ClaimResult.CLAIMED
        )
        if not active:
            member.active = False
        assert routing.may_manage(member, handoff) is allowed


def test_can_claim_and_serves_agree_with_the_registry(db: Database) -> None:
    with db.unit_of_work() as session:
        counsellor = add_member(
            session, 5_300_000_031, organisations=(EMDAD,), provinces=(ALBORZ, TEHRAN_PROVINCE)
        )
        supervisor = add_member(session, 5_300_000_032, role=StaffRole.SUPERVISOR)
        staff = add_member(session, 5_300_000_033, role=StaffRole.STAFF)
        handoff = Handoff(organisation=EMDAD, province=ALBORZ, tier=HandoffTier.COUNSELLOR)
        assert routing.serves(counsellor, organisation=EMDAD, province=ALBORZ)
        assert routing.serves(counsellor, organisation=None, province=None)
        assert not routing.serves(counsellor, organisation=BEHZISTI, province=ALBORZ)
        assert not routing.serves(counsellor, organisation=EMDAD, province="فارس")
        assert routing.serves(staff, organisation=EMDAD, province=ALBORZ)  # serves, but may not handle
        assert routing.can_claim(counsellor, handoff) and routing.can_claim(supervisor, handoff)
        assert not routing.can_claim(staff, handoff)
        handoff.tier = HandoffTier.SUPERVISOR
        assert not routing.can_claim(counsellor, handoff) and routing.can_claim(supervisor, handoff)


# --- authority -----------------------------------------------------------------------------------------


def _refusals(db: Database) -> list[AuditEntry]:
    with db.unit_of_work() as session:
        return list(
            session.scalars(select(AuditEntry).where(AuditEntry.allowed.is_(False)).order_by(AuditEntry.id))
        )


def test_an_allowed_member_is_returned_without_an_audited_refusal(db: Database) -> None:
    with db.unit_of_work() as session:
        add_member(session, 5_300_000_041, role=StaffRole.SUPERVISOR)
        member = access.authorise(
            session, telegram_user_id=5_300_000_041, permission=Permission.SUPERVISE, action="queue.view"
        )
        assert member is not None and member.telegram_user_id == 5_300_000_041
        assert (
            access.authorise(
                session,
                telegram_user_id=5_300_000_041,
                permission=Permission.HANDLE_CASES,
                action="case.view",
            )
            is member
        )
    assert _refusals(db) == []


@pytest.mark.parametrize(
    ("who", "role", "active", "permission", "recorded_role"),
    [
        pytest.param(5_300_000_099, StaffRole.COUNSELLOR, True, Permission.HANDLE_CASES, None, id="unknown"),
        pytest.param(
            5_300_000_051, StaffRole.COUNSELLOR, True, Permission.SUPERVISE, "counsellor", id="counsellor"
        ),
        pytest.param(5_300_000_051, StaffRole.STAFF, True, Permission.HANDLE_CASES, "staff", id="staff"),
        pytest.param(5_300_000_051, StaffRole.ADMIN, True, Permission.HANDLE_CASES, "admin", id="admin"),
        pytest.param(
            5_300_000_051, StaffRole.SUPERVISOR, True, Permission.MANAGE_STAFF, "supervisor", id="supervisor"
        ),
        pytest.param(
            5_300_000_051, StaffRole.SUPERVISOR, False, Permission.HANDLE_CASES, None, id="inactive"
        ),
    ],
)
def test_a_refusal_returns_nobody_and_is_audited(
    db: Database,
    who: int,
    role: StaffRole,
    active: bool,
    permission: Permission,
    recorded_role: str | None,
) -> None:
    with db.unit_of_work() as session:
        add_member(session, 5_300_000_050, role=StaffRole.ADMIN)  # the registry always keeps an admin
        add_member(session, 5_300_000_051, role=role, active=active)
        assert (
            access.authorise(
                session,
                telegram_user_id=who,
                permission=permission,
                action="case.close",
                target="handoff:12",
                details={"outcome": "other"},
            )
            is None
        )
    [refusal] = _refusals(db)
    assert (refusal.action, refusal.actor_telegram_user_id, refusal.actor_role, refusal.target) == (
        "case.close",
        who,
        recorded_role,
        "handoff:12",
    )
    assert refusal.details == {"needs": str(permission), "outcome": "other"}
