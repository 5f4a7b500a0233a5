"""The NLU pipeline's ablation table: each candidate in bench/nlu/candidates/ plus the product's nlu/config.yml.

For each: MASSIVE fa-IR validation accuracy (intent part trained on MASSIVE train), 5-fold cross-validation
macro-F1 on the training data, intent accuracy, entity F1 and fallback rate on the second held-out set
(bench/nlu_fresh, never trained on), the whole assistant's training time, `/model/parse` p95 on the real
server and its resident memory. Results: bench/results/nlu_ablation.json and a table on stdout.

    python -m bench.nlu.ablation [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from bench.nlu.evaluate import FALLBACK_THRESHOLD, evaluate_massive, parse_top_level, run_probe
from bench.nlu.latency import heldout_texts, serve_and_parse, train_seconds
from bench.nlu.metrics import entity_metrics, fallback_metrics, intent_metrics
from bench.results_file import write_results
from bench.stats import latency_summary
from karyar.settings import PROJECT_ROOT
from ops import rasa_model

CANDIDATES_DIR = PROJECT_ROOT / "bench" / "nlu" / "candidates"
FRESH_DIR = PROJECT_ROOT / "bench" / "nlu_fresh"
RESULTS = PROJECT_ROOT / "bench" / "results" / "nlu_ablation.json"
PRODUCT = "product (nlu/config.yml)"


def candidates() -> dict[str, Path]:
    found = {path.stem: path for path in sorted(CANDIDATES_DIR.glob("*.yml"))}
    return {**found, PRODUCT: rasa_model.CONFIG_FILE}


def fresh_scores(model: Path) -> dict[str, Any]:
    rows = parse_top_level(model, FRESH_DIR)
    return {
        "intent_accuracy": intent_metrics(rows)["accuracy"],
        "entity_f1": entity_metrics(rows)["micro"]["f1"],
        "fallback_rate": fallback_metrics(rows, FALLBACK_THRESHOLD)["nlu_fallback_rate"],
    }


def measure(config: Path) -> dict[str, Any]:
    cv = run_probe("cv", "--folds", "5", "--nlu", str(rasa_model.DATA_DIR / "nlu"), "--config", str(config))
    with tempfile.TemporaryDirectory() as work:
        seconds, model = train_seconds(Path(work), config)
        fresh = fresh_scores(model)
        served = serve_and_parse(model, heldout_texts(), rounds=1, log_dir=Path(work))
    return {
        "massive_validation_accuracy": evaluate_massive(config)["accuracy"],
        "cv_intent_macro_f1": intent_metrics(cv["examples"])["macro_f1"],
        "fresh": fresh,
        "train_seconds": round(seconds, 1),
        "parse_p95_ms": latency_summary(served.latencies_ms)["p95"],
        "rasa_resident_mib": round(served.resident_mib),
    }


def table(rows: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| pipeline | MASSIVE val acc | CV macro-F1 | fresh intent acc | fresh entity F1 | fresh fallback "
        "| train s | parse p95 ms | Rasa MiB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        f = r["fresh"]
        lines.append(
            f"| {name} | {r['massive_validation_accuracy']:.3f} | {r['cv_intent_macro_f1']:.3f} "
            f"| {f['intent_accuracy']:.3f} | {f['entity_f1']:.3f} | {f['fallback_rate']:.3f} "
            f"| {r['train_seconds']} | {r['parse_p95_ms']} | {r['rasa_resident_mib']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="candidate names (file stems, or 'product')")
    args = parser.parse_args()
    chosen = {
        name: path
        for name, path in candidates().items()
        if not args.only or name in args.only or (name == PRODUCT and "product" in args.only)
    }
    previous: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    rows: dict[str, dict[str, Any]] = dict(previous.get("candidates", {}))
    for name, config in chosen.items():
        rows[name] = measure(config)
        write_results(RESULTS, {"candidates": rows})  # each finished row is kept if a later one fails
    print(table(rows))


if __name__ == "__main__":
    main()
