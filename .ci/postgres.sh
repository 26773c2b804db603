#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 for the tests: start the local
# cluster if it is stopped, install Debian's server if there is none.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
HOST=127.0.0.1 PORT=5432

ready() { pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null || python3 - <<PY 2>/dev/null
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(s.connect_ex(("$HOST", $PORT)))
PY
}

if ready; then echo "PostgreSQL is up on $HOST:$PORT."; exit 0; fi
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "No PostgreSQL server here: installing Debian's."
  apt_install postgresql
fi
version="$(ls /etc/postgresql | sort -V | tail -n1)"
conf="/etc/postgresql/$version/main"
# The tests connect as postgres over TCP without a password (trust, loopback only).
if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$conf/pg_hba.conf"; then
  as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$conf/pg_hba.conf"
fi
as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || as_root pg_ctlcluster "$version" main start
for _ in $(seq 1 30); do ready && break; sleep 1; done
ready || { echo "PostgreSQL did not start on $HOST:$PORT" >&2; exit 1; }
echo "PostgreSQL $version started on $HOST:$PORT."
