"""The units of work the bot drives a handoff with: who may close or transfer a conversation and to whom,
whose messages reach the client, which conversation a command means, and what they hand back (snapshots
that stay readable after the session is gone)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from karyar.db.engine import Database
from karyar.db.models import AuditEntry, HandoffOutcome, HandoffStatus, StaffRole
from karyar.handoff import casework, desk, posts
from karyar.handoff.casework import TimelineRefusal
from karyar.handoff.queue import ClaimResult
from karyar.identity.cipher import DataCipher
from tests.karyar.handoff.conftest import (
    ALBORZ,
    EMDAD,
    TEHRAN_PROVINCE,
    add_client,
    add_member,
    open_for,
)

CLIENT = 7_400_000_001
COUNSELLOR = 5_400_000_001
COLLEAGUE = 5_400_000_002
ELSEWHERE = 5_400_000_003
SUPERVISOR = 5_400_000_004


def _office(db: Database) -> dict[str, int]:
    """A claimed conversation in Tehran's Emdad pool, and the staff ids of the people around it."""
    with db.unit_of_work() as session:
        client = add_client(session, CLIENT, first_name="مریم", organisation=EMDAD, province=TEHRAN_PROVINCE)
        ids = {
            "counsellor": add_member(session, COUNSELLOR, name="سارا", organisations=(EMDAD,)).id,
            "colleague": add_member(session, COLLEAGUE, name="نگار", provinces=(TEHRAN_PROVINCE,)).id,
            "elsewhere": add_member(session, ELSEWHERE, name="لیلا", provinces=(ALBORZ,)).id,
            "supervisor": add_member(session, SUPERVISOR, name="رضا", role=StaffRole.SUPERVISOR).id,
        }
        ids["handoff"] = open_for(session, client).id
    claim = db.run(desk.claim, handoff_id=ids["handoff"], member_id=ids["counsellor"])
    assert claim.result == ClaimResult.CLAIMED and claim.handoff is not None
    assert (claim.handoff.status, claim.handoff.chat_id) == (HandoffStatus.CLAIMED, CLIENT)
    return ids


def test_a_conversation_goes_only_to_a_colleague_of_its_pool(db: Database) -> None:
    ids = _office(db)
    handoff = ids["handoff"]
    refused = [
        # Not theirs to hand on, to someone outside the pool, to themselves, to nobody known.
        (ids["colleague"], ids["counsellor"]),
        (ids["counsellor"], ids["elsewhere"]),
        (ids["counsellor"], ids["counsellor"]),
        (ids["counsellor"], ids["supervisor"] + 1000),
    ]
    for member, target in refused:
        assert db.run(desk.transfer, handoff_id=handoff, member_id=member, to_member_id=target) is None
    moved = db.run(
        desk.transfer, handoff_id=handoff, member_id=ids["counsellor"], to_member_id=ids["colleague"]
    )
    assert moved is not None and moved.to is not None
    assert (moved.to.name, moved.handoff.claimed_by) == ("نگار", ids["colleague"])
    # The supervisor of the pool may send it back to the queue, for supervisors.
    back = db.run(desk.transfer, handoff_id=handoff, member_id=ids["supervisor"], to_member_id=None)
    assert back is not None and back.to is None and back.handoff.status == HandoffStatus.WAITING


def test_only_its_counsellor_or_a_supervisor_closes_a_conversation(db: Database) -> None:
    ids = _office(db)
    close = {"handoff_id": ids["handoff"], "outcome": HandoffOutcome.INFORMATION}
    assert db.run(desk.close, member_id=ids["colleague"], **close) is None
    closed = db.run(desk.close, member_id=ids["supervisor"], **close)
    assert closed is not None and closed.status == HandoffStatus.CLOSED
    assert db.run(desk.close, member_id=ids["counsellor"], **close) is None  # already ended


def test_only_the_counsellor_who_has_it_writes_to_the_client(db: Database) -> None:
    ids = _office(db)
    words = {"handoff_id": ids["handoff"], "text": "سلام", "media": "text"}
    assert db.run(desk.counsellor_message, member_id=ids["colleague"], **words) is None
    logged = db.run(desk.counsellor_message, member_id=ids["counsellor"], **words)
    assert logged is not None and logged.chat_id == CLIENT


def test_the_client_ends_a_conversation_once(db: Database) -> None:
    ids = _office(db)
    ended = db.run(desk.end_by_client, handoff_id=ids["handoff"], chat_id=CLIENT)
    assert ended is not None and ended.claimant is not None and ended.claimant.name == "سارا"
    assert db.run(desk.end_by_client, handoff_id=ids["handoff"], chat_id=CLIENT) is None
    assert db.run(desk.cancel_by_client, handoff_id=ids["handoff"], chat_id=CLIENT) is None
    assert db.run(desk.rate, handoff_id=ids["handoff"], client_id=ended.handoff.client_id, rating=4) == 4
    assert db.run(desk.rate, handoff_id=ids["handoff"], client_id=ended.handoff.client_id, rating=5) is None


def test_a_command_means_the_case_named_else_the_topic_else_the_reply_else_the_focus(db: Database) -> None:
    ids = _office(db)
    with db.unit_of_work() as session:
        posts.record_post(
            session, handoff_id=ids["handoff"], chat_id=COUNSELLOR, message_id=9, kind=posts.PostKind.CARD
        )
        posts.set_topic(session, handoff_id=ids["handoff"], chat_id=-100_9, thread_id=3)
    where = {"member_id": ids["colleague"], "chat_id": COUNSELLOR, "thread_id": None, "case_number": None}
    by_reply = db.run(casework.conversation_of, reply_to=9, **where)
    assert by_reply is not None and by_reply.id == ids["handoff"]
    assert db.run(casework.conversation_of, reply_to=10, **where) is None  # no focus either
    focused = db.run(casework.conversation_of, reply_to=None, **{**where, "member_id": ids["counsellor"]})
    assert focused is not None and focused.id == ids["handoff"]
    in_topic = db.run(casework.of_topic, chat_id=-100_9, thread_id=3)
    assert in_topic is not None and in_topic.id == ids["handoff"]
    assert (
        db.run(casework.conversation_of, reply_to=None, **{**where, "case_number": in_topic.case_id})
        == in_topic
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        in_topic.status = HandoffStatus.CLOSED  # type: ignore[misc]


def test_timeline_and_identifiers_only_for_who_may_see_the_case(db: Database) -> None:
    ids = _office(db)
    case_id = db.run(desk.view, handoff_id=ids["handoff"]).case_id
    assert (
        db.run(casework.timeline, member_id=ids["elsewhere"], case_id=case_id) == TimelineRefusal.NOT_ALLOWED
    )
    assert db.run(casework.timeline, member_id=ids["counsellor"], case_id=case_id + 1000) == (
        TimelineRefusal.NO_SUCH_CASE
    )
    shown = db.run(casework.timeline, member_id=ids["counsellor"], case_id=case_id)
    assert not isinstance(shown, TimelineRefusal)
    assert shown.client_name == "مریم" and f"staff:{ids['counsellor']}" in shown.staff_names
    cipher = DataCipher([DataCipher.new_key()])
    assert (
        db.run(casework.reveal, member_id=ids["elsewhere"], handoff_id=ids["handoff"], cipher=cipher) is None
    )
    assert (
        db.run(casework.reveal, member_id=ids["counsellor"], handoff_id=ids["handoff"], cipher=cipher) == {}
    )
    with db.unit_of_work() as session:
        audited = session.scalars(
            select(AuditEntry.allowed)
            .where(AuditEntry.action == "identifiers.reveal")
            .order_by(AuditEntry.id)
        )
        assert list(audited) == [False, True]


def test_lists_and_authority_come_back_as_snapshots(db: Database) -> None:
    ids = _office(db)
    mine = db.run(casework.conversations, member_id=ids["counsellor"])
    assert [(item.handoff_id, item.claimed_by) for item in mine] == [(ids["handoff"], "سارا")]
    assert db.run(casework.claimable, member_id=ids["colleague"]) == ()
    assert db.run(casework.focus, member_id=ids["colleague"], handoff_id=ids["handoff"]) is False
    asked = db.run(casework.authorised, telegram_user_id=COUNSELLOR, action="command.queue")
    assert asked is not None and asked.id == ids["counsellor"]
    assert db.run(casework.authorised, telegram_user_id=CLIENT, action="command.queue") is None
    assert db.run(casework.case_worker, telegram_user_id=COLLEAGUE) is not None
