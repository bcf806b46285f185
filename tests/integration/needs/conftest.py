"""Fixtures for the needs service on real PostgreSQL and Kafka: one migrated, seeded database per
test session; each test gets its own topic prefix and makes its own NIPs, positions and codes."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import signal
import uuid

import pytest

from services.gateway.config import GatewaySettings
from services.needs import handlers
from services.needs.app import create_app
from services.needs.config import NeedsSettings
from services.needs.models import Outbox, ProcessedEvent
from shared import identity
from shared.consumer import EventConsumer
from shared.db import Database, UnitOfWork
from shared.outbox import OutboxRelay
from tests.services import JWT_SECRET, SECRET

_serial = itertools.count(1)
ADMIN = identity.Identity("bkpsdm.admin", ("admin",))


def new_nip(status_digit: str = "1", kind: str = "PNS") -> str:
    """A valid employee number unique within the test session (the birth date differs for each): a NIP, or for
    ``kind="PPPK"`` an NI PPPK (year of appointment and type code 21 where a NIP has its appointment month)."""
    n = next(_serial)
    born = dt.date(1965, 1, 1) + dt.timedelta(days=n)
    appointed = f"{born.year + 24}21" if kind == "PPPK" else f"{born.year + 24}{(n % 12) + 1:02d}"
    return f"{born:%Y%m%d}{appointed}{status_digit}{n % 1000:03d}"


def code(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


@pytest.fixture(scope="session")
def needs_url(migrated_database) -> str:
    url = migrated_database("needs")
    database = Database(url)
    with UnitOfWork(database, Outbox) as uow:
        handlers.seed_dictionary(uow)
    database.dispose()
    return url


@pytest.fixture(scope="session")
def needs_db(database_of, needs_url):  # needs_url first: it migrates (and seeds)
    return database_of("needs")


@pytest.fixture
def settings(needs_url, kafka_bootstrap, unique) -> NeedsSettings:
    return NeedsSettings(
        service="needs",
        database_url=needs_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=unique("needs") + ".",
        consumer_backoff_seconds=0.01,
        consumer_max_attempts=2,
        internal_identity_secret=SECRET,
    )


@pytest.fixture
def client(settings):
    """A test client that calls as BKPSDM (an admin identity signed as the gateway would) unless told otherwise."""
    client = create_app(settings).test_client()
    client.environ_base["HTTP_X_BANGKOM_IDENTITY"] = identity.encode(ADMIN, SECRET)
    return client


@pytest.fixture
def year(settings) -> int:
    return settings.today().year


@pytest.fixture
def api(client):
    """Call the needs API; fail the test with the problem body on an unexpected status."""

    def call(method: str, path: str, expect: int = 200, **kwargs):
        response = client.open(f"/api/v1/needs{path}", method=method, **kwargs)
        assert response.status_code == expect, response.get_data(as_text=True)
        return response.json if response.is_json else response

    return call


@pytest.fixture
def as_who(client):
    """Call the needs API as someone (the identity the gateway would sign)."""

    def call(who: identity.Identity, method: str, path: str, expect: int = 200, **kwargs):
        headers = {identity.HEADER: identity.encode(who, SECRET)}
        response = client.open(f"/api/v1/needs{path}", method=method, headers=headers, **kwargs)
        assert response.status_code == expect, response.get_data(as_text=True)
        return response.json

    return call


@pytest.fixture
def position(api):
    """Create a position with an own standard; returns its code."""

    def make(standard: dict[str, int], position_class: str = "pelaksana") -> str:
        position_code = code("JAB")
        api(
            "POST",
            "/positions",
            201,
            json={"code": position_code, "name": "Jabatan uji", "position_class": position_class},
        )
        items = [{"competency_code": c, "required_level": lvl} for c, lvl in standard.items()]
        api("PUT", f"/positions/{position_code}/standard", json={"items": items})
        return position_code

    return make


@pytest.fixture
def competency(api):
    def make(group: str = "teknis") -> str:
        competency_code = code("T")
        api(
            "POST",
            "/competencies",
            201,
            json={
                "code": competency_code,
                "name": f"Kompetensi {competency_code}",
                "group": group,
                "level_descriptors": ["1", "2", "3", "4", "5"],
            },
        )
        return competency_code

    return make


@pytest.fixture
def employee(api, year):
    def make(
        position_code: str | None, unit: str = "DISKOMINFO", status: str = "PNS", assessed_at: int | None = 1, **extra
    ) -> str:
        """An employee of ``position_code``; unless ``assessed_at`` is None, their supervisor has assessed every
        competency of the standard at that level on 1 January (so that the standard's gaps are real ones)."""
        nip = new_nip(kind=status)
        report = api(
            "PUT",
            "/employees",
            json={
                "employees": [
                    {
                        "nip": nip,
                        "name": f"Pegawai {nip[-4:]}",
                        "position_code": position_code,
                        "unit_code": unit,
                        "unit_name": f"Dinas {unit}",
                        "employment_status": status,
                        **extra,
                    }
                ]
            },
        )
        assert report["added"] == 1, report
        if assessed_at is not None and position_code:
            for item in api("GET", f"/employees/{nip}/profile")["competencies"]:
                api(
                    "POST",
                    f"/employees/{nip}/assessments",
                    201,
                    json={
                        "competency_code": item["competency_code"],
                        "level": assessed_at,
                        "source": "supervisor",
                        "assessed_on": f"{year}-01-01",
                    },
                )
        return nip

    return make


@pytest.fixture
def relay_events(needs_db, producer, read_topic, settings):
    """Relay the needs outbox, then read this test's needs topic as parsed CloudEvents."""

    def read(expected: int, timeout: float = 15.0) -> list[dict]:
        relay = OutboxRelay(needs_db, Outbox, producer, "needs")
        while relay.run_once():
            pass
        return [json.loads(r.value) for r in read_topic(settings.topic, expected=expected, timeout=timeout)]

    return read


@pytest.fixture
def needs_consumer(needs_db, producer, kafka_bootstrap, settings, unique):
    consumers = []

    def make(topics: list[str]) -> EventConsumer:
        consumer = EventConsumer(
            service="needs",
            database=needs_db,
            outbox_model=Outbox,
            processed_model=ProcessedEvent,
            topic_prefix=settings.kafka_topic_prefix,
            handlers=handlers.event_handlers(settings),
            topics=topics,
            group_id=unique("needs-group"),
            bootstrap_servers=kafka_bootstrap,
            producer=producer,
            dead_letter_topic=settings.dead_letter_topic,
            max_attempts=2,
            backoff_seconds=0.01,
            poll_ms=200,
            consumer_options={"session_timeout_ms": 10000, "heartbeat_interval_ms": 1000},
        )
        consumers.append(consumer)
        return consumer

    yield make
    for consumer in consumers:
        consumer.close()


@pytest.fixture(scope="module")
def needs_service(needs_url, kafka_bootstrap):
    """The needs service under gunicorn on the test database (for the gateway's pages in front of it)."""
    from tests.integration.test_gateway import _serve  # that module imports this one's new_nip

    server, url = _serve("needs", needs_url, kafka_bootstrap)
    yield url
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


@pytest.fixture
def gateway_settings(migrated_database, needs_service) -> GatewaySettings:
    """A gateway (its web UI, in-process) in front of the needs service."""
    return GatewaySettings(
        service="gateway",
        database_url=migrated_database("gateway"),
        internal_identity_secret=SECRET,
        jwt_secret=JWT_SECRET,
        needs_url=needs_service,
        upstream_read_timeout=10,
    )
