"""Fixtures for the training service on real PostgreSQL and Kafka: one migrated database per test
session; each test gets its own topic prefix, partner, program and employees."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from services.training import handlers
from services.training.app import create_app
from services.training.config import TrainingSettings
from services.training.models import Outbox
from shared import identity
from shared.db import UnitOfWork
from shared.outbox import OutboxRelay
from tests import factories
from tests.integration.needs.conftest import new_nip
from tests.services import SECRET


@pytest.fixture(scope="session")
def training_url(migrated_database) -> str:
    return migrated_database("training")


@pytest.fixture(scope="session")
def training_db(database_of, training_url):  # training_url first: it migrates (and seeds)
    return database_of("training")


@pytest.fixture
def settings(training_url, kafka_bootstrap, unique) -> TrainingSettings:
    return TrainingSettings(
        service="training",
        database_url=training_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=unique("training") + ".",
        internal_identity_secret=SECRET,
    )


@pytest.fixture
def client(settings):
    """A test client that calls as BKPSDM unless a request names another identity."""
    client = create_app(settings).test_client()
    client.environ_base["HTTP_X_BANGKOM_IDENTITY"] = identity.encode(
        identity.Identity("bkpsdm.admin", ("admin",)), SECRET
    )
    return client


@pytest.fixture
def api(client):
    def call(method: str, path: str, expect: int = 200, partner: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        if partner:
            headers[identity.HEADER] = identity.encode(
                identity.Identity(f"pk_{partner}", ("partner",), partner), SECRET
            )
        response = client.open(f"/api/v1/training{path}", method=method, headers=headers, **kwargs)
        assert response.status_code == expect, response.get_data(as_text=True)
        return response.json

    return call


@pytest.fixture
def partner(api):
    def make() -> str:
        code = f"P{uuid.uuid4().hex[:8].upper()}"
        api("POST", "/partners", 201, json={"code": code, "name": f"Mitra {code}", "kind": "university"})
        return code

    return make


def meetings(first: dt.date, count: int, start: int = 8, end: int = 12) -> list[dict]:
    return [
        {"date": (first + dt.timedelta(days=i)).isoformat(), "starts_at": f"{start:02d}:00", "ends_at": f"{end:02d}:00"}
        for i in range(count)
    ]


@pytest.fixture
def program(api):
    """A published program of a partner with one batch; returns (program, batch)."""

    def make(
        partner_code: str,
        competencies=("T-GIS",),
        capacity: int = 30,
        days: int = 5,
        first: dt.date = dt.date(2026, 12, 1),
        **extra,
    ) -> tuple[dict, dict]:
        created = api(
            "POST",
            "/programs",
            201,
            json={
                "code": f"PLT-{uuid.uuid4().hex[:6].upper()}",
                "title": "Pelatihan GIS untuk Kebencanaan",
                "form": "pelatihan",
                "delivery": "klasikal",
                "jp": 24,
                "partner_code": partner_code,
                "capacity": capacity,
                "competencies": [{"code": c, "target_level": 3} for c in competencies],
                **extra,
            },
        )
        batch = api("POST", f"/programs/{created['id']}/batches", 201, json={"meetings": meetings(first, days)})
        api("PUT", f"/programs/{created['id']}/status", json={"status": "published"})
        return created, batch

    return make


@pytest.fixture
def employees(training_db, settings):
    """Known employees in the read model, through the real EmployeeSynced handler; returns their NIPs."""

    def make(count: int = 1, unit: str = "BPBD") -> list[str]:
        nips = [new_nip() for _ in range(count)]
        with UnitOfWork(training_db, Outbox) as uow:
            for nip in nips:
                handlers.on_employee_synced(factories.employee_synced(nip, unit=unit), uow, settings)
            uow.commit()
        return nips

    return make


@pytest.fixture
def relay_events(training_db, producer, read_topic, settings):
    def read(expected: int, timeout: float = 20.0) -> list[dict]:
        relay = OutboxRelay(training_db, Outbox, producer, "training", batch_size=1000)
        while relay.run_once():
            pass
        return [json.loads(r.value) for r in read_topic(settings.topic, expected=expected, timeout=timeout)]

    return read


@pytest.fixture
def deliver(training_db, producer, kafka_bootstrap, kafka_producer, settings, unique):
    """Send events to this test's needs topic and let the training worker's handlers consume all of them."""
    from services.training.models import ProcessedEvent
    from shared.consumer import EventConsumer
    from tests.integration.conftest import consume_until, record_outcomes

    topic = settings.kafka_topic_prefix + "bangkom.needs.v1"
    consumer = EventConsumer(
        service="training",
        database=training_db,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        handlers=handlers.event_handlers(settings),
        topics=[topic],
        group_id=unique("training"),
        bootstrap_servers=kafka_bootstrap,
        producer=producer,
        dead_letter_topic=settings.dead_letter_topic,
        consumer_options={"session_timeout_ms": 10000, "heartbeat_interval_ms": 1000},
    )
    outcomes = record_outcomes(consumer)

    def send(events) -> list[str]:
        before = len(outcomes)
        for event in events:
            kafka_producer.send(topic, key=event.key.encode(), value=event.to_json())
        kafka_producer.flush()
        consume_until(consumer, lambda: len(outcomes) == before + len(events))
        return outcomes[before:]

    yield send
    consumer.close()
