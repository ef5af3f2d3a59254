#!/usr/bin/env bash
# A dedicated, throw-away PostgreSQL cluster for the full-size connection-budget test of the
# tenancy module (ConnectionBudgetIT: 1,000 database-per-tenant tenants under a 50-connection
# budget): `budget` on 127.0.0.1:5435, trust on loopback, max_connections = 150, and durability
# off (fsync, full_page_writes, synchronous_commit), which makes CREATE/DROP DATABASE cheap enough
# to provision a thousand tenants in a test. It holds nothing but test tenants: never use such
# settings for data you keep. NEVER touches the machine's main cluster on 5432.
# Idempotent: an online cluster is left alone. `60-postgresql-budget.sh reset` drops and recreates
# it (seconds, where dropping a thousand databases one by one takes minutes). Debian 12, as root.
set -euo pipefail
V=${PG_BUDGET_VERSION:-15}
PORT=5435
DATA=${PG_BUDGET_DATA:-/dev/shm/tenantdb-budget/data}
exists() { pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$V budget"; }
log() { echo "postgresql-budget: $*"; }
export DEBIAN_FRONTEND=noninteractive
if [ ! -x /usr/lib/postgresql/$V/bin/postgres ]; then
  apt-get update -qq && apt-get install -y -qq "postgresql-$V" >/dev/null
fi
# reset on request, and when the in-memory data directory is gone (after a reboot)
if exists && { [ "${1:-}" = reset ] || [ ! -f "$DATA/PG_VERSION" ]; }; then
  log "dropping cluster budget"
  pg_ctlcluster "$V" budget stop -m immediate >/dev/null 2>&1 || true
  pg_dropcluster "$V" budget
  rm -rf "$DATA"
fi
if ! exists; then
  log "creating cluster budget on $PORT (data in $DATA)"
  mkdir -p "$(dirname "$DATA")"
  chown postgres:postgres "$(dirname "$DATA")"
  pg_createcluster "$V" budget --port $PORT -d "$DATA" >/dev/null
fi
conf=/etc/postgresql/$V/budget
mkdir -p "$conf/conf.d"
printf "%s\n" "listen_addresses = '127.0.0.1'" "port = $PORT" "max_connections = 150" \
  "fsync = off" "full_page_writes = off" "synchronous_commit = off" "shared_buffers = 64MB" \
  > "$conf/conf.d/90-budget.conf"
{ echo "# tenantdb budget test bed: trust loopback"
  echo "local all all trust"
  echo "host all all 127.0.0.1/32 trust"; } > "$conf/pg_hba.conf"
chown -R postgres:postgres "$conf"
chmod 640 "$conf/pg_hba.conf"
if ! pg_ctlcluster "$V" budget status >/dev/null 2>&1; then
  pg_ctlcluster "$V" budget start
fi
for _ in $(seq 1 100); do
  pg_isready -q -h 127.0.0.1 -p $PORT && { log "up on 127.0.0.1:$PORT"; exit 0; }
  sleep 0.2
done
log "did not start; see /var/log/postgresql/postgresql-$V-budget.log"
exit 1
