#!/usr/bin/env bash
# Run a command with the local Kafka broker and PostgreSQL available: start each one that is not
# already running, run the command, then stop only what this script started. Exits with the
# command's status.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
started=()

cleanup() {
  for service in "${started[@]}"; do "$HERE/$service.sh" stop || true; done
}
trap cleanup EXIT

for service in postgres kafka; do
  if "$HERE/$service.sh" status >/dev/null 2>&1; then
    echo "$service: already running; re-using it (it will be left running)"
  else
    "$HERE/$service.sh" start || exit 1
    started+=("$service")
  fi
done
"$HERE/kafka.sh" version

export KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:${KAFKA_PORT:-19092}}
export TEST_DATABASE_ADMIN_URL=${TEST_DATABASE_ADMIN_URL:-$("$HERE/postgres.sh" url postgres)}
"$@"
