"""Which clients a report counts: an organisation and a province filter, within what the reader may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select

from karyar.db.models import ProfileFact
from karyar.texts import _
from karyar.vocabulary import VALUE_LABELS
from persian.format import join_list, join_parts

ORGANISATIONS = ("emdad", "behzisti")
# The facts a scope filters on.
SCOPE_FACTS = ("organisation", "province")
SelectT = TypeVar("SelectT", bound=Select[Any])


@dataclass(frozen=True, slots=True)
class Scope:
    """Empty means every organisation or every province."""

    organisations: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()

    def label(self) -> str:
        labels = VALUE_LABELS["organisation"]
        organisations = join_list([labels.get(name, name) for name in self.organisations]) or _(
            "Report scope: every organisation"
        )
        provinces = join_list(list(self.provinces)) or _("Report scope: every province")
        return join_parts([organisations, provinces])

    def key(self) -> dict[str, list[str]]:
        return {"organisations": list(self.organisations), "provinces": list(self.provinces)}


def join_facts(
    statement: SelectT, client_id: SQLColumnExpression[int], names: tuple[str, ...]
) -> tuple[SelectT, dict[str, ColumnElement[str]]]:
    """`statement` joined with each named fact in force of the client (NULL when never told); the client's
    own facts only, not those told about a family member."""
    columns: dict[str, ColumnElement[str]] = {}
    for name in names:
        fact = aliased(ProfileFact, name=f"fact_{name}")
        statement = statement.outerjoin(
            fact,
            and_(
                fact.client_id == client_id,
                fact.member.is_(None),
                fact.name == name,
                fact.superseded_at.is_(None),
            ),
        )
        columns[name] = fact.value.expression
    return statement, columns


def condition(scope: Scope, facts: dict[str, ColumnElement[str]]) -> ColumnElement[bool]:
    """The scope as a WHERE clause over the columns of `join_facts` (organisation and province)."""
    clauses = []
    if scope.organisations:
        clauses.append(facts["organisation"].in_(scope.organisations))
    if scope.provinces:
        clauses.append(facts["province"].in_(scope.provinces))
    return and_(true(), *clauses)


def scoped(statement: SelectT, client_id: SQLColumnExpression[int], scope: Scope) -> SelectT:
    """`statement` limited to the clients of the scope; left as it is, without joins, for everyone."""
    if not scope.organisations and not scope.provinces:
        return statement
    statement, facts = join_facts(statement, client_id, SCOPE_FACTS)
    return statement.where(condition(scope, facts))
