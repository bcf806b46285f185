#!/usr/bin/env bash
# make demo: the whole system on this machine with the Lhokseumawe demo dataset (docs/operations.md#demo).
#   SQLite files in .local/demo by default; PostgreSQL when NEEDS_/TRAINING_/EVALUATION_/GATEWAY_DATABASE_URL are set.
#   DEMO_PORT (8000): the gateway's port.  DEMO_RESET=1: start from empty databases.  Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
VENV_BIN=${VENV_BIN:-$ROOT/.venv/bin}
export PATH="$VENV_BIN:$PATH"
DEMO_DIR=${DEMO_DIR:-$ROOT/.local/demo}
[ "${DEMO_RESET:-0}" = 1 ] && rm -f "$DEMO_DIR"/*.db "$DEMO_DIR"/*.db-wal "$DEMO_DIR"/*.db-shm
mkdir -p "$DEMO_DIR"

for service in needs training evaluation notifications gateway audit; do
  var="$(echo "$service" | tr a-z A-Z)_DATABASE_URL"
  export "$var=${!var:-sqlite:///$DEMO_DIR/$service.db}"
done
export DEMO_BIND="127.0.0.1:${DEMO_PORT:-8000}"
export PUBLIC_URL=${PUBLIC_URL:-http://$DEMO_BIND}  # links in e-mails, QR codes on certificates
export KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:19092}
export KAFKA_TOPIC_PREFIX=${KAFKA_TOPIC_PREFIX:-demo.}
secret_file="$DEMO_DIR/secrets.env"      # made once, kept beside the demo databases (never in git)
if [ ! -f "$secret_file" ]; then
  umask 077
  printf 'INTERNAL_IDENTITY_SECRET=%s\nJWT_SECRET=%s\n' "$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" \
    "$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" > "$secret_file"
fi
set -a; . "$secret_file"; set +a
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-2} BEHAVIOR_OPENS_AFTER_DAYS=${BEHAVIOR_OPENS_AFTER_DAYS:-0}
export LOG_LEVEL=${LOG_LEVEL:-WARNING} NEEDS_URL=http://127.0.0.1:8001 TRAINING_URL=http://127.0.0.1:8002 \
  EVALUATION_URL=http://127.0.0.1:8003 NOTIFICATIONS_URL=http://127.0.0.1:8004 AUDIT_URL=http://127.0.0.1:8005 GATEWAY_URL="http://$DEMO_BIND" \
  MAILCATCHER_PORT=${MAILCATCHER_PORT:-1025}

honcho_pid="" stopped=0 kafka_started=0   # a broker this script starts, it stops again
stop() {  # honcho passes SIGTERM to every process and waits for them
  [ "$stopped" = 1 ] && return; stopped=1
  echo "demo: stopping"
  if [ -n "$honcho_pid" ]; then kill -TERM "$honcho_pid" 2>/dev/null || true; wait "$honcho_pid" 2>/dev/null || true; fi
  if [ "$kafka_started" = 1 ]; then deploy/local/kafka.sh stop; fi
}
trap 'stop; exit 0' INT TERM
trap stop EXIT
if ! deploy/local/kafka.sh status >/dev/null 2>&1; then deploy/local/kafka.sh start; kafka_started=1; fi
for service in needs training evaluation notifications gateway audit; do
  var="$(echo "$service" | tr a-z A-Z)_DATABASE_URL"
  DATABASE_URL=${!var} bangkom migrate "$service" >/dev/null
done
echo "demo: databases migrated"
DATABASE_URL=$NEEDS_DATABASE_URL python deploy/demo/load.py seed

honcho -f deploy/demo/Procfile -d "$ROOT" start &
honcho_pid=$!

python - <<'PY'
import os, sys, time, urllib.request
for name in ("GATEWAY_URL", "NEEDS_URL", "TRAINING_URL", "EVALUATION_URL"):
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(os.environ[name] + "/readyz", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"demo: {os.environ[name]} is not ready after 90 s; see the honcho output above")
            time.sleep(0.5)
PY
DATABASE_URL=$NEEDS_DATABASE_URL python deploy/demo/load.py activity

cat <<INFO

================================================================================
 Bangkom berjalan / is running:   $GATEWAY_URL   (buka di peramban / open it in a browser)
   API docs:  $GATEWAY_URL/api/docs        metrics: $GATEWAY_URL/metrics
 Demo logins (the web UI, or POST $GATEWAY_URL/api/v1/auth/login):
   bkpsdm  / demo-bkpsdm-2026    BKPSDM staff (admin)
   atasan  / demo-atasan-2026    supervisor (head of BPBD)
   pegawai / demo-pegawai-2026   employee (staff of BPBD, with a GIS gap and no training yet)
   ops     / demo-ops-2026!      operations (metrics, SIMPEG status)
   mitra   / demo-mitra-2026     a partner's user (Universitas Malikussaleh: its batches only)
   opd     / demo-opd-2026       BPBD's personnel officer (its own unit only: proposals)
   auditor / demo-auditor-2026   an auditor (reads the audit trail, changes nothing)
 Mail (kotak surat): every message the system sends is kept in $DEMO_DIR/kotak-surat (one .eml and one .txt each)
 Ctrl-C stops everything.
================================================================================
INFO
wait "$honcho_pid"
