"""Checking a catalogue sheet row by row against the format and the reference data, before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from karyar.catalogue import labels
from karyar.catalogue.cells import Problem, RowReader, choices_of
from karyar.catalogue.columns import REQUIRED, CatalogueKind, columns
from karyar.catalogue.reference import fields, places
from karyar.catalogue.sheets import Sheet
from karyar.db.models import CatalogueMode
from karyar.texts import _
from persian.text import search_key

MODES = choices_of(labels.MODE, labels.ALIASES)
LEVELS = choices_of(labels.LEVEL, labels.ALIASES)
EMPLOYMENT_TYPES = choices_of(labels.EMPLOYMENT_TYPE, labels.ALIASES)
GENDERS = choices_of(labels.GENDER, labels.ALIASES)
ORGANISATIONS = choices_of(labels.ORGANISATION, labels.ALIASES)
TARGET_GROUPS = choices_of(labels.TARGET_GROUP, labels.ALIASES)
MAX_AGE = 100


@dataclass(frozen=True, slots=True)
class ValidRow:
    """A checked row: the values to store, by model attribute."""

    number: int
    code: str
    values: dict[str, Any]


def validate_sheet(sheet: Sheet, kind: CatalogueKind) -> tuple[list[ValidRow], list[Problem]]:
    problems = _header_problems(sheet.header, kind)
    if problems:
        return [], problems  # row checks against a wrong header would only repeat the same mistake
    valid: list[ValidRow] = []
    first_row_of_code: dict[str, int] = {}
    for row in sheet.rows:
        reader = RowReader(row)
        values = _shared_values(reader)
        values |= _course_values(reader) if kind == CatalogueKind.COURSES else _job_values(reader)
        code = values["code"]
        if code is not None:
            if code in first_row_of_code:
                reader.problem(
                    "code",
                    _("Catalogue import: duplicate code").format(code=code, row=first_row_of_code[code]),
                )
            first_row_of_code.setdefault(code, row.number)
        problems.extend(reader.problems)
        if not reader.problems:
            valid.append(ValidRow(number=row.number, code=code, values=values))
    return valid, problems


def _header_problems(header: tuple[str, ...], kind: CatalogueKind) -> list[Problem]:
    known = columns(kind)
    problems = [
        Problem(1, name, _("Catalogue import: missing column").format(column=name))
        for name in REQUIRED[kind]
        if name not in header
    ]
    problems += [
        Problem(
            1,
            name or None,
            _("Catalogue import: unknown column").format(column=name, columns=", ".join(known)),
        )
        for name in header
        if name not in known
    ]
    problems += [
        Problem(1, name, _("Catalogue import: repeated column"))
        for name in set(header)
        if header.count(name) > 1
    ]
    return problems


def _shared_values(reader: RowReader) -> dict[str, Any]:
    title = reader.text("title", required=True, max_length=200)
    field_name = _field(reader)
    mode = reader.choice("mode", MODES)
    province, city = _place(reader, mode)
    min_age = reader.integer("min_age", maximum=MAX_AGE)
    max_age = reader.integer("max_age", maximum=MAX_AGE)
    if min_age is not None and max_age is not None and min_age > max_age:
        reader.problem(
            "max_age", _("Catalogue import: ages reversed").format(maximum=max_age, minimum=min_age)
        )
    return {
        "code": reader.text("code", required=True, max_length=64),
        "title": title,
        "title_key": search_key(title or ""),
        "field": field_name,
        "field_key": search_key(field_name or ""),
        "mode": mode,
        "province": province,
        "city": city,
        "gender": reader.choice("gender", GENDERS, default="any"),
        "min_age": min_age,
        "max_age": max_age,
        "target_groups": reader.codes("target_groups", TARGET_GROUPS),
        "organisations": reader.codes("organisations", ORGANISATIONS),
        "requirements": reader.text("requirements"),
        "contact": reader.text("contact"),
        "active": reader.flag("active", default=True),
    }


def _course_values(reader: RowReader) -> dict[str, Any]:
    return {
        "provider": reader.text("provider", required=True, max_length=200),
        "level": reader.choice("level", LEVELS),
        "starts_at": reader.moment("starts_at", required=True),
        "duration_hours": reader.integer("duration_hours", minimum=1),
        "cost_toman": reader.integer("cost_toman") or 0,
    }


def _job_values(reader: RowReader) -> dict[str, Any]:
    return {
        "employer": reader.text("employer", required=True, max_length=200),
        "employment_type": reader.choice("employment_type", EMPLOYMENT_TYPES),
        "wage_toman": reader.integer("wage_toman"),
        "wage_text": reader.text("wage_text", max_length=200),
        "closes_at": reader.moment("closes_at", end_of_day=True),
    }


def _field(reader: RowReader) -> str | None:
    text = reader.text("field", required=True)
    if text is None:
        return None
    name = fields().canonical(text)
    if name is None:
        reader.problem("field", _("Catalogue import: unknown field").format(field=text))
    return name


def _place(reader: RowReader, mode: str | None) -> tuple[str | None, str | None]:
    """The province and city, checked against places.yml; a city alone is enough to know the province."""
    known = places()
    province_text, city_text = reader.text("province"), reader.text("city")
    province = known.province(province_text) if province_text else None
    city = known.city(city_text) if city_text else None
    if province_text and province is None:
        reader.problem("province", _("Catalogue import: unknown province").format(province=province_text))
    if city_text and city is None:
        reader.problem("city", _("Catalogue import: unknown city").format(city=city_text))
    if city is not None:
        city_province = known.city_province[city]
        if province is not None and province != city_province:
            reader.problem(
                "city",
                _("Catalogue import: city in another province").format(
                    city=city, province=province, city_province=city_province
                ),
            )
        elif province_text is None:
            province = city_province
    if mode == CatalogueMode.IN_PERSON and city_text is None:
        reader.problem("city", _("Catalogue import: city required in person"))
    return province, city
