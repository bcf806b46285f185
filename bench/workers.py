"""Each worker's busiest handlers against the same statements run bare, per event (issue 33, item 3).

    make bench                      # or: deploy/local/with-infra.sh .venv/bin/python bench/workers.py

For each path (a service's worker and one event type), N events go to topics of their own, and three databases of
the service start alike (migrated; the same people, sent to it as ``EmployeeSynced`` or, for the needs service, its
dataset of ``bench/needs_gap.py``). Then:

1. *noted* (not timed): the service's consumer (``shared.consumer.EventConsumer`` with the worker's handlers, as
   ``shared.worker`` builds it) handles the events on the first database while every statement it sends to
   PostgreSQL, with its parameters, and every commit is noted at the driver (psycopg's cursor and connection);
2. *handler*: the same consumer handles the same records on the second database, timed from the first record;
3. *bare*: a plain ``KafkaConsumer`` polls the same records (each value decoded from JSON, offsets committed per
   poll as the consumer does) and one psycopg connection replays the noted statements and commits on the third
   database, in step with the records received: what the handler costs beyond its statements is the ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402
from kafka import KafkaConsumer, KafkaProducer  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.attendance_ingest import throwaway_database  # noqa: E402
from bench.figures import record  # noqa: E402
from shared.consumer import EventConsumer, kafka_options  # noqa: E402
from shared.db import Database  # noqa: E402
from shared.events import Event, new_event  # noqa: E402
from shared.producer import new_producer  # noqa: E402
from shared.worker import consumer_options  # noqa: E402

GOAL = 0.5
NOTED: list[tuple] | None = None  # while a list: ("sql", query, params, kwargs) and ("commit",) as sent


def _noting(method: Callable) -> Callable:
    def run(cursor, query, params=None, *args, **kwargs):
        if NOTED is not None:
            NOTED.append(("sql", query, params, args, kwargs, method.__name__))
        return method(cursor, query, params, *args, **kwargs)

    return run


def _noting_commit(method: Callable) -> Callable:
    def run(connection):
        if NOTED is not None:
            NOTED.append(("commit",))
        return method(connection)

    return run


SENDING = {"execute": psycopg.Cursor.execute, "executemany": psycopg.Cursor.executemany}  # unwatched, for the replay
psycopg.Cursor.execute = _noting(psycopg.Cursor.execute)  # type: ignore[method-assign]
psycopg.Cursor.executemany = _noting(psycopg.Cursor.executemany)  # type: ignore[method-assign]
psycopg.Connection.commit = _noting_commit(psycopg.Connection.commit)  # type: ignore[method-assign]


def _nips(count: int) -> list[str]:
    """Valid NIPs, unique (the scheme of ``bench/needs_gap.py``'s dataset, which the needs path uses)."""
    nips = []
    for n in range(count):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000)
        nips.append(f"{born:%Y%m%d}{born.year + 25}{(n % 12) + 1:02d}{1 + n % 2}{n % 1000:03d}")
    return nips


def _synced(nip: str, i: int, nips: list[str]) -> Event:
    return new_event(
        "EmployeeSynced",
        {
            "nip": nip,
            "name": f"Pegawai {i}",
            "position_code": f"JAB{i % 200:03d}",
            "position_name": f"Jabatan {i % 200}",
            "unit_code": f"OPD{i % 12:02d}",
            "unit_name": f"OPD {i % 12}",
            "rank": "III/a",
            "supervisor_nip": nips[i // 10 * 10] if i % 10 else None,
            "employment_status": "PNS" if i % 5 else "PPPK",
            "active": True,
            "email": f"pegawai{i}@lhokseumawekota.go.id",
        },
    )


def _completed(nip: str, i: int) -> Event:
    return new_event(
        "TrainingCompleted",
        {
            "enrollment_id": str(uuid.uuid4()),
            "nip": nip,
            "program_id": f"p-{i % 20}",
            "batch_id": f"b-{i % 40}",
            "program_title": "Pelatihan Analisis Data",
            "form": "pelatihan",
            "jp": 24,
            "competencies": [{"code": "K003", "target_level": 3}],
            "attendance_rate": 1.0,
            "completed_on": dt.date.today(),
            "partner_code": "UNIMAL",
        },
    )


def _need(nip: str, i: int) -> Event:
    return new_event(
        "DevelopmentNeedIdentified",
        {
            "need_id": str(uuid.uuid4()),
            "nip": nip,
            "competency_code": f"K{i % 30:03d}",
            "competency_type": ("teknis", "manajerial", "sosial_kultural")[i % 3],
            "required_level": 4,
            "current_level": 2,
            "gap": 2,
            "priority_score": 1.5,
            "plan_year": dt.date.today().year,
        },
    )


def _task(nip: str, i: int) -> Event:
    return new_event(
        "EvaluationTaskCreated",
        {
            "task_id": str(uuid.uuid4()),
            "kind": ("reaction", "learning", "behavior")[i % 3],
            "nip": nip,
            "assignee_nip": nip,
            "enrollment_id": str(uuid.uuid4()),
            "program_id": f"p-{i % 20}",
            "due_on": dt.date.today() + dt.timedelta(days=14),
        },
    )


@dataclass(frozen=True)
class Path_:
    service: str
    event_type: str
    make: Callable[[str, int], Event]
    events: int
    what: str


PATHS = [
    Path_("evaluation", "TrainingCompleted", _completed, 3000, "a participation, three tasks and their events"),
    Path_("training", "DevelopmentNeedIdentified", _need, 5000, "the need's view row"),
    Path_("notifications", "EvaluationTaskCreated", _task, 3000, "the task's view row and its e-mail"),
    Path_("needs", "TrainingCompleted", _completed, 1000, "the JP credit and the ASN's gaps and needs recomputed"),
]


def _module(service: str, name: str):
    return importlib.import_module(f"services.{service}.{name}")


def _settings(service: str, url: str, prefix: str, servers: str):
    config = _module(service, "config")
    [settings_class] = [
        value
        for name, value in vars(config).items()
        if name.endswith("Settings") and isinstance(value, type) and value.__module__ == config.__name__
    ]
    return settings_class.from_env(
        service, database_url=url, kafka_topic_prefix=prefix, kafka_bootstrap_servers=servers, log_level="WARNING"
    )


def _consumer(settings, database: Database, producer, group: str) -> EventConsumer:
    """The worker's consumer as ``shared.worker`` builds it, with a group of this run."""
    events, models = _module(settings.service, "handlers"), _module(settings.service, "models")
    return EventConsumer(
        service=settings.service,
        database=database,
        outbox_model=models.Outbox,
        processed_model=models.ProcessedEvent,
        topic_prefix=settings.kafka_topic_prefix,
        handlers=events.event_handlers(settings),
        topics=[settings.kafka_topic_prefix + topic for topic in events.TOPICS],
        group_id=group,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        producer=producer,
        dead_letter_topic=settings.dead_letter_topic,
        await_partitions_seconds=30.0,
        consumer_options=consumer_options(settings),
    )


def _consume(consumer: EventConsumer, total: int) -> float:
    """Events per second from the first record handled to the last (joining the group is not consuming)."""
    handled = first = 0
    start = time.perf_counter()
    deadline = time.monotonic() + 600
    while handled < total and time.monotonic() < deadline:
        handled += consumer.poll_once()
        if handled and not first:
            first, start = handled, time.perf_counter()
    if handled < total:
        raise SystemExit(f"the consumer handled {handled} of {total} events in 10 minutes")
    return (total - first) / (time.perf_counter() - start)


def _bare(url: str, servers: str, topics: list[str], total: int, noted: list[tuple]) -> float:
    """A plain consumer polls the records while one psycopg connection replays the noted transactions in step."""
    transactions: list[list[tuple]] = [[]]
    for item in noted:
        if item[0] == "commit":
            transactions.append([])
        else:
            transactions[-1].append(item)
    transactions = [t for t in transactions if t]
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    consumer = KafkaConsumer(**kafka_options(servers, f"bench-bare-{uuid.uuid4().hex}"))
    consumer.subscribe(topics)
    done = received = first = 0
    start = time.perf_counter()
    with psycopg.connect(dsn) as connection, connection.cursor() as cursor:
        while done < len(transactions):
            records = [r for batch in consumer.poll(timeout_ms=500).values() for r in batch]
            for r in records:
                json.loads(r.value)
            received += len(records)
            if records and not first:
                first, start = len(records), time.perf_counter()
            consumer.commit_async()
            until = len(transactions) if received >= total else len(transactions) * received // total
            for transaction in transactions[done:until]:
                for _, query, params, args, kwargs, method in transaction:
                    SENDING[method](cursor, query, params, *args, **kwargs)
                connection.commit()
            done = max(done, until)
    consumer.close()
    return (total - first) / (time.perf_counter() - start)


def _prepare(path: Path_, url: str, nips: list[str], servers: str) -> None:
    """The people the service knows before the events: its dataset (needs) or their ``EmployeeSynced``."""
    if path.service == "needs":
        from bench.needs_gap import build
        from services.needs import repository
        from services.needs.models import Outbox
        from shared.db import UnitOfWork

        database = Database(url)
        build(database, len(nips), 30, seed=42)
        with UnitOfWork(database, Outbox) as uow:
            repository.rebuild_gaps(uow.session, dt.date.today().year, repository.GapPolicy())
            report = repository.RecomputeReport(year=dt.date.today().year, employees=None)
            repository.sync_needs(uow.session, dt.date.today().year, None, report, outbox=uow)
            uow.commit()
        database.dispose()
        return
    prefix = f"bench.seed.{uuid.uuid4().hex[:8]}."
    _send(servers, prefix + "bangkom.needs.v1", [_synced(nip, i, nips) for i, nip in enumerate(nips)])
    settings = _settings(path.service, url, prefix, servers)
    database, producer = Database(url), new_producer(servers)
    consumer = _consumer(settings, database, producer, f"bench-seed-{uuid.uuid4().hex}")
    _consume(consumer, len(nips))
    consumer.close()
    producer.close()
    database.dispose()


def _send(servers: str, topic: str, events: list[Event]) -> None:
    producer = KafkaProducer(bootstrap_servers=servers.split(","), acks="all", linger_ms=5)
    for event in events:
        producer.send(topic, key=event.key.encode(), value=event.to_json())
    producer.flush()
    producer.close()


def run_path(path: Path_, servers: str, people: int) -> tuple[float, float, int]:
    global NOTED
    nips = _nips(people)
    prefix = f"bench.{uuid.uuid4().hex[:8]}."
    events = [path.make(nips[i % len(nips)], i) for i in range(path.events)]
    topic = {"TrainingCompleted": "training", "DevelopmentNeedIdentified": "needs"}.get(path.event_type, "evaluation")
    _send(servers, f"{prefix}bangkom.{topic}.v1", events)
    rates = {}
    with contextlib.ExitStack() as stack:
        urls = [stack.enter_context(throwaway_database(path.service)) for _ in range(3)]
        for url in urls:
            _prepare(path, url, nips, servers)
        noted: list[tuple] = []
        for label, url in (("noted", urls[0]), ("handler", urls[1])):
            settings = _settings(path.service, url, prefix, servers)
            database, producer = Database(url), new_producer(servers)
            consumer = _consumer(settings, database, producer, f"bench-{label}-{uuid.uuid4().hex}")
            NOTED = noted if label == "noted" else None
            try:
                rates[label] = _consume(consumer, path.events)
            finally:
                NOTED = None
                consumer.close()
                producer.close()
                database.dispose()
        topics = [prefix + t for t in _module(path.service, "handlers").TOPICS]
        rates["bare"] = _bare(urls[2], servers, topics, path.events, noted)
    statements = sum(1 for item in noted if item[0] == "sql")
    return rates["handler"], rates["bare"], statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=2000, help="ASN each service knows")
    parser.add_argument("--only", help="one service's path (evaluation, training, notifications, needs)")
    args = parser.parse_args()
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    rows = []
    for path in PATHS:
        if args.only and path.service != args.only:
            continue
        print(f"{path.service} · {path.event_type} × {path.events} …", file=sys.stderr, flush=True)
        handler, bare, statements = run_path(path, servers, args.people)
        rows.append((path, handler, bare, statements))
        record(
            f"{path.service} worker: {path.event_type}",
            handler,
            "events/s",
            baseline=bare,
            baseline_name="its statements replayed bare",
            goal=f"≥ {GOAL} × its statements bare",
            met=handler / bare >= GOAL,
        )
    print(f"\nworkers' handlers against their statements replayed bare ({args.people:,} ASN known)")
    print(f"  {'path':48} {'handler':>12} {'bare':>12} {'ratio':>7}  statements/event  what")
    for path, handler, bare, statements in rows:
        print(
            f"  {path.service + ' · ' + path.event_type:48} {handler:8,.0f} /s {bare:8,.0f} /s {handler / bare:6.2f}×"
            f"  {statements / path.events:16.1f}  {path.what}"
        )


if __name__ == "__main__":
    main()
