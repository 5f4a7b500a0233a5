"""The general documents answer, read as a client with no profile yet reads it."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

DOMAIN = Path(__file__).resolve().parents[2] / "domain" / "eligibility.yml"


def _answer() -> str:
    responses = YAML(typ="safe", pure=True).load(DOMAIN.read_text("utf-8"))["responses"]
    return str(responses["utter_ask_documents"][0]["text"])


def test_documents_and_the_consent_condition_are_two_lists_and_the_office_gives_the_final_one() -> None:
    answer = _answer()
    documents, _condition = answer.split("یک شرط هم هست")
    assert "کارت ملی" in documents and "رضایت‌نامه" not in documents
    assert "فهرست دقیق مدارک را اداره" in documents


def test_the_consent_letter_is_told_to_the_people_who_need_it_and_not_to_a_woman_head_of_household() -> None:
    condition = _answer().split("یک شرط هم هست")[1]
    assert "خانم‌هایی که خودشان سرپرست خانوار نیستند" in condition and "آقایان زیر ۱۸ سال" in condition
    assert "خانمی که خودش سرپرست خانوار است رضایت‌نامه لازم ندارد" in condition
