#!/usr/bin/env bash
# A 6-node Redis Cluster (3 masters, 3 replicas) on 127.0.0.1:7000-7005 for the Redis engine's
# cluster ITs. Never touches the machine's Redis on 6379. Nothing is kept on disk but nodes.conf.
#
# Idempotent: a cluster that answers cluster_state:ok is left alone; nodes that are down (e.g. a test
# killed a master) are started again with their nodes.conf so they rejoin (as replicas); when that
# does not give a healthy cluster, or with --recreate, every node is stopped, wiped and created again.
# State: $TENANTDB_STATE/redis-cluster (default /var/tmp/tenantdb/redis-cluster).
# Usage: bash scripts/services.d/40-redis-cluster.sh [--recreate]
set -euo pipefail
ports=(7000 7001 7002 7003 7004 7005)
dir="${TENANTDB_STATE:-/var/tmp/tenantdb}/redis-cluster"
cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }

healthy() {
  local p state
  for p in "${ports[@]}"; do
    state=$(cli "$p" cluster info 2>/dev/null | tr -d '\r' | awk -F: '$1=="cluster_state"{print $2}') || return 1
    [ "$state" = "ok" ] || return 1
  done
  # 3 masters, each with its replica
  [ "$(cli 7000 cluster nodes 2>/dev/null | grep -c master)" -eq 3 ] || return 1
  [ "$(cli 7000 cluster nodes 2>/dev/null | grep -c slave)" -eq 3 ] || return 1
}

if [ "${1:-}" != "--recreate" ] && healthy; then
  echo "redis-cluster: already running and healthy on 7000-7005"; exit 0
fi

if ! command -v redis-server >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
fi
mkdir -p "$dir"

start_node() {
  redis-server --port "$1" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/nodes-$1.conf" \
    --cluster-node-timeout 5000 --save '' --appendonly no --daemonize yes --dir "$dir" \
    --logfile "$dir/$1.log" --pidfile "$dir/$1.pid"
}

# Some nodes down, the others up: restart the missing ones so they rejoin with their nodes.conf.
missing=()
for p in "${ports[@]}"; do cli "$p" ping >/dev/null 2>&1 || missing+=("$p"); done
if [ "${1:-}" != "--recreate" ] && [ ${#missing[@]} -gt 0 ] && [ ${#missing[@]} -lt ${#ports[@]} ]; then
  for p in "${missing[@]}"; do
    [ -f "$dir/nodes-$p.conf" ] && start_node "$p"
  done
  for _ in $(seq 1 60); do
    if healthy; then echo "redis-cluster: restarted ${missing[*]}, healthy again"; exit 0; fi
    sleep 0.5
  done
  echo "redis-cluster: restarting ${missing[*]} did not heal the cluster: recreating it"
fi

# Stop whatever runs on our ports (only our ports), then wipe the cluster state.
for p in "${ports[@]}"; do
  if [ -f "$dir/$p.pid" ] && kill -0 "$(cat "$dir/$p.pid")" 2>/dev/null; then
    kill "$(cat "$dir/$p.pid")" 2>/dev/null || true
  elif cli "$p" ping >/dev/null 2>&1; then
    cli "$p" shutdown nosave >/dev/null 2>&1 || true
  fi
done
for p in "${ports[@]}"; do
  for _ in $(seq 1 50); do cli "$p" ping >/dev/null 2>&1 || break; sleep 0.1; done
  rm -f "$dir/nodes-$p.conf" "$dir/dump.rdb" "$dir/$p.pid"
done

for p in "${ports[@]}"; do start_node "$p"; done
for p in "${ports[@]}"; do
  for _ in $(seq 1 50); do cli "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

redis-cli --cluster create 127.0.0.1:7000 127.0.0.1:7001 127.0.0.1:7002 127.0.0.1:7003 127.0.0.1:7004 \
  127.0.0.1:7005 --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 || {
  echo "redis-cluster: 'redis-cli --cluster create' failed, see $dir/create.log" >&2; exit 1; }

for _ in $(seq 1 120); do
  if healthy; then echo "redis-cluster: started on 7000-7005 ($dir)"; exit 0; fi
  sleep 0.5
done
echo "redis-cluster: nodes started but cluster_state is not ok after 60 s, see $dir/*.log" >&2
exit 1
