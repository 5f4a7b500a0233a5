"""Parse latency of the real Rasa server (`POST /model/parse`) and the time to train the model.

Trains the whole assistant from scratch into a scratch folder (timed), starts `rasa run` with it, and
sends every held-out utterance, in rounds, one request at a time. Results: bench/results/nlu_latency.json.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from ruamel.yaml import YAML

from bench.results_file import write_results
from bench.stats import latency_summary
from karyar.settings import PROJECT_ROOT
from ops import rasa_model
from tests.support.processes import ManagedProcess, free_port

RESULTS = PROJECT_ROOT / "bench" / "results" / "nlu_latency.json"
HELDOUT_DIR = PROJECT_ROOT / "bench" / "nlu_heldout"
ROUNDS = 3
TOKEN = "latency-bench"


def heldout_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(HELDOUT_DIR.glob("*.yml")):
        for item in YAML(typ="safe").load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in str(item.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.append(_plain(line[2:]))
    return texts


def _plain(annotated: str) -> str:
    """«[۲۳](age) سالمه» → «۲۳ سالمه»: the text a client would type."""
    return re.sub(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})", r"\1", annotated)


def train_seconds(out: Path, config: Path = rasa_model.CONFIG_FILE) -> tuple[float, Path]:
    started = time.perf_counter()
    subprocess.run(
        [str(rasa_model.RASA_BIN), "train", "--config", str(config), "--domain",
         str(rasa_model.DOMAIN_DIR), "--data", str(rasa_model.DATA_DIR), "--out", str(out), "--fixed-model-name",
         "bench"],
        cwd=PROJECT_ROOT, env=rasa_model.rasa_environment(), check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started, out / "bench.tar.gz"


@dataclass(frozen=True)
class Served:
    load_seconds: float
    latencies_ms: list[float]
    resident_mib: float


def _resident_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def serve_and_parse(model: Path, texts: list[str], *, rounds: int, log_dir: Path) -> Served:
    """Start `rasa run` with `model`, send every text `rounds` times one at a time, note its memory."""
    port = free_port()
    rasa = ManagedProcess(
        "rasa",
        [str(rasa_model.RASA_BIN), "run", "--enable-api", "--interface", "127.0.0.1", "--port", str(port),
         "--model", str(model), "--auth-token", TOKEN],
        env=rasa_model.rasa_environment(), log_dir=log_dir,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        load_started = time.perf_counter()
        rasa.wait_http(f"{url}/status?token={TOKEN}", timeout=240)
        load_seconds = time.perf_counter() - load_started
        latencies: list[float] = []
        with httpx.Client(base_url=url, params={"token": TOKEN}, timeout=30) as client:
            client.post("/model/parse", json={"text": "سلام"})  # warm-up
            for _ in range(rounds):
                for text in texts:
                    started = time.perf_counter()
                    client.post("/model/parse", json={"text": text}).raise_for_status()
                    latencies.append((time.perf_counter() - started) * 1000)
        resident = _resident_mib(rasa.process.pid)
    finally:
        rasa.stop()
    return Served(load_seconds, latencies, resident)


def main() -> None:
    texts = heldout_texts()
    with tempfile.TemporaryDirectory() as work:
        seconds, model = train_seconds(Path(work))
        served = serve_and_parse(model, texts, rounds=ROUNDS, log_dir=Path(work))
    results = {
        "train_seconds": round(seconds, 1),
        "server_load_seconds": round(served.load_seconds, 1),
        "parse_ms": {
            "requests": len(served.latencies_ms),
            **latency_summary(served.latencies_ms),
        },
        "rasa_resident_mib": round(served.resident_mib),
        "target_p95_ms": 30,
    }
    write_results(RESULTS, results)


if __name__ == "__main__":
    main()
