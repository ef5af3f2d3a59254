#!/usr/bin/env bash
# The machine's PostgreSQL on 127.0.0.1:5432, trusting loopback connections as role postgres: what the
# integration tests expect. A server already answering on 5432 is left alone. Otherwise Debian's
# postgresql is installed when missing, its newest cluster is created when missing, set up for tests
# once (port 5432 on 127.0.0.1, trust on loopback) and started. Idempotent; Debian 12, as root.
set -euo pipefail
ready() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ready; then
  echo "postgresql: already running on 5432"; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
conf="/etc/postgresql/$version/main"
if [ ! -d "$conf" ]; then
  pg_createcluster --port 5432 "$version" main >/dev/null
fi
changed=0
# set up once; a cluster someone configured (or we did before) is not touched again
if [ ! -e "$conf/conf.d/90-ci.conf" ]; then
  mkdir -p "$conf/conf.d"
  printf "listen_addresses = '127.0.0.1'\nport = 5432\n" > "$conf/conf.d/90-ci.conf"
  chown -R postgres:postgres "$conf/conf.d"
  changed=1
fi
if ! grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$conf/pg_hba.conf"; then
  # first match wins: trust lines go first, the rest of the file stays
  { echo "# tenantdb tests: trust loopback connections"
    echo "local all all trust"
    echo "host all all 127.0.0.1/32 trust"
    echo "host all all ::1/128 trust"
    cat "$conf/pg_hba.conf"; } > "$conf/pg_hba.conf.new"
  chown postgres:postgres "$conf/pg_hba.conf.new"
  chmod 640 "$conf/pg_hba.conf.new"
  mv "$conf/pg_hba.conf.new" "$conf/pg_hba.conf"
  changed=1
fi
if pg_ctlcluster "$version" main status >/dev/null 2>&1; then
  # running but not answering on 5432: the package's post-install start, before our set-up
  if [ "$changed" = 1 ]; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main restart
  else
    echo "postgresql: cluster $version/main runs but does not answer on 127.0.0.1:5432; left alone" >&2; exit 1
  fi
else
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi
for _ in $(seq 1 30); do ready && { echo "postgresql: started ($version/main)"; exit 0; }; sleep 1; done
echo "postgresql: did not start on 5432 (see /var/log/postgresql/postgresql-$version-main.log)" >&2; exit 1
