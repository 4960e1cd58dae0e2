#!/usr/bin/env bash
# npm run security: the IAM, secrets and checkov checks (docs/SECURITY.md). Creates (once) the
# checkov venv (scripts/python-tools.sh scanner, cached outside the repo), then runs the unit
# tier's security tests and checkov over the config matrix.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@" && no_options "${BASH_SOURCE[0]}" "$@"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CHECKPOINT_DISABLE=1
bash scripts/python-tools.sh scanner
npx jest --selectProjects unit --testPathPattern security
npx jest --selectProjects terraform --testPathPattern checkov
