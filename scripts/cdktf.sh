#!/usr/bin/env bash
# npm run deploy -- STACK... and npm run cdktf -- COMMAND ...: cdktf-cli, set up for this project.
# It sets CHECKPOINT_DISABLE=1 unless you set it yourself, so neither cdktf-cli nor Terraform
# calls checkpoint-api.hashicorp.com (offline, cdktf prints an [ERROR] for that call). cdktf-cli
# 0.21 starts on Node 20 and 22 only: on another Node this says so in one line and exits 2.
#   npm run deploy -- provider                 deploy the provider stack
#   npm run deploy -- consumer-app --ignore-missing-stack-dependencies
#   npm run cdktf -- diff provider             any other cdktf command: diff, destroy, output, synth --hcl
# The config comes from RDS_PRIVATELINK_CONFIG, as for npm run synth. cdktf's own options pass
# through unchanged; `CHECKPOINT_DISABLE=1 npx cdktf deploy --help` lists them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -gt 0 ] || { echo "${BASH_SOURCE[0]}: name a cdktf command, for example: npm run cdktf -- diff provider" >&2; exit 2; }
export CHECKPOINT_DISABLE="${CHECKPOINT_DISABLE:-1}"

# cdktf-cli loads a terminal module built per Node ABI; without one for this Node it fails
# with a stack trace (NODE_MODULE_VERSION or "Cannot find module ../build/Debug/pty.node").
if ! node -e '
  const path = require("path"), fs = require("fs");
  const dir = path.dirname(require.resolve("@cdktf/node-pty-prebuilt-multiarch/package.json"));
  const prebuilt = path.join(dir, "prebuilds", `${process.platform}-${process.arch}`, `node.abi${process.versions.modules}.node`);
  process.exit(fs.existsSync(prebuilt) || fs.existsSync(path.join(dir, "build", "Release", "pty.node")) ? 0 : 1);
' 2>/dev/null; then
  echo "cdktf-cli 0.21 cannot start on Node $(node --version) (it runs on Node 20 and 22): put Node 22 first on the PATH (PATH=\"\$(bash scripts/node-versions.sh 22.20.0):\$PATH\" npm run cdktf -- $*), or use npm run synth and then terraform (or tofu) in cdktf.out/stacks/<stack>" >&2
  exit 2
fi
exec node_modules/.bin/cdktf "$@"
