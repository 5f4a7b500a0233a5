"""Key utterances through the trained model's full pipeline: the intent and every canonical entity value
with its role."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.nlu.evaluate import run_probe
from bench.nlu.metrics import canonical_gold_value
from ops import rasa_model

KEY_UTTERANCES = Path(__file__).resolve().parent / "key_utterances.yml"


def test_key_utterances_are_understood(trained_model: Path) -> None:
    result = run_probe(
        "heldout", "--model", str(trained_model), "--nlu", str(KEY_UTTERANCES),
        "--synonyms", str(rasa_model.DATA_DIR / "nlu"),
    )  # fmt: skip
    examples = result["examples"]
    assert len(examples) >= 50
    wrong = []
    for example in examples:
        gold = Counter(
            (e["entity"], e.get("role"), canonical_gold_value(e["entity"], e["value"]))
            for e in example["entities"]
        )
        found = Counter((e["entity"], e.get("role"), e["value"]) for e in example["predicted"]["entities"])
        if example["predicted"]["intent"] != example["intent"] or gold != found:
            wrong.append(f"{example['text']}: expected {example['intent']} {sorted(gold)}, "
                         f"got {example['predicted']['intent']} {sorted(found)}")  # fmt: skip
    assert wrong == [], "\n".join(wrong)
