#!/usr/bin/env bash
# Runs one Terraform tier (validate or e2e) once under each CLI the toolchain has: terraform
# where the machine has it, and OpenTofu always. Each run exports the CLI before Jest starts,
# because cdktf's test matchers read TERRAFORM_BINARY_NAME when cdktf is first loaded.
#   scripts/terraform-tier.sh validate            every CLI
#   scripts/terraform-tier.sh e2e tofu            one CLI
#   TERRAFORM_TIER_SERIAL=1                       one CLI after the other (both run at once on 2+ cores)
#   TERRAFORM_TIER_FILES=<regex>                  only the test files matching it (e.g. e2e-shares), not the whole tier
#   TERRAFORM_TIER_WORKERS=<n>                    test files run at once per CLI (e2e: 2, validate: 1)
# At the end it prints where the time went: per CLI, test file and command (init, plan, apply...);
# RDS_PRIVATELINK_TF_TIMINGS=<file> keeps each command's line there too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@" && no_options "${BASH_SOURCE[0]}" "$@"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tier="${1:?usage: terraform-tier.sh validate|e2e [terraform|tofu ...]}"
shift
# Everything but OpenTofu first (the mirror, the emulator, toolchain.env): the run under terraform
# starts on it while OpenTofu may still be building, and the run under OpenTofu waits for that
# build itself (run_cli below). npm test starts the e2e tier this way, from its first minute.
env_file="$(bash "$here/scripts/toolchain.sh" --quiet --no-tofu | tail -1)"
# shellcheck disable=SC1090
source "$env_file"
clis=("$@")
if [ ${#clis[@]} -eq 0 ]; then
  [ -n "$TERRAFORM_CLI" ] && clis+=(terraform)
  clis+=(tofu)
fi
# One CLI's run of the tier. The environment is set before Jest starts, because cdktf's test
# matchers read TERRAFORM_BINARY_NAME when cdktf is first loaded.
run_cli() {
  local cli="$1" binary
  case "$cli" in
    terraform) binary="$TERRAFORM_CLI" ;;
    tofu)
      bash "$here/scripts/toolchain.sh" --quiet >/dev/null || { echo "the toolchain could not build OpenTofu (above)" >&2; return 1; }
      binary="$TOFU_CLI"
      ;;
    *) echo "unknown CLI '$cli': use terraform or tofu" >&2; return 2 ;;
  esac
  [ -n "$binary" ] || { echo "the toolchain has no $cli on this machine" >&2; return 2; }
  printf '\n== %s tier under %s (%s)\n' "$tier" "$cli" "$binary"
  local files="${TERRAFORM_TIER_FILES:-$tier}"
  # An e2e file mostly waits: on the AWS provider's own polling of the emulator between calls.
  # Each file has its own emulator, DNS server, folders and state, so two of them share a CLI's
  # run; validate spends its time loading the provider's schema, one core's work, so one.
  local workers="${TERRAFORM_TIER_WORKERS:-$([ "$tier" = e2e ] && echo 2 || echo 1)}"
  # GOGC=400: the Go runtime of the CLI and of each provider process it starts (they inherit it)
  # collects garbage a quarter as often. The AWS provider spends most of its start building its
  # schema, and the tiers start it hundreds of times: one npm test's process accounting counted
  # 660 starts and 1,132 CPU seconds. `terraform validate` of a one-resource stack took 5.8 CPU
  # seconds at the default (GOGC=100) and 4.6 at 400, for 360 MB of memory instead of 313.
  (cd "$here" && RDS_PRIVATELINK_CLI="$cli" TERRAFORM_BINARY_NAME="$binary" TF_CLI_CONFIG_FILE="$TF_CLI_CONFIG_FILE" CHECKPOINT_DISABLE=1 \
    GOGC="${GOGC:-400}" \
    RDS_PRIVATELINK_TF_TIMINGS="$timings" npx jest --selectProjects terraform --testPathPattern "$files" --maxWorkers "$workers")
}

# Each command's wall time, appended by the tests (__tests__/terraform/toolchain.ts), summed here.
# A caller that sets RDS_PRIVATELINK_TF_TIMINGS keeps the lines (JSON, one per command) for itself.
timings="${RDS_PRIVATELINK_TF_TIMINGS:-$(mktemp)}"
summary() {
  python3 - "$timings" "$tier" <<'PY'
import collections, json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
if not rows: sys.exit(0)
total = collections.defaultdict(float); count = collections.Counter()
for r in rows:
    key = (r["cli"], r["file"], r["command"]); total[key] += r["seconds"]; count[key] += 1
print(f"\nwhere the {sys.argv[2]} tier's CLI time went (wall seconds; commands of one CLI may overlap):")
for key in sorted(total, key=lambda k: (k[0], k[1], -total[k])):
    print(f"  {key[0]:<9} {key[1]:<36} {key[2]:<14} {count[key]:>4} x  {total[key]:8.1f} s")
PY
  [ -n "${RDS_PRIVATELINK_TF_TIMINGS:-}" ] || rm -f "$timings"
}
trap summary EXIT

# Each CLI's run is at most one core's work (terraform validate spends seconds of CPU loading the
# AWS provider's schema, one stack after another; an e2e deploy mostly waits on the provider's
# own polling of the emulator) and shares nothing with the other's but the read-only provider
# mirror: every run has its own temporary folders, states, emulator and DNS server on free ports.
# With two CLIs on a machine of two or more cores, both run at once, each into its own log,
# printed whole when both are done. TERRAFORM_TIER_SERIAL=1 runs them one after the other.
if [ ${#clis[@]} -gt 1 ] && [ "$(nproc)" -ge 2 ] && [ "${TERRAFORM_TIER_SERIAL:-}" != 1 ]; then
  logs="$(mktemp -d)"
  pids=()
  for cli in "${clis[@]}"; do
    run_cli "$cli" >"$logs/$cli.log" 2>&1 &
    pids+=($!)
  done
  failed=()
  for i in "${!clis[@]}"; do
    wait "${pids[$i]}" || failed+=("${clis[$i]}")
  done
  for cli in "${clis[@]}"; do cat "$logs/$cli.log"; done
  rm -rf "$logs"
  if [ ${#failed[@]} -gt 0 ]; then
    echo "the $tier tier failed under: ${failed[*]}" >&2
    exit 1
  fi
  exit 0
fi

for cli in "${clis[@]}"; do
  run_cli "$cli"
done
