# Sourced by the project's shell scripts: --help or -h prints the script's header comment (its
# usage, so the two cannot drift) and exits 0. Exit codes are the same everywhere: 0 ok,
# 1 a finding, 2 a usage or config error.
usage_if_asked() {
  local script="$1"; shift
  for arg in "$@"; do
    case "$arg" in
      -h|--help) sed -n '2,/^[^#]/p' "$script" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    esac
  done
}
