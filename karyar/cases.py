"""Cases: one open case per client, moved through its stages with a timeline."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from karyar.clock import now
from karyar.db.models import Case, CaseEvent, CaseEventKind, CaseStage, CaseStageChange


def open_case(session: Session, *, client_id: int) -> Case:
    """The client's open case, opened at intake if there is none."""
    case = session.scalar(select(Case).where(Case.client_id == client_id, Case.closed_at.is_(None)))
    if case is not None:
        return case
    case = Case(client_id=client_id, stage=CaseStage.INTAKE, opened_at=now())
    session.add(case)
    session.flush()
    session.add(
        CaseStageChange(case_id=case.id, from_stage=None, to_stage=CaseStage.INTAKE, changed_at=now())
    )
    return case


def change_stage(
    session: Session, *, case: Case, to_stage: CaseStage, changed_by: str = "system", note: str | None = None
) -> None:
    """Move a case to another stage and write the change to its timeline; closing ends the case."""
    if case.closed_at is not None:
        raise ValueError(f"case {case.id} is closed; open a new case instead of changing its stage")
    if case.stage == to_stage:
        return
    session.add(
        CaseStageChange(
            case_id=case.id,
            from_stage=case.stage,
            to_stage=to_stage,
            changed_by=changed_by,
            note=note,
            changed_at=now(),
        )
    )
    case.stage = to_stage
    if to_stage == CaseStage.CLOSED:
        case.closed_at = now()


def timeline(session: Session, *, case_id: int) -> list[CaseStageChange]:
    return list(
        session.scalars(
            select(CaseStageChange).where(CaseStageChange.case_id == case_id).order_by(CaseStageChange.id)
        )
    )


def record_event(
    session: Session,
    *,
    case: Case,
    kind: CaseEventKind,
    data: dict[str, Any],
    actor: str = "system",
    source_message_id: int | None = None,
) -> CaseEvent:
    """Add an event (a result, an interest, …) to the case's timeline."""
    event = CaseEvent(
        case_id=case.id,
        kind=kind,
        data=data,
        actor=actor,
        source_message_id=source_message_id,
        created_at=now(),
    )
    session.add(event)
    session.flush()
    return event


def events(session: Session, *, case_id: int, kind: CaseEventKind | None = None) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case_id)
    if kind is not None:
        query = query.where(CaseEvent.kind == kind)
    return list(session.scalars(query.order_by(CaseEvent.id)))
