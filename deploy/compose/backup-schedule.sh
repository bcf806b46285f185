#!/bin/sh
# The Compose stack's backup container: the stanza once, a full backup at once when there is none, then each hour a
# backup: full on BACKUP_FULL_WEEKDAY (1 = Monday … 7 = Sunday, default 7) at BACKUP_NIGHT_HOUR (default 01, the
# instansi's time zone in TZ), differential at that hour on other days, incremental at every other hour. Retention:
# repo1-retention-full in pgbackrest.conf (2 full backups and what depends on them, WAL included).
set -eu
FULL_WEEKDAY=${BACKUP_FULL_WEEKDAY:-7}
NIGHT_HOUR=${BACKUP_NIGHT_HOUR:-01}
backup() { pgbackrest --stanza=bangkom backup --type="$1" || echo "backup: the $1 backup failed; trying again next hour" >&2; }

pgbackrest --stanza=bangkom stanza-create
pgbackrest --stanza=bangkom check
pgbackrest --stanza=bangkom info --output=json | grep -q '"label"' || backup full
while true; do
  sleep $((3600 - $(date +%s) % 3600))  # to the next full hour
  if [ "$(date +%H)" = "$NIGHT_HOUR" ]; then
    if [ "$(date +%u)" = "$FULL_WEEKDAY" ]; then backup full; else backup diff; fi
  else
    backup incr
  fi
done
