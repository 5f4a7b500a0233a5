"""The words of comfort a message in distress gets first: with a person offered, or, when the answer already
hands her to one, without a button to press."""

from __future__ import annotations

import pytest

from bot.care import care_text, hands_over
from karyar.wellbeing.distress import DistressKind


@pytest.mark.parametrize("coming", [False, True])
def test_comfort_names_the_emergency_line_only_where_life_or_body_is_at_risk(coming: bool) -> None:
    assert "۱۲۳" in care_text([DistressKind.VIOLENCE], person_coming=coming)
    assert "۱۲۳" not in care_text([DistressKind.EVICTION], person_coming=coming)


def test_comfort_before_a_handoff_does_not_ask_her_to_press_for_a_person() -> None:
    for kinds in ([DistressKind.EVICTION], [DistressKind.VIOLENCE]):
        assert "متأسفم" in care_text(kinds, person_coming=True)
        assert "دکمه" not in care_text(kinds, person_coming=True)
        assert "دکمه" in care_text(kinds)


def test_an_answer_with_a_handoff_hands_her_over() -> None:
    assert hands_over([{"text": "…"}, {"custom": {"handoff": {"id": 1, "new": True}}}])
    assert not hands_over([{"text": "…"}])
