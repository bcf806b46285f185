#!/usr/bin/env bash
# Backups with point-in-time recovery of a PostgreSQL cluster of deploy/local/postgres.sh, with pgBackRest from
# Debian's packages: full, differential and incremental backups, the WAL archived continuously, retention, and
# restores to the latest point, to a moment or to the end of a backup. docs/operations.md, "Backups and restore",
# says when to run which (the Compose stack runs the same pgBackRest commands in its backup container).
#
#   deploy/local/backup.sh configure   write the pgBackRest configuration and the server's archiving settings
#                                      (postgres.sh start runs it when PG_BACKUP_REPO is set)
#   deploy/local/backup.sh setup       once, with the server running: create the stanza and check that WAL arrives
#   deploy/local/backup.sh full|diff|incr   a backup: everything; what changed since the last full; since the last backup
#   deploy/local/backup.sh info [--output=json]   the backups (their labels) and the archived WAL
#   deploy/local/backup.sh restore latest|LABEL|TIME
#                                      stop the server, restore into its emptied data folder, start it, wait until it
#                                      takes writes. latest: every archived WAL; LABEL: a backup (e.g.
#                                      20261206-073000F), to its end; TIME: a moment ('2026-12-06 07:30:00+00')
#
# Environment (defaults): PG_BACKUP_REPO (required: the repository folder; put it on another disk or mounted
# storage), PG_BACKUP_RETENTION_FULL (2: full backups kept, with the backups and WAL that depend on them),
# PG_ARCHIVE_TIMEOUT (60: seconds after which a partly filled WAL segment is archived anyway, so at most this much
# of the last writes is lost with the server), and postgres.sh's PG_PORT, PG_DATA_DIR, PG_USER, PG_PASSWORD.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=${PG_BACKUP_REPO:?set PG_BACKUP_REPO to the backup repository folder}
PORT=${PG_PORT:-15432}
DB_USER=${PG_USER:-bangkom}
DB_PASSWORD=${PG_PASSWORD:-bangkom}
RETENTION=${PG_BACKUP_RETENTION_FULL:-2}
ARCHIVE_TIMEOUT=${PG_ARCHIVE_TIMEOUT:-60}
DATA_DIR=$("$HERE/postgres.sh" datadir)
CONFIG=$REPO_DIR/pgbackrest.conf
STANZA=bangkom

say() { echo "backup: $*"; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pgbackrest_() { as_owner env PGPASSWORD="$DB_PASSWORD" pgbackrest --config="$CONFIG" --stanza="$STANZA" "$@"; }

configure() {
  command -v pgbackrest >/dev/null || { say "pgBackRest is missing: apt-get install pgbackrest (make system)" >&2; exit 1; }
  mkdir -p "$REPO_DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$REPO_DIR"; chmod 750 "$REPO_DIR"; fi
  as_owner tee "$CONFIG" >/dev/null <<EOF
[global]
repo1-path=$REPO_DIR
repo1-retention-full=$RETENTION
compress-type=lz4
start-fast=y
log-path=$REPO_DIR/log
lock-path=$REPO_DIR/lock
log-level-console=warn
log-level-file=info

[$STANZA]
pg1-path=$DATA_DIR
pg1-port=$PORT
pg1-socket-path=/tmp
pg1-user=$DB_USER
EOF
  as_owner tee "$DATA_DIR/bangkom-archive.conf" >/dev/null <<EOF
# written by deploy/local/backup.sh: every WAL segment goes to pgBackRest's repository
archive_mode = on
archive_command = 'pgbackrest --config=$CONFIG --stanza=$STANZA archive-push %p'
archive_timeout = $ARCHIVE_TIMEOUT
EOF
  grep -q "^include_if_exists = 'bangkom-archive.conf'" "$DATA_DIR/postgresql.conf" \
    || echo "include_if_exists = 'bangkom-archive.conf'" | as_owner tee -a "$DATA_DIR/postgresql.conf" >/dev/null
}

psql_() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PGPASSWORD=$DB_PASSWORD "$bin/psql" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres -qtA -c "$1" 2>/dev/null
}

restore() {
  local target=${1:?restore latest, a backup label or a time}
  local options=(--type=default)
  if [ "$target" != latest ]; then
    if [[ "$target" =~ ^[0-9]{8}-[0-9]{6}F(_[0-9]{8}-[0-9]{6}[DI])?$ ]]; then
      options=("--set=$target" --type=immediate --target-action=promote)
    else
      options=(--type=time "--target=$target" --target-action=promote)
    fi
  fi
  "$HERE/postgres.sh" stop >/dev/null 2>&1 || true
  mkdir -p "$DATA_DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$DATA_DIR"; fi
  chmod 700 "$DATA_DIR"
  as_owner find "$DATA_DIR" -mindepth 1 -delete
  say "restoring $target into $DATA_DIR"
  # no connections while WAL is replayed: the services wait (the database is "starting up") rather than read a past
  pgbackrest_ restore "${options[@]}" --recovery-option=hot_standby=off
  "$HERE/postgres.sh" start >/dev/null
  for _ in $(seq 1 600); do  # until recovery ended and the server takes writes
    [ "$(psql_ 'SELECT pg_is_in_recovery()')" = f ] && { say "restored; the server takes writes"; return 0; }
    sleep 0.5
  done
  say "the server did not finish its recovery within 5 minutes: see $DATA_DIR/server.log" >&2
  exit 1
}

case "${1:-}" in
  configure) configure ;;
  setup) pgbackrest_ stanza-create && pgbackrest_ check && say "stanza $STANZA ready in $REPO_DIR" ;;
  full | diff | incr) pgbackrest_ backup --type="$1" && say "$1 backup done" ;;
  info) shift; pgbackrest_ info "$@" ;;
  restore) restore "${2:-}" ;;
  *) echo "usage: $0 configure|setup|full|diff|incr|info|restore latest|LABEL|TIME" >&2; exit 2 ;;
esac
