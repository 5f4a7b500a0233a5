#!/usr/bin/env bash
# Re-resolve both environments from requirements/*.in in scratch venvs and rewrite the lock files.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

lock() { # $1 = python, $2 = .in file, $3 = lock file, $4 = header
  "$1" -m venv "$scratch/venv"
  "$scratch/venv/bin/pip" install -q --disable-pip-version-check -r "$2"
  { echo "$4"; "$scratch/venv/bin/pip" freeze --all --exclude hazm --exclude pip; } > "$3"
  rm -rf "$scratch/venv"
}

lock "${APP_PYTHON:-python3}" requirements/app.in requirements/app.lock \
  "# Pinned app environment (.venv). Regenerate: make lock"
rasa_python=${RASA_PYTHON:-$(command -v python3.10 || echo "$(pyenv root)/versions/3.10.13/bin/python")}
lock "$rasa_python" requirements/rasa.in requirements/rasa.lock \
  "# Pinned Rasa environment (.venv-rasa, Python 3.10), installed with --no-deps. Regenerate: make lock"
echo "lock files rewritten; review with git diff requirements/"
