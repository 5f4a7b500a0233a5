"""`make nlu-eval`: 5-fold cross-validation on the training data and the held-out split.

Writes bench/results/nlu_eval.json (numbers) and bench/results/nlu_eval_errors.json (what went wrong).
Every prediction comes from the full pipeline (`probe.py` in Rasa's environment).

It also trains the pipeline's intent part on MASSIVE fa-IR's training split (bench/massive_fa, CC BY 4.0)
and scores it on the validation split: a measure of how the pipeline generalises to Persian nobody tuned
for (`--skip-massive` leaves it out, `--massive-only` runs only it).

A full run also scores every other held-out set in `bench/nlu_*/` with the product's model (their numbers in
the same file). `--heldout-dir bench/nlu_fresh --skip-cv --results nlu_fresh_baseline` evaluates one
held-out set alone, in full: its top-level files for intents and entities, its `needs_contract/` files for
intents only, and its `negations.yml` table (negated values extracted anyway); one results file.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bench.nlu.metrics import entity_metrics, fallback_metrics, intent_metrics, negation_metrics
from bench.results_file import write_results
from karyar.settings import PROJECT_ROOT
from ops import rasa_model

RESULTS_DIR = PROJECT_ROOT / "bench" / "results"
HELDOUT_DIR = PROJECT_ROOT / "bench" / "nlu_heldout"
# The held-out sets written later, each before the change it measures; a full run scores them all.
OTHER_HELDOUT_DIRS = sorted(
    p for p in (PROJECT_ROOT / "bench").glob("nlu_*") if p.is_dir() and p != HELDOUT_DIR
)
PROBE = Path(__file__).resolve().parent / "probe.py"
RASA_PYTHON = rasa_model.RASA_VENV / "bin" / "python"
TARGETS = {"intent_macro_f1": 0.95, "entity_f1": 0.92, "massive_validation_accuracy": 0.89}
MASSIVE_DIR = PROJECT_ROOT / "bench" / "massive_fa"


def _fallback_threshold(config_file: Path) -> float:
    steps = YAML(typ="safe", pure=True).load(config_file.read_text("utf-8"))["pipeline"]
    return float(next(step["threshold"] for step in steps if step["name"] == "FallbackClassifier"))


FALLBACK_THRESHOLD = _fallback_threshold(rasa_model.CONFIG_FILE)
NEGATIONS_FILE = "negations.yml"


def run_probe(*args: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "probe.json"
        result = subprocess.run(
            [str(RASA_PYTHON), str(PROBE), *args, "--out", str(out)],
            cwd=PROJECT_ROOT, env=rasa_model.rasa_environment(), capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0 or not out.exists():
            raise SystemExit(f"the NLU probe failed ({args[0]}):\n{result.stderr[-4000:]}")
        return json.loads(out.read_text(encoding="utf-8"))


def summarise(examples: list[dict[str, Any]]) -> dict[str, Any]:
    return {"examples": len(examples), "intent": intent_metrics(examples), "entity": entity_metrics(examples)}


def top_level_files(directory: Path) -> list[Path]:
    """A held-out directory's files scored in full: needs_contract/ and the negation table are scored apart."""
    return sorted(f for f in directory.glob("*.yml") if f.name != NEGATIONS_FILE)


def parse_top_level(model: Path, directory: Path) -> list[dict[str, Any]]:
    """Every example of the directory's top-level files, with what `model` made of it."""
    with tempfile.TemporaryDirectory() as work:
        for f in top_level_files(directory):
            shutil.copy(f, Path(work) / f.name)
        return list(
            run_probe("heldout", "--model", str(model), "--nlu", work,
                      "--synonyms", str(rasa_model.DATA_DIR / "nlu"))["examples"]
        )  # fmt: skip


def evaluate_dir(model: Path, directory: Path) -> dict[str, Any]:
    """Another held-out directory: top-level NLU files in full, needs_contract/ for intents, the negation table."""
    synonyms = str(rasa_model.DATA_DIR / "nlu")
    files = top_level_files(directory)
    top = parse_top_level(model, directory)
    report: dict[str, Any] = {
        "directory": str(
            directory.relative_to(PROJECT_ROOT) if directory.is_relative_to(PROJECT_ROOT) else directory
        ),
        "files": [f.name for f in files],
        "examples": len(top),
        "intent": intent_metrics(top, worst=20),
        "entity": entity_metrics(top),
        "fallback": fallback_metrics(top, FALLBACK_THRESHOLD),
    }
    contract: dict[str, Any] = {}
    for f in sorted((directory / "needs_contract").glob("*.yml")):
        rows = run_probe("heldout", "--model", str(model), "--nlu", str(f), "--synonyms", synonyms)[
            "examples"
        ]
        intents = intent_metrics(rows, worst=20)
        contract[f.stem] = {
            "scored": "intent only (labels are today's intents; the missing part is not scored yet)",
            "examples": len(rows),
            "intent_accuracy": intents["accuracy"],
            "worst_confusions": intents["worst_confusions"],
            "fallback": fallback_metrics(rows, FALLBACK_THRESHOLD),
        }
    report["needs_contract"] = contract
    table = directory / NEGATIONS_FILE
    if table.exists():
        rows = run_probe("negations", "--model", str(model), "--table", str(table))["rows"]
        report["negations"] = negation_metrics(rows)
    return report


def intent_part(config_file: Path) -> dict[str, Any]:
    """The pipeline up to its intent classifier, without the steps that serve entities."""
    config = YAML(typ="safe", pure=True).load(config_file.read_text("utf-8"))
    pipeline: list[dict[str, Any]] = []
    for step in config["pipeline"]:
        name = str(step["name"])
        if name != "RegexFeaturizer":  # feeds the entity CRF; the other corpus has none of our patterns
            pipeline.append(step)
        if name.endswith("IntentClassifier") or name.endswith("LogisticRegressionClassifier"):
            return {
                "recipe": config.get("recipe", "default.v1"),
                "language": config["language"],
                "pipeline": pipeline,
            }
    raise SystemExit(f"{config_file} has no intent classifier")


def evaluate_massive(config_file: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as work:
        config = Path(work) / "intent_part.yml"
        with config.open("w", encoding="utf-8") as handle:
            YAML().dump(intent_part(config_file), handle)
        result = run_probe("benchmark", "--config", str(config), "--train", str(MASSIVE_DIR / "train.yml"),
                           "--test", str(MASSIVE_DIR / "dev.yml"))  # fmt: skip
    intents = intent_metrics(result["examples"], worst=10)
    return {
        "corpus": "MASSIVE fa-IR (FitzGerald et al. 2022), train -> validation; CC BY 4.0",
        "examples": len(result["examples"]),
        "accuracy": intents["accuracy"],
        "macro_f1": intents["macro_f1"],
        "train_seconds": round(result["train_seconds"], 1),
        "parse_seconds": round(result["parse_seconds"], 1),
        "worst_confusions": intents["worst_confusions"],
    }


def _scores(report: dict[str, Any]) -> dict[str, Any]:
    """The numbers of a held-out set's report (its full report goes to its own file with --heldout-dir)."""
    return {
        "examples": report["examples"],
        "intent": {key: report["intent"][key] for key in ("accuracy", "macro_f1")},
        "entity": {"micro": {"f1": report["entity"]["micro"]["f1"]}},
        "fallback": {"nlu_fallback_rate": report["fallback"]["nlu_fallback_rate"]},
        "negations": {
            key: report.get("negations", {}).get(key, 0) for key in ("extracted_anyway", "negated_values")
        },
    }


def _line(name: str, report: dict[str, Any]) -> str:
    negations = report.get("negations", {})
    return (f"{name}: n={report['examples']}  intent accuracy {report['intent']['accuracy']:.3f}  "
            f"macro-F1 {report['intent']['macro_f1']:.3f}  entity F1 {report['entity']['micro']['f1']:.3f}  "
            f"fallback {report['fallback']['nlu_fallback_rate']:.3f}  negated values extracted anyway "
            f"{negations.get('extracted_anyway', 0)} of {negations.get('negated_values', 0)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--skip-cv", action="store_true", help="held-out split only (quick)")
    parser.add_argument(
        "--config", type=Path, default=rasa_model.CONFIG_FILE,
        help="cross-validate another pipeline (to compare; the held-out split always uses the product's model)",
    )  # fmt: skip
    parser.add_argument(
        "--heldout-dir", type=Path,
        help="evaluate this held-out directory (top level, needs_contract/, negations.yml) instead of bench/nlu_heldout",
    )  # fmt: skip
    parser.add_argument("--results", help="results file name without .json (default: nlu_<directory name>)")
    parser.add_argument("--skip-massive", action="store_true", help="leave out the MASSIVE fa-IR benchmark")
    parser.add_argument("--massive-only", action="store_true", help="only the MASSIVE fa-IR benchmark")
    args = parser.parse_args()

    started = time.perf_counter()
    if args.massive_only:
        massive = evaluate_massive(args.config)
        write_results(RESULTS_DIR / "nlu_massive.json", massive)
        print(f"MASSIVE fa-IR validation: accuracy {massive['accuracy']:.3f}  macro-F1 {massive['macro_f1']:.3f}  "
              f"trained in {massive['train_seconds']} s")  # fmt: skip
        return
    model = rasa_model.ensure_trained()
    report: dict[str, Any] = {"model": model.name, "targets": TARGETS}
    if args.heldout_dir is not None:
        if not args.skip_cv:
            raise SystemExit("--heldout-dir evaluates a held-out set only: add --skip-cv")
        report.update(evaluate_dir(model, args.heldout_dir.resolve()))
        report["seconds"] = round(time.perf_counter() - started, 1)
        report["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        RESULTS_DIR.mkdir(exist_ok=True)
        out = RESULTS_DIR / f"{args.results or 'nlu_' + args.heldout_dir.name}.json"
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(_line(args.heldout_dir.name, report))
        print(f"written to {out} in {report['seconds']} s")
        return
    heldout = run_probe(
        "heldout",
        "--model",
        str(model),
        "--nlu",
        str(HELDOUT_DIR),
        "--synonyms",
        str(rasa_model.DATA_DIR / "nlu"),
    )
    report["heldout"] = summarise(heldout["examples"])
    report["other_heldout_sets"] = {
        directory.name: _scores(evaluate_dir(model, directory)) for directory in OTHER_HELDOUT_DIRS
    }
    if not args.skip_cv:
        cv = run_probe("cv", "--folds", str(args.folds), "--nlu", str(rasa_model.DATA_DIR / "nlu"),
                       "--config", str(args.config))  # fmt: skip
        report["cross_validation"] = {
            "folds": args.folds,
            "config": str(
                args.config.relative_to(PROJECT_ROOT)
                if args.config.is_relative_to(PROJECT_ROOT)
                else args.config
            ),
            "mean_fold_train_seconds": round(
                sum(cv["fold_train_seconds"]) / len(cv["fold_train_seconds"]), 1
            ),
            **summarise(cv["examples"]),
        }
    if not args.skip_massive:
        report["massive_fa"] = evaluate_massive(args.config)
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    errors = {part: {"intent": report[part]["intent"]["worst_confusions"],
                     "entity": report[part]["entity"].pop("mistakes")}
              for part in ("heldout", "cross_validation") if part in report}  # fmt: skip
    RESULTS_DIR.mkdir(exist_ok=True)
    # A comparison run with another pipeline gets its own file instead of replacing the product's numbers.
    name = "nlu_eval" if args.config == rasa_model.CONFIG_FILE else f"nlu_eval_{args.config.stem}"
    (RESULTS_DIR / f"{name}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    (RESULTS_DIR / f"{name}_errors.json").write_text(
        json.dumps(errors, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    for part in ("heldout", "cross_validation"):
        if part in report:
            r = report[part]
            print(f"{part:17} n={r['examples']:4}  intent accuracy {r['intent']['accuracy']:.3f}  "
                  f"macro-F1 {r['intent']['macro_f1']:.3f}  entity F1 {r['entity']['micro']['f1']:.3f}")  # fmt: skip
    for directory_name, scores in report["other_heldout_sets"].items():
        print(_line(directory_name, scores))
    if "massive_fa" in report:
        m = report["massive_fa"]
        print(f"MASSIVE fa-IR      n={m['examples']:4}  intent accuracy {m['accuracy']:.3f}  macro-F1 {m['macro_f1']:.3f}  "
              f"trained in {m['train_seconds']} s")  # fmt: skip
    print(f"written to {RESULTS_DIR / name}.json in {report['seconds']} s")


if __name__ == "__main__":
    main()
