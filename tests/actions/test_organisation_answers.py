"""Loan and insurance answers speak of the organisation asked about, else the client's own, else both."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.organisation_answers import (
    ActionExplainLoans,
    contact_text,
    insurance_text,
    organisations_asked_about,
)
from karyar.facts import SKIPPED

EMDAD_PLAN_TYPES = ("کارانگیزی", "توان‌افزایی", "خودکفایی", "کارآفرینی")
BEHZISTI_SERVICES = ("سرمایه کار بلاعوض", "بیمه سهم خویش‌فرما", "خوداشتغالی")


def _tracker(text: str, *, own: str | None = None, entities: list[dict[str, Any]] | None = None) -> Tracker:
    return Tracker(
        "client", {"organisation": own}, {"text": text, "intent": {"name": "ask_loan"}, "entities": entities or []},
        [], False, None, None, "action_listen",
    )  # fmt: skip


def _provider(organisation: str) -> dict[str, Any]:
    return {"entity": "organisation", "value": organisation, "role": "provider"}


async def _loan_answer(tracker: Tracker) -> str:
    dispatcher = CollectingDispatcher()
    await ActionExplainLoans().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    return str(message["text"])


async def test_a_behzisti_client_hears_behzistis_services_not_emdads_plan_types() -> None:
    answer = await _loan_answer(_tracker("وام میخوام", own="behzisti"))
    assert all(service in answer for service in BEHZISTI_SERVICES)
    assert not any(plan in answer for plan in EMDAD_PLAN_TYPES)
    assert "نمی‌توانم قول وام بدهم" in answer


async def test_an_emdad_client_hears_the_four_plan_types_only() -> None:
    answer = await _loan_answer(_tracker("وام میخوام", own="emdad"))
    assert all(plan in answer for plan in EMDAD_PLAN_TYPES)
    assert "بهزیستی" not in answer
    assert "نمی‌توانم قول وام بدهم" in answer


async def test_asking_about_behzistis_loans_is_answered_about_behzisti_whoever_asks() -> None:
    for own in (None, "emdad"):
        answer = await _loan_answer(
            _tracker("وام بهزیستی چطوریه؟", own=own, entities=[_provider("behzisti")])
        )
        assert "سرمایه کار بلاعوض" in answer and "کارانگیزی" not in answer


async def test_with_no_organisation_known_both_are_told_emdad_first() -> None:
    for own in (None, "none"):
        answer = await _loan_answer(_tracker("وام میخوام", own=own))
        assert answer.index("کارانگیزی") < answer.index("سرمایه کار بلاعوض")


@pytest.mark.parametrize(
    ("own", "entities", "expected"),
    [
        ("emdad", [], ("emdad",)),
        (None, [_provider("emdad"), _provider("behzisti")], ("emdad", "behzisti")),  # both asked: both
        # without a role the organisation is her fact (the NLU set her slot), not a question about it
        ("behzisti", [{"entity": "organisation", "value": "emdad"}], ("behzisti",)),
    ],
)
def test_which_organisation_an_answer_is_about(
    own: str | None, entities: list[dict[str, Any]], expected: tuple[str, ...]
) -> None:
    assert organisations_asked_about(_tracker("…", own=own, entities=entities)) == expected


def test_insurance_for_a_behzisti_client_leaves_out_emdads_placement_share() -> None:
    answer = insurance_text(("behzisti",))
    assert "بیمه سهم خویش‌فرما" in answer and "۱۰۰ درصد" not in answer
    assert "۲۳ درصد" in insurance_text(("emdad",))


def test_the_office_answer_names_the_organisation_and_city_she_asked_about_and_asks_nothing_more() -> None:
    tracker = _tracker("آدرس بهزیستی شیراز کجاست", own="emdad", entities=[_provider("behzisti")])
    answer = contact_text(organisations_asked_about(tracker), "شیراز")
    assert "اداره بهزیستی شهرستان شیراز" in answer
    assert "کمیته" not in answer and "شهرتان را بنویسید" not in answer


def test_without_a_city_the_office_answer_asks_for_it() -> None:
    answer = contact_text(("emdad", "behzisti"), None)
    assert "کمیته امداد یا بهزیستی شهرستان خودتان" in answer and "شهرتان را بنویسید" in answer
    assert "نشانی و شماره تلفن اداره‌ها را ندارم" in answer  # she is told first what the bot cannot give


def test_a_city_she_chose_not_to_give_is_not_asked_for_again() -> None:
    answer = contact_text(("behzisti",), SKIPPED)
    assert "شهرستان خودتان" in answer and "شهرتان را بنویسید" not in answer
