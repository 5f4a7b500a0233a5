"""Typed SQLAlchemy models of the case database.

Tables change only through Alembic migrations (`migrations/`); a test checks that the models and the
migrations agree.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, MetaData, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from karyar.clock import now
from karyar.db.types import BigIntPK, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class CaseStage(enum.StrEnum):
    """The path of a case, as the employment services system tracks it."""

    INTAKE = "intake"
    ASSESSMENT = "assessment"
    COUNSELLING = "counselling"
    TRAINING = "training"
    PLACEMENT = "placement"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


class Direction(enum.StrEnum):
    INBOUND = "in"
    OUTBOUND = "out"


class InboundStatus(enum.StrEnum):
    """Where an inbound message stands; PENDING ones are answered when Rasa is reachable again.

    During a handoff a message is FOR_COUNSELLOR until it has been copied to the counsellor (RELAYED), so
    what a client writes while waiting reaches whoever claims the case.
    """

    PENDING = "pending"
    ANSWERED = "answered"
    NOT_FOR_RASA = "not_for_rasa"
    FOR_COUNSELLOR = "for_counsellor"
    RELAYED = "relayed"


class Client(Base):
    __tablename__ = "clients"
    __table_args__ = (Index("ix_clients_first_seen_at", "first_seen_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    first_name: Mapped[str | None] = mapped_column(String(128))
    last_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    language_code: Mapped[str | None] = mapped_column(String(16))
    consent_given_at: Mapped[datetime | None]
    consent_version: Mapped[str | None] = mapped_column(String(32))
    subscribed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    blocked_bot: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Telegram answered "chat not found" (account deleted, or never started the bot); cleared when they write.
    chat_missing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    first_seen_at: Mapped[datetime] = mapped_column(default=now)
    last_seen_at: Mapped[datetime] = mapped_column(default=now)
    # Set when the client had their personal data erased; the row stays for anonymous counts.
    erased_at: Mapped[datetime | None]

    cases: Mapped[list[Case]] = relationship(back_populates="client", order_by="Case.id")


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        # At most one open case per client.
        Index(
            "uq_cases_one_open_per_client",
            "client_id",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(32), default=CaseStage.INTAKE)
    opened_at: Mapped[datetime] = mapped_column(default=now)
    closed_at: Mapped[datetime | None]

    client: Mapped[Client] = relationship(back_populates="cases")
    stage_changes: Mapped[list[CaseStageChange]] = relationship(
        back_populates="case", order_by="CaseStageChange.id"
    )


class CaseStageChange(Base):
    """The timeline of a case: one row per stage change, never updated."""

    __tablename__ = "case_stage_changes"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(default=now)
    changed_by: Mapped[str] = mapped_column(String(64), default="system")
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="stage_changes")


class CaseEventKind(enum.StrEnum):
    """What else happens in a case besides stage changes; each kind carries its own `data`."""

    ELIGIBILITY_RESULT = "eligibility_result"
    INTEREST = "interest"
    HANDOFF_REQUESTED = "handoff_requested"
    HANDOFF_CANCELLED = "handoff_cancelled"
    HANDOFF_ESCALATED = "handoff_escalated"
    HANDOFF_CLAIMED = "handoff_claimed"
    HANDOFF_TRANSFERRED = "handoff_transferred"
    HANDOFF_CLOSED = "handoff_closed"
    NOTE = "note"
    RATING = "rating"
    PLACEMENT = "placement"
    TRAINING_START = "training_start"
    FOLLOW_UP_ANSWER = "follow_up_answer"
    SUBSCRIPTION = "subscription"
    ANNOUNCEMENT_PRESS = "announcement_press"
    DISTRESS = "distress"  # a message showed distress; data: the kinds seen, whether a person was offered


class CaseEvent(Base):
    """The timeline of a case beyond its stages (results, interests, …); written once, never changed."""

    __tablename__ = "case_events"
    __table_args__ = (
        Index("ix_case_events_case_id_id", "case_id", "id"),
        Index("ix_case_events_kind_created_at", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    actor: Mapped[str] = mapped_column(String(64), default="system")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    source_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class Message(Base):
    """Every message in and out, with what Rasa understood of inbound ones."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_client_id_id", "client_id", "id"),
        Index("ix_messages_status", "status"),
        Index("ix_messages_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    telegram_update_id: Mapped[int | None] = mapped_column(BigInteger)
    # Inbound: the bot it was sent to, the one that answers it (several bots may share the database).
    bot_id: Mapped[int | None] = mapped_column(BigInteger)
    # The key of the update that brought it (karyar/inbox.py), so a replayed update finds it; a digest of
    # what the client wrote, so it is cleared with the text.
    telegram_update_key: Mapped[str | None] = mapped_column(String(64))
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str | None] = mapped_column(String(16))
    # The handoff a message belongs to: written by the client to a counsellor or by a counsellor to the client.
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id", ondelete="SET NULL"), index=True)
    # Outbound: the buttons shown (payloads), so a later press can be resolved or refused as stale.
    extra: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    answered_at: Mapped[datetime | None]
    # When the text was anonymised (the client's erasure request, or the retention period ran out).
    erased_at: Mapped[datetime | None]


class ProfileFact(Base):
    """One fact a client told us about themselves or a family member; a correction adds a row and supersedes
    the old one, keeping history."""

    __tablename__ = "profile_facts"
    __table_args__ = (
        Index("ix_profile_facts_client_id_name", "client_id", "name"),
        # Broadcast audiences select clients by the facts in force (province = X, field IN (…)).
        Index(
            "ix_profile_facts_current_name_value",
            "name",
            "value",
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(256))
    source: Mapped[str] = mapped_column(String(32))
    source_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=now)
    superseded_at: Mapped[datetime | None]
    # Whose fact it is: None for the client, else the family member the client wrote about (karyar.members).
    member: Mapped[str | None] = mapped_column(String(16))


class ClientIdentifier(Base):
    """A national id or phone number, encrypted (karyar.identity.cipher); the mask is what counsellors see."""

    __tablename__ = "client_identifiers"
    __table_args__ = (Index("ix_client_identifiers_client_kind", "client_id", "kind"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    ciphertext: Mapped[str] = mapped_column(Text)
    masked: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32))
    source_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=now)
    superseded_at: Mapped[datetime | None]


class TelegramUpdate(Base):
    """An update from Telegram, stored before it is acknowledged (karyar/inbox.py). The payload is cleared
    once the update is processed; the key stays a day, so a redelivered update is never processed twice."""

    __tablename__ = "telegram_updates"
    __table_args__ = (Index("ix_telegram_updates_bot_id_update_id", "bot_id", "update_id"),)

    # Updates are per bot; two bots (a Telegram one and a Bale one, say) may share a case database.
    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # A digest of the whole update: its id alone is reused when a Bot API server numbers afresh.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any] | None]
    received_at: Mapped[datetime] = mapped_column(default=now)
    processed_at: Mapped[datetime | None] = mapped_column(index=True)


class AuditEntry(Base):
    """What staff did, by whom and when; written once, never changed."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    actor_telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    actor_role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(128))
    allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    details: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=now)


class CatalogueMode(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class CourseLevel(enum.StrEnum):
    """Emdad's four levels of technical and vocational training."""

    SKILL = "skill"
    SUSTAINING = "sustaining"
    ENTREPRENEURSHIP = "entrepreneurship"
    STUDENT = "student"


class EmploymentType(enum.StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    HOME_BASED = "home_based"
    SEASONAL = "seasonal"


class SuitableGender(enum.StrEnum):
    ANY = "any"
    FEMALE = "female"
    MALE = "male"


# What a catalogue search filters on and ranks by (karyar.catalogue.search), besides the field and the date.
SEARCHED_COLUMNS = (
    "id", "active", "mode", "city", "province", "gender", "min_age", "max_age", "organisations", "target_groups"
)  # fmt: skip


def _search_indexes(table: str, date: str) -> tuple[Index, Index, Index, Index, Index]:
    """The indexes catalogue search reads instead of the table.

    On PostgreSQL the first two hold everything a search filters, counts and ranks on, so the items of a
    field, or of a province (when the field is not found there), are counted and paged from the index
    alone; the third (trigram, pg_trgm) finds title words anywhere in a title (LIKE '%word%'). SQLite
    ignores the PostgreSQL options and keeps plain indexes of the same names and key columns. The fourth
    gives a list naming no field the first items of the client's city in date order; the fifth finds the items
    of whole titles, once title words were looked for among the distinct titles (karyar.db.catalogue_counts).
    """
    return (
        Index(f"ix_{table}_search", "field_key", date, postgresql_include=list(SEARCHED_COLUMNS)),
        Index(
            f"ix_{table}_province",
            "province",
            date,
            postgresql_include=[column for column in SEARCHED_COLUMNS if column != "province"],
        ),
        Index(
            f"ix_{table}_title_key_trgm",
            "title_key",
            postgresql_using="gin",
            postgresql_ops={"title_key": "gin_trgm_ops"},
        ),
        Index(f"ix_{table}_city", "city", date),
        Index(f"ix_{table}_title_key", "title_key"),
    )


class CatalogueItem:
    """What courses and job openings share: the offer, where it is, who it suits, how to get in touch.

    `code` is the staff's own identifier, so a re-imported spreadsheet updates rows instead of adding
    them. `title_key` and `field_key` hold `persian.text.search_key` of the title and field, so searches
    compare normalised text without recomputing it per row.
    """

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(64))
    province: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16), default=CatalogueMode.IN_PERSON)
    gender: Mapped[str] = mapped_column(String(8), default=SuitableGender.ANY)
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    # Empty lists mean everyone.
    target_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    organisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    requirements: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    title_key: Mapped[str] = mapped_column(String(256))
    field_key: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class Course(CatalogueItem, Base):
    """A training course clients can join (skill training, sustaining, entrepreneurship, students)."""

    __tablename__ = "courses"
    __table_args__ = _search_indexes("courses", "starts_at")

    provider: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_hours: Mapped[int | None]
    cost_toman: Mapped[int] = mapped_column(BigInteger, default=0)


class JobOpening(CatalogueItem, Base):
    """A job an employer, agency or service company offers to the organisations' clients."""

    __tablename__ = "job_openings"
    __table_args__ = _search_indexes("job_openings", "closes_at")

    employer: Mapped[str] = mapped_column(String(200))
    employment_type: Mapped[str] = mapped_column(String(32))
    wage_toman: Mapped[int | None] = mapped_column(BigInteger)
    wage_text: Mapped[str | None] = mapped_column(String(200))
    closes_at: Mapped[datetime | None] = mapped_column(index=True)


class StaffRole(enum.StrEnum):
    """Who may do what is decided by the role in the registry, never by membership of a group."""

    COUNSELLOR = "counsellor"
    SUPERVISOR = "supervisor"
    STAFF = "staff"
    ADMIN = "admin"


class StaffMember(Base):
    """A colleague known to Karyar: a counsellor, supervisor, staff member or administrator.

    Empty `organisations` or `provinces` mean all of them; `hours` is a personal working-hours spec (see
    karyar/office_hours.py), empty meaning the office hours.
    """

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    organisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    provinces: Mapped[list[str]] = mapped_column(JSON, default=list)
    hours: Mapped[str | None] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # In direct-message mode: the handoff a counsellor's plain messages go to.
    focus_handoff_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class HandoffStatus(enum.StrEnum):
    WAITING = "waiting"
    CLAIMED = "claimed"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class HandoffReason(enum.StrEnum):
    CLIENT_REQUEST = "client_request"
    NOT_UNDERSTOOD = "not_understood"
    JUDGEMENT = "judgement"
    INTEREST = "interest"
    FOLLOW_UP = "follow_up"
    COMPLAINT = "complaint"  # goes to the pool's supervisors
    DISTRESS = "distress"  # the client accepted the person offered when their message showed distress


class HandoffTier(enum.StrEnum):
    COUNSELLOR = "counsellor"
    SUPERVISOR = "supervisor"


class HandoffOutcome(enum.StrEnum):
    REFERRED_TRAINING = "referred_training"
    REFERRED_JOB = "referred_job"
    LOAN_FILE = "loan_file"
    INFORMATION = "information"
    NOT_REACHABLE = "not_reachable"
    OTHER = "other"


class Handoff(Base):
    """A client handed to a person: waiting in a queue, claimed by a counsellor, then closed or cancelled."""

    __tablename__ = "handoffs"
    __table_args__ = (
        # At most one active handoff per client.
        Index(
            "uq_handoffs_one_active_per_client",
            "client_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        Index("ix_handoffs_topic", "topic_chat_id", "topic_thread_id"),
        Index("ix_handoffs_requested_at", "requested_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # Every client message looks up the client's handoffs (active, awaiting a comment, left paused).
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Routing: the pool of counsellors for the client's organisation and province.
    organisation: Mapped[str | None] = mapped_column(String(32))
    province: Mapped[str | None] = mapped_column(String(64))
    tier: Mapped[str] = mapped_column(String(16), default=HandoffTier.COUNSELLOR)
    status: Mapped[str] = mapped_column(String(16), default=HandoffStatus.WAITING, index=True)
    requested_at: Mapped[datetime] = mapped_column(default=now)
    client_told_at: Mapped[datetime | None]
    cards_posted_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    # Forum mode: the counsellors' group and the case's topic in it.
    topic_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    topic_thread_id: Mapped[int | None] = mapped_column(BigInteger)
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(32))
    rasa_resumed_at: Mapped[datetime | None]
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(Text)
    awaiting_comment: Mapped[bool] = mapped_column(Boolean, default=False)


class HandoffPost(Base):
    """A message Karyar showed counsellors about a handoff (its card, a relayed message, a reminder).

    Lets a counsellor answer a client by replying to any of them, and lets a claim update every card.
    """

    __tablename__ = "handoff_posts"
    __table_args__ = (Index("uq_handoff_posts_chat_message", "chat_id", "message_id", unique=True),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=now)


class FollowUpKind(enum.StrEnum):
    PLACEMENT = "placement"
    TRAINING = "training"


class FollowUpAnswer(enum.StrEnum):
    WORKING = "working"
    STOPPED = "stopped"
    PROBLEM = "problem"


class FollowUp(Base):
    """A scheduled check-in after a placement or a training start (پایدارسازی)."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    months: Mapped[int]
    due_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(String(16))
    cancelled_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class BroadcastStatus(enum.StrEnum):
    DRAFT = "draft"  # being composed; no deliveries yet
    AWAITING_APPROVAL = "awaiting_approval"  # confirmed, a supervisor must approve it
    SCHEDULED = "scheduled"  # approved, waiting for send_at
    SENDING = "sending"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    DONE = "done"


class Broadcast(Base):
    """An announcement to subscribed clients: its content, audience, schedule and the progress message.

    `content` holds what Telegram needs to send it again exactly: text or caption with its entities, and a
    photo (a file_id, or a local path the first delivery uploads, after which the file_id is kept).
    """

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=BroadcastStatus.DRAFT, index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # [{"kind": "interest"|"course"|"link", "title": …, "course_id"?: …, "url"?: …}]
    buttons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Filters by profile fact (see karyar/broadcast/audience.py); empty means every subscriber.
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)
    send_at: Mapped[datetime | None]
    recipients: Mapped[int] = mapped_column(default=0)
    confirmed_at: Mapped[datetime | None]
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Why sending stopped by itself (a content Telegram refuses), shown to staff.
    pause_reason: Mapped[str | None] = mapped_column(String(256))
    # The staff chat and message edited with the progress, and when it was last edited.
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_edited_at: Mapped[datetime | None]
    report_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender until lease_until; a crash leaves it to be claimed again
    SENT = "sent"
    BLOCKED = "blocked"  # 403: the client blocked the bot
    CHAT_MISSING = "chat_missing"  # 400 chat not found
    FAILED = "failed"  # given up; last_error says why
    SKIPPED = "skipped"  # unsubscribed or unreachable by the time of sending
    CANCELLED = "cancelled"


class BroadcastDelivery(Base):
    """One recipient of a broadcast. The sender works only from these rows, so it can stop at any moment."""

    __tablename__ = "broadcast_deliveries"
    __table_args__ = (
        Index("uq_broadcast_deliveries_broadcast_client", "broadcast_id", "client_id", unique=True),
        # Claims walk one broadcast's pending rows in id order.
        Index("ix_broadcast_deliveries_claim", "broadcast_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(256))
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime | None]


class BroadcastPress(Base):
    """A client pressed a button under an announcement; once per client and button."""

    __tablename__ = "broadcast_presses"
    __table_args__ = (Index("uq_broadcast_presses_once", "broadcast_id", "client_id", "button", unique=True),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    # The index of the button in Broadcast.buttons, or -1 for «خبر نفرست» (unsubscribe).
    button: Mapped[int]
    pressed_at: Mapped[datetime] = mapped_column(default=now)


class OpeningStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for staff of its organisation and province
    APPROVED = "approved"  # in the catalogue, so search lists it
    REJECTED = "rejected"  # with a reason the employer reads
    FILLED = "filled"  # taken out of the catalogue
    WITHDRAWN = "withdrawn"  # taken back by its employer, out of the catalogue too


class Employer(Base):
    """A business that offers work to the organisations' clients; its contact is encrypted like a client's
    identifiers (karyar.identity.cipher), the mask is what staff lists show."""

    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    # The chat the employer registered from, when it was Telegram; None for one entered by staff.
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    business_name: Mapped[str] = mapped_column(String(200))
    # The organisation it hires clients of (emdad or behzisti); None: it deals with no organisation.
    organisation: Mapped[str | None] = mapped_column(String(16))
    province: Mapped[str] = mapped_column(String(64), index=True)
    city: Mapped[str | None] = mapped_column(String(64))
    sector: Mapped[str | None] = mapped_column(String(64))
    contact_ciphertext: Mapped[str | None] = mapped_column(Text)
    contact_masked: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class EmployerOpening(Base):
    """An opening an employer posted: reviewed by staff, then published to the catalogue (job_openings)."""

    __tablename__ = "employer_openings"
    __table_args__ = (Index("ix_employer_openings_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(64))
    positions: Mapped[int] = mapped_column(default=1)
    hours: Mapped[str] = mapped_column(String(32), default=EmploymentType.FULL_TIME)  # an EmploymentType
    wage_min_toman: Mapped[int | None] = mapped_column(BigInteger)
    wage_max_toman: Mapped[int | None] = mapped_column(BigInteger)
    insured: Mapped[bool] = mapped_column(Boolean, default=False)
    requirements: Mapped[str | None] = mapped_column(Text)
    suits_disability: Mapped[bool] = mapped_column(Boolean, default=False)
    home_based: Mapped[bool] = mapped_column(Boolean, default=False)
    gender: Mapped[str] = mapped_column(String(8), default=SuitableGender.ANY)
    min_age: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default=OpeningStatus.PENDING)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    # The catalogue row it was published as; kept (inactive) after it is filled, since interests point at it.
    job_opening_id: Mapped[int | None] = mapped_column(ForeignKey("job_openings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)
    first_interest_at: Mapped[datetime | None]


class EmployerChat(Base):
    """An employer's unfinished conversation in the bot (karyar.employers.chat): kept here, not in memory,
    so a restart does not lose it. The contact in `answers` is encrypted like the employer's."""

    __tablename__ = "employer_chats"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    step: Mapped[str] = mapped_column(String(32))  # the question waiting for an answer, or "summary"
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id", ondelete="CASCADE"))
    updated_at: Mapped[datetime] = mapped_column(default=now)
