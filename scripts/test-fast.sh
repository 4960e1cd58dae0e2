#!/usr/bin/env bash
# npm run test:fast: the contributor's loop, with nothing to install after `npm ci`: the lint
# and format check (Biome, biome.jsonc), the type-check, the unit tier (which synthesizes every example in-process) with the sim tier (the
# failover function against a simulated AWS, __tests__/sim/), and a real synth of
# the demo and every example by the app itself, as `cdktf synth` runs it. The slower tiers
# (integration, validate, security, e2e) run in `npm test` and in CI.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@" && no_options "${BASH_SOURCE[0]}" "$@"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CHECKPOINT_DISABLE=1
step() { printf '\n== %s\n' "$*"; }
start=$(date +%s)

step "lint and format check (biome ci: a finding or a badly formatted file fails it)"
npx biome ci --error-on-warnings .

step "type-check (tsc --noEmit)"
npx tsc --noEmit

step "unit and sim tiers"
npx jest --selectProjects unit sim

step "synth of the demo and of every example, by the app itself"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for config in config/default.json examples/*/config.json; do
  name="$(basename "$(dirname "$config")")"
  RDS_PRIVATELINK_CONFIG="$config" CDKTF_OUTDIR="$out/$name" node --require tsx/cjs main.ts 2>"$out/$name.err" \
    || { cat "$out/$name.err" >&2; echo "synth failed: $config" >&2; exit 1; }
  printf '  ok  %s (%s stacks)\n' "$config" "$(ls "$out/$name/stacks" | wc -l)"
done

printf '\ntest:fast passed in %s s\n' "$(( $(date +%s) - start ))"
