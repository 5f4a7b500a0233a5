"""The held-out NLU split (bench/nlu_heldout/) is well formed and kept out of training.

It is what the NLU targets are measured on, so it must not leak: no held-out text, normalised, may also be
a training example.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from persian.text import search_key
from tests.nlu.test_reference import cities, fields, provinces
from tests.nlu.test_training_data import INTENTS, intent_examples, is_checked_coded_value, parse_example

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "bench" / "nlu_heldout"


def _load(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


@cache
def heldout() -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    paths = sorted(HELDOUT.glob("*.yml"))
    assert paths, "no held-out files"
    for path in paths:
        data = _load(path)
        assert str(data["version"]) == "3.1", path.name
        for item in data["nlu"]:
            assert set(item) == {"intent", "examples"}, f"{path.name}: only intent examples belong here"
            lines = item["examples"].splitlines()
            result[item["intent"]] += [
                line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")
            ]
    return result


def _key(example: str) -> str:
    return search_key(parse_example(example)[0])


def test_every_intent_has_at_least_twelve_heldout_examples() -> None:
    assert set(heldout()) == INTENTS
    for intent, examples in heldout().items():
        assert len(examples) >= 12, f"{intent}: {len(examples)}"


def test_at_least_80_inform_examples_with_entities() -> None:
    with_entities = [e for e in heldout()["inform"] if parse_example(e)[1]]
    assert len(with_entities) >= 80


def test_no_heldout_text_is_a_training_example() -> None:
    training = {_key(e) for examples in intent_examples().values() for e in examples}
    leaked = [e for examples in heldout().values() for e in examples if _key(e) in training]
    assert not leaked, leaked


def test_no_duplicates_in_heldout() -> None:
    keys = [_key(e) for examples in heldout().values() for e in examples]
    assert len(keys) == len(set(keys))


def test_heldout_annotations_are_canonical() -> None:
    allowed = {"province": set(provinces()), "city": set(cities()), "field": {f["name"] for f in fields()}}
    for examples in heldout().values():
        for example in examples:
            for entity in parse_example(example)[1]:
                name, value = entity["entity"], entity["value"]
                if not is_checked_coded_value(name, value, example):
                    assert value in allowed[name], example


# Later held-out sets, each written before the change it measures.
# Each with the least number of texts it holds (a set emptied by mistake would otherwise pass) and how many
# of them were already training examples when it was written: sets written without reading the training data
# share a few short common replies with it («ردش کن», «پاس»); training may never add one.
LATER_SETS = {
    "nlu_fresh": (300, 0),
    "nlu_greeted": (40, 0),
    "nlu_finglish": (40, 0),
    "nlu_facts": (250, 53),
    "nlu_clients": (300, 33),
    "nlu_entities": (350, 26),
}


def _texts_of(directory: Path) -> list[str]:
    texts: list[str] = []
    for path in sorted(directory.rglob("*.yml")):
        data = _load(path)
        if isinstance(data, list):  # the negation table: rows with a text
            texts += [str(row["text"]) for row in data]
            continue
        for item in data.get("nlu", []):
            lines = str(item.get("examples", "")).splitlines()
            texts += [line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")]
    return texts


@pytest.mark.parametrize("name", LATER_SETS)
def test_no_text_of_a_later_heldout_set_became_a_training_example(name: str) -> None:
    least, shared_when_written = LATER_SETS[name]
    later = {_key(text) for text in _texts_of(ROOT / "bench" / name)}
    assert len(later) >= least
    training = {_key(e) for examples in intent_examples().values() for e in examples}
    shared = sorted(later & training)
    assert len(shared) <= shared_when_written, shared
