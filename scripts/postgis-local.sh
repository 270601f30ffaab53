#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS cluster for tests and local work (CI uses it too).
#   scripts/postgis-local.sh start   → prints the DATABASE_URL to use
#   scripts/postgis-local.sh stop
# Needs Debian's postgresql-15-postgis-3 (apt-get install postgresql-15-postgis-3).
# PGDIR (default /tmp/bando-pg) holds the cluster; PGPORT (default 54329) is its port.
set -euo pipefail
PGDIR=${PGDIR:-/tmp/bando-pg}
PGPORT=${PGPORT:-54329}
BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
URL="postgres://bando:bando@127.0.0.1:${PGPORT}/bando"

if [ -z "${BIN}" ] || [ ! -x "${BIN}/initdb" ]; then
  echo "PostgreSQL server binaries not found: apt-get install postgresql-15-postgis-3" >&2
  exit 1
fi

# initdb and postgres refuse to run as root: run them as the postgres user when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if [ -f "${PGDIR}/data/postmaster.pid" ] && as_pg "${BIN}/pg_ctl" -D "${PGDIR}/data" status >/dev/null 2>&1; then
      echo "${URL}"; exit 0
    fi
    rm -rf "${PGDIR}"
    mkdir -p "${PGDIR}"
    [ "$(id -u)" = 0 ] && chown postgres "${PGDIR}"
    as_pg "${BIN}/initdb" -D "${PGDIR}/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"${PGDIR}/initdb.log" 2>&1
    cat >>"${PGDIR}/data/postgresql.conf" <<CONF
port = ${PGPORT}
listen_addresses = '127.0.0.1'
unix_socket_directories = '${PGDIR}'
max_connections = 200
shared_buffers = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    as_pg "${BIN}/pg_ctl" -D "${PGDIR}/data" -l "${PGDIR}/server.log" -w start >/dev/null
    "${BIN}/psql" -q -h 127.0.0.1 -p "${PGPORT}" -U postgres -d postgres -v ON_ERROR_STOP=1 <<SQL >/dev/null
CREATE ROLE bando LOGIN PASSWORD 'bando' SUPERUSER;
CREATE DATABASE bando OWNER bando;
\c bando
CREATE EXTENSION postgis;
SQL
    echo "${URL}"
    ;;
  stop)
    if [ -d "${PGDIR}/data" ]; then as_pg "${BIN}/pg_ctl" -D "${PGDIR}/data" -m fast stop >/dev/null 2>&1 || true; fi
    ;;
  url)
    echo "${URL}"
    ;;
  *)
    echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
