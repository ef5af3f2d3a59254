#!/usr/bin/env bash
# Installs (idempotently) and starts every server the tests need on a Debian 12 machine, as root,
# leaving running ones alone. Each server has its own script in scripts/services.d/, run in name order.
# Usage: bash scripts/services.sh               # all
#        bash scripts/services.sh clickhouse    # only services.d/NN-clickhouse.sh (names after the number)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export TENANTDB_STATE="${TENANTDB_STATE:-/var/tmp/tenantdb}"
mkdir -p "$TENANTDB_STATE"
status=0
for script in "$here"/services.d/*.sh; do
  [ -e "$script" ] || continue
  name=$(basename "$script" .sh)
  if [ $# -gt 0 ] && [ "${name#*-}" != "$1" ]; then continue; fi
  echo "== services: $name"
  if ! bash "$script"; then
    echo "!! services: $name failed" >&2
    status=1
  fi
done
exit $status
