#!/usr/bin/env bash
# Installs (once) the real database servers and clients that the database tiers run on
# loopback: MariaDB (the MySQL family) and PostgreSQL, from Debian's packages. Idempotent:
# apt is asked only for what is missing. It starts nothing; each test starts its own server
# in a temporary directory and stops it. Prints one line per part, then `ok`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/usage.sh" && usage_if_asked "${BASH_SOURCE[0]}" "$@" && no_options "${BASH_SOURCE[0]}" "$@"

need=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || need+=(mariadb-client)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
command -v openssl >/dev/null 2>&1 || need+=(openssl)

if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing ${need[*]}: install them with apt-get as root (Debian packages)" >&2
    exit 1
  fi
  # The packages' own maintainer scripts would start system-wide servers: the tests run their
  # own, so policy-rc.d keeps the system ones from starting.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
printf '  %-12s %s\n' mariadbd "$( (command -v mariadbd || echo /usr/sbin/mariadbd) )" postgres "$(ls -d /usr/lib/postgresql/*/bin/postgres | tail -1)" psql "$(command -v psql)" mariadb "$(command -v mariadb)"
echo ok
