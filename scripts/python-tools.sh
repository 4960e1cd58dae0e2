#!/usr/bin/env bash
# Creates (once) a Python venv for one requirements file under tools/, keyed by the file's
# hash so a changed pin builds a fresh venv, cached outside the repo. Prints the venv path.
#   scripts/python-tools.sh              the AWS emulator (tools/requirements.txt)
#   scripts/python-tools.sh scanner      checkov (tools/requirements-scanner.txt)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@" && no_options "${BASH_SOURCE[0]}" "$@"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${RDS_PRIVATELINK_CACHE:-$HOME/.cache/rds-privatelink}"
requirements="$here/tools/requirements${1:+-$1}.txt"
[ -f "$requirements" ] || { echo "no such tool set: $requirements" >&2; exit 2; }
key="$(sha256sum "$requirements" | cut -c1-12)"
venv="$cache/venv${1:+-$1}-$key"
# npm test's background install and a tier's own call (or toolchain.sh's) may ask for the same
# venv at once: the later one waits for the first, then finds it ready.
mkdir -p "$cache"
exec 9>"$venv.lock"
flock 9
if [ ! -f "$venv/.ready" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  touch "$venv/.ready"
fi
echo "$venv"
