"""The tables of job and course alerts (karyar.alerts): what each client asked to be told about, and which
catalogue item each alert broadcast announces. Kept apart from models.py; karyar.db imports it, so the
tables are in Base.metadata wherever the models are."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from karyar.clock import now
from karyar.db.models import Base
from karyar.db.types import BigIntPK


class AlertKind(enum.StrEnum):
    COURSE = "course"
    JOB = "job"
    ANY = "any"


class Alert(Base):
    """One thing a client wants to hear of: new courses, jobs or both, optionally of a field and a place.

    A field or place left empty is taken from the client's facts when new items are matched.
    """

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default=AlertKind.ANY)
    field: Mapped[str | None] = mapped_column(String(64))  # the canonical field (reference/fields.yml)
    field_key: Mapped[str | None] = mapped_column(String(64))  # its persian.text.search_key
    province: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now)


class AlertItem(Base):
    """An alert broadcast and the course or job opening it announces; its deliveries count towards each
    client's weekly cap."""

    __tablename__ = "alert_items"
    __table_args__ = (Index("ix_alert_items_item", "item_kind", "item_id"),)

    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    item_kind: Mapped[str] = mapped_column(String(8))  # "course" or "job"
    item_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
