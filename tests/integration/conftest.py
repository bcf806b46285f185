"""Fixtures for the event backbone tests: a PostgreSQL database with an outbox, processed events
and one effect table (JP credited per enrollment), and builders of relays and consumers."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select

from shared.consumer import EventConsumer
from shared.db import Database, UnitOfWork
from shared.events import Event, new_event
from shared.outbox import OutboxRelay
from shared.producer import new_producer
from tests.backbone_models import Base, JpCredit, Outbox, ProcessedEvent
from tests.smtp_standin import SmtpStandin


def credit_jp(event: Event, uow: UnitOfWork) -> None:
    data = event.load_data()
    if data["program_title"] == "poison":
        raise RuntimeError("the handler cannot process this program")
    uow.session.add(JpCredit(nip=data["nip"], enrollment_id=data["enrollment_id"], jp=data["jp"]))


HANDLERS = {"TrainingCompleted": credit_jp}


def training_completed(
    enrollment_id: str | None = None, title: str = "Manajemen Bencana", jp: int = 24, nip: str = "198609262015051001"
) -> Event:
    return new_event(
        "TrainingCompleted",
        {
            "enrollment_id": enrollment_id or str(uuid.uuid4()),
            "nip": nip,
            "program_id": "p-1",
            "batch_id": "b-1",
            "program_title": title,
            "form": "pelatihan",
            "jp": jp,
            "competencies": [{"code": "T-BENCANA", "target_level": 3}],
            "attendance_rate": 0.95,
            "completed_on": dt.date(2026, 11, 20),
            "partner_code": "UNIMAL",
        },
    )


def credited(database: Database, enrollment_id: str) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).where(JpCredit.enrollment_id == enrollment_id))


@pytest.fixture(scope="session")
def database(make_database) -> Iterator[Database]:
    db = Database(make_database("backbone"))
    Base.metadata.create_all(db.engine)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def producer(kafka_bootstrap: str):
    p = new_producer(kafka_bootstrap)
    yield p
    p.close()


@pytest.fixture
def topic_prefix() -> str:
    """Every event this test writes to the outbox goes to topics under this unique prefix."""
    return f"test.{uuid.uuid4().hex[:10]}."


@pytest.fixture
def uow(database: Database, topic_prefix: str) -> Callable[[], UnitOfWork]:
    return lambda: UnitOfWork(database, Outbox, topic_prefix)


@pytest.fixture
def relay(database: Database, producer) -> OutboxRelay:
    return OutboxRelay(database, Outbox, producer, "test")


@pytest.fixture
def make_consumer(database: Database, producer, kafka_bootstrap: str, topic_prefix: str):
    consumers: list[EventConsumer] = []

    def make(topics: list[str], group: str | None = None, **options) -> EventConsumer:
        settings = {
            "service": "test",
            "database": database,
            "outbox_model": Outbox,
            "processed_model": ProcessedEvent,
            "topic_prefix": topic_prefix,
            "handlers": HANDLERS,
            "topics": topics,
            "group_id": group or f"test-{uuid.uuid4().hex[:10]}",
            "bootstrap_servers": kafka_bootstrap,
            "producer": producer,
            "dead_letter_topic": f"{topic_prefix}bangkom.dlq.test",
            "max_attempts": 3,
            "backoff_seconds": 0.01,
            "poll_ms": 200,
            # a member that vanished without leaving is noticed in seconds, not the default 45 s
            "consumer_options": {"session_timeout_ms": 10000, "heartbeat_interval_ms": 1000},
        }
        settings.update(options)
        consumer = EventConsumer(**settings)
        consumers.append(consumer)
        return consumer

    yield make
    for consumer in consumers:
        with contextlib.suppress(Exception):  # already closed by the test
            consumer.close()


def consume_until(consumer: EventConsumer, done: Callable[[], bool], timeout: float = 60.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the consumer did not get there in time"
        consumer.poll_once()


def record_outcomes(consumer: EventConsumer) -> list[str]:
    """The outcome of every record the consumer settles, in order (its ``settled`` hook)."""
    outcomes: list[str] = []
    consumer.settled = lambda record, outcome: outcomes.append(outcome)
    return outcomes


@pytest.fixture(scope="session", autouse=True)
def _remove_test_topics_at_the_end(kafka_admin):
    """Requesting the admin client makes its teardown delete this run's test.* topics."""
    yield


@pytest.fixture
def smtp():
    """A local SMTP receiver for one test: the stand-in for the city's mail server (tests/smtp_standin.py)."""
    server = SmtpStandin().start()
    yield server
    server.stop()


@contextlib.contextmanager
def kafka_feed(
    *,
    service: str,
    settings,
    database,
    outbox_model,
    processed_model,
    handlers,
    topics,
    group_id,
    bootstrap,
    producer,
    kafka_producer,
):
    """A service's worker handlers fed through the real broker: ``send(*events)`` produces them to their topics and
    returns their outcomes once the consumer has settled them."""
    consumer = EventConsumer(
        service=service,
        database=database,
        outbox_model=outbox_model,
        processed_model=processed_model,
        handlers=handlers,
        topics=topics,
        group_id=group_id,
        bootstrap_servers=bootstrap,
        producer=producer,
        dead_letter_topic=settings.dead_letter_topic,
        consumer_options={"session_timeout_ms": 10000, "heartbeat_interval_ms": 1000},
    )
    outcomes = record_outcomes(consumer)

    def send(*events) -> list[str]:
        for event in events:
            kafka_producer.send(
                settings.kafka_topic_prefix + event.topic, key=event.key.encode(), value=event.to_json()
            )
        kafka_producer.flush()
        expected = len(outcomes) + len(events)
        consume_until(consumer, lambda: len(outcomes) >= expected)
        return outcomes[-len(events) :]

    try:
        yield send
    finally:
        consumer.close()
