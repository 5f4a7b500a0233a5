"""Bookkeeping of what counsellors were shown about a handoff, and of its forum topic."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.models import Handoff, HandoffPost


class PostKind(enum.StrEnum):
    CARD = "card"
    RELAY = "relay"
    NOTICE = "notice"


def record_post(session: Session, *, handoff_id: int, chat_id: int, message_id: int, kind: PostKind) -> None:
    session.add(HandoffPost(handoff_id=handoff_id, chat_id=chat_id, message_id=message_id, kind=kind))


@dataclass(frozen=True, slots=True)
class Post:
    chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class Topic:
    chat_id: int | None
    thread_id: int


def posts_of(session: Session, *, handoff_id: int, kind: PostKind) -> tuple[Post, ...]:
    rows = session.scalars(
        select(HandoffPost)
        .where(HandoffPost.handoff_id == handoff_id, HandoffPost.kind == kind)
        .order_by(HandoffPost.id)
    )
    return tuple(Post(row.chat_id, row.message_id) for row in rows)


def topic_of(session: Session, *, handoff_id: int) -> Topic | None:
    """The handoff's forum topic, if it has one."""
    handoff = session.get_one(Handoff, handoff_id)
    if handoff.topic_thread_id is None:
        return None
    return Topic(handoff.topic_chat_id, handoff.topic_thread_id)


def handoff_of_post(session: Session, *, chat_id: int, message_id: int) -> int | None:
    """The handoff a counsellor-side message belongs to, for answering by reply."""
    return session.scalar(
        select(HandoffPost.handoff_id).where(
            HandoffPost.chat_id == chat_id, HandoffPost.message_id == message_id
        )
    )


def handoff_of_topic(session: Session, *, chat_id: int, thread_id: int) -> Handoff | None:
    return session.scalar(
        select(Handoff)
        .where(Handoff.topic_chat_id == chat_id, Handoff.topic_thread_id == thread_id)
        .order_by(Handoff.id.desc())
        .limit(1)
    )


def set_topic(session: Session, *, handoff_id: int, chat_id: int | None, thread_id: int | None) -> None:
    handoff = session.get_one(Handoff, handoff_id)
    handoff.topic_chat_id = chat_id
    handoff.topic_thread_id = thread_id


def mark_client_told(session: Session, *, handoff_id: int) -> None:
    session.get_one(Handoff, handoff_id).client_told_at = now()


def mark_cards_posted(session: Session, *, handoff_id: int) -> None:
    session.get_one(Handoff, handoff_id).cards_posted_at = now()


def mark_reminded(session: Session, *, handoff_id: int) -> None:
    session.get_one(Handoff, handoff_id).reminded_at = now()
