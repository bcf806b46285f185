"""A supervisor's page lists every task of theirs, however many pages the evaluation service takes to list them: the
gateway's web UI (in-process) in front of the evaluation service under gunicorn, on the real PostgreSQL."""

from __future__ import annotations

import signal
import uuid

import pytest
from sqlalchemy import select

from services.evaluation import handlers
from services.evaluation.config import EvaluationSettings
from services.evaluation.models import Outbox, Task
from services.gateway import handlers as gateway_handlers
from services.gateway.app import create_app as create_gateway
from services.gateway.config import GatewaySettings
from shared.db import Database, UnitOfWork
from tests.integration.evaluation.test_evaluation import completed, employee_synced
from tests.integration.needs.conftest import new_nip
from tests.integration.test_gateway import _serve
from tests.services import JWT_SECRET, SECRET

TEAM = 35  # more than three pages of ten, and more than a page of 100 would hide if paging were forgotten twice


@pytest.fixture(scope="module")
def evaluation_service(migrated_database, kafka_bootstrap):
    server, url = _serve("evaluation", migrated_database("evaluation"), kafka_bootstrap)
    yield url
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


@pytest.fixture
def gateway_settings(migrated_database, evaluation_service) -> GatewaySettings:
    """A gateway (its web UI, in-process) in front of the evaluation service."""
    return GatewaySettings(
        service="gateway",
        database_url=migrated_database("gateway"),
        internal_identity_secret=SECRET,
        jwt_secret=JWT_SECRET,
        evaluation_url=evaluation_service,
        upstream_read_timeout=10,
    )


def test_the_supervisor_page_lists_every_project_assessment(migrated_database, database_of, gateway_settings, unique):
    evaluation_db = database_of("evaluation")
    opened = EvaluationSettings(
        service="evaluation",
        database_url=migrated_database("evaluation"),
        kafka_topic_prefix=unique("evaluation") + ".",
        behavior_opens_after_days=0,
    )
    supervisor, batch = new_nip(), str(uuid.uuid4())
    with UnitOfWork(evaluation_db, Outbox, opened.kafka_topic_prefix) as uow:
        for _ in range(TEAM):
            nip = new_nip()
            handlers.on_employee_synced(employee_synced(nip, supervisor), uow, opened)
            handlers.on_training_completed(completed(nip, batch), uow, opened)
        uow.commit()
    browser = _signed_in(gateway_settings, supervisor, ["supervisor"], supervisor)

    page = browser.get("/atasan")
    assert page.status_code == 200
    with evaluation_db.sessions() as session:
        ids = session.scalars(
            select(Task.id).where(Task.assignee_nip == supervisor, Task.kind == "behavior", Task.status == "open")
        ).all()
    assert len(ids) == TEAM
    html = page.get_data(as_text=True)
    assert [task_id for task_id in ids if f"/tugas/{task_id}" not in html] == [], "every task has its link"


def _signed_in(gateway_settings, username: str, roles: list[str], nip: str | None, unit_code: str | None = None):
    with UnitOfWork(Database(gateway_settings.database_url), None) as uow:
        gateway_handlers.create_account(uow, username, "kata-sandi-yang-panjang", roles, nip, unit_code=unit_code)
    browser = create_gateway(gateway_settings).test_client()
    form = browser.get("/masuk").get_data(as_text=True)
    csrf = form.split('name="csrf" value="')[1].split('"')[0]
    answer = browser.post("/masuk", data={"csrf": csrf, "username": username, "password": "kata-sandi-yang-panjang"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return browser


def test_bkpsdm_gives_a_flagged_project_assessment_to_a_supervisor_in_the_web_ui(
    migrated_database, database_of, gateway_settings, unique
):
    evaluation_db = database_of("evaluation")
    opened = EvaluationSettings(
        service="evaluation",
        database_url=migrated_database("evaluation"),
        kafka_topic_prefix=unique("evaluation") + ".",
        behavior_opens_after_days=0,
    )
    participant, chosen = new_nip(), new_nip()
    with UnitOfWork(evaluation_db, Outbox, opened.kafka_topic_prefix) as uow:
        handlers.on_employee_synced(employee_synced(chosen, None), uow, opened)
        handlers.on_training_completed(completed(participant, str(uuid.uuid4())), uow, opened)  # nobody above: flagged
        uow.commit()
    with evaluation_db.sessions() as session:
        task_id = session.scalar(select(Task.id).where(Task.nip == participant, Task.kind == "behavior"))
    bkpsdm = _signed_in(gateway_settings, unique("bkpsdm"), ["admin"], None)
    page = bkpsdm.get(f"/bkpsdm/tugas?lihat=flagged&nip={participant}").get_data(as_text=True)
    assert f"/bkpsdm/tugas/{task_id}/penilai" in page
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    refused = bkpsdm.post(
        f"/bkpsdm/tugas/{task_id}/penilai",
        data={"csrf": csrf, "lihat": "flagged", "assignee_nip": participant, "reason": "Atasan belum tercatat"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "selain peserta" in refused  # the participant assesses nobody's project: said in Indonesian
    given = bkpsdm.post(
        f"/bkpsdm/tugas/{task_id}/penilai",
        data={"csrf": csrf, "lihat": "flagged", "assignee_nip": chosen, "reason": "Atasan belum tercatat"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"Tugas diberikan kepada {chosen}" in given and f"/bkpsdm/tugas/{task_id}/penilai" not in given
    supervisor = _signed_in(gateway_settings, chosen, ["supervisor"], chosen)
    assert f"/tugas/{task_id}" in supervisor.get("/atasan").get_data(as_text=True)
