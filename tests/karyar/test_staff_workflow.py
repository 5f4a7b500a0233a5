"""The `/staff` units of work: only administrators manage the registry, every refusal is audited, a change
comes back as a snapshot, and a refused change leaves the registry as it was."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from karyar.db.engine import Database
from karyar.db.models import AuditEntry
from karyar.staff import registry, workflow
from karyar.staff.registry import Problem, StaffError

ADMIN = 5_100_000_001
COUNSELLOR = 5_100_000_002


def _audited(db: Database) -> list[tuple[str, bool]]:
    with db.unit_of_work() as session:
        rows = session.execute(select(AuditEntry.action, AuditEntry.allowed).order_by(AuditEntry.id))
        return [(action, allowed) for action, allowed in rows]


@pytest.fixture
def office(db: Database) -> Database:
    with db.unit_of_work() as session:
        registry.add_member(session, telegram_user_id=ADMIN, name="مدیر", role="admin")
    return db


def test_only_an_administrator_manages_staff_and_every_refusal_is_audited(office: Database) -> None:
    added = office.run(
        workflow.add_staff,
        actor=ADMIN,
        telegram_user_id=COUNSELLOR,
        name="سارا",
        role="مشاور",
        provinces=["تهران"],
    )
    assert (
        added.allowed and added.members[0].provinces == ("تهران",) and added.members[0].role == "counsellor"
    )
    assert not office.run(workflow.list_staff, actor=COUNSELLOR).allowed
    assert not office.run(workflow.remove_staff, actor=COUNSELLOR, telegram_user_id=ADMIN).allowed
    assert not office.run(workflow.may_manage, actor=COUNSELLOR)
    assert office.run(workflow.may_manage, actor=ADMIN)
    audited = _audited(office)
    assert ("staff.add", True) in audited  # the registry's own entry for the change
    assert [entry for entry in audited if not entry[1]] == [
        ("staff.list", False),
        ("staff.remove", False),
        ("staff.command", False),
    ]


def test_an_update_changes_only_what_is_given(office: Database) -> None:
    office.run(workflow.add_staff, actor=ADMIN, telegram_user_id=COUNSELLOR, name="سارا", role="counsellor")
    renamed = office.run(workflow.update_staff, actor=ADMIN, telegram_user_id=COUNSELLOR, name="سارا رحیمی")
    card = renamed.members[0]
    assert (card.name, card.role, card.organisations, card.hours, card.active) == (
        "سارا رحیمی",
        "counsellor",
        (),
        None,
        True,
    )
    promoted = office.run(workflow.change_role, actor=ADMIN, telegram_user_id=COUNSELLOR, role="سرپرست")
    assert promoted.members[0].role == "supervisor"
    with pytest.raises(dataclasses.FrozenInstanceError):
        card.name = "دیگر"  # type: ignore[misc]
    removed = office.run(workflow.remove_staff, actor=ADMIN, telegram_user_id=COUNSELLOR)
    assert not removed.members[0].active
    listed = office.run(workflow.list_staff, actor=ADMIN, include_inactive=True)
    assert [member.telegram_user_id for member in listed.members] == [ADMIN, COUNSELLOR]


def test_a_refused_change_leaves_the_registry_as_it_was(office: Database) -> None:
    with pytest.raises(StaffError) as refused:
        office.run(workflow.remove_staff, actor=ADMIN, telegram_user_id=ADMIN)
    assert refused.value.problem == Problem.LAST_ADMIN
    listed = office.run(workflow.list_staff, actor=ADMIN)
    assert [(member.telegram_user_id, member.active) for member in listed.members] == [(ADMIN, True)]
