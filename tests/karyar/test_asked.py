"""Questions asked in passing: found in the parts of a message that are questions, and kept when the answer
to the message did not cover them."""

from __future__ import annotations

import pytest

from karyar.asked import left_unanswered, topics_asked

LONG = (
    "سلام من ۳۵ سالمه از کمیته امداد. شوهرم از کار افتاده و خودم سرپرست خانوارم. میخواستم بدونم وام خیاطی "
    "چقدره و ضامن لازمه یا نه؟ سفته هم باید بدم؟ کلاس عصر هم دارین چون صبحا سر کارم"
)


def test_each_question_of_a_long_message_is_found_in_the_order_asked() -> None:
    assert [topic.name for topic in topics_asked(LONG)] == [
        "loan",
        "guarantor",
        "promissory_note",
        "class_hours",
    ]


def test_what_the_answer_covered_is_left_out_and_the_rest_kept() -> None:
    rest = left_unanswered(LONG, answered_intent="ask_loan")
    assert [(topic.name, topic.intent) for topic in rest] == [
        ("guarantor", None),
        ("promissory_note", None),
        ("class_hours", None),
    ]
    # Answered as an eligibility question instead, the loan question is left too, with a button to its answer.
    assert left_unanswered(LONG, answered_intent="ask_eligibility")[0].intent == "ask_loan"


@pytest.mark.parametrize(
    "text",
    [
        "بیمه ندارم، دوره خیاطی میخوام",  # a fact, not a question
        "وام میخوام",
        "من از کمیته امدادم",
        "",
    ],
)
def test_statements_are_not_questions(text: str) -> None:
    assert left_unanswered(text, answered_intent="ask_training") == []


def test_a_question_mark_alone_makes_a_question() -> None:
    assert [t.name for t in left_unanswered("دوره خیاطی میخوام. بیمه؟", answered_intent="ask_training")] == [
        "insurance"
    ]


def test_the_colloquial_spelling_of_how_makes_a_question() -> None:
    text = "دوره آشپزی تو تهران هست؟ بیمه هم داره؟ اقساطش چجوریه"
    assert [t.name for t in left_unanswered(text, answered_intent="ask_insurance")] == ["course", "repayment"]


@pytest.mark.parametrize(
    "text",
    [
        "دوره آشپزی تو تهران هست؟ بیمه هم داره؟",
        "بیمه میدین؟ کلاس خیاطی هم دارین؟",
        "بیمه دارین، دوره های فنی حرفه ای کی شروع میشه",
        "وام میدین؟ آموزشگاه آرایشگری تو کرج هست؟",
    ],
)
def test_a_course_asked_in_passing_gets_a_button_to_the_courses(text: str) -> None:
    rest = left_unanswered(text, answered_intent="ask_insurance")
    assert ("course", "ask_training") in [(topic.name, topic.intent) for topic in rest]
    # Read as the course question it is, it is not named again.
    assert "course" not in [topic.name for topic in left_unanswered(text, answered_intent="ask_training")]


@pytest.mark.parametrize(
    "text",
    [
        "وام برای دوره خیاطی میدین؟",  # the course is what the loan is for
        "برای رفتن به کلاس آرایشگری وام میدن؟",
        "وام دوره آشپزی چقدره",
        "دوره بازپرداخت وام چند ساله؟",  # «دوره»: the repayment period
        "کلاس عصر هم دارین؟",  # the hours of a class, not a class of its own
        "برای ثبت نام دوره چه مدارکی لازمه؟",  # the documents to enrol
        "دوره خیاطی میرم، بیمه ندارم",  # no question
    ],
)
def test_a_course_named_as_what_another_question_is_about_is_not_named_on_its_own(text: str) -> None:
    assert "course" not in [topic.name for topic in topics_asked(text)]
