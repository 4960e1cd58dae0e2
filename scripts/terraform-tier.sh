#!/usr/bin/env bash
# Runs one Terraform tier (validate or e2e) once under each CLI the toolchain has: terraform
# where the machine has it, and OpenTofu always. Each run exports the CLI before Jest starts,
# because cdktf's test matchers read TERRAFORM_BINARY_NAME when cdktf is first loaded.
#   scripts/terraform-tier.sh validate            every CLI
#   scripts/terraform-tier.sh e2e tofu            one CLI
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tier="${1:?usage: terraform-tier.sh validate|e2e [terraform|tofu ...]}"
shift
env_file="$(bash "$here/scripts/toolchain.sh" | tail -1)"
# shellcheck disable=SC1090
source "$env_file"
clis=("$@")
if [ ${#clis[@]} -eq 0 ]; then
  [ -n "$TERRAFORM_CLI" ] && clis+=(terraform)
  clis+=(tofu)
fi
for cli in "${clis[@]}"; do
  case "$cli" in
    terraform) binary="$TERRAFORM_CLI" ;;
    tofu) binary="$TOFU_CLI" ;;
    *) echo "unknown CLI '$cli': use terraform or tofu" >&2; exit 2 ;;
  esac
  [ -n "$binary" ] || { echo "the toolchain has no $cli on this machine" >&2; exit 2; }
  printf '\n== %s tier under %s (%s)\n' "$tier" "$cli" "$binary"
  (cd "$here" && RDS_PRIVATELINK_CLI="$cli" TERRAFORM_BINARY_NAME="$binary" TF_CLI_CONFIG_FILE="$TF_CLI_CONFIG_FILE" CHECKPOINT_DISABLE=1 \
    npx jest --selectProjects terraform --testPathPattern "$tier")
done
