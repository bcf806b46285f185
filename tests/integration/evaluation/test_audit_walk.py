"""The evaluation service's part of the walk of docs/access.md (tests/audit_walk.py): each of its state-changing
routes, called as a role the page gives it and accepted, leaves its ChangeMade naming the caller, the request and the
time."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from services.evaluation import handlers
from services.evaluation.models import Outbox, Task
from shared import identity
from shared.db import UnitOfWork
from tests import factories
from tests.audit_walk import Walk
from tests.integration.evaluation.test_evaluation import ADMIN, completed
from tests.integration.needs.conftest import new_nip
from tests.services import app_of

BASE = "/api/v1/evaluation"


def test_every_state_changing_route_of_evaluation_leaves_its_audit_record(settings, evaluation_db):
    nip, successor = new_nip(), new_nip()
    with UnitOfWork(evaluation_db, Outbox) as uow:
        handlers.on_employee_synced(factories.employee_synced(successor, None), uow, settings)
        handlers.on_employee_synced(factories.employee_synced(nip, None), uow, settings)  # nobody above: flagged
        handlers.on_training_completed(completed(nip, str(uuid.uuid4()), f"prog-{uuid.uuid4().hex[:6]}"), uow, settings)
        uow.commit()
    client = app_of("evaluation", settings.database_url, kafka_topic_prefix=settings.kafka_topic_prefix).test_client()
    step = Walk("evaluation", client, evaluation_db, Outbox)
    with evaluation_db.sessions() as session:
        tasks = {t.kind: t.id for t in session.scalars(select(Task).where(Task.nip == nip))}
    on = {kind: {"task_id": task_id} for kind, task_id in tasks.items()}

    answers = {"content": 2, "trainer": 3, "relevance": 2, "organisation": 3, "themes": ["praktik"]}
    participant = identity.Identity(nip, ("employee",))
    step("POST", f"{BASE}/tasks/<task_id>/submission", participant, on["reaction"], json=answers)
    corrected = {"content": 5, "trainer": 4, "relevance": 5, "organisation": 4}
    step(
        "PUT",
        f"{BASE}/tasks/<task_id>/submission",
        ADMIN,
        on["reaction"],
        json={"reason": "Formulir kertas salah dientri", "submission": corrected},
    )
    reason = {"reason": "Atasan langsung pindah tugas"}
    step("PUT", f"{BASE}/tasks/<task_id>/assignee", ADMIN, on["behavior"], json={"assignee_nip": successor, **reason})
    step("POST", f"{BASE}/tasks/<task_id>/close", ADMIN, on["behavior"], json={"reason": "Proyek dibatalkan oleh OPD"})
    due = (settings.today() + dt.timedelta(days=14)).isoformat()
    step("POST", f"{BASE}/tasks/<task_id>/reopen", ADMIN, on["behavior"], json={"due_on": due})
    step("POST", f"{BASE}/expire", ADMIN)  # nothing overdue: accepted, and on record all the same

    step.covers_the_access_page()
