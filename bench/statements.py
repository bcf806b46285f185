"""The SQL statements one request runs, as the service runs them: the recipe a bare baseline repeats (issue 33).

    deploy/local/with-infra.sh .venv/bin/python bench/statements.py

Creates the training service in this process on a throw-away PostgreSQL database (the partner, program, batch and
participants of ``bench/attendance_ingest.py``), posts one partner attendance record as the partner, and prints every
statement the request sent to PostgreSQL, in order, with its parameters and time: what a bare Flask + psycopg app
must run to do the same write without the framework.
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402

from bench.attendance_ingest import SECRET, enrolled_batches, throwaway_database  # noqa: E402
from services.training.app import create_app  # noqa: E402
from services.training.config import TrainingSettings  # noqa: E402
from shared import identity  # noqa: E402

SEEN: list[list] = []  # [statement, parameters, seconds]


def _watched(method):
    """A psycopg cursor method that notes each statement it sends (SQLAlchemy's and the hot paths' own alike)."""

    def run(cursor, query, params=None, *args, **kwargs):
        started = time.perf_counter()
        try:
            return method(cursor, query, params, *args, **kwargs)
        finally:
            text = query if isinstance(query, str) else str(query)
            SEEN.append([" ".join(text.split()), params, time.perf_counter() - started])

    return run


psycopg.Cursor.execute = _watched(psycopg.Cursor.execute)
psycopg.Cursor.executemany = _watched(psycopg.Cursor.executemany)


class _Answer:
    """A Flask test response that answers like a ``requests`` one (``.json()``), for ``enrolled_batches``."""

    def __init__(self, response):
        self.status_code, self._json = response.status_code, response.get_json()

    def json(self):
        return self._json


class _Client:
    def __init__(self, client, headers: dict[str, str]):
        self.client, self.headers = client, headers

    def post(self, url: str, json=None, headers=None):
        return _Answer(self.client.post(url, json=json, headers={**self.headers, **(headers or {})}))

    def put(self, url: str, json=None, headers=None):
        return _Answer(self.client.put(url, json=json, headers={**self.headers, **(headers or {})}))


def main() -> None:
    with throwaway_database() as url:
        settings = TrainingSettings(
            service="training",
            database_url=url,
            internal_identity_secret=SECRET,
            kafka_topic_prefix=f"bench.{uuid.uuid4().hex[:6]}.",
            log_level="WARNING",
        )
        app = create_app(settings)
        admin = {identity.HEADER: identity.encode(identity.Identity("bench.admin", ("admin",)), SECRET)}
        http = _Client(app.test_client(), admin)
        batches, nips, credential = enrolled_batches(http, "/api/v1/training", url, count=1, participants=100)
        batch = batches[0]
        partner = {
            identity.HEADER: identity.encode(identity.Identity(credential["key_id"], ("partner",), "BENCH"), SECRET)
        }
        record = {
            "batch_id": batch["id"],
            "nip": nips[0],
            "meeting_no": 1,
            "status": "present",
            "recorded_at": "2026-01-04T08:10:00+07:00",  # as bench/attendance_ingest.py: never ahead of the clock
        }
        http.post("/api/v1/training/partner/attendance/record", {**record, "event_id": "warm-up"}, partner)
        record["nip"] = nips[1]
        SEEN.clear()
        started = time.perf_counter()
        answer = http.post("/api/v1/training/partner/attendance/record", {**record, "event_id": "seen"}, partner)
        elapsed = time.perf_counter() - started
        seen = list(SEEN)
    print(f"POST /partner/attendance/record → {answer.status_code} {answer.json()}")
    print(f"{len(seen)} statements, {sum(s for *_, s in seen) * 1000:.2f} ms in PostgreSQL of {elapsed * 1000:.2f} ms")
    for number, (statement, parameters, seconds) in enumerate(seen, start=1):
        print(f"{number:2d}. [{seconds * 1000:6.2f} ms] {statement}\n    {parameters}")


if __name__ == "__main__":
    main()
