"""Throughput of the event backbone against the real broker and PostgreSQL, with in-process baselines.

    make bench                      # or: deploy/local/with-infra.sh .venv/bin/python bench/backbone.py --events 5000

Prints, for N events:
- raw producer (baseline) vs the outbox relay, and vs outbox write + relay (one after the other, and side by side:
  the writer in another process, as the API and the worker are): events/s and the ratio;
- raw consumer poll (baseline) vs the idempotent consumer (parse, de-duplicate, handle: a poll in one transaction).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kafka import KafkaConsumer, KafkaProducer  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.figures import record  # noqa: E402
from shared.consumer import EventConsumer  # noqa: E402
from shared.db import Database, UnitOfWork  # noqa: E402
from shared.events import new_event  # noqa: E402
from shared.outbox import OutboxRelay
from shared.producer import new_producer  # noqa: E402
from tests.backbone_models import Base, Outbox, ProcessedEvent  # noqa: E402


def sample(i: int):
    return new_event(
        "ParticipantEnrolled",
        {"enrollment_id": f"e-{i}", "nip": f"1986092620150510{i % 100:02d}", "program_id": "p-1", "batch_id": "b-1"},
    )


def write_outbox(url: str, prefix: str, first: int, n: int) -> None:
    """The API's side, in a process of its own: n events written in transactions of 100."""
    database = Database(url)
    for offset in range(first, first + n, 100):
        with UnitOfWork(database, Outbox, prefix) as uow:
            for i in range(offset, min(offset + 100, first + n)):
                uow.publish(sample(i))
            uow.commit()
    database.dispose()


def progress(label: str, done: int, total: int) -> None:
    print(f"\r  {label}: {done}/{total}", end="", file=sys.stderr, flush=True)
    if done >= total:
        print(file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    n = args.events
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    admin_url = os.environ.get(
        "TEST_DATABASE_ADMIN_URL", "postgresql+psycopg://bangkom:bangkom@127.0.0.1:15432/postgres"
    )
    name = f"bangkom_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    database = Database(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
    Base.metadata.create_all(database.engine)
    prefix = f"bench.{uuid.uuid4().hex[:8]}."
    events = [sample(i) for i in range(n)]
    try:
        # 1. baseline: the raw idempotent producer
        raw = KafkaProducer(bootstrap_servers=servers.split(","), acks="all")
        start = time.perf_counter()
        for event in events:
            raw.send(prefix + "raw", key=event.key.encode(), value=event.to_json())
        raw.flush()
        raw_rate = n / (time.perf_counter() - start)
        raw.close()

        # 2. outbox: write in transactions of 100 events, then relay everything
        producer = new_producer(servers)
        start = time.perf_counter()
        for offset in range(0, n, 100):
            with UnitOfWork(database, Outbox, prefix) as uow:
                for event in events[offset : offset + 100]:
                    uow.publish(event)
                uow.commit()
        written = time.perf_counter()
        relay = OutboxRelay(database, Outbox, producer, "bench", batch_size=500)
        relayed = 0
        while (sent := relay.run_once()) > 0:
            relayed += sent
            progress("relay", relayed, n)
        done = time.perf_counter()
        write_rate, relay_rate, total_rate = n / (written - start), n / (done - written), n / (done - start)

        # 3. consumers: raw poll (baseline) vs the idempotent consumer with a no-op handler
        topic = prefix + "bangkom.training.v1"
        plain = KafkaConsumer(
            topic,
            bootstrap_servers=servers.split(","),
            group_id=f"bench-{uuid.uuid4().hex}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        # both clocks start when the first records arrive: joining the group (a second or so) is not consuming
        seen = first = 0
        while seen < n:
            seen += sum(len(batch) for batch in plain.poll(timeout_ms=500).values())
            if seen and not first:
                first, start = seen, time.perf_counter()
        plain_rate = (n - first) / (time.perf_counter() - start)
        plain.close()

        consumer = EventConsumer(
            service="bench",
            database=database,
            outbox_model=Outbox,
            processed_model=ProcessedEvent,
            handlers={"ParticipantEnrolled": lambda event, uow: None},
            topics=[topic],
            group_id=f"bench-{uuid.uuid4().hex}",
            bootstrap_servers=servers,
            producer=producer,
            dead_letter_topic=prefix + "dlq",
        )
        handled = first = 0
        while handled < n:
            handled += consumer.poll_once()
            if handled and not first:
                first, start = handled, time.perf_counter()
            progress("idempotent consumer", handled, n)
        consumer_rate = (n - first) / (time.perf_counter() - start)
        consumer.close()

        # 4. write and relay side by side, as in a service: the API (another process) writes, the worker relays
        writer = multiprocessing.get_context("fork").Process(
            target=write_outbox, args=(database.url, f"bench.{uuid.uuid4().hex[:8]}.", n, n)
        )
        relayed = 0
        start = time.perf_counter()
        writer.start()
        while relayed < n:
            sent = relay.run_once()
            relayed += sent
            if not sent:
                time.sleep(0.002)
            progress("write and relay side by side", relayed, n)
        side_by_side_rate = n / (time.perf_counter() - start)
        writer.join()
        producer.close()

        print(f"\nevent backbone, {n} events (PostgreSQL + Kafka on this machine)")
        print(f"  raw producer (baseline)          {raw_rate:10.0f} events/s")
        print(f"  outbox write (tx of 100)         {write_rate:10.0f} events/s")
        print(
            f"  outbox relay                     {relay_rate:10.0f} events/s   {relay_rate / raw_rate:5.2f} × raw producer"
        )
        print(
            f"  outbox write, then relay         {total_rate:10.0f} events/s   {total_rate / raw_rate:5.2f} × raw producer"
        )
        print(
            f"  outbox write + relay side by side {side_by_side_rate:9.0f} events/s   "
            f"{side_by_side_rate / raw_rate:5.2f} × raw producer (the writer in another process)"
        )
        print(f"  raw consumer poll (baseline)     {plain_rate:10.0f} events/s")
        print(
            f"  idempotent consumer              {consumer_rate:10.0f} events/s   "
            f"{consumer_rate / plain_rate:5.2f} × raw consumer (a poll handled in one transaction, offsets committed per poll)"
        )
        record(
            "outbox relay",
            relay_rate,
            "events/s",
            baseline=raw_rate,
            baseline_name="raw producer",
            goal="≥ 0.9 × raw producer",
            met=relay_rate / raw_rate >= 0.9,
        )
        record(
            "outbox write (tx of 100) + relay, side by side",
            side_by_side_rate,
            "events/s",
            baseline=raw_rate,
            baseline_name="raw producer",
            goal="≥ 0.8 × raw producer",
            met=side_by_side_rate / raw_rate >= 0.8,
        )
        record(
            "outbox write (tx of 100), then relay",
            total_rate,
            "events/s",
            baseline=raw_rate,
            baseline_name="raw producer",
            goal="(one after the other: the sum of both times)",
            met=None,
        )
        record(
            "idempotent consumer (no-op handler)",
            consumer_rate,
            "events/s",
            baseline=plain_rate,
            baseline_name="raw consumer poll",
            goal="≥ 0.5 × raw poll",
            met=consumer_rate / plain_rate >= 0.5,
        )
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
