"""A short message naming the résumé opens it, asks to correct it or for its file; a longer question that only
mentions one goes on to the conversation."""

from __future__ import annotations

import pytest

from karyar.resume.words import Asked, asked


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("رزومه من", Asked.SHOW),
        ("رزومه ي من", Asked.SHOW),
        ("رزومه‌ام را ویرایش کن", Asked.EDIT),
        ("رزوممو درست کن", Asked.EDIT),
        ("رزومه PDF", Asked.FILE),
        ("فایل رزومه‌ام رو بفرست", Asked.FILE),
        ("سلام", None),
        ("کار میخوام", None),
        ("برای وام گرفتن رزومه هم لازمه یا فقط مدارک شناسایی کافیه", None),
    ],
)
def test_what_she_types_about_her_resume(text: str, wanted: Asked | None) -> None:
    assert asked(text) is wanted
