"""The table of a client's consent to share her résumé (karyar.resume): one row per client and employer's
opening, asked after she shows interest in it. Kept apart from models.py; karyar.db imports it, so the table
is in Base.metadata wherever the models are."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from karyar.clock import now
from karyar.db.models import Base
from karyar.db.types import BigIntPK


class ShareDecision(enum.StrEnum):
    ASKED = "asked"  # the question is on her screen; until she answers, nothing is shared
    YES = "yes"
    NO = "no"


class ResumeConsent(Base):
    """Whether a counsellor may send the client's short résumé to the employer of one opening, and whether
    it was sent."""

    __tablename__ = "resume_consents"
    __table_args__ = (UniqueConstraint("client_id", "opening_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    opening_id: Mapped[int] = mapped_column(
        ForeignKey("employer_openings.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[str] = mapped_column(String(8), default=ShareDecision.ASKED)
    asked_at: Mapped[datetime] = mapped_column(default=now)
    decided_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id", ondelete="SET NULL"))
