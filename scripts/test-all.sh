#!/usr/bin/env bash
# npm test: every tier, fastest first. Each tier installs what it needs (idempotently,
# cached outside the repo) so a fresh clone needs nothing but `npm ci`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CHECKPOINT_DISABLE=1   # no cdktf/terraform version or telemetry calls: the machines are offline

step() { printf '\n== %s\n' "$*"; }

step "type-check (tsc --noEmit)"
npx tsc --noEmit

step "unit tier"
npx jest --selectProjects unit

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
