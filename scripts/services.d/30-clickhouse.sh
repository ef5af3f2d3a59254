#!/usr/bin/env bash
# The machine's ClickHouse (Debian 12 package, 18.16) on 127.0.0.1:8123 (HTTP) / 9000 (native),
# user "default" without password. Installed when missing, bound to 127.0.0.1 only, started as the
# clickhouse user when /ping does not answer. Idempotent; never restarts a running server.
set -euo pipefail
ping_url=http://127.0.0.1:8123/ping
if curl -sf "$ping_url" >/dev/null 2>&1; then
  echo "clickhouse: already running on 8123"; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! command -v clickhouse-server >/dev/null; then
  # Refresh the package lists only when the package is not installable from the current ones.
  if ! apt-cache policy clickhouse-server 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    apt-get update -qq
  fi
  apt-get install -y -qq clickhouse-server clickhouse-client >/dev/null
fi
conf_dir=/etc/clickhouse-server
mkdir -p "$conf_dir/config.d"
cat > "$conf_dir/config.d/tenantdb-listen.xml" <<'XML'
<?xml version="1.0"?>
<!-- Written by tenantdb scripts/services.d/30-clickhouse.sh: loopback only. -->
<yandex>
    <listen_host replace="replace">127.0.0.1</listen_host>
</yandex>
XML
state="${TENANTDB_STATE:-/var/tmp/tenantdb}/clickhouse"
mkdir -p "$state" /var/lib/clickhouse /var/log/clickhouse-server
# clickhouse-server --daemon exits silently when it cannot write its pid file or data/log dirs.
for dir in "$state" /var/lib/clickhouse /var/log/clickhouse-server; do
  [ "$(stat -c %U "$dir")" = clickhouse ] || chown -R clickhouse:clickhouse "$dir"
done
rm -f "$state/ch.pid"
(cd /var/lib/clickhouse && runuser -u clickhouse -- clickhouse-server --daemon \
  --pid-file="$state/ch.pid" --config-file="$conf_dir/config.xml")
for _ in $(seq 1 120); do
  if curl -sf "$ping_url" >/dev/null 2>&1; then echo "clickhouse: started"; exit 0; fi
  sleep 0.5
done
echo "clickhouse: did not answer $ping_url within 60 s; log tail:" >&2
for log in /var/log/clickhouse-server/clickhouse-server.err.log /var/log/clickhouse-server/clickhouse-server.log; do
  [ -f "$log" ] && { echo "--- $log" >&2; tail -n 40 "$log" >&2; }
done
exit 1
