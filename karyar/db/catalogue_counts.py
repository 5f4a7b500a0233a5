"""How many active courses and job openings share each place, audience and date: what a catalogue list counts.

A question naming no known field lists the whole suitable catalogue, and its heading says how many items
there are in the client's city, province, neighbouring provinces, online and farther away. Counting those
items one by one grows with the catalogue; these tables hold one row per distinct (place, mode, audience,
date) with how many active items share it, so a search sums a few rows per group instead.

They are rebuilt from the item tables in the same transaction whenever a unit of work has written courses or
openings (imports, employers' openings, staff tools), so a search never sees counts of another catalogue.
Kept apart from models.py; karyar.db imports it, so the tables and the upkeep are there wherever the models are.
"""

from __future__ import annotations

from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import String, Text, cast, delete, event, func, insert, select, text
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from karyar.db.models import Base, Course, JobOpening
from karyar.db.types import BigIntPK


class _CountedGroup:
    """The columns a search filters and ranks by nearness on, as in CatalogueItem, and the group's size."""

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    province: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16))
    gender: Mapped[str] = mapped_column(String(8))
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    # The items' JSON lists as text: search matches the quoted codes in that text (karyar.catalogue.search).
    target_groups: Mapped[str] = mapped_column(Text)
    organisations: Mapped[str] = mapped_column(Text)
    items: Mapped[int]


class CourseCount(_CountedGroup, Base):
    __tablename__ = "course_counts"

    level: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(index=True)


class JobCount(_CountedGroup, Base):
    __tablename__ = "job_counts"

    employment_type: Mapped[str] = mapped_column(String(32))
    closes_at: Mapped[datetime | None] = mapped_column(index=True)


COUNTS: dict[type[Course] | type[JobOpening], type[CourseCount] | type[JobCount]] = {
    Course: CourseCount,
    JobOpening: JobCount,
}
_JSON_LISTS = ("target_groups", "organisations")
_WRITTEN = "catalogue_written"


def refresh_counts(session: Session, model: type[Course] | type[JobOpening]) -> None:
    """Rebuild the counts of one item table from its active rows."""
    counts = COUNTS[model]
    if session.get_bind().dialect.name == "postgresql":
        # Rebuilds wait for one another (searches do not), so two imports never leave both their rows.
        session.execute(text(f"LOCK TABLE {counts.__tablename__} IN SHARE ROW EXCLUSIVE MODE"))
    session.execute(delete(counts))
    names = [column.key for column in counts.__table__.columns if column.key not in ("id", "items")]
    grouped = [
        cast(getattr(model, name), Text) if name in _JSON_LISTS else getattr(model, name) for name in names
    ]
    rows = select(*grouped, func.count()).where(model.active.is_(True)).group_by(*grouped)
    session.execute(insert(counts).from_select([*names, "items"], rows))


def _written(session: Session) -> set[type[Course] | type[JobOpening]]:
    written: set[type[Course] | type[JobOpening]] = session.info.setdefault(_WRITTEN, set())
    return written


@event.listens_for(Session, "after_flush")
def _note_flushed_items(session: Session, _context: Any) -> None:
    for item in chain(session.new, session.dirty, session.deleted):
        if isinstance(item, Course | JobOpening):
            _written(session).add(type(item))


@event.listens_for(Session, "do_orm_execute")
def _note_item_statements(state: ORMExecuteState) -> None:
    """Bulk INSERT, UPDATE and DELETE statements pass no objects through the flush."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    for model in COUNTS:
        if model.__tablename__ == table:
            _written(state.session).add(model)


@event.listens_for(Session, "before_commit")
def _refresh_written(session: Session) -> None:
    session.flush()  # the commit's own flush comes after this hook
    for model in sorted(session.info.pop(_WRITTEN, set()), key=lambda model: model.__tablename__):
        refresh_counts(session, model)


@event.listens_for(Session, "after_rollback")
def _forget_written(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
