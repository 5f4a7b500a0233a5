"""The courses an announcement can link, as the staff's screens get them: told apart by name, place and
start, the staff member's provinces first, and a linked course named in the draft."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from karyar.broadcast import workflow
from karyar.broadcast.content import Content
from karyar.broadcast.workflow import Actor, CourseRef
from karyar.db.engine import Database
from tests.karyar.broadcast.conftest import TEHRAN, add_member
from tests.karyar.catalogue.factories import course

SOON = datetime.now(UTC) + timedelta(days=3)
LATER = datetime.now(UTC) + timedelta(days=30)


def _actor(db: Database, telegram_user_id: int, provinces: tuple[str, ...] = ()) -> Actor:
    with db.unit_of_work() as session:
        return Actor.of(add_member(session, telegram_user_id, provinces=provinces))


def _titles_and_places(choices: workflow.CourseChoices) -> list[tuple[str, str]]:
    return [(c.title, c.place) for c in choices.courses]


def test_choices_carry_name_place_and_start_with_the_staff_provinces_first(db: Database) -> None:
    with db.unit_of_work() as session:
        session.add_all(
            [
                course(
                    "C-KHR-001", title="خیاطی لباس مجلسی", province="خراسان رضوی", city="مشهد", starts_at=SOON
                ),
                course("C-THR-009", title="خیاطی مقدماتی", province=TEHRAN, city=None, starts_at=LATER),
                course(
                    "C-ONL-003",
                    title="خیاطی آنلاین",
                    province=None,
                    city=None,
                    mode="online",
                    starts_at=LATER,
                ),
            ]
        )
    anyone, tehran = _actor(db, 9201), _actor(db, 9202, provinces=(TEHRAN,))

    with db.unit_of_work() as session:
        everywhere = workflow.course_choices(session, actor=anyone, text="خياطي")
        theirs = workflow.course_choices(session, actor=tehran)
        by_code = workflow.find_course(session, code="c-khr-۰۰۱")

    assert everywhere.total == 3
    assert _titles_and_places(everywhere) == [
        ("خیاطی لباس مجلسی", "مشهد"),
        ("خیاطی مقدماتی", TEHRAN),  # no city: the province
        ("خیاطی آنلاین", "آنلاین"),
    ]
    assert everywhere.courses[0].starts_at == SOON
    assert [c.code for c in theirs.courses] == ["C-THR-009", "C-ONL-003", "C-KHR-001"]
    assert by_code is not None and (by_code.code, by_code.title) == ("C-KHR-001", "خیاطی لباس مجلسی")


def test_a_draft_names_its_linked_course(db: Database) -> None:
    author = _actor(db, 9203)
    with db.unit_of_work() as session:
        linked = course(
            "C-KHR-001", title="خیاطی لباس مجلسی", province="خراسان رضوی", city="مشهد", starts_at=SOON
        )
        session.add(linked)
        session.flush()
        course_id = linked.id
    with db.unit_of_work() as session:
        draft_id = workflow.save_content(
            session, actor=author, content=Content(text="ثبت‌نام آغاز شد"), draft_id=None
        )
        assert draft_id is not None
        workflow.save_buttons(
            session,
            actor=author,
            draft_id=draft_id,
            buttons=[
                {"kind": "course", "title": "ثبت‌نام", "course_id": course_id},
                {"kind": "interest", "title": "علاقه‌مندم"},
            ],
        )
    with db.unit_of_work() as session:
        draft = workflow.load_draft(session, draft_id=draft_id, actor=author)

    assert draft is not None
    linked_course, interest = (info.course for info in draft.button_info)
    assert isinstance(linked_course, CourseRef)
    assert (linked_course.id, linked_course.title, linked_course.place) == (
        course_id,
        "خیاطی لباس مجلسی",
        "مشهد",
    )
    assert interest is None
