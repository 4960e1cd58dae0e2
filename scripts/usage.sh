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

# For a script that takes no options (its arguments, if any, are names such as a tier or a
# version): any other word starting with - is a usage error, said in one line with exit 2,
# before the script installs or runs anything with it as a value.
no_options() {
  local script="$1"; shift
  for arg in "$@"; do
    case "$arg" in
      -*) echo "$script: unknown option $arg; it takes none (--help prints its usage)" >&2; exit 2 ;;
    esac
  done
}
