"""Session-wide fixtures: the real Kafka broker and PostgreSQL that `make test` starts.

Nothing here starts or mocks infrastructure: when the broker or the database is not reachable the
tests fail loudly with what to run. Tests isolate themselves by unique topics, consumer groups,
databases (one per test session) and rows.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from shared.db import Database

HOW_TO_START = "run `make test` (it starts both) or `deploy/local/kafka.sh start` and `deploy/local/postgres.sh start`"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    try:
        admin = KafkaAdminClient(bootstrap_servers=servers.split(","), request_timeout_ms=5000)
        admin.list_topics()
        admin.close()
    except Exception as exc:
        raise RuntimeError(f"Kafka is not reachable at {servers} ({exc}); {HOW_TO_START}") from exc
    return servers


@pytest.fixture(scope="session")
def kafka_admin(kafka_bootstrap: str) -> Iterator[KafkaAdminClient]:
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap.split(","))
    yield admin
    # The broker may outlive this run (make test re-uses a running one): leave no test topics behind.
    leftovers = [topic for topic in admin.list_topics() if topic.startswith("test.")]
    if leftovers:
        admin.delete_topics(leftovers)
    admin.close()


@pytest.fixture(scope="session")
def new_topic(kafka_admin: KafkaAdminClient) -> Callable[..., str]:
    """Create a topic with a unique name (and the given partitions); returns its name."""

    def create(name: str = "t", partitions: int = 3) -> str:
        topic = f"test.{uuid.uuid4().hex[:10]}.{name}"
        kafka_admin.create_topics([NewTopic(topic, partitions, 1)])
        deadline = time.monotonic() + 15
        while True:  # wait until every partition has a leader, so clients see the whole topic at once
            described = kafka_admin.describe_topics([topic])[0]
            leaders = [p["leader_id"] for p in described.get("partitions", []) if p["error_code"] == 0]
            if described["error_code"] == 0 and len(leaders) == partitions and min(leaders) >= 0:
                return topic
            assert time.monotonic() < deadline, f"topic {topic} got no leaders: {described}"
            time.sleep(0.1)

    return create


@pytest.fixture(scope="session")
def unique() -> Callable[[str], str]:
    return lambda name="x": f"test.{uuid.uuid4().hex[:10]}.{name}"


@pytest.fixture(scope="session")
def kafka_producer(kafka_bootstrap: str) -> Iterator[KafkaProducer]:
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap.split(","), acks="all")
    yield producer
    producer.close()


@pytest.fixture(scope="session")
def read_topic(kafka_bootstrap: str) -> Callable[..., list]:
    """All records of a topic from the beginning, waiting until ``expected`` arrived (or ``timeout``)."""

    def read(topic: str, expected: int, timeout: float = 20.0) -> list:
        # assigned, not subscribed: no consumer group to join, so no rebalance to wait for on a busy machine
        consumer = KafkaConsumer(bootstrap_servers=kafka_bootstrap.split(","), enable_auto_commit=False)
        deadline = time.monotonic() + timeout
        partitions = consumer.partitions_for_topic(topic)
        while not partitions and time.monotonic() < deadline:
            time.sleep(0.1)
            consumer.topics()  # refreshes the metadata
            partitions = consumer.partitions_for_topic(topic)
        records: list = []
        if not partitions:  # no such topic (yet): nothing was ever published to it
            consumer.close(autocommit=False)
            return records
        consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
        consumer.seek_to_beginning()
        try:
            while time.monotonic() < deadline and len(records) < expected:
                for batch in consumer.poll(timeout_ms=300).values():
                    records.extend(batch)
            # a little longer, to see records beyond the expected ones (duplicates)
            end = time.monotonic() + 1.0
            while time.monotonic() < end:
                for batch in consumer.poll(timeout_ms=200).values():
                    records.extend(batch)
        finally:
            consumer.close(autocommit=False)
        return sorted(records, key=lambda r: (r.partition, r.offset))

    return read


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url = os.environ.get("TEST_DATABASE_ADMIN_URL", "postgresql+psycopg://bangkom:bangkom@127.0.0.1:15432/postgres")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        raise RuntimeError(f"PostgreSQL is not reachable at {make_url(url)!r} ({exc}); {HOW_TO_START}") from exc
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def make_database(pg_admin_url: str) -> Iterator[Callable[[str], str]]:
    """Create a fresh PostgreSQL database for this test session; returns its URL. Dropped at the end."""
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def create(name: str) -> str:
        database = f"bangkom_test_{name}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        created.append(database)
        return make_url(pg_admin_url).set(database=database).render_as_string(hide_password=False)

    yield create
    with admin.connect() as connection:
        for database in created:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_database(make_database) -> Callable[[str], str]:
    """The URL of a fresh database of a service, migrated to its newest revision (one per service and session)."""
    from shared.migrations import upgrade

    urls: dict[str, str] = {}

    def get(service: str) -> str:
        if service not in urls:
            urls[service] = make_database(service)
            upgrade(f"services.{service}", urls[service])
        return urls[service]

    return get


@pytest.fixture(scope="session")
def database_of(migrated_database) -> Iterator[Callable[[str], Database]]:
    """One engine per service's migrated database for the session: ``database_of("training")``."""
    made: dict[str, Database] = {}

    def get(service: str) -> Database:
        if service not in made:
            made[service] = Database(migrated_database(service))
        return made[service]

    yield get
    for database in made.values():
        database.dispose()


def pytest_terminal_summary(terminalreporter) -> None:
    """The figures the suites reported (tests/figures.py), at the end of the run."""
    from tests.figures import FIGURES

    for suite, rows in FIGURES.items():
        terminalreporter.section(f"{suite}: figures")
        for name, figures in rows:
            terminalreporter.write_line(f"{name:34} {figures}")
