"""The spreadsheet format staff use for the catalogue: which columns each kind of file has.

Documented for staff in karyar/reference/catalogue/README.md; keep the two together.
"""

from __future__ import annotations

import enum


class CatalogueKind(enum.StrEnum):
    COURSES = "courses"
    JOBS = "jobs"


SHARED_REQUIRED = ("code", "title", "field", "mode")
SHARED_OPTIONAL = (
    "province",
    "city",
    "gender",
    "min_age",
    "max_age",
    "target_groups",
    "organisations",
    "requirements",
    "contact",
    "active",
)

REQUIRED: dict[CatalogueKind, tuple[str, ...]] = {
    CatalogueKind.COURSES: (*SHARED_REQUIRED, "provider", "level", "starts_at"),
    CatalogueKind.JOBS: (*SHARED_REQUIRED, "employer", "employment_type"),
}
OPTIONAL: dict[CatalogueKind, tuple[str, ...]] = {
    CatalogueKind.COURSES: (*SHARED_OPTIONAL, "duration_hours", "cost_toman"),
    CatalogueKind.JOBS: (*SHARED_OPTIONAL, "wage_toman", "wage_text", "closes_at"),
}


def columns(kind: CatalogueKind) -> tuple[str, ...]:
    return REQUIRED[kind] + OPTIONAL[kind]


def guess_kind(header: tuple[str, ...]) -> CatalogueKind | None:
    """Which kind of file a header belongs to, from the columns only one kind has."""
    present = set(header)
    if present & {"provider", "level", "starts_at"}:
        return CatalogueKind.COURSES
    if present & {"employer", "employment_type", "closes_at"}:
        return CatalogueKind.JOBS
    return None
