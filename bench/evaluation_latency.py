"""Time from a TrainingCompleted on the topic to its three evaluation tasks being queryable.

    make bench                      # or: deploy/local/with-infra.sh .venv/bin/python bench/evaluation_latency.py

Starts the evaluation worker (python -m services.evaluation.worker) on a throw-away PostgreSQL database
and its own topic prefix, produces TrainingCompleted events at a steady rate, and polls the database
every 10 ms for the tasks of each enrolment. Prints p50/p95/p99 and the maximum of the latency.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kafka import KafkaProducer  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.figures import record  # noqa: E402
from services.evaluation.models import Task  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.events import new_event  # noqa: E402
from shared.migrations import upgrade  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=100.0, help="events per second (the goal: 100)")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    admin_url = os.environ.get(
        "TEST_DATABASE_ADMIN_URL", "postgresql+psycopg://bangkom:bangkom@127.0.0.1:15432/postgres"
    )
    name = f"bangkom_bench_evaluation_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    upgrade("services.evaluation", url)
    prefix = f"bench.{uuid.uuid4().hex[:6]}."
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KAFKA_BOOTSTRAP_SERVERS": servers,
        "KAFKA_TOPIC_PREFIX": prefix,
        "INTERNAL_IDENTITY_SECRET": "bench",
        "LOG_LEVEL": "WARNING",
        "CONSUMER_POLL_MS": "50",
    }
    worker = subprocess.Popen([sys.executable, "-m", "services.evaluation.worker"], env=env)
    producer = KafkaProducer(bootstrap_servers=servers.split(","), acks="all", linger_ms=0)
    database = Database(url)
    topic = prefix + "bangkom.training.v1"
    sent: dict[str, float] = {}
    seen: dict[str, float] = {}
    try:
        warm = new_event("TrainingCompleted", _data(str(uuid.uuid4())))  # the worker joins its group first
        producer.send(topic, key=warm.key.encode(), value=warm.to_json()).get(timeout=30)
        _wait(database, {warm.data["enrollment_id"]: 0.0}, {}, timeout=120)
        total = int(args.rate * args.seconds)
        interval = 1.0 / args.rate
        start = time.perf_counter()
        for i in range(total):
            due = start + i * interval
            while time.perf_counter() < due:
                _poll(database, sent, seen)
                time.sleep(0.002)
            event = new_event("TrainingCompleted", _data(str(uuid.uuid4())))
            producer.send(topic, key=event.key.encode(), value=event.to_json())
            producer.flush()
            sent[event.data["enrollment_id"]] = time.perf_counter()
        _wait(database, sent, seen, timeout=120)
        latencies = [(seen[k] - sent[k]) * 1000 for k in sent if k in seen]
        print(
            f"\nTrainingCompleted → 3 tasks queryable, {len(latencies)}/{total} events at {args.rate:g}/s "
            f"(evaluation worker, Kafka and PostgreSQL on this machine)"
        )
        print(
            f"  p50 {percentile(latencies, 0.50):7.1f} ms   p95 {percentile(latencies, 0.95):7.1f} ms   "
            f"p99 {percentile(latencies, 0.99):7.1f} ms   max {max(latencies):7.1f} ms   "
            f"mean {statistics.fmean(latencies):7.1f} ms"
        )
        p99 = percentile(latencies, 0.99)
        shaped = args.rate >= 100 and args.seconds >= 60
        record(
            f"TrainingCompleted → 3 tasks, p99 at {args.rate:g}/s for {args.seconds:g} s",
            p99,
            "ms",
            goal="p99 < 300 ms at 100/s, 60 s",
            met=(p99 < 300) if shaped else None,
        )
    finally:
        producer.close()
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _data(enrollment_id: str) -> dict:
    return {
        "enrollment_id": enrollment_id,
        "nip": "198609262015051001",
        "program_id": "p",
        "batch_id": "b",
        "program_title": "Pelatihan",
        "form": "pelatihan",
        "jp": 24,
        "competencies": [{"code": "T-1", "target_level": 3}],
        "attendance_rate": 1.0,
        "completed_on": dt.date.today(),
        "partner_code": "P",
    }


def _poll(database: Database, sent: dict[str, float], seen: dict[str, float]) -> None:
    waiting = [k for k in sent if k not in seen]
    if not waiting:
        return
    with database.sessions() as session:
        ready = (
            session.execute(
                select(Task.enrollment_id)
                .where(Task.enrollment_id.in_(waiting))
                .group_by(Task.enrollment_id)
                .having(func.count() == 3)
            )
            .scalars()
            .all()
        )
    now = time.perf_counter()
    for key in ready:
        seen[key] = now


def _wait(database: Database, sent: dict[str, float], seen: dict[str, float], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(seen) < len(sent) and time.monotonic() < deadline:
        _poll(database, sent, seen)
        time.sleep(0.01)


if __name__ == "__main__":
    main()
