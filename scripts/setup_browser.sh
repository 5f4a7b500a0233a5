#!/usr/bin/env bash
# Debian's Chromium (and a colour emoji font, since the bot's texts use emoji) for the browser test of
# local mode. Idempotent: nothing is done when both are there. Needs root, or sudo without a password.
set -euo pipefail

packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
[[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]] || packages+=(fonts-noto-color-emoji)
if [[ ${#packages[@]} -eq 0 ]]; then
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "setup: the browser test needs ${packages[*]}; install them as root: apt-get install -y ${packages[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: the browser test needs ${packages[*]} (Debian packages) and this system has no apt-get" >&2
  exit 1
fi
echo "setup: installing ${packages[*]} for the browser test"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null 2>&1 || {
  "${as_root[@]}" apt-get update -q >/dev/null
  "${as_root[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null
}
command -v chromium >/dev/null || { echo "setup: chromium is still missing after installing it" >&2; exit 1; }
