"""The Rasa model: which inputs make it, whether it is stale, and training it in Rasa's environment.

A model is named after a hash of everything that goes into it, so "is it stale?" is a file lookup and
`make train` does nothing when no input changed. Several processes may need the model at once (a test run,
`make run`, a benchmark): one trains while the others wait for it, and the model appears under its name only
once it is whole.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from karyar.settings import PROJECT_ROOT
from ops.logfiles import LOG_DIR, shown_path, tail

RASA_VENV = PROJECT_ROOT / ".venv-rasa"
RASA_BIN = RASA_VENV / "bin" / "rasa"
MODELS_DIR = PROJECT_ROOT / "models"
CONFIG_FILE = PROJECT_ROOT / "nlu" / "config.yml"
DOMAIN_DIR = PROJECT_ROOT / "domain"
DATA_DIR = PROJECT_ROOT / "data"
_INPUTS = (
    CONFIG_FILE,
    DOMAIN_DIR,
    DATA_DIR,
    PROJECT_ROOT / "nlu",
    PROJECT_ROOT / "persian",  # the normaliser, negation and provider rules the pipeline's components run
    PROJECT_ROOT / "requirements" / "rasa.lock",
)
_KEEP_MODELS = 3
TRAIN_LOG = LOG_DIR / "train.log"


class TrainingError(RuntimeError):
    pass


def _input_files() -> list[Path]:
    files: set[Path] = set()
    for path in _INPUTS:
        if path.is_dir():
            files.update(
                p for p in path.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml", ".py", ".txt"}
            )
        elif path.is_file():
            files.add(path)
    return sorted(files)


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in _input_files():
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(print_: str | None = None) -> Path:
    return MODELS_DIR / f"karyar-{print_ or fingerprint()}.tar.gz"


def environment_with_project() -> dict[str, str]:
    """This process's environment with the project importable, for the servers it starts."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env


def rasa_environment() -> dict[str, str]:
    """Environment for Rasa processes: our custom components importable, no telemetry, quiet TensorFlow."""
    env = environment_with_project()
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


def ensure_trained(*, force: bool = False, quiet: bool = True) -> Path:
    """The current model, trained first if the inputs changed since the last training.

    Training's output (hundreds of lines: unused utterances, progress bars) goes to TRAIN_LOG unless not
    `quiet`; a failed training shows its last lines."""
    target = model_path()
    if target.exists() and not force:
        return target
    if not RASA_BIN.exists():
        raise TrainingError(f"{RASA_BIN} is missing; run `make setup` to build Rasa's environment")
    MODELS_DIR.mkdir(exist_ok=True)
    with _training_turn():
        if target.exists() and not force:  # trained by another process while this one waited
            return target
        with tempfile.TemporaryDirectory(dir=MODELS_DIR, prefix=".training-") as scratch:
            returncode = _train(target.name.removesuffix(".tar.gz"), Path(scratch), quiet=quiet)
            trained = Path(scratch) / target.name
            if returncode != 0 or not trained.exists():
                where = (
                    "\n".join([f"; the last lines of {shown_path(TRAIN_LOG)}:", *tail(TRAIN_LOG)])
                    if quiet
                    else ""
                )
                raise TrainingError(
                    f"rasa train failed with exit code {returncode}{where or '; see its output above'}"
                )
            trained.replace(target)
    _prune_old_models(keep=target)
    return target


@contextmanager
def _training_turn() -> Iterator[None]:
    """One training at a time across processes."""
    with (MODELS_DIR / ".training.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _train(name: str, out: Path, *, quiet: bool) -> int:
    command = [
        str(RASA_BIN), "train",
        "--config", str(CONFIG_FILE),
        "--domain", str(DOMAIN_DIR),
        "--data", str(DATA_DIR),
        "--out", str(out),
        "--fixed-model-name", name,
    ]  # fmt: skip
    if quiet:
        return _train_into_log(command)
    return subprocess.run(command, cwd=PROJECT_ROOT, env=rasa_environment(), check=False).returncode


def _train_into_log(command: list[str]) -> int:
    TRAIN_LOG.parent.mkdir(parents=True, exist_ok=True)
    print(
        f"Training the Rasa model (about a minute; its output goes to {shown_path(TRAIN_LOG)})…", flush=True
    )
    with TRAIN_LOG.open("wb") as log:
        return subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            env=rasa_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        ).returncode


def _prune_old_models(*, keep: Path) -> None:
    old = sorted(
        (p for p in MODELS_DIR.glob("karyar-*.tar.gz") if p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for path in old[_KEEP_MODELS - 1 :]:
        path.unlink(missing_ok=True)
