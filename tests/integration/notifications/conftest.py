"""Fixtures of the notifications service's integration tests: its settings and database, the SMTP stand-in, and
events delivered through Kafka to its handlers."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.notifications import handlers
from services.notifications.config import NotificationSettings
from services.notifications.models import Outbox, ProcessedEvent
from shared.db import Database
from shared.events import new_event
from tests.integration.conftest import kafka_feed
from tests.services import SECRET


@pytest.fixture
def service(request, migrated_database, kafka_bootstrap, unique, smtp):
    """The service's settings and database; of the demo's instansi, or of the instansi file a test gives as its
    parameter (``indirect``)."""
    settings = NotificationSettings(
        instansi_file=getattr(request, "param", ""),
        service="notifications",
        database_url=migrated_database("notifications"),
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=unique("notifications") + ".",
        internal_identity_secret=SECRET,
        smtp_port=smtp.port,
        public_url="https://bangkom.lhokseumawekota.go.id",
        mail_retry_seconds=0.0,
        mail_max_attempts=3,
    )
    database = Database(settings.database_url)
    yield settings, database
    database.dispose()


@pytest.fixture
def deliver(service, kafka_producer, producer, kafka_bootstrap, unique):
    """Events through Kafka to the notifications worker's handlers (one topic per producing service)."""
    settings, database = service
    with kafka_feed(
        service="notifications",
        settings=settings,
        database=database,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        handlers=handlers.event_handlers(settings),
        topics=[settings.kafka_topic_prefix + topic for topic in handlers.TOPICS],
        group_id=unique("notifications-group"),
        bootstrap=kafka_bootstrap,
        producer=producer,
        kafka_producer=kafka_producer,
    ) as send:
        yield send


def _published(program_id: str):
    return new_event(
        "ProgramPublished",
        {
            "program_id": program_id,
            "code": f"PLT-{program_id[:6]}",
            "title": "Bimtek Pemetaan Risiko Bencana dengan QGIS",
            "form": "bimtek",
            "delivery": "klasikal",
            "jp": 24,
            "partner_code": "UNIMAL",
            "competencies": [{"code": "T-GIS", "target_level": 3}],
            "starts_on": dt.date(2027, 3, 1),
            "ends_on": dt.date(2027, 3, 3),
        },
    )


def _enrolled(nip: str, program_id: str):
    data = {"enrollment_id": str(uuid.uuid4()), "nip": nip, "program_id": program_id, "batch_id": str(uuid.uuid4())}
    return new_event("ParticipantEnrolled", data)


def _task(nip: str, assignee: str, program_id: str, kind: str = "behavior"):
    data = {
        "task_id": str(uuid.uuid4()),
        "kind": kind,
        "nip": nip,
        "assignee_nip": assignee,
        "enrollment_id": str(uuid.uuid4()),
        "program_id": program_id,
        "due_on": dt.date.today() + dt.timedelta(days=28),
    }
    return new_event("EvaluationTaskCreated", data)
