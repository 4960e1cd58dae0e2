#!/usr/bin/env bash
# Creates (once) the Python venv that holds the AWS emulator, keyed by the hash of
# tools/requirements.txt so a changed pin builds a fresh venv. Prints the venv path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${RDS_PRIVATELINK_CACHE:-$HOME/.cache/rds-privatelink}"
key="$(sha256sum "$here/tools/requirements.txt" | cut -c1-12)"
venv="$cache/venv-$key"
if [ ! -x "$venv/.ready" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/tools/requirements.txt" >&2
  printf '#!/bin/sh\nexit 0\n' > "$venv/.ready" && chmod +x "$venv/.ready"
fi
echo "$venv"
