"""Accepted attendance records per second, posted by a partner directly to the training service.

    make bench                      # or: deploy/local/with-infra.sh .venv/bin/python bench/attendance_ingest.py

Starts the training service under gunicorn (2 workers) on a throw-away PostgreSQL database, creates a
partner, a program with one batch of 40 meetings and 100 participants, then posts attendance:
- one record per request (POST /partner/attendance/record), as a baseline;
- batches of 100 and of 1,000 records per request (POST /partner/attendance);
and prints the accepted records per second of each, and the batched ones as a ratio of the single one.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.figures import record  # noqa: E402
from services.training import handlers  # noqa: E402
from services.training.config import TrainingSettings  # noqa: E402
from services.training.models import Outbox  # noqa: E402
from shared import identity  # noqa: E402
from shared.db import Database, UnitOfWork  # noqa: E402
from shared.events import new_event  # noqa: E402
from shared.migrations import upgrade  # noqa: E402

SECRET = "bench-secret"  # noqa: S105 - a throw-away service of this run


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(base: str) -> None:
    for _ in range(150):
        try:
            if requests.get(f"{base}/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{base} did not start")


def enrolled_batch(http: requests.Session, base: str, url: str) -> tuple[dict, list[str], dict]:
    """A partner BENCH (its first key), a published program with a batch of 40 meetings, 100 employees enrolled:
    returns the batch, the NIPs and the key (``key_id``, ``secret``)."""
    batches, nips, key = enrolled_batches(http, base, url, count=1, participants=100)
    return batches[0], nips, key


def enrolled_batches(
    http: requests.Session, base: str, url: str, *, count: int, participants: int
) -> tuple[list[dict], list[str], dict]:
    """A partner BENCH (its first key) and ``count`` published programs, each with a batch of 40 meetings and the
    same ``participants`` (at most 1,000) enrolled: every batch has 40 × ``participants`` attendance slots of its
    own. Returns the batches, the NIPs and the key (``key_id``, ``secret``)."""
    partner = http.post(f"{base}/partners", json={"code": "BENCH", "name": "Mitra", "kind": "private"}).json()
    nips = [f"19800101200501{1 + i % 2}{i:03d}" for i in range(participants)]
    _synced(url, nips)
    batches = []
    for number in range(1, count + 1):
        first = dt.date(2027, 1, 4) + dt.timedelta(days=60 * (number - 1))  # one batch at a time for everyone
        meetings = [
            {"date": (first + dt.timedelta(days=i)).isoformat(), "starts_at": "08:00", "ends_at": "12:00"}
            for i in range(40)
        ]
        program = http.post(
            f"{base}/programs",
            json={
                "code": f"BENCH-{number}",
                "title": "Bench",
                "form": "pelatihan",
                "delivery": "klasikal",
                "jp": 40,
                "partner_code": "BENCH",
                "capacity": participants,
                "competencies": [{"code": "T-1", "target_level": 3}],
            },
        ).json()
        batch = http.post(f"{base}/programs/{program['id']}/batches", json={"meetings": meetings}).json()
        http.put(f"{base}/programs/{program['id']}/status", json={"status": "published"})
        enrolled = http.post(f"{base}/batches/{batch['id']}/enrollments", json={"nips": nips})
        assert enrolled.status_code == 201, enrolled.text[:500]
        batches.append(batch)
    return batches, nips, partner["credential"]


def _synced(url: str, nips: list[str]) -> None:
    """The employees as SIMPEG's sync would leave them in the training service."""
    database = Database(url)
    settings = TrainingSettings(service="training", database_url=url)
    with UnitOfWork(database, Outbox) as uow:
        for nip in nips:
            handlers.on_employee_synced(
                new_event(
                    "EmployeeSynced",
                    {
                        "nip": nip,
                        "name": "P",
                        "position_code": None,
                        "position_name": None,
                        "unit_code": "U",
                        "unit_name": "U",
                        "rank": None,
                        "supervisor_nip": None,
                        "employment_status": "PNS",
                        "active": True,
                    },
                ),
                uow,
                settings,
            )
        uow.commit()
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--single", type=int, default=500, help="records posted one per request")
    args = parser.parse_args()
    with throwaway_database() as url:
        _run(args, url)


@contextlib.contextmanager
def throwaway_database(service: str = "training"):
    """A migrated database of ``service`` for this run (its URL), dropped afterwards."""
    admin_url = os.environ.get(
        "TEST_DATABASE_ADMIN_URL", "postgresql+psycopg://bangkom:bangkom@127.0.0.1:15432/postgres"
    )
    name = f"bangkom_bench_{service}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(f"services.{service}", url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _run(args, url: str) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "INTERNAL_IDENTITY_SECRET": SECRET,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "WARNING",
        "KAFKA_TOPIC_PREFIX": f"bench.{uuid.uuid4().hex[:6]}.",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:shared.gunicorn_conf", "services.training.app:create_app()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/v1/training"
    http = requests.Session()  # calls as BKPSDM; the partner's calls name the partner
    http.headers[identity.HEADER] = identity.encode(identity.Identity("bench.admin", ("admin",)), SECRET)
    try:
        wait_healthy(f"http://127.0.0.1:{port}")
        batch, nips, credential = enrolled_batch(http, base, url)
        partner = {"credential": credential}

        def records(tag: str):
            for meeting in range(1, 41):
                for nip in nips:
                    yield {
                        "event_id": f"{tag}-{nip}-{meeting}",
                        "batch_id": batch["id"],
                        "nip": nip,
                        "meeting_no": meeting,
                        "status": "present",
                        "recorded_at": f"2026-01-04T08:00:{meeting:02d}+07:00"
                        if tag == "a"
                        else f"2026-01-05T08:{meeting:02d}:00+07:00"
                        if tag == "b"
                        else f"2026-01-06T08:{meeting:02d}:00+07:00",
                    }

        headers = {
            identity.HEADER: identity.encode(
                identity.Identity(partner["credential"]["key_id"], ("partner",), "BENCH"), SECRET
            )
        }
        figures = {}
        single = list(records("a"))[: args.single]
        start = time.perf_counter()
        for one in single:
            headers[identity.HEADER] = identity.encode(identity.Identity("k", ("partner",), "BENCH"), SECRET)
            assert http.post(f"{base}/partner/attendance/record", json=one, headers=headers).status_code == 201
        figures["1 per request"] = len(single) / (time.perf_counter() - start)
        for size, tag in ((100, "b"), (1000, "c")):
            all_records = list(records(tag))
            start = time.perf_counter()
            accepted = 0
            for chunk in range(0, len(all_records), size):
                response = http.post(
                    f"{base}/partner/attendance", json={"records": all_records[chunk : chunk + size]}, headers=headers
                )
                accepted += response.json()["accepted"]
            figures[f"{size} per request"] = accepted / (time.perf_counter() - start)
        print("\nattendance ingest, training service under gunicorn (2 workers), PostgreSQL on this machine")
        baseline = figures["1 per request"]
        for label, rate in figures.items():
            print(f"  {label:18} {rate:8.0f} accepted records/s   {rate / baseline:6.1f} × one per request")
        record(
            "attendance, 1 per request, straight to training",
            figures["1 per request"],
            "records/s",
            goal="(context: bench/attendance.py has the baselines)",
            met=None,
        )
        record(
            "attendance, 1,000 per request, straight to training",
            figures["1000 per request"],
            "records/s",
            goal="(context: bench/attendance.py has the baselines)",
            met=None,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
