"""Runs inside Rasa's environment (Python 3.10): trains NLU models and parses texts with them.

`bench/nlu/evaluate.py` starts this with `.venv-rasa/bin/python` and computes the metrics from what it
writes, so every number comes from the full pipeline, entity normaliser included. Output: one JSON
document in the --out file (Rasa's logging owns stdout). Keep this file Python-3.10-compatible.

    probe.py heldout --model M --nlu DIR --synonyms DIR --out F   parse the held-out split with M
    probe.py cv --folds 5 --nlu DIR --config C --out F            k-fold cross-validation
    probe.py negations --model M --table F --out F                parse a negation table's texts with M
    probe.py benchmark --config C --train F --test F --out F      train on one file, parse another
"""

import argparse
import asyncio
import json
import logging
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
logging.disable(logging.WARNING)


def _examples(training_data: Any, synonyms: dict[str, str]) -> list[dict[str, Any]]:
    """Gold intent and entities of every example, with synonyms applied to entity values."""
    rows = []
    for message in training_data.intent_examples:
        entities = [
            {
                "entity": e["entity"],
                "value": synonyms.get(str(e["value"]), str(e["value"])),
                "text": e.get("value"),
                **({"role": e["role"]} if e.get("role") else {}),
            }
            for e in message.get("entities") or []
        ]
        rows.append({"text": message.get("text"), "intent": message.get("intent"), "entities": entities})
    return rows


def _predict(model_path: str, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(model_path)

    async def parse_all() -> list[dict[str, Any]]:
        out = []
        for text in texts:
            parsed = await agent.parse_message(text)
            # the best real intent's confidence, before the FallbackClassifier replaced it
            ranking = [r for r in parsed.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
            out.append(
                {
                    "intent": (parsed.get("intent") or {}).get("name"),
                    "confidence": (parsed.get("intent") or {}).get("confidence"),
                    "top_confidence": ranking[0].get("confidence") if ranking else None,
                    "entities": [
                        {
                            "entity": e["entity"],
                            "value": str(e["value"]),
                            **({"role": e["role"]} if e.get("role") else {}),
                        }
                        for e in parsed.get("entities") or []
                    ],
                }
            )
        return out

    return asyncio.run(parse_all())


def cmd_heldout(args: argparse.Namespace) -> dict[str, Any]:
    from rasa.shared.nlu.training_data.loading import load_data

    # Held-out examples may name surface forms; the training data's synonyms say what they stand for.
    heldout = load_data(args.nlu)
    synonyms = {**load_data(args.synonyms).entity_synonyms, **heldout.entity_synonyms}
    gold = _examples(heldout, synonyms)
    predicted = _predict(args.model, [row["text"] for row in gold])
    return {"examples": [dict(g, predicted=p) for g, p in zip(gold, predicted, strict=True)]}


def cmd_negations(args: argparse.Namespace) -> dict[str, Any]:
    """Rows of a negation table (a YAML list of {text, must_not_extract, may_extract}) with predictions."""
    import yaml

    table = yaml.safe_load(Path(args.table).read_text(encoding="utf-8"))
    predicted = _predict(args.model, [row["text"] for row in table])
    return {"rows": [dict(row, predicted=p) for row, p in zip(table, predicted, strict=True)]}


def cmd_cv(args: argparse.Namespace) -> dict[str, Any]:
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = load_data(args.nlu)
    by_intent: dict[str, list[Any]] = defaultdict(list)
    for message in data.intent_examples:
        by_intent[message.get("intent")].append(message)
    rng = random.Random(1)
    folds: list[list[Any]] = [[] for _ in range(args.folds)]
    for intent in sorted(by_intent):  # stratified: each fold gets its share of every intent
        messages = by_intent[intent][:]
        rng.shuffle(messages)
        for i, message in enumerate(messages):
            folds[i % args.folds].append(message)

    results: list[dict[str, Any]] = []
    train_seconds: list[float] = []
    with tempfile.TemporaryDirectory() as work:
        for k, test_fold in enumerate(folds):
            train_examples = [m for j, fold in enumerate(folds) if j != k for m in fold]
            fold_data = TrainingData(
                training_examples=train_examples,
                entity_synonyms=data.entity_synonyms,
                regex_features=data.regex_features,
                lookup_tables=data.lookup_tables,
            )
            fold_file = Path(work) / f"fold{k}.yml"
            RasaYAMLWriter().dump(fold_file, fold_data)
            started = time.perf_counter()
            model = train_nlu(
                args.config, str(fold_file), str(Path(work) / "models"), fixed_model_name=f"fold{k}"
            )
            train_seconds.append(time.perf_counter() - started)
            gold = _examples(TrainingData(training_examples=test_fold), data.entity_synonyms)
            predicted = _predict(str(model), [row["text"] for row in gold])
            results.extend(dict(g, predicted=p, fold=k) for g, p in zip(gold, predicted, strict=True))
    return {"examples": results, "fold_train_seconds": train_seconds}


def cmd_benchmark(args: argparse.Namespace) -> dict[str, Any]:
    """Another corpus (MASSIVE): train `config` on its training file, parse its test file."""
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.loading import load_data

    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        model = train_nlu(args.config, args.train, str(Path(work) / "models"), fixed_model_name="benchmark")
        train_seconds = time.perf_counter() - started
        gold = _examples(load_data(args.test), {})
        started = time.perf_counter()
        predicted = _predict(str(model), [row["text"] for row in gold])
        parse_seconds = time.perf_counter() - started
    return {
        "examples": [dict(g, predicted=p) for g, p in zip(gold, predicted, strict=True)],
        "train_seconds": train_seconds,
        "parse_seconds": parse_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    heldout = commands.add_parser("heldout")
    heldout.add_argument("--model", required=True)
    heldout.add_argument("--nlu", required=True)
    heldout.add_argument("--synonyms", required=True)
    cv = commands.add_parser("cv")
    cv.add_argument("--folds", type=int, default=5)
    cv.add_argument("--nlu", required=True)
    cv.add_argument("--config", required=True)
    negations = commands.add_parser("negations")
    negations.add_argument("--model", required=True)
    negations.add_argument("--table", required=True)
    benchmark = commands.add_parser("benchmark")
    benchmark.add_argument("--config", required=True)
    benchmark.add_argument("--train", required=True)
    benchmark.add_argument("--test", required=True)
    for command in (heldout, cv, negations, benchmark):
        command.add_argument("--out", required=True)
    args = parser.parse_args()
    run = {"heldout": cmd_heldout, "cv": cmd_cv, "negations": cmd_negations, "benchmark": cmd_benchmark}[
        args.command
    ]
    result = run(args)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
