"""Property-based fuzzing of every service's OpenAPI document (Schemathesis), on the real PostgreSQL.

For each service, cases generated from its own document (valid and invalid ones, with a fixed seed) are sent
as BKPSDM to every operation; each answer must be no server error, have a documented status and media type,
and match its documented schema. At least ``CASES`` cases per service; the figures are printed.
"""

from __future__ import annotations

import collections
import datetime as dt
import importlib
import math
import uuid

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared import identity
from tests.figures import report
from tests.integration.needs.conftest import new_nip
from tests.services import SECRET, app_of

pytestmark = pytest.mark.fuzz
CASES = 1000  # at least this many generated cases per service
SEED = 20261130
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ADMIN = identity.Identity("bkpsdm.admin", ("admin",))


def _callers(known: dict[str, str]) -> list[identity.Identity]:
    """The first one an operation's access rule admits calls it: the partner owns the seeded batch, the
    employee is its participant, the supervisor supervises them."""
    partner = known.get("code", "FUZZ")
    return [
        ADMIN,
        identity.Identity(f"pk_{partner}", ("partner",), partner),
        identity.Identity("gateway", ("gateway",)),
        identity.Identity(known.get("supervisor", "197001011995031001"), ("supervisor", "employee")),
        identity.Identity(known.get("nip", "199001012015031001"), ("employee",)),
    ]


def _headers(service: str, app, method: str, path: str, known: dict[str, str]) -> dict[str, str]:
    """The gateway identity of a caller the operation admits, so that the fuzzer reaches past the access check."""
    from shared.edge import openapi_path

    rules = {openapi_path(rule.rule): rule.rule for rule in app.url_map.iter_rules()}
    access = getattr(importlib.import_module(f"services.{service}.api"), "ACCESS", None)
    if access is None:
        return {}  # the gateway's own routes: open (login, refresh)
    allowed = access[(method.upper(), rules[path])]
    who = next(caller for caller in _callers(known) if caller.has_role(*allowed))
    return {identity.HEADER: identity.encode(who, SECRET)}


def _seed(service: str, app, url: str) -> dict[str, str]:
    """Real objects for path parameters, so that a part of the cases reaches past 404 to the operation itself."""
    client = app.test_client()
    client.environ_base["HTTP_X_BANGKOM_IDENTITY"] = identity.encode(ADMIN, SECRET)
    tag = uuid.uuid4().hex[:6].upper()
    nip, supervisor = new_nip(), new_nip()
    if service in (
        "gateway",
        "notifications",
        "audit",
    ):  # nothing to seed: their paths name no object of another service
        return {}
    if service == "needs":
        base = "/api/v1/needs"
        client.post(
            f"{base}/competencies",
            json={
                "code": f"FZ{tag}",
                "name": "Fuzz",
                "group": "teknis",
                "level_descriptors": ["1", "2", "3", "4", "5"],
            },
        )
        client.post(f"{base}/positions", json={"code": f"FZ{tag}", "name": "Fuzz", "position_class": "pelaksana"})
        for who in (supervisor, nip):
            client.put(
                f"{base}/employees/{who}",
                json={
                    "nip": who,
                    "name": "Fuzz",
                    "employment_status": "PNS",
                    "position_code": f"FZ{tag}",
                    "supervisor_nip": supervisor if who == nip else None,
                },
            )
        return {"code": f"FZ{tag}", "nip": nip, "year": "2026", "position_class": "pelaksana"}
    if service == "training":
        from services.training import handlers
        from services.training.models import Outbox
        from shared.db import Database, UnitOfWork
        from tests import factories

        base, code = "/api/v1/training", f"FZ{tag}"
        key_id = client.post(f"{base}/partners", json={"code": code, "name": "Fuzz", "kind": "university"}).json[
            "credential"
        ]["key_id"]
        with UnitOfWork(Database(url), Outbox) as uow:
            handlers.on_employee_synced(factories.employee_synced(nip), uow, app.extensions["bangkom"].settings)
            uow.commit()
        program = client.post(
            f"{base}/programs",
            json={
                "code": f"FZ-{tag}",
                "title": "Fuzz",
                "form": "pelatihan",
                "delivery": "klasikal",
                "jp": 8,
                "partner_code": code,
                "capacity": 10,
                "competencies": [{"code": "T-GIS", "target_level": 3}],
            },
        ).json
        day = (dt.date.today() - dt.timedelta(days=2)).isoformat()
        batch = client.post(
            f"{base}/programs/{program['id']}/batches",
            json={"meetings": [{"date": day, "starts_at": "08:00", "ends_at": "12:00"}]},
        ).json
        client.put(f"{base}/programs/{program['id']}/status", json={"status": "published"})
        client.post(f"{base}/batches/{batch['id']}/enrollments", json={"nips": [nip]})
        return {"code": code, "key_id": key_id, "program_id": program["id"], "batch_id": batch["id"], "nip": nip}
    from services.evaluation import handlers
    from services.evaluation.models import Outbox
    from shared.db import Database, UnitOfWork
    from shared.events import new_event

    batch_id, program_id = str(uuid.uuid4()), f"prog-{tag}"
    settings = app.extensions["bangkom"].settings
    with UnitOfWork(Database(url), Outbox) as uow:
        handlers.on_training_completed(
            new_event(
                "TrainingCompleted",
                {
                    "enrollment_id": str(uuid.uuid4()),
                    "nip": nip,
                    "program_id": program_id,
                    "batch_id": batch_id,
                    "program_title": "Fuzz",
                    "form": "pelatihan",
                    "jp": 8,
                    "competencies": [{"code": "T-GIS", "target_level": 3}],
                    "attendance_rate": 1.0,
                    "completed_on": dt.date.today(),
                    "partner_code": "FUZZ",
                    "certificate_number": f"FZ/{tag}",
                },
            ),
            uow,
            settings,
        )
        uow.commit()
    tasks = client.get(f"/api/v1/evaluation/tasks?batch_id={batch_id}").json
    return {"task_id": tasks[0]["id"], "batch_id": batch_id, "program_id": program_id, "nip": nip}


def _app(service: str, url: str):
    return app_of(service, url, kafka_bootstrap_servers="127.0.0.1:1")


@pytest.mark.parametrize("service", ["needs", "training", "evaluation", "notifications", "gateway", "audit"])
def test_every_operation_answers_as_documented(service, migrated_database):
    app = _app(service, migrated_database(service))
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    per_operation = math.ceil(CASES / len(operations))
    sent: collections.Counter[str] = collections.Counter()
    failures: dict[str, str] = {}
    known = _seed(service, app, migrated_database(service))
    for operation in operations:
        headers = _headers(service, app, operation.method, operation.path, known)
        _fuzz(operation, headers, per_operation, known, sent, failures)
    total = sum(sent.values())
    report("fuzz suite", service, {"cases": total, "operations": len(operations), "failures": len(failures)})
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
    assert total >= CASES


def _fuzz(operation, headers: dict, examples: int, known: dict, sent: collections.Counter, failures: dict) -> None:
    """Valid and invalid cases; where the seeded objects fit the path, valid cases on them too."""
    strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    names = [p.name for p in operation.path_parameters]
    if names and all(name in known for name in names):
        on_known = {name: known[name] for name in names}
        strategies.append(operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=on_known))
    strategy = st.one_of(*strategies)

    @hypothesis.settings(
        max_examples=examples,
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.generate],
    )
    @hypothesis.seed(SEED)
    @hypothesis.given(case=strategy)
    def run(case):
        label = case.operation.label
        sent[label] += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every distinct failure is reported at the end
            failures.setdefault(f"{label}: {type(exc).__name__}", f"{exc}"[:1500])

    run()
