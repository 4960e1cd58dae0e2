#!/usr/bin/env bash
# Speed and size figures. Not a test: it prints numbers and asserts nothing.
#   BENCH_RUNS=N     runs per measurement (default 5); the figures are medians
#   BENCH_BASE=REV   the commit whose demo synth is measured beside today's (default 9b2a0d4, the
#                    last before several shares); BENCH_BASE= leaves it out
#   BENCH_LIMITS=1   adds a config at the loader's limits: 20 shares x 100 consumers (minutes a run)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@" && no_options "${BASH_SOURCE[0]}" "$@"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CHECKPOINT_DISABLE=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
runs="${BENCH_RUNS:-5}"

node --require tsx/cjs -e 'require("./stacks/bundle").bundleFailoverFunction()'   # warm the bundle cache
node --require tsx/cjs bench/many-consumers.ts "$work/fifty.json" 50
node --require tsx/cjs bench/shares-config.ts "$work/shares.json" 10 20
node --require tsx/cjs bench/shares-config.ts "$work/limits.json" 20 100

# The demo as it was before several shares came, from git, to show what shares cost the demo's synth.
# BENCH_BASE picks another commit; BENCH_BASE= (empty) leaves it out.
base_commit="${BENCH_BASE-9b2a0d4}"
cases=("demo (config/default.json)|$PWD|")
if [ -n "$base_commit" ] && mkdir "$work/base" && git archive "$base_commit" | tar -x -C "$work/base"; then
  ln -s "$PWD/node_modules" "$work/base/node_modules"
  cases+=("demo at $base_commit (before shares)|$work/base|")
elif [ -n "$base_commit" ]; then
  echo "(commit $base_commit not found: the demo before shares is left out)"
fi
cases+=(
  "examples/platform-catalogue|$PWD|$PWD/examples/platform-catalogue/config.json"
  "1 share x 50 consumers|$PWD|$work/fifty.json"
  "10 shares x 20 consumers|$PWD|$work/shares.json"
  "10 x 20, source maps on|$PWD|$work/shares.json|$PWD/bench/source-maps-on.js"
)
if [ "${BENCH_LIMITS:-}" = 1 ]; then cases+=("20 shares x 100 consumers (limits)|$PWD|$work/limits.json"); fi

echo "== synth"
python3 bench/synth.py "$runs" "$work" "${cases[@]}"
python3 bench/measure.py "cdktf CLI start-up (cdktf --version)" "$runs" -- npx cdktf --version
# The CLI's own synth cost: the same command on an app that synthesizes nothing.
mkdir -p "$work/empty"
printf '{"language":"typescript","app":"node %s"}\n' "$PWD/bench/empty-app.js" > "$work/empty/cdktf.json"
ln -s "$PWD/node_modules" "$work/empty/node_modules"
(cd "$work/empty" && python3 "$OLDPWD/bench/measure.py" "npx cdktf synth, empty app (CLI baseline)" "$runs" -- npx cdktf synth)
python3 bench/measure.py "npx cdktf synth, end to end" "$runs" -- npx cdktf synth --output "$work/cli.out"

echo "== failover function package"
bundle="$(node --require tsx/cjs -e 'process.stdout.write(require("./stacks/bundle").bundleFailoverFunction())')"
python3 - "$bundle/index.js" <<'PY'
import io, os, sys, zipfile
path = sys.argv[1]
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.write(path, "index.js")
print(f"{'bundle index.js':<44} {os.path.getsize(path) / 1024:7.1f} KB")
print(f"{'zip (deflate, as the archive provider makes)':<44} {len(buf.getvalue()) / 1024:7.1f} KB")
PY

echo "== failover function against moto"
bash scripts/python-tools.sh >/dev/null
node --require tsx/cjs bench/function.ts

echo "== failover run against moto (event to switch, calls by kind)"
node --require tsx/cjs bench/failover.ts

echo "== failover timeline, simulated (virtual time; parameters and sources printed below)"
node --require tsx/cjs bench/failover-sim.ts

echo "== reader sets: one populated against three, simulated"
node --require tsx/cjs bench/reader-sets.ts
