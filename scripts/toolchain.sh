#!/usr/bin/env bash
# Assembles the offline Terraform toolchain for the validate tier, idempotently, cached
# outside the repo under ~/.cache/rds-privatelink/<versions>/. It uses what the machine
# already has and builds only what is missing, from the Go module proxy:
#   - the CLIs: `terraform` >= 1.10 from the PATH when the machine has it, and OpenTofu built
#     from tools/tofu (a pinned Go tool dependency) always, so every tier runs under both;
#   - the provider binaries the bindings pin (hashicorp/aws 5.100.0, hashicorp/archive 2.7.1),
#     served from a filesystem mirror through a CLI config file it writes.
# It prints one line per part saying where it came from, and writes toolchain.env, which the
# tests source. A part that cannot be had is reported as missing with the reason.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

AWS_VERSION=5.100.0
ARCHIVE_VERSION=2.7.1
TOFU_VERSION="$(awk '$1 == "github.com/opentofu/opentofu" { print $2 }' "$here/tools/tofu/go.mod")"
MIN_TERRAFORM=1.10
platform="$(go env GOOS 2>/dev/null || echo linux)_$(go env GOARCH 2>/dev/null || echo amd64)"

cache="${RDS_PRIVATELINK_CACHE:-$HOME/.cache/rds-privatelink}"
root="$cache/toolchain-aws${AWS_VERSION}-archive${ARCHIVE_VERSION}-tofu${TOFU_VERSION}"
mirror="$root/mirror"
mkdir -p "$root" "$mirror"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOTOOLCHAIN=local

report() { printf '  %-28s %s\n' "$1" "$2"; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }
timed_build() { # label output args...: `go build -p 1` (the AWS provider is large), timed, peak RSS kept
  local label="$1" out="$2"; shift 2
  python3 - "$root/$label.build.stats" go build -p 1 -trimpath -o "$out" "$@" <<'PY' >"$root/$label.build.log" 2>&1
import resource, subprocess, sys, time
start = time.time()
code = subprocess.call(sys.argv[2:])
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
open(sys.argv[1], "w").write(f"{time.time() - start:.0f} s, peak {peak_mb} MB")
sys.exit(code)
PY
}

echo "toolchain in $root"

# ---- the CLIs ------------------------------------------------------------------------
# Terraform and OpenTofu users are equally first-class, so the tiers run under both: terraform
# from the machine when it has 1.10 or later, and OpenTofu always, built once and cached.
terraform_cli="" terraform_source="not on this machine (or older than $MIN_TERRAFORM)"
if command -v terraform >/dev/null 2>&1; then
  have="$(terraform version -json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["terraform_version"])' 2>/dev/null || true)"
  if [ -n "$have" ] && version_ge "$have" "$MIN_TERRAFORM"; then
    terraform_cli="$(command -v terraform)" terraform_source="machine (terraform $have)"
  fi
fi
report "terraform" "$terraform_source"
tofu_cli="$root/bin/tofu"
if [ ! -x "$tofu_cli" ]; then
  mkdir -p "$root/bin"
  (cd "$here/tools/tofu" && timed_build tofu "$tofu_cli" github.com/opentofu/opentofu/cmd/tofu) \
    || { echo "could not build OpenTofu $TOFU_VERSION; see $root/tofu.build.log" >&2; exit 1; }
  tofu_source="built from the Go module proxy ($(cat "$root/tofu.build.stats"))"
else
  tofu_source="cache (OpenTofu $TOFU_VERSION)"
fi
report "tofu" "$tofu_source"

# ---- provider binaries ---------------------------------------------------------------
# Where machine images keep provider mirrors or plugin directories.
search_dirs=("${RDS_PRIVATELINK_TF_PLUGINS:-}" /opt/tf-plugins "$HOME/.terraform.d/plugins" /usr/share/terraform/plugins /usr/local/share/terraform/plugins "$HOME/.local/share/terraform/plugins")

find_provider() { # name version -> path of an existing binary, or nothing
  local name="$1" version="$2" d f
  for d in "${search_dirs[@]}"; do
    [ -n "$d" ] && [ -d "$d" ] || continue
    f="$(find "$d" -path "*${platform}*" -name "terraform-provider-${name}_v${version}*" -type f 2>/dev/null | head -1)"
    [ -n "$f" ] && { echo "$f"; return; }
  done
}

missing=()
place_provider() { # name version go-module
  local name="$1" version="$2" module="$3"
  local dest_dir="$mirror/registry.terraform.io/hashicorp/$name/$version/$platform"
  local dest="$dest_dir/terraform-provider-${name}_v${version}_x5"
  mkdir -p "$dest_dir"
  if [ -x "$dest" ]; then
    report "hashicorp/$name $version" "cache"
  elif found="$(find_provider "$name" "$version")" && [ -n "$found" ]; then
    ln -sf "$found" "$dest"
    report "hashicorp/$name $version" "machine ($found)"
  else
    local work="$root/build-$name"
    mkdir -p "$work"
    printf 'module rds-privatelink/tools/provider-%s\n\ngo 1.24\n' "$name" > "$work/go.mod"
    if (cd "$work" && go get "$module@v$version" >"$root/$name.build.log" 2>&1 && timed_build "$name" "$dest" "$module"); then
      report "hashicorp/$name $version" "built from the Go module proxy ($(cat "$root/$name.build.stats"))"
    else
      rm -f "$dest"
      local why
      why="$(grep -m1 -oE '(403 Forbidden|404 Not Found|not available|invalid version)[^"]*' "$root/$name.build.log" || tail -1 "$root/$name.build.log")"
      report "hashicorp/$name $version" "MISSING: not on this machine, and the Go module proxy refused $module@v$version: $why"
      missing+=("$name")
    fi
  fi
  # OpenTofu looks providers up under its own registry host: the same binaries serve it.
  if [ -e "$dest" ]; then
    local alt="$mirror/registry.opentofu.org/hashicorp/$name/$version/$platform"
    mkdir -p "$alt" && ln -sf "$dest" "$alt/"
  fi
}
place_provider aws "$AWS_VERSION" github.com/hashicorp/terraform-provider-aws
place_provider archive "$ARCHIVE_VERSION" github.com/hashicorp/terraform-provider-archive

# ---- CLI config: filesystem mirror only, nothing from the network ---------------------
mkdir -p "$root/plugin-cache"
cat > "$root/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path = "$mirror"
  }
}
# Each init links the providers from here instead of copying 700 MB of AWS provider.
plugin_cache_dir = "$root/plugin-cache"
plugin_cache_may_break_dependency_lock_file = true
disable_checkpoint = true
EOF

# ---- the emulator --------------------------------------------------------------------
venv="$(bash "$here/scripts/python-tools.sh")"
report "moto server" "venv $venv"

cat > "$root/toolchain.env" <<EOF
TERRAFORM_CLI="$terraform_cli"
TOFU_CLI="$tofu_cli"
TF_CLI_CONFIG_FILE="$root/terraformrc"
TF_PLUGIN_MIRROR="$mirror"
TOOLCHAIN_MISSING="${missing[*]:-}"
MOTO_VENV="$venv"
EOF
echo "$root/toolchain.env"
