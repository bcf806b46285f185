#!/usr/bin/env bash
# PostgreSQL from the machine's Debian packages, as a private cluster on 127.0.0.1,
# with one database per service (bangkom_needs, bangkom_training, bangkom_evaluation, bangkom_notifications, bangkom_gateway, bangkom_audit).
#
#   deploy/local/postgres.sh start    install the packages where missing, initdb on first start, start, create databases
#   deploy/local/postgres.sh stop     fast shutdown
#   deploy/local/postgres.sh crash    immediate shutdown: no checkpoint, nothing more archived, as in a crash
#   deploy/local/postgres.sh status   exit 0 when the cluster accepts connections
#   deploy/local/postgres.sh url DB   print the SQLAlchemy URL of a database
#   deploy/local/postgres.sh datadir  print the cluster's data folder
#
# Environment (defaults): PG_PORT (15432), PG_DATA_DIR (<repo>/.local/postgres), PG_USER (bangkom),
# PG_PASSWORD (bangkom), PG_DATABASES (the six above), PG_BACKUP_REPO (empty; set: the WAL is archived there with
# pgBackRest, see deploy/local/backup.sh).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PORT=${PG_PORT:-15432}
DATA_DIR=${PG_DATA_DIR:-$REPO/.local/postgres}
# As root the server runs as 'postgres', which may not reach a checkout under a closed folder
# (/root): then the default moves to a folder of its own under /var/tmp, one per checkout.
if [ -z "${PG_DATA_DIR:-}" ] && [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1 \
   && ! (cd / && runuser -u postgres -- test -x "$REPO") 2>/dev/null; then
  DATA_DIR=/var/tmp/bangkom-postgres-$(printf '%s' "$REPO" | cksum | cut -d' ' -f1)
fi
DB_USER=${PG_USER:-bangkom}
DB_PASSWORD=${PG_PASSWORD:-bangkom}
DATABASES=${PG_DATABASES:-bangkom_needs bangkom_training bangkom_evaluation bangkom_notifications bangkom_gateway bangkom_audit}

say() { echo "postgres: $*"; }

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] && [ "${1:-}" = install ]; then
    [ "$(id -u)" = 0 ] || { say "PostgreSQL is not installed; run: sudo apt-get install postgresql" >&2; exit 1; }
    say "installing PostgreSQL from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

# PostgreSQL refuses to run as root: as root, run the server as the 'postgres' system user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

psql_admin() {
  PGPASSWORD=$DB_PASSWORD "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
}

ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; }

create_databases() {
  if [ "$(psql_admin -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" != f ]; then
    say "recovering (a restore): the databases come from the backup"; return 0
  fi
  for db in $DATABASES; do
    if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      psql_admin -c "CREATE DATABASE $db" && say "created database $db"
    fi
  done
}

start() {
  BIN=$(bindir install)
  if ready; then
    if psql_admin -c "SELECT 1" >/dev/null 2>&1; then
      say "a server already answers on 127.0.0.1:$PORT; re-using it"; create_databases; exit 0
    fi
    say "a server on port $PORT rejects user $DB_USER; set PG_PORT or PG_USER/PG_PASSWORD"; exit 1
  fi
  mkdir -p "$DATA_DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DATA_DIR"; chmod 700 "$DATA_DIR"; fi
  if ! as_owner test -w "$DATA_DIR"; then
    say "the server's user cannot write $DATA_DIR (a parent folder is closed to it); set PG_DATA_DIR"; exit 1
  fi
  if [ ! -f "$DATA_DIR/PG_VERSION" ]; then
    say "initialising a cluster in $DATA_DIR"
    local pwfile
    pwfile=$(mktemp); printf '%s\n' "$DB_PASSWORD" >"$pwfile"; chmod 644 "$pwfile"
    as_owner "$BIN/initdb" -D "$DATA_DIR" -U "$DB_USER" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
        --auth-local=scram-sha-256 --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
  fi
  if [ -n "${PG_BACKUP_REPO:-}" ]; then "$HERE/backup.sh" configure; fi
  say "starting on 127.0.0.1:$PORT (log: $DATA_DIR/server.log)"
  as_owner "$BIN/pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k /tmp -c max_connections=200 -c fsync=${PG_FSYNC:-on} -c shared_preload_libraries=pg_stat_statements" start >/dev/null
  create_databases
  say "ready"
}

stop() {
  BIN=$(bindir)
  if [ ! -f "$DATA_DIR/postmaster.pid" ]; then say "not running"; return 0; fi
  as_owner "$BIN/pg_ctl" -D "$DATA_DIR" -m fast -w stop >/dev/null && say "stopped"
}

crash() {
  BIN=$(bindir)
  if [ -f "$DATA_DIR/postmaster.pid" ]; then as_owner "$BIN/pg_ctl" -D "$DATA_DIR" -m immediate -w stop >/dev/null; fi
  say "stopped without a checkpoint"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  crash) crash ;;
  status) BIN=$(bindir); [ -n "$BIN" ] && ready && psql_admin -c "SELECT 1" >/dev/null ;;
  url) echo "postgresql+psycopg://$DB_USER:$DB_PASSWORD@127.0.0.1:$PORT/${2:?database name}" ;;
  datadir) echo "$DATA_DIR" ;;
  *) echo "usage: $0 start|stop|crash|status|url DB|datadir" >&2; exit 2 ;;
esac
