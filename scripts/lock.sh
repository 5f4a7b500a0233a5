#!/usr/bin/env bash
# Re-resolve both environments from requirements/*.in in scratch venvs and rewrite the lock files.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

lock() { # $1 = python, $2 = .in file, $3 = lock file, $4 = header, $5.. = packages left out
  "$1" -m venv "$scratch/venv"
  "$scratch/venv/bin/pip" install -q --disable-pip-version-check -r "$2"
  local leave_out=(--exclude hazm --exclude pip)
  for package in "${@:5}"; do leave_out+=(--exclude "$package"); done
  { echo "$4"; "$scratch/venv/bin/pip" freeze --all "${leave_out[@]}"; } > "$3"
  rm -rf "$scratch/venv"
}

lock "${APP_PYTHON:-python3}" requirements/app.in requirements/app.lock \
  "# Pinned app environment (.venv). Regenerate: make lock"
rasa_python=${RASA_PYTHON:-$(command -v python3.10 || echo "$(pyenv root)/versions/3.10.13/bin/python")}
# TensorFlow declares jax (to convert jax models for TFLite) and h5py (Keras's HDF5 files); Rasa uses
# neither, and TensorFlow imports them only if present: left out, the Rasa server is 76 MiB smaller.
lock "$rasa_python" requirements/rasa.in requirements/rasa.lock \
  "# Pinned Rasa environment (.venv-rasa, Python 3.10), installed with --no-deps. Regenerate: make lock" \
  jax jaxlib h5py
echo "lock files rewritten; review with git diff requirements/"
