"""A broker that stops answering long enough for a batch already sent to expire: the relay's producer recovers.

kafka-python 3.0 leaves its idempotent producer without a producer id after such an expiry and sends nothing more
(shared/producer.py); this test pauses the suite's own broker (SIGSTOP, as a stalled JVM or a frozen node) and checks
that the outbox is published all the same once the broker answers again."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
import uuid

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaTimeoutError
from sqlalchemy import func, select

from services.training.models import Outbox
from shared.db import Database, UnitOfWork
from shared.metrics import PRODUCERS_RENEWED
from shared.outbox import OutboxRelay
from shared.producer import new_producer
from tests import factories
from tests.integration.needs.conftest import new_nip

PAUSE_SECONDS = 6.0  # longer than the test producer's delivery time-out (4 s): the batch in retry expires


def read(bootstrap: str, topic: str) -> list[str]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False)
    partition = TopicPartition(topic, 0)
    consumer.assign([partition])
    consumer.seek_to_beginning()
    end = consumer.end_offsets([partition])[partition]
    ids: list[str] = []
    while consumer.position(partition) < end:
        for records in consumer.poll(timeout_ms=1000).values():
            ids += [json.loads(r.value)["id"] for r in records]
    consumer.close()
    return ids


def test_an_outbox_relay_whose_producer_got_stuck_in_a_broker_pause_publishes_once_the_broker_answers(fault_infra):
    broker, postgres = fault_infra
    prefix = f"stuck-{uuid.uuid4().hex[:8]}."
    topic = prefix + factories.employee_synced(new_nip()).topic
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap.split(","))
    admin.create_topics([NewTopic(topic, 1, 1)])
    admin.close()
    database = Database(postgres.url("training"))
    producer = new_producer(broker.bootstrap, service="faults", request_timeout_ms=1500, delivery_timeout_ms=4000)
    relay = OutboxRelay(database, Outbox, producer, "faults")
    renewals = PRODUCERS_RENEWED.labels("faults")._value.get()

    def write() -> str:
        event = factories.employee_synced(new_nip())
        with UnitOfWork(database, Outbox, prefix) as unit:
            unit.publish(event)
            unit.commit()
        return event.id

    def pending() -> int:
        with database.sessions() as session:
            return session.scalar(select(func.count()).where(Outbox.topic == topic, Outbox.published_at.is_(None)))

    try:
        written = [write()]
        assert relay.run_once() == 1
        pid = int(broker.pid_file.read_text())
        os.kill(pid, signal.SIGSTOP)
        resume = threading.Timer(PAUSE_SECONDS, os.kill, (pid, signal.SIGCONT))
        resume.start()
        written.append(write())
        assert relay.run_once() == 0, "sent into the pause: expired, the row stays pending"
        resume.join()
        written.append(write())

        deadline = time.monotonic() + 4 * producer.settle_seconds
        while pending() and time.monotonic() < deadline:
            with contextlib.suppress(KafkaTimeoutError):  # a round that waited on a stuck producer: next, a new one
                relay.run_once()
        assert pending() == 0, "every row published once the broker answered again"
        assert set(read(broker.bootstrap, topic)) == set(written)
        print(f"producer renewals: {PRODUCERS_RENEWED.labels('faults')._value.get() - renewals:.0f}")
    finally:
        os.kill(int(broker.pid_file.read_text()), signal.SIGCONT)
        producer.close(timeout=5)
        database.dispose()
