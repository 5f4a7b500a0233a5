"""Intent and entity metrics over predictions, computed the same way for cross-validation and held-out."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from persian.text import parse_persian_number

Example = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    support: int

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "support": self.support}  # fmt: skip


def _scores(tp: int, fp: int, fn: int) -> Scores:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, tp + fn)


def canonical_gold_value(entity: str, value: str) -> str:
    """Gold ages may be written «۲۳» or «بیست و سه»; the product's canonical value is "23"."""
    if entity == "age":
        number = parse_persian_number(value)
        return str(number) if number is not None else value
    return value


def intent_metrics(examples: list[Example], worst: int = 12) -> dict[str, Any]:
    gold = [e["intent"] for e in examples]
    predicted = [e["predicted"]["intent"] for e in examples]
    per_intent = {}
    for intent in sorted(set(gold)):
        tp = sum(g == intent and p == intent for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != intent and p == intent for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == intent and p != intent for g, p in zip(gold, predicted, strict=True))
        per_intent[intent] = _scores(tp, fp, fn)
    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    examples_of: dict[tuple[str, str], str] = {}
    for example in examples:
        pair = (example["intent"], example["predicted"]["intent"])
        if pair[0] != pair[1]:
            examples_of.setdefault(pair, example["text"])
    return {
        "accuracy": round(sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold), 4)
        if gold
        else 0.0,
        "macro_f1": round(sum(s.f1 for s in per_intent.values()) / len(per_intent), 4) if per_intent else 0.0,
        "per_intent": {intent: s.as_dict() for intent, s in per_intent.items()},
        "worst_confusions": [
            {"gold": g, "predicted": p, "count": n, "example": examples_of[(g, p)]}
            for (g, p), n in confusions.most_common(worst)
        ],
    }


def entity_metrics(examples: list[Example]) -> dict[str, Any]:
    """Each example's entities as a multiset of (entity, canonical value); the value must be exactly right.

    Only the client's facts are scored: an entity with a role (an organisation named as a provider) is what a
    message asks about, and the held-out sets leave it unannotated."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    mistakes = []
    for example in examples:
        gold = Counter(
            (e["entity"], canonical_gold_value(e["entity"], str(e["value"])))
            for e in example["entities"]
            if not e.get("role")
        )
        predicted = Counter(
            (e["entity"], str(e["value"])) for e in example["predicted"]["entities"] if not e.get("role")
        )
        for (entity, _value), n in (gold & predicted).items():
            tp[entity] += n
        for (entity, _value), n in (predicted - gold).items():
            fp[entity] += n
        for (entity, _value), n in (gold - predicted).items():
            fn[entity] += n
        if gold != predicted:
            mistakes.append({"text": example["text"], "gold": sorted(gold.elements()),
                             "predicted": sorted(predicted.elements())})  # fmt: skip
    entities = sorted(set(tp) | set(fp) | set(fn))
    per_entity = {entity: _scores(tp[entity], fp[entity], fn[entity]) for entity in entities}
    overall = _scores(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {
        "micro": overall.as_dict(),
        "per_entity": {entity: s.as_dict() for entity, s in per_entity.items()},
        "mistakes": mistakes[:40],
    }


def fallback_metrics(examples: list[Example], threshold: float) -> dict[str, Any]:
    """How often the client would be asked to rephrase: the best real intent under the threshold, and the
    share the FallbackClassifier actually turned into `nlu_fallback` (it also does so when two intents tie)."""
    n = len(examples)
    below = sum((e["predicted"].get("top_confidence") or 0.0) < threshold for e in examples)
    fell_back = sum(e["predicted"]["intent"] == "nlu_fallback" for e in examples)
    return {
        "threshold": threshold,
        "below_threshold_rate": round(below / n, 4) if n else 0.0,
        "nlu_fallback_rate": round(fell_back / n, 4) if n else 0.0,
    }


def _values(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


def negation_metrics(rows: list[Example]) -> dict[str, Any]:
    """Negated values the NLU extracts anyway (each (entity, value) under must_not_extract counts once)."""
    negated = extracted = 0
    anyway = []
    kept = expected = 0
    for row in rows:
        predicted = {(e["entity"], canonical_gold_value(e["entity"], str(e["value"])))
                     for e in row["predicted"]["entities"] if not e.get("role")}  # fmt: skip
        for entity, value in (row.get("must_not_extract") or {}).items():
            for v in _values(value):
                negated += 1
                if (entity, canonical_gold_value(entity, v)) in predicted:
                    extracted += 1
                    anyway.append({"text": row["text"], "entity": entity, "value": v,
                                   "predicted": sorted(f"{e}={v}" for e, v in predicted)})  # fmt: skip
        for entity, value in (row.get("may_extract") or {}).items():
            for v in _values(value):
                expected += 1
                kept += (entity, canonical_gold_value(entity, v)) in predicted
    return {
        "texts": len(rows),
        "negated_values": negated,
        "extracted_anyway": extracted,
        "extracted_anyway_rate": round(extracted / negated, 4) if negated else 0.0,
        "right_value_also_extracted": {"found": kept, "of": expected},
        "extracted_anyway_list": anyway,
    }
