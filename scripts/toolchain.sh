#!/usr/bin/env bash
# Assembles the offline Terraform toolchain for the Terraform tiers, idempotently, cached outside
# the repo under ~/.cache/rds-privatelink/<versions>/ (RDS_PRIVATELINK_CACHE moves it). It uses what
# the machine already has and builds only what is missing:
#   - the CLIs: `terraform` >= 1.10 from the PATH when the machine has it, and OpenTofu built
#     from tools/tofu (a pinned Go tool dependency) always, so every tier runs under both;
#   - the provider binaries the bindings pin, in one filesystem mirror for both CLIs:
#     hashicorp/aws 5.100.0 from the machine or else the Go module proxy, and hashicorp/archive
#     2.7.1 built from the source tarball in ../shared/vendor, its sha256 checked first. Only a
#     checkout without ../shared/vendor tries the Go module proxy for it, which refuses it: the
#     tiers then say that they ran the provider stack without its archive_file.
# It prints one line per part saying where it came from, and last the path of toolchain.env,
# which the tests source. Two locks keep runs apart: one for the mirror, the CLI config, the
# emulator and toolchain.env, held for seconds once they are cached; one for OpenTofu's build,
# taken after. A second run (the tests' own) waits for the first, so the toolchain can be
# assembled in the background while other tiers run, and a run without OpenTofu never waits
# for OpenTofu's build.
#   scripts/toolchain.sh                  everything
#   scripts/toolchain.sh --no-tofu        everything but OpenTofu: what a tier under terraform
#                                         needs, ready while OpenTofu still builds
#   scripts/toolchain.sh --mirror-only    the provider mirror and a CLI config file for it, no
#                                         OpenTofu: for `terraform plan` offline with your own
#                                         CLI (docs/offline-review.md); prints the file's path
#   scripts/toolchain.sh --quiet          only the last line; the part lines go to toolchain.log
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

AWS_VERSION=5.100.0
ARCHIVE_VERSION=2.7.1
# The v2.7.1 tag's source as ../shared/vendor/README.md gives it: a tarball with another sum is refused.
ARCHIVE_SHA256=6330530b41dc932037554775638635a23bb574ec5a13e739873fd6b1fcbb97f4
TOFU_VERSION="$(awk '$1 == "github.com/opentofu/opentofu" { print $2 }' "$here/tools/tofu/go.mod")"
MIN_TERRAFORM=1.10
platform="$(go env GOOS 2>/dev/null || echo linux)_$(go env GOARCH 2>/dev/null || echo amd64)"

mirror_only="" quiet="" no_tofu=""
for arg in "$@"; do
  case "$arg" in
    --mirror-only) mirror_only=1 ;;
    --no-tofu) no_tofu=1 ;;
    --quiet) quiet=1 ;;
    *) echo "toolchain.sh: unknown option '$arg'; use --mirror-only, --no-tofu, --quiet or --help" >&2; exit 2 ;;
  esac
done

cache="${RDS_PRIVATELINK_CACHE:-$HOME/.cache/rds-privatelink}"
vendor="${RDS_PRIVATELINK_VENDOR:-$here/../shared/vendor}"
root="$cache/toolchain-aws${AWS_VERSION}-archive${ARCHIVE_VERSION}-tofu${TOFU_VERSION}"
mirror="$root/mirror"
mkdir -p "$root" "$mirror"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOTOOLCHAIN=local

# One run at a time per part: a run in the background and the tests' own would otherwise build
# the same binaries twice and write the same files at once. The later run waits, then finds it
# all cached.
exec 9>"$root/.lock" 8>"$root/.lock-tofu"
hold_lock() { # fd file
  if ! flock -n "$1"; then
    echo "toolchain: waiting for another run to finish ($2)" >&2
    flock "$1"
  fi
}
hold_lock 9 "$root/.lock"

# Part lines go to stdout, or to toolchain.log with --quiet (appended: runs may overlap); the
# last line always to stdout (fd 3).
if [ -n "$quiet" ]; then
  exec 3>&1 >>"$root/toolchain.log"
else
  exec 3>&1
fi
report() { printf '  %-28s %s\n' "$1" "$2"; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }
# Packages built at once: one for a provider from the module proxy (the AWS provider's packages
# are large enough to need gigabytes each), every core for OpenTofu and hashicorp/archive, whose
# build peaks at 1.5 GB either way. OpenTofu's build with an empty GOCACHE took 321 s with -p 2
# on an idle 2-core machine (180% CPU); the cache's record of an earlier -p 1 build says 453 s.
# Beside npm test's unit tiers it takes whatever core they leave idle.
# GOGC=400 (unless set): the compiler collects garbage less often. hashicorp/archive's build with
# an empty GOCACHE took 144 s of user CPU at the default and 117 s at 400, for 381 MB of peak
# memory instead of 333; OpenTofu's build is about 3.5 times as much work (600 CPU seconds).
timed_build() { # label output packages-at-once args...: `go build`, timed, peak RSS kept
  local label="$1" out="$2" jobs="$3"; shift 3
  GOGC="${GOGC:-400}" python3 - "$root/$label.build.stats" go build -p "$jobs" -trimpath -o "$out" "$@" <<'PY' >"$root/$label.build.log" 2>&1
import resource, subprocess, sys, time
start = time.time()
code = subprocess.call(sys.argv[2:])
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
open(sys.argv[1], "w").write(f"{time.time() - start:.0f} s, peak {peak_mb} MB")
sys.exit(code)
PY
}
# Files the tests read are written whole or not at all: a reader never sees half of one.
write_file() { # path < content
  cat >"$1.$$.tmp" && mv -f "$1.$$.tmp" "$1"
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
tofu_cli="$root/bin/tofu"
[ -n "$mirror_only" ] || report "terraform" "$terraform_source"

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

# hashicorp/archive from the vendored source tarball: the checksum first, then `go build` of the
# unpacked tree, its Go dependencies from the module proxy and checked against its own go.sum.
build_archive_from_vendor() { # dest
  local dest="$1" tarball="$vendor/terraform-provider-archive-v$ARCHIVE_VERSION.tar.gz" sum src
  [ -f "$tarball" ] || { echo "toolchain: $vendor has no terraform-provider-archive-v$ARCHIVE_VERSION.tar.gz; put the v$ARCHIVE_VERSION source tarball there (see its README.md)" >&2; exit 1; }
  sum="$(sha256sum "$tarball" | cut -d' ' -f1)"
  if [ "$sum" != "$ARCHIVE_SHA256" ]; then
    echo "toolchain: refusing $tarball: its sha256 is $sum, not $ARCHIVE_SHA256 (the v$ARCHIVE_VERSION tag's); replace it with the tagged source" >&2
    exit 1
  fi
  src="$root/src-archive"
  rm -rf "$src" && mkdir -p "$src" && tar -xzf "$tarball" -C "$src"
  if (cd "$src" && GOFLAGS=-mod=readonly timed_build archive "$dest.tmp" "$(nproc)" .); then
    mv -f "$dest.tmp" "$dest"
    rm -rf "$src"
    report "hashicorp/archive $ARCHIVE_VERSION" "built from $tarball, sha256 checked ($(cat "$root/archive.build.stats"))"
  else
    rm -f "$dest.tmp"
    echo "toolchain: could not build hashicorp/archive $ARCHIVE_VERSION from $tarball; see $root/archive.build.log" >&2
    exit 1
  fi
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
  elif [ "$name" = archive ] && [ -d "$vendor" ]; then
    build_archive_from_vendor "$dest"
  else
    local work="$root/build-$name"
    mkdir -p "$work"
    printf 'module rds-privatelink/tools/provider-%s\n\ngo 1.24\n' "$name" > "$work/go.mod"
    if (cd "$work" && go get "$module@v$version" >"$root/$name.build.log" 2>&1 && timed_build "$name" "$dest.tmp" 1 "$module" && mv -f "$dest.tmp" "$dest"); then
      report "hashicorp/$name $version" "built from the Go module proxy ($(cat "$root/$name.build.stats"))"
    else
      rm -f "$dest" "$dest.tmp"
      local why where="not on this machine"
      why="$(grep -m1 -oE '(403 Forbidden|404 Not Found|not available|invalid version)[^"]*' "$root/$name.build.log" || tail -1 "$root/$name.build.log")"
      [ "$name" = archive ] && where="no $vendor beside this checkout"
      report "hashicorp/$name $version" "MISSING: $where, and the Go module proxy refused $module@v$version: $why"
      missing+=("$name")
    fi
  fi
  # OpenTofu looks providers up under its own registry host: the same binaries serve it.
  if [ -e "$dest" ]; then
    local alt="$mirror/registry.opentofu.org/hashicorp/$name/$version/$platform"
    mkdir -p "$alt" && ln -sfn "$dest" "$alt/terraform-provider-${name}_v${version}_x5"
  fi
}
# archive first: its checksum is checked before anything long is built.
place_provider archive "$ARCHIVE_VERSION" github.com/hashicorp/terraform-provider-archive
place_provider aws "$AWS_VERSION" github.com/hashicorp/terraform-provider-aws

# ---- CLI config: filesystem mirror only, nothing from the network ---------------------
mkdir -p "$root/plugin-cache"
write_file "$root/terraformrc" <<EOF
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

if [ -n "$mirror_only" ]; then
  report "CLI config file" "export TF_CLI_CONFIG_FILE=$root/terraformrc (docs/offline-review.md)"
  echo "$root/terraformrc" >&3
  exit 0
fi

# ---- the emulator --------------------------------------------------------------------
venv="$(bash "$here/scripts/python-tools.sh")"
report "moto server" "venv $venv"

write_file "$root/toolchain.env" <<EOF
TERRAFORM_CLI="$terraform_cli"
TOFU_CLI="$tofu_cli"
TF_CLI_CONFIG_FILE="$root/terraformrc"
TF_PLUGIN_MIRROR="$mirror"
TOOLCHAIN_MISSING="${missing[*]:-}"
MOTO_VENV="$venv"
EOF
flock -u 9

# ---- OpenTofu ------------------------------------------------------------------------
# Built last, under a lock of its own: the mirror and the emulator above are all a tier under
# terraform needs, and they are ready minutes before OpenTofu's build is done. TOFU_CLI above
# is where it lives once built: a run without --no-tofu has built it before it prints the path
# of toolchain.env, and a --no-tofu run's caller does not use it.
if [ -z "$no_tofu" ]; then
  hold_lock 8 "$root/.lock-tofu"
  if [ ! -x "$tofu_cli" ]; then
    mkdir -p "$root/bin"
    (cd "$here/tools/tofu" && timed_build tofu "$tofu_cli.tmp" "$(nproc)" github.com/opentofu/opentofu/cmd/tofu && mv -f "$tofu_cli.tmp" "$tofu_cli") \
      || { echo "toolchain: could not build OpenTofu $TOFU_VERSION; see $root/tofu.build.log" >&2; exit 1; }
    report "tofu" "built from the Go module proxy ($(cat "$root/tofu.build.stats"))"
  else
    report "tofu" "cache (OpenTofu $TOFU_VERSION)"
  fi
  flock -u 8
fi
echo "$root/toolchain.env" >&3
