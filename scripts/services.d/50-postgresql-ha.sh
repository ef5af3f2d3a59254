#!/usr/bin/env bash
# A dedicated PostgreSQL primary/standby pair for the failover tests of the tenancy module:
#   ha1 on 127.0.0.1:5433 (primary: wal_level=replica, role `replicator` with REPLICATION,
#   trust for replication from 127.0.0.1) and ha2 on 127.0.0.1:5434 (standby made by
#   pg_basebackup -R -X stream -C -S ha_slot, streaming from ha1). Replication is synchronous
#   (synchronous_standby_names = '*' on ha1) so a write acknowledged by ha1 is on ha2 too: the
#   failover test checks that no acknowledged write is lost.
# NEVER touches the machine's main cluster on 5432.
# Idempotent: a healthy pair (ha1 primary, ha2 in recovery, ha1's pg_stat_replication streaming)
# is left alone; anything else is repaired: ha1 (re)started as primary, ha2 rebuilt from it.
# `50-postgresql-ha.sh rebuild` forces the rebuild of ha2 (after a test promoted it).
# Debian 12, as root (PostgreSQL runs as postgres through pg_ctlcluster / runuser).
set -euo pipefail
V=${PG_HA_VERSION:-15}
P1=5433
P2=5434
SLOT=ha_slot
DATA2=/var/lib/postgresql/$V/ha2
log() { echo "postgresql-ha: $*"; }
psql1() { runuser -u postgres -- psql -X -q -At -h 127.0.0.1 -p $P1 -d postgres -c "$1"; }
psql2() { runuser -u postgres -- psql -X -q -At -h 127.0.0.1 -p $P2 -d postgres -c "$1"; }
exists() { pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$V $1"; }
online() { pg_ctlcluster "$V" "$1" status >/dev/null 2>&1; }
wait_ready() { for _ in $(seq 1 100); do pg_isready -q -h 127.0.0.1 -p "$1" && return 0; sleep 0.2; done; return 1; }

healthy() {
  online ha1 && online ha2 \
    && [ "$(psql1 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] \
    && [ "$(psql2 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ] \
    && [ "$(psql1 "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state = 'sync'" 2>/dev/null)" -ge 1 ]
}
streaming() {
  [ "$(psql1 "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'" 2>/dev/null)" -ge 1 ]
}

configure() { # cluster port extra-settings
  local conf=/etc/postgresql/$V/$1
  mkdir -p "$conf/conf.d"
  printf "listen_addresses = '127.0.0.1'\nport = %s\n%s" "$2" "$3" > "$conf/conf.d/90-ha.conf"
  { echo "# tenantdb failover test bed: trust loopback, replication for replicator"
    echo "local all all trust"
    echo "host all all 127.0.0.1/32 trust"
    echo "host replication replicator 127.0.0.1/32 trust"
    echo "host replication postgres 127.0.0.1/32 trust"; } > "$conf/pg_hba.conf"
  chown -R postgres:postgres "$conf"
  chmod 640 "$conf/pg_hba.conf"
}

if [ "${1:-}" != rebuild ] && healthy; then
  log "pair healthy (ha1 primary on $P1, ha2 streaming on $P2)"; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if [ ! -x /usr/lib/postgresql/$V/bin/postgres ]; then
  apt-get update -qq && apt-get install -y -qq "postgresql-$V" >/dev/null
fi

# ---- ha1: the primary
if ! exists ha1; then
  log "creating ha1 on $P1"
  pg_createcluster "$V" ha1 --port $P1 >/dev/null
fi
configure ha1 $P1 "wal_level = replica\nmax_wal_senders = 10\nmax_replication_slots = 10\nwal_keep_size = 64MB\n"
sed -i 's/\\n/\n/g' /etc/postgresql/$V/ha1/conf.d/90-ha.conf
if online ha1; then
  pg_ctlcluster "$V" ha1 reload
  if [ "$(psql1 'SELECT pg_is_in_recovery()')" = t ]; then
    log "ha1 is in recovery: promoting it back to primary"
    pg_ctlcluster "$V" ha1 promote
  fi
else
  if [ -e /var/lib/postgresql/$V/ha1/standby.signal ]; then rm -f /var/lib/postgresql/$V/ha1/standby.signal; fi
  pg_ctlcluster "$V" ha1 start
fi
wait_ready $P1
for _ in $(seq 1 50); do [ "$(psql1 'SELECT pg_is_in_recovery()')" = f ] && break; sleep 0.2; done
# commits must not wait for a standby that is being rebuilt
psql1 "ALTER SYSTEM RESET synchronous_standby_names"
psql1 "SELECT pg_reload_conf()" >/dev/null
psql1 "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'replicator') THEN CREATE ROLE replicator LOGIN REPLICATION; END IF; END\$\$"

# ---- ha2: rebuilt from ha1
log "rebuilding ha2 from ha1"
if exists ha2; then
  pg_ctlcluster "$V" ha2 stop -m immediate >/dev/null 2>&1 || true
  pg_dropcluster "$V" ha2
fi
psql1 "SELECT pg_drop_replication_slot('$SLOT') FROM pg_replication_slots WHERE slot_name = '$SLOT' AND NOT active" >/dev/null
pg_createcluster "$V" ha2 --port $P2 >/dev/null
configure ha2 $P2 "hot_standby = on\n"
sed -i 's/\\n/\n/g' /etc/postgresql/$V/ha2/conf.d/90-ha.conf
rm -rf "${DATA2:?}"/*
runuser -u postgres -- pg_basebackup -h 127.0.0.1 -p $P1 -U replicator -D "$DATA2" -R -X stream -C -S $SLOT -c fast
pg_ctlcluster "$V" ha2 start
wait_ready $P2
for _ in $(seq 1 150); do streaming && break; sleep 0.2; done
psql1 "ALTER SYSTEM SET synchronous_standby_names = '*'"
psql1 "SELECT pg_reload_conf()" >/dev/null
for _ in $(seq 1 150); do
  if healthy; then log "pair healthy (ha1 primary on $P1, ha2 streaming on $P2)"; exit 0; fi
  sleep 0.2
done
log "ha2 did not reach streaming state"; exit 1
