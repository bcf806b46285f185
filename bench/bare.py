"""The bare baseline of partner attendance: the least a Python web stack on this machine can do for the same work.

    gunicorn -k gthread -w 2 --threads 4 --keep-alive 75 'bench.bare:write_app()'    # DATABASE_URL=postgresql://…
    gunicorn -k gthread -w 2 --threads 4 --keep-alive 75 'bench.bare:proxy_app()'    # UPSTREAM_URL=http://…

``write_app``: Flask and psycopg, nothing else: ``POST /record`` runs the nine statements the training service sends
for one partner attendance record (``bench/statements.py`` prints them: the lock, the five reads, the three inserts,
the commit), with the same text and parameters, on the training service's own tables; ``POST /records`` does the
same for up to 1,000 records with arrays for the reads and one ``INSERT … SELECT * FROM unnest(…)`` per table, an
array per column (as the service's ``shared.db.hot_insert``). No validation, no
envelope schema, no logging or metrics, no ORM: what remains of a request here is the framework's and the driver's
floor, the ratio's denominator.

``proxy_app``: Flask and a pooled ``requests.Session`` passing every request on to ``UPSTREAM_URL`` and its answer
back, nothing checked or recorded: the floor of a second hop.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
import uuid

import psycopg
import requests
from flask import Flask, Response, request

LOCKS = (
    "SELECT (SELECT count(pg_advisory_xact_lock_shared(hashtextextended(b, 0))) "
    "FROM unnest(CAST(%(batches)s AS text[])) AS b), "
    "(SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM unnest(CAST(%(pairs)s AS text[])) AS k)"
)
BATCH = (
    "SELECT batches.id, batches.program_id, batches.number, batches.closed_at, batches.close_reason, "
    "batches.reopened_at, batches.reopen_reason, programs.partner_code FROM batches "
    "JOIN programs ON programs.id = batches.program_id "
    "WHERE batches.id = ANY(%(ids)s) AND programs.partner_code = %(partner)s ORDER BY batches.id"
)
RECEIPTS = (
    "SELECT partner_code, event_id, body_hash, received_at FROM attendance_receipts "
    "WHERE partner_code = %(partner)s AND event_id = ANY(%(ids)s)"
)
ENROLMENTS = (
    "SELECT id, batch_id, nip, status, pre_test_score, post_test_score, evidence, attendance_rate, "
    "certificate_number, reason, enrolled_at, decided_at FROM enrollments "
    "WHERE batch_id = ANY(%(batches)s) AND nip = ANY(%(nips)s)"
)
MEETINGS = (
    "SELECT batch_id, meeting_no, date, starts_at, ends_at, place, online FROM meetings "
    "WHERE batch_id = ANY(%(batches)s)"
)
ATTENDANCE = (
    "SELECT enrollment_id, meeting_no, status, recorded_at, partner_event_id, source, note FROM attendance "
    "WHERE enrollment_id = ANY(%(enrolments)s) AND meeting_no = ANY(%(meetings)s)"
)
INSERT_ATTENDANCE = (
    "INSERT INTO attendance (enrollment_id, meeting_no, status, recorded_at, partner_event_id, source, note) "
    "VALUES (%s, %s, %s, %s, %s, 'partner', NULL)"
)
INSERT_RECEIPT = (
    "INSERT INTO attendance_receipts (partner_code, event_id, body_hash, received_at) VALUES (%s, %s, %s, %s)"
)
INSERT_OUTBOX = (
    "INSERT INTO outbox (id, aggregatetype, aggregateid, type, topic, payload, created_at, attempts) "
    "VALUES (%s, 'nip', %s, 'bangkom.training.AttendanceRecorded.v1', %s, %s, %s, 0)"
)

INSERT_ATTENDANCE_MANY = (
    "INSERT INTO attendance (enrollment_id, meeting_no, status, recorded_at, partner_event_id, source, note) "
    "SELECT e, m, s, r, p, 'partner', NULL FROM unnest(%s::varchar[], %s::integer[], %s::varchar[], "
    "%s::timestamptz[], %s::varchar[]) AS t(e, m, s, r, p)"
)
INSERT_RECEIPT_MANY = (
    "INSERT INTO attendance_receipts (partner_code, event_id, body_hash, received_at) "
    "SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::timestamptz[])"
)
INSERT_OUTBOX_MANY = (
    "INSERT INTO outbox (id, aggregatetype, aggregateid, type, topic, payload, created_at, attempts) "
    "SELECT i, 'nip', k, 'bangkom.training.AttendanceRecorded.v1', t, p, c, 0 "
    "FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[], %s::varchar[], %s::timestamptz[]) AS u(i, k, t, p, c)"
)


def _connection(local: threading.local) -> psycopg.Connection:
    """One connection per gunicorn thread, opened on its first request (what a pool gives a thread under load)."""
    if getattr(local, "connection", None) is None or local.connection.closed:
        local.connection = psycopg.connect(os.environ["DATABASE_URL"].replace("+psycopg", ""))
    return local.connection


def _write(connection: psycopg.Connection, partner: str, records: list[dict], topic: str) -> list[dict]:
    """The statements of the training service's attendance write, in its order, in one transaction."""
    batches = sorted({r["batch_id"] for r in records})
    nips = sorted({r["nip"] for r in records})
    now = dt.datetime.now(dt.UTC)
    with connection.transaction(), connection.cursor() as cursor:
        cursor.execute(
            LOCKS,
            {
                "batches": [f"batch|{b}" for b in batches],
                "pairs": sorted(f"attendance|{r['batch_id']}|{r['nip']}|{r['meeting_no']}" for r in records),
            },
        )
        cursor.execute(BATCH, {"ids": batches, "partner": partner})
        cursor.execute(RECEIPTS, {"partner": partner, "ids": [r["event_id"] for r in records]})
        cursor.execute(ENROLMENTS, {"batches": batches, "nips": nips})
        enrolments = {(row[1], row[2]): row[0] for row in cursor.fetchall()}
        cursor.execute(MEETINGS, {"batches": batches})
        cursor.fetchall()
        cursor.execute(
            ATTENDANCE,
            {"enrolments": list(enrolments.values()), "meetings": sorted({r["meeting_no"] for r in records})},
        )
        cursor.fetchall()
        rows = [(enrolments[(r["batch_id"], r["nip"])], r) for r in records]
        many = len(records) > 1  # one row: its values; many: an array per column, as the service sends them
        attendance = [(e, r["meeting_no"], r["status"], r["recorded_at"], r["event_id"]) for e, r in rows]
        receipts = [
            (partner, r["event_id"], hashlib.sha256(json.dumps(r, sort_keys=True).encode()).hexdigest(), now)
            for r in records
        ]
        events = [
            (event_id := str(uuid.uuid4()), r["nip"], topic, json.dumps({"id": event_id, "data": r}), now)
            for _, r in rows
        ]
        for single, bulk, values in (
            (INSERT_ATTENDANCE, INSERT_ATTENDANCE_MANY, attendance),
            (INSERT_RECEIPT, INSERT_RECEIPT_MANY, receipts),
            (INSERT_OUTBOX, INSERT_OUTBOX_MANY, events),
        ):
            if many:
                cursor.execute(bulk, [list(column) for column in zip(*values, strict=True)])
            else:
                cursor.execute(single, values[0])
    return [{"event_id": r["event_id"], "outcome": "accepted"} for r in records]


def write_app() -> Flask:
    app = Flask("bare-write")
    local = threading.local()
    topic = os.environ.get("KAFKA_TOPIC_PREFIX", "") + "bangkom.training.v1"

    @app.post("/record")
    def record():
        body = request.get_json()
        outcome = _write(_connection(local), request.headers["X-Partner"], [body], topic)[0]
        return outcome, 201

    @app.post("/records")
    def records():
        results = _write(_connection(local), request.headers["X-Partner"], request.get_json()["records"], topic)
        return {"accepted": len(results), "results": results}, 200

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "content-encoding"}


def proxy_app() -> Flask:
    app = Flask("bare-proxy")
    upstream = os.environ["UPSTREAM_URL"].rstrip("/")
    http = requests.Session()
    http.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=16))

    @app.route("/<path:rest>", methods=["GET", "POST"])
    def forward(rest: str):
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        answer = http.request(
            request.method, f"{upstream}/{rest}", data=request.get_data(), headers=headers, timeout=10
        )
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP]
        return Response(answer.content, status=answer.status_code, headers=headers)

    return app
