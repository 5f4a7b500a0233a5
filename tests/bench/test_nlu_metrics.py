"""The NLU evaluation's arithmetic, on hand-made predictions whose scores are known."""

from __future__ import annotations

import pytest

from bench.nlu.metrics import canonical_gold_value, entity_metrics, intent_metrics


def _example(text: str, intent: str, predicted: str, gold=(), found=()):  # type: ignore[no-untyped-def]
    return {
        "text": text,
        "intent": intent,
        "entities": [{"entity": e, "value": v} for e, v in gold],
        "predicted": {"intent": predicted, "entities": [{"entity": e, "value": v} for e, v in found]},
    }


EXAMPLES = [
    _example("سلام", "greet", "greet"),
    _example("درود", "greet", "greet"),
    _example("خداحافظ", "goodbye", "greet"),
    _example("بای", "goodbye", "goodbye"),
    _example("۲۳ سالمه", "inform", "inform", gold=[("age", "۲۳")], found=[("age", "23")]),
    _example("مشهدم", "inform", "inform", gold=[("city", "مشهد")], found=[("city", "مشهدم")]),
    _example("زنم", "inform", "inform", gold=[], found=[("gender", "female")]),
]


def test_intent_accuracy_macro_f1_and_confusions() -> None:
    result = intent_metrics(EXAMPLES)
    assert result["accuracy"] == pytest.approx(6 / 7, abs=1e-4)
    # greet: P=2/3 R=1 F1=0.8; goodbye: P=1 R=0.5 F1=2/3; inform: 1.0
    assert result["per_intent"]["greet"]["f1"] == pytest.approx(0.8)
    assert result["per_intent"]["goodbye"]["f1"] == pytest.approx(0.6667, abs=1e-4)
    assert result["macro_f1"] == pytest.approx((0.8 + 2 / 3 + 1) / 3, abs=1e-4)
    assert result["worst_confusions"] == [
        {"gold": "goodbye", "predicted": "greet", "count": 1, "example": "خداحافظ"}
    ]


def test_entities_count_only_exactly_canonical_values() -> None:
    result = entity_metrics(EXAMPLES)
    assert result["per_entity"]["age"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert result["per_entity"]["city"]["f1"] == 0.0  # «مشهدم» is not the canonical «مشهد»
    assert result["per_entity"]["gender"]["precision"] == 0.0
    assert result["micro"]["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert result["micro"]["recall"] == pytest.approx(1 / 2)
    assert len(result["mistakes"]) == 2


@pytest.mark.parametrize(("value", "expected"), [("۲۳", "23"), ("بیست و سه", "23"), ("٢٣", "23"), ("x", "x")])
def test_gold_ages_are_compared_as_numbers(value: str, expected: str) -> None:
    assert canonical_gold_value("age", value) == expected
    assert canonical_gold_value("city", "مشهد") == "مشهد"
