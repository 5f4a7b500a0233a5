"""Yearly targets from karyar/reference/targets.yml, matched to a report's year, figure and scope."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from karyar.catalogue.reference import load_reference
from karyar.reports.scope import Scope


@dataclass(frozen=True, slots=True)
class Target:
    year: int
    figure: str
    target: int
    organisation: str | None = None
    province: str | None = None


@cache
def targets() -> tuple[Target, ...]:
    entries = load_reference("targets.yml").get("targets") or []
    return tuple(
        Target(
            year=int(entry["year"]),
            figure=str(entry["figure"]),
            target=int(entry["target"]),
            organisation=entry.get("organisation"),
            province=entry.get("province"),
        )
        for entry in entries
    )


def target_for(year: int, figure: str, scope: Scope) -> Target | None:
    """The target of exactly this scope: one organisation or all, one province or all."""
    if len(scope.organisations) > 1 or len(scope.provinces) > 1:
        return None
    organisation = scope.organisations[0] if scope.organisations else None
    province = scope.provinces[0] if scope.provinces else None
    for target in targets():
        if (target.year, target.figure, target.organisation, target.province) == (
            year,
            figure,
            organisation,
            province,
        ):
            return target
    return None
