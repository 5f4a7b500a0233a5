"""How many active courses and job openings share each place, audience, field and date: what a catalogue list
counts.

A list's heading says how many items there are in the client's city, province, neighbouring provinces, online
and farther away, in the asked field or in any. Counting those items one by one grows with the catalogue;
these tables hold one row per distinct (place, mode, audience, field, date) with how many active items share
it, so a search sums a few rows per group instead. Beside them, the distinct titles of the active items with
their field: title words are looked for among those few rows, not among every item (nor, on PostgreSQL, by
ruling out one by one the asked field's own items whose titles name it).

All are rebuilt from the item tables in the same transaction whenever a unit of work has written courses or
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
    field_key: Mapped[str] = mapped_column(String(64), index=True)
    items: Mapped[int]


class CourseCount(_CountedGroup, Base):
    __tablename__ = "course_counts"

    level: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(index=True)


class JobCount(_CountedGroup, Base):
    __tablename__ = "job_counts"

    employment_type: Mapped[str] = mapped_column(String(32))
    closes_at: Mapped[datetime | None] = mapped_column(index=True)


class _Titles:
    """One distinct (title, field) of active items; the keys as in CatalogueItem."""

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    title_key: Mapped[str] = mapped_column(String(256))
    field_key: Mapped[str] = mapped_column(String(64))


class CourseTitle(_Titles, Base):
    __tablename__ = "course_titles"


class JobTitle(_Titles, Base):
    __tablename__ = "job_titles"


COUNTS: dict[type[Course] | type[JobOpening], type[CourseCount] | type[JobCount]] = {
    Course: CourseCount,
    JobOpening: JobCount,
}
TITLES: dict[type[Course] | type[JobOpening], type[CourseTitle] | type[JobTitle]] = {
    Course: CourseTitle,
    JobOpening: JobTitle,
}
_JSON_LISTS = ("target_groups", "organisations")
_WRITTEN = "catalogue_written"


def refresh_counts(session: Session, model: type[Course] | type[JobOpening]) -> None:
    """Rebuild the counts and titles of one item table from its active rows."""
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
    titles = TITLES[model]
    session.execute(delete(titles))
    distinct = select(model.title_key, model.field_key).where(model.active.is_(True)).distinct()
    session.execute(insert(titles).from_select(["title_key", "field_key"], distinct))


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
def refresh_written(session: Session) -> None:
    """Rebuild the counts of the item tables written since the last rebuild: before each commit, and before a
    search, so a unit of work that writes items and then searches sees its own writes."""
    session.flush()  # a commit's own flush comes after this hook
    for model in sorted(session.info.pop(_WRITTEN, set()), key=lambda model: model.__tablename__):
        refresh_counts(session, model)


@event.listens_for(Session, "after_rollback")
def _forget_written(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
