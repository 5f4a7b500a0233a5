#!/usr/bin/env bash
# Create or refresh one of the two Python environments from its lock file.
#   scripts/setup_env.sh app    -> .venv       (Python >= 3.11)
#   scripts/setup_env.sh rasa   -> .venv-rasa  (Python 3.10, Rasa 3.6 + hazm)
# Idempotent: a stamp holds the hash of the lock; nothing is done when it matches.
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:?usage: setup_env.sh app|rasa}
case $kind in
  app)  venv=.venv;      lock=requirements/app.lock ;;
  rasa) venv=.venv-rasa; lock=requirements/rasa.lock ;;
  *) echo "setup_env.sh: unknown environment '$kind' (use app or rasa)" >&2; exit 2 ;;
esac
stamp=$venv/.karyar-lock-hash
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$want" && -x $venv/bin/python ]]; then
  exit 0
fi

python_ok() { # $1 = interpreter, $2 = required "major.minor" or ">=major.minor"
  "$1" -c "import sys; v=sys.version_info[:2]; r='$2'; \
    ok = v >= tuple(map(int, r[2:].split('.'))) if r.startswith('>=') else v == tuple(map(int, r.split('.'))); \
    sys.exit(0 if ok else 1)" 2>/dev/null
}

find_python() { # $1 = required version spec, $2.. = candidate names
  local spec=$1; shift
  local candidate
  for candidate in "$@"; do
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate" "$spec"; then
      command -v "$candidate"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    local want=${spec#>=}
    for candidate in "$root"/versions/"$want"*/bin/python; do
      if [[ -x $candidate ]] && python_ok "$candidate" "$spec"; then echo "$candidate"; return 0; fi
    done
  fi
  if command -v uv >/dev/null 2>&1; then
    candidate=$(uv python find "${spec#>=}" 2>/dev/null || true)
    if [[ -n $candidate ]] && python_ok "$candidate" "$spec"; then echo "$candidate"; return 0; fi
  fi
  return 1
}

if [[ $kind == app ]]; then
  py=$(find_python ">=3.11" python3 python3.13 python3.12 python3.11) || {
    echo "setup: Python 3.11 or newer is needed for .venv; install it (your package manager, or 'pyenv install 3.11')." >&2
    exit 1
  }
else
  py=$(find_python "3.10" python3.10) || {
    cat >&2 <<'MSG'
setup: Rasa 3.6 needs Python 3.10, and none was found (looked for python3.10 on PATH, in pyenv, and with uv).
  Get one of these, then run the command again:
    - Debian/Ubuntu with deadsnakes or your distribution: install the package python3.10 and python3.10-venv
    - pyenv:  pyenv install 3.10
    - uv:     uv python install 3.10
MSG
    exit 1
  }
fi

echo "setup: building $venv with $("$py" --version) from $lock"
rm -rf "$venv"
"$py" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check --no-input -q)
# Build tools first, at the versions the lock names (Rasa 3.6 still imports pkg_resources).
mapfile -t tools < <(grep -E '^(pip|setuptools|wheel)==' "$lock" || true)
"${pip[@]}" install "${tools[@]:-wheel}" 2>&1 | grep -v "^WARNING: Location" || true
# --no-deps: the lock is the complete, resolved set, so nothing is resolved again.
"${pip[@]}" install --no-deps -r "$lock" 2>&1 | grep -v "^WARNING: Location\|DEPRECATION" || true
if [[ $kind == rasa ]]; then
  "${pip[@]}" install --no-deps "hazm==0.10.0" 2>&1 | grep -v "^WARNING: Location" || true
  "$venv/bin/python" -c "import rasa, hazm" || { echo "setup: $venv is incomplete (rasa or hazm does not import)" >&2; exit 1; }
else
  "$venv/bin/python" -c "import telegram, rasa_sdk, sqlalchemy" || { echo "setup: $venv is incomplete" >&2; exit 1; }
fi
echo "$want" > "$stamp"
echo "setup: $venv ready"
