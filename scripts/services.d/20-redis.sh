#!/usr/bin/env bash
# The machine's Redis on 127.0.0.1:6379, no password. A server already answering is left alone;
# otherwise redis-server is installed when missing and started without persistence.
# Idempotent; Debian 12, as root.
set -euo pipefail
ready() { command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if ready; then
  echo "redis: already running on 6379"; exit 0
fi
if ! command -v redis-server >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
  # the package may start its own service: then that one serves
  for _ in $(seq 1 10); do ready && { echo "redis: installed and running on 6379"; exit 0; }; sleep 0.5; done
fi
mkdir -p /var/lib/redis /var/log/redis
redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
  --dir /var/lib/redis --logfile /var/log/redis/ci.log
for _ in $(seq 1 30); do ready && { echo "redis: started"; exit 0; }; sleep 0.5; done
echo "redis: did not start on 6379 (see /var/log/redis/ci.log)" >&2; exit 1
