"""The résumé a client sees is built from her facts, in Persian, without her national id, and her phone only
when she chose; a correction is stored as her profile facts; the PDF is one page of shaped Persian."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.privacy.screens import file_text, summary_text
from karyar.db.engine import Database
from karyar.facts import ProfileFactName
from karyar.identity import store as identifier_store
from karyar.identity.cipher import DataCipher
from karyar.identity.identifiers import IdentifierKind, Protected
from karyar.privacy.export import client_data
from karyar.profile import current_profile, fact_history, record_fact
from karyar.resume import pdf
from karyar.resume.editing import Problem, correct
from karyar.resume.resume import Part, build_resume, resume_text
from tests.karyar.broadcast.conftest import add_client
from tests.support.stack import DATA_KEY


def _maryam(db: Database, *, consent: bool = True) -> int:
    with db.unit_of_work() as session:
        client = add_client(
            session, 6_100_000_001, consent=consent, province="خراسان رضوی", city="مشهد", education="diploma",
            fields=["خیاطی"],
        )  # fmt: skip
        client.first_name = "مریم"
        if consent:
            record_fact(
                session,
                client_id=client.id,
                name=ProfileFactName.WORK_EXPERIENCE,
                value="some",
                source="chat",
            )
            identifier_store.record(
                session,
                cipher=DataCipher([DATA_KEY]),
                client_id=client.id,
                protected=Protected(IdentifierKind.NATIONAL_ID, "0499370899"),
                source="chat",
            )
            identifier_store.record(
                session,
                cipher=DataCipher([DATA_KEY]),
                client_id=client.id,
                protected=Protected(IdentifierKind.PHONE, "09151234567"),
                source="chat",
            )
        return client.id


def test_the_resume_reads_her_facts_in_persian_and_keeps_ids_and_phone_out(db: Database) -> None:
    client_id = _maryam(db)
    with db.unit_of_work() as session:
        resume = build_resume(session, client_id=client_id)
    text = resume_text(resume)
    assert "مریم" in text
    assert "خیاطی" in text and "دیپلم" in text and "کمی تجربه" in text
    assert "مشهد، استان خراسان رضوی" in text
    assert "0499370899" not in text and "۰۴۹۹" not in text
    assert "09151234567" not in text and "با رزومه فرستاده نمی‌شود" in text
    assert "(هنوز نگفته‌اید)" in text  # skills, courses, languages, availability are hers to add
    assert resume.lines() == [(label, value) for label, value in resume.lines() if "تلفن" not in label]


def test_a_corrected_part_is_stored_as_her_facts_with_history(db: Database) -> None:
    client_id = _maryam(db)
    with db.unit_of_work() as session:
        assert correct(session, client_id=client_id, part=Part.PLACE, answer="کرج") is None
        assert correct(session, client_id=client_id, part=Part.FIELD, answer="آشپزی و خیاطی") is None
        assert correct(session, client_id=client_id, part=Part.EDUCATION, answer="کارشناسی") is None
        assert (
            correct(session, client_id=client_id, part=Part.AVAILABILITY, answer="تمام‌وقت، از همین هفته")
            is None
        )
        assert correct(session, client_id=client_id, part=Part.PHONE, answer="yes") is None
    with db.unit_of_work() as session:
        profile = current_profile(session, client_id=client_id)
        assert profile["province"] == ["البرز"] and profile["city"] == ["کرج"]
        assert sorted(profile["field"]) == ["آشپزی", "خیاطی"]
        assert profile["education"] == ["bachelor"]
        assert [f.value for f in fact_history(session, client_id=client_id, name=ProfileFactName.CITY)] == [
            "مشهد",
            "کرج",
        ]
        text = resume_text(build_resume(session, client_id=client_id))
    assert "کرج، استان البرز" in text and "کارشناسی" in text and "تمام‌وقت، از همین هفته" in text
    assert "۰۹۱۵•••۴۵۶۷ (با رزومه فرستاده می‌شود)" in text


@pytest.mark.parametrize(
    ("part", "answer", "problem"),
    [
        (Part.PLACE, "آتلانتیس", Problem.UNKNOWN_PLACE),
        (Part.EDUCATION, "خیلی زیاد", Problem.UNKNOWN_CHOICE),
        (Part.SKILLS, "   ", Problem.EMPTY),
        (Part.SKILLS, "زنگ بزنید 09151234567", Problem.IDENTIFIER),
        (Part.COURSES, "خ" * 201, Problem.TOO_LONG),
    ],
)
def test_an_answer_that_cannot_be_taken_changes_nothing(
    db: Database, part: Part, answer: str, problem: Problem
) -> None:
    client_id = _maryam(db)
    with db.unit_of_work() as session:
        before = current_profile(session, client_id=client_id)
        assert correct(session, client_id=client_id, part=part, answer=answer) is problem
        assert current_profile(session, client_id=client_id) == before


def test_nothing_is_stored_before_the_privacy_notice_is_accepted(db: Database) -> None:
    client_id = _maryam(db, consent=False)
    with db.unit_of_work() as session:
        before = current_profile(session, client_id=client_id)
        assert correct(session, client_id=client_id, part=Part.SKILLS, answer="اتوکاری") is Problem.NO_CONSENT
        assert current_profile(session, client_id=client_id) == before


def test_the_pdf_is_one_page_of_shaped_persian(db: Database) -> None:
    client_id = _maryam(db)
    with db.unit_of_work() as session:
        resume = build_resume(session, client_id=client_id)
    document = pdf.resume_pdf(resume)
    assert (
        document.startswith(b"%PDF")
        and document.count(b"/Type /Page\n") + document.count(b"/Type /Page\r") <= 1
    )
    assert b"/Count 1" in document
    assert b"DejaVu" in document


def test_a_missing_font_is_said_plainly_in_the_log(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client_id = _maryam(db)
    with db.unit_of_work() as session:
        resume = build_resume(session, client_id=client_id)
    monkeypatch.setattr(pdf, "FONT", Path("/nowhere/DejaVuSans.ttf"))
    with caplog.at_level(logging.ERROR), pytest.raises(pdf.FontMissingError):
        pdf.resume_pdf(resume)
    assert "DejaVu Sans" in caplog.text and "/nowhere/DejaVuSans.ttf" in caplog.text


def test_my_data_names_the_parts_of_her_resume_in_persian(db: Database) -> None:
    client_id = _maryam(db)
    with db.unit_of_work() as session:
        assert correct(session, client_id=client_id, part=Part.AVAILABILITY, answer="پاره‌وقت، عصرها") is None
        assert correct(session, client_id=client_id, part=Part.PHONE, answer="yes") is None
        data = client_data(session, client_id=client_id, cipher=DataCipher([DATA_KEY]))
    for shown in (summary_text(data), file_text(data)):
        assert "آمادگی برای کار: پاره‌وقت، عصرها" in shown
        assert "resume_" not in shown
        assert "با رزومه فرستاده می‌شود" in shown
