"""Catalogue items for tests, with sensible defaults and search keys as the importer writes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from karyar.db.models import Course, JobOpening
from persian.text import search_key

# What a stored row holds by default; objects that are never flushed need it spelt out.
_SHARED = {"gender": "any", "target_groups": [], "organisations": [], "active": True}

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def course(code: str, **values: Any) -> Course:
    values = {
        "title": "دوره خیاطی",
        "field": "خیاطی",
        "provider": "مرکز آموزش کمیته امداد",
        "province": "اصفهان",
        "city": "اصفهان",
        "mode": "in_person",
        "level": "skill",
        "starts_at": NOW + timedelta(days=30),
        "cost_toman": 0,
        **_SHARED,
        **values,
    }
    return Course(
        code=code, title_key=search_key(values["title"]), field_key=search_key(values["field"]), **values
    )


def job(code: str, **values: Any) -> JobOpening:
    values = {
        "title": "چرخ‌کار",
        "field": "خیاطی",
        "employer": "تولیدی پوشاک نسیم",
        "province": "تهران",
        "city": "تهران",
        "mode": "in_person",
        "employment_type": "full_time",
        **_SHARED,
        **values,
    }
    return JobOpening(
        code=code, title_key=search_key(values["title"]), field_key=search_key(values["field"]), **values
    )
