"""Two instansi side by side on one Kafka cluster and one PostgreSQL server: Kota Makassar (WITA) and Kabupaten
Jayapura (WIT), each with its own databases, topic prefix and instansi file, its needs and training workers running
as their own processes. Each one's employee is synced, trained and credited through its own events; neither sees the
other's people, events or documents (docs/operations.md#many-instansi-on-one-platform)."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pypdf
import pytest
from kafka import KafkaConsumer
from sqlalchemy import select

from services.needs import handlers as needs_handlers
from services.needs.models import JpCredit
from services.needs.models import Outbox as NeedsOutbox
from services.needs.records import EmployeeSchema
from services.training.models import EmployeeView
from shared import identity
from shared.db import Database, UnitOfWork
from shared.migrations import upgrade
from tests.e2e.conftest import stop
from tests.services import SECRET, settings_of
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
INSTANSI = {"makassar": "kota-makassar.json", "jayapura": "kabupaten-jayapura.json"}
NIPS = {"makassar": "199003152015031001", "jayapura": "198807202014022002"}


def _as(who: str, role: str) -> dict:
    """A signed identity made when the request is: the signature is short-lived."""
    return {identity.HEADER: identity.encode(identity.Identity(who, (role,)), SECRET)}


@pytest.fixture(scope="module")
def platform(make_database, kafka_bootstrap, tmp_path_factory):
    """Per instansi: its needs and training databases, its topic prefix, its workers (own processes), its apps."""
    logs = tmp_path_factory.mktemp("instansi-logs")
    stacks, processes = {}, []
    for name, file in INSTANSI.items():
        urls = {service: make_database(f"{name}_{service}") for service in ("needs", "training")}
        for service, url in urls.items():
            upgrade(f"services.{service}", url)
        prefix = f"{name}{uuid.uuid4().hex[:4]}."
        values = {"instansi_file": str(ROOT / "deploy" / "instansi" / file), "kafka_topic_prefix": prefix}
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "KAFKA_TOPIC_PREFIX": prefix,
            "INSTANSI_FILE": values["instansi_file"],
            "INTERNAL_IDENTITY_SECRET": SECRET,
            "OUTBOX_POLL_SECONDS": "0.2",
            "CONSUMER_POLL_MS": "200",
            "LOG_LEVEL": "WARNING",
        }
        for service, url in urls.items():
            log = (logs / f"{name}-{service}-worker.log").open("w")
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", f"services.{service}.worker"],
                    env=env | {"DATABASE_URL": url},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        settings = {
            service: settings_of(service, url, **values, kafka_bootstrap_servers=kafka_bootstrap)
            for service, url in urls.items()
        }
        stacks[name] = {
            "prefix": prefix,
            "needs_db": Database(urls["needs"]),
            "training_db": Database(urls["training"]),
            "needs_settings": settings["needs"],
            **{
                service: importlib.import_module(f"services.{service}.app").create_app(settings[service]).test_client()
                for service in urls
            },
        }
    try:
        yield stacks
    finally:
        stop(processes)


def _call(client, method: str, path: str, expect: int = 200, headers=None, **kwargs):
    response = client.open(path, method=method, headers=headers or _as("bkpsdm.admin", "admin"), **kwargs)
    assert response.status_code == expect, response.get_data(as_text=True)
    return response


def _train(stack, nip: str) -> dict:
    """A program of the instansi's own, its employee enrolled, attending, the batch closed: the roster row."""
    training = stack["training"]
    base = "/api/v1/training"
    code = f"P{uuid.uuid4().hex[:6].upper()}"
    _call(training, "POST", f"{base}/partners", 201, json={"code": code, "name": f"Mitra {code}", "kind": "university"})
    program = _call(
        training,
        "POST",
        f"{base}/programs",
        201,
        json={
            "code": f"PLT-{uuid.uuid4().hex[:6].upper()}",
            "title": "Pelatihan Analisis Data",
            "form": "pelatihan",
            "delivery": "klasikal",
            "jp": 8,
            "partner_code": code,
            "capacity": 10,
            "competencies": [{"code": "T-DATA", "target_level": 3}],
        },
    ).json
    first = dt.date.today() + dt.timedelta(days=2)
    meeting = {"date": first.isoformat(), "starts_at": "08:00", "ends_at": "14:00"}
    batch = _call(training, "POST", f"{base}/programs/{program['id']}/batches", 201, json={"meetings": [meeting]}).json
    _call(training, "PUT", f"{base}/programs/{program['id']}/status", json={"status": "published"})
    path = f"{base}/batches/{batch['id']}"
    _call(training, "POST", f"{path}/enrollments", 201, json={"nips": [nip]})
    _call(training, "PUT", f"{path}/meetings/1/attendance", json={"records": [{"nip": nip, "status": "present"}]})
    _call(training, "POST", f"{path}/close", json={"force_reason": "Ditutup dalam uji dua instansi"})
    [row] = _call(training, "GET", f"{path}/enrollments").json
    return {**row, "batch_id": batch["id"]}


def _records(bootstrap: str, prefix: str) -> list[str]:
    """Every record on the instansi's topics, as text."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", consumer_timeout_ms=3000, group_id=None
    )
    consumer.subscribe(pattern=f"^{prefix.replace('.', '[.]')}.*")
    try:
        return [record.value.decode() for record in consumer]
    finally:
        consumer.close()


def test_two_instansi_share_a_broker_and_a_database_server_and_see_nothing_of_each_other(platform, kafka_bootstrap):
    for name, stack in platform.items():  # each instansi's own employee, through its own needs service
        with UnitOfWork(stack["needs_db"], NeedsOutbox, topic_prefix=stack["prefix"]) as uow:
            person = {
                "nip": NIPS[name],
                "name": f"Pegawai {name.title()}",
                "unit_code": "DINKES",
                "unit_name": "Dinas Kesehatan",
                "employment_status": "PNS",
            }
            needs_handlers.upsert_employees(uow, stack["needs_settings"], [person], EmployeeSchema().load)

    for name, stack in platform.items():  # synced to its own training service, and only there
        with stack["training_db"].sessions() as session:
            wait_for(
                f"{name}'s employee in its training service",
                lambda s=session, n=NIPS[name]: s.get(EmployeeView, n),
                timeout=90,
            )
            assert set(session.scalars(select(EmployeeView.nip))) == {NIPS[name]}

    rows = {name: _train(stack, NIPS[name]) for name, stack in platform.items()}
    for name, stack in platform.items():  # credited by its own needs service from its own TrainingCompleted
        with stack["needs_db"].sessions() as session:
            wait_for(
                f"{name}'s JP credit",
                lambda s=session, n=NIPS[name]: s.scalar(select(JpCredit.jp).where(JpCredit.nip == n)),
                timeout=90,
            )
            assert [(c.nip, c.jp) for c in session.scalars(select(JpCredit))] == [(NIPS[name], 8)]

    makassar, jayapura = platform["makassar"], platform["jayapura"]
    # documents: each names its own instansi; the other knows neither the enrolment nor the certificate number
    certificate = _call(
        makassar["training"], "GET", f"/api/v1/training/enrollments/{rows['makassar']['enrollment_id']}/certificate"
    ).data
    text = " ".join(pypdf.PdfReader(io.BytesIO(certificate)).pages[0].extract_text().split())
    assert "PEMERINTAH KOTA MAKASSAR" in text and "Makassar," in text and "Jayapura" not in text
    letter = _call(
        makassar["training"], "GET", f"/api/v1/training/batches/{rows['makassar']['batch_id']}/call-up-letter"
    )
    assert "Waktu (WITA)" in " ".join(pypdf.PdfReader(io.BytesIO(letter.data)).pages[0].extract_text().split())
    letter = _call(
        jayapura["training"], "GET", f"/api/v1/training/batches/{rows['jayapura']['batch_id']}/call-up-letter"
    )
    assert "Waktu (WIT)" in " ".join(pypdf.PdfReader(io.BytesIO(letter.data)).pages[0].extract_text().split())
    _call(
        jayapura["training"],
        "GET",
        f"/api/v1/training/enrollments/{rows['makassar']['enrollment_id']}/certificate",
        404,
    )
    _call(
        jayapura["training"],
        "GET",
        "/api/v1/training/certificates/verification",
        404,
        headers=_as("gateway", "gateway"),
        query_string={"number": rows["makassar"]["certificate_number"]},
    )
    _call(jayapura["needs"], "GET", f"/api/v1/needs/employees/{NIPS['makassar']}", 404)

    # events: every record on an instansi's topics is about its own people
    for name, stack in platform.items():
        records = _records(kafka_bootstrap, stack["prefix"])
        assert any(NIPS[name] in r for r in records), f"{name}: its own events are on its topics"
        other = next(n for n in NIPS if n != name)
        assert not any(NIPS[other] in r for r in records), f"{name}'s topics carry {other}'s people"
