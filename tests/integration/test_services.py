"""Each service's skeleton on real infrastructure: migrations, the worker process, the HTTP probes."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import inspect

from shared.db import Database, UnitOfWork
from shared.events import new_event
from shared.migrations import upgrade

EVENT_SERVICES = ["needs", "training", "evaluation", "notifications", "audit"]


@pytest.mark.parametrize("service", [*EVENT_SERVICES, "gateway"])
def test_migrations_create_the_service_tables(service, make_database):
    url = make_database(service)
    upgrade(f"services.{service}", url)
    upgrade(f"services.{service}", url)  # a second run is a no-op
    database = Database(url)
    tables = set(inspect(database.engine).get_table_names())
    database.dispose()
    assert "alembic_version" in tables
    if service in EVENT_SERVICES:
        assert {"outbox", "processed_events"} <= tables


@pytest.mark.parametrize("service", EVENT_SERVICES)
def test_app_probes_on_real_infrastructure(service, make_database, kafka_bootstrap, monkeypatch):
    url = make_database(f"{service}_app")
    upgrade(f"services.{service}", url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
    monkeypatch.setenv("INTERNAL_IDENTITY_SECRET", "test-secret")
    app = importlib.import_module(f"services.{service}.app").create_app()  # settings from the environment
    client = app.test_client()
    assert client.get("/healthz").json == {"service": service, "status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json
    assert ready.json["checks"] == {"database": "ok", "kafka": "ok"}
    metrics = client.get("/metrics").get_data(as_text=True)
    assert f'bangkom_outbox_backlog{{service="{service}"}} 0.0' in metrics
    assert client.get("/openapi.json").json["info"]["title"] == f"Bangkom {service}"


def test_readyz_reports_what_is_unreachable(make_database):
    from services.needs.app import create_app
    from services.needs.config import NeedsSettings

    settings = NeedsSettings(
        service="needs",
        database_url="postgresql+psycopg://nobody:wrong@127.0.0.1:1/none",
        kafka_bootstrap_servers="127.0.0.1:1",
        internal_identity_secret="test-secret",
    )
    response = create_app(settings).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.content_type == "application/problem+json"
    body = response.json
    assert body["checks"]["database"].startswith("unavailable")
    assert body["checks"]["kafka"].startswith("unavailable")
    assert "database" in body["detail"] and "kafka" in body["detail"]


def test_worker_process_relays_its_outbox_and_stops_cleanly_on_sigterm(
    make_database, kafka_bootstrap, read_topic, unique
):
    from services.evaluation.models import Outbox

    url = make_database("evaluation_worker")
    upgrade("services.evaluation", url)
    prefix = unique("worker") + "."
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_TOPIC_PREFIX": prefix,
        "OUTBOX_POLL_SECONDS": "0.1",
        "INTERNAL_IDENTITY_SECRET": "test-secret",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "services.evaluation.worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        database = Database(url)
        event = new_event(
            "EvaluationTaskCreated",
            {
                "task_id": "t-1",
                "kind": "reaction",
                "nip": "198609262015051001",
                "assignee_nip": "198609262015051001",
                "enrollment_id": "e-1",
                "program_id": "p-1",
                "due_on": dt.date(2026, 12, 5),
            },
        )
        with UnitOfWork(database, Outbox, prefix) as uow:
            uow.publish(event)
            uow.commit()
        records = read_topic(prefix + "bangkom.evaluation.v1", expected=1, timeout=30)
        assert [json.loads(r.value)["id"] for r in records] == [event.id]
        database.dispose()
    finally:
        time.sleep(0.5)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    logs = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert logs, output
    assert all(entry["service"] == "evaluation" for entry in logs)
    assert logs[-1]["message"] == "worker stopped"
