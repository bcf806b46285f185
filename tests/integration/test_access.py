"""Every service route checks who calls: no identity 401, the wrong role 403, other people's records refused."""

from __future__ import annotations

import importlib
import re

import pytest

from shared import identity
from tests.integration.needs.conftest import new_nip
from tests.services import SECRET, app_of

PUBLIC = {"/healthz", "/readyz", "/metrics", "/openapi.json"}


def _app(service: str, url: str):
    return app_of(service, url)


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule in PUBLIC or rule.rule.startswith("/static"):
            continue
        path = re.sub(r"<(?:int:)?(\w+)>", lambda m: "2026" if m.group(0).startswith("<int:") else "x", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule.rule, path


@pytest.mark.parametrize("service", ["needs", "training", "evaluation", "notifications", "audit"])
def test_every_route_has_a_rule_and_refuses_a_call_without_the_gateway_identity(service, migrated_database):
    app = _app(service, migrated_database(service))
    access = importlib.import_module(f"services.{service}.api").ACCESS
    routes = list(_routes(app))
    assert {(m, r) for m, r, _ in routes} == set(access), "the access table covers exactly the routes"
    client = app.test_client()
    for method, _, path in routes:
        response = client.open(path, method=method, json={})
        assert response.status_code == 401, (method, path, response.get_data(as_text=True))
        assert response.content_type == "application/problem+json"
    forged = identity.encode(identity.Identity("bkpsdm.admin", ("admin",)), "not-the-secret")
    for method, _, path in routes:
        assert client.open(path, method=method, json={}, headers={identity.HEADER: forged}).status_code == 401
    for public in PUBLIC - {"/readyz"}:
        assert client.get(public).status_code == 200, public


@pytest.mark.parametrize("service", ["needs", "training", "evaluation"])
def test_a_role_the_table_does_not_name_is_403(service, migrated_database):
    app = _app(service, migrated_database(service))
    access = importlib.import_module(f"services.{service}.api").ACCESS
    client = app.test_client()
    checked = 0
    for method, rule, path in _routes(app):
        if "admin" in access[(method, rule)] and len(access[(method, rule)]) == 1:
            employee = identity.encode(identity.Identity(new_nip(), ("employee",)), SECRET)
            response = client.open(path, method=method, json={}, headers={identity.HEADER: employee})
            assert response.status_code == 403, (method, path)
            assert "staf BKPSDM" in response.json["detail"]  # the role in words, Indonesian first
            checked += 1
    assert checked > 3


def test_an_employee_sees_only_their_own_record_and_a_supervisor_their_team(migrated_database):
    from services.needs import handlers, schemas
    from services.needs.models import Outbox
    from shared.db import Database, UnitOfWork

    url = migrated_database("needs")
    database = Database(url)
    app = _app("needs", url)
    supervisor, own, other = new_nip(), new_nip(), new_nip()
    rows = [
        {"nip": supervisor, "name": "Atasan", "employment_status": "PNS"},
        {"nip": own, "name": "Pegawai", "employment_status": "PNS", "supervisor_nip": supervisor},
        {"nip": other, "name": "Lain", "employment_status": "PNS"},
    ]
    with UnitOfWork(database, Outbox) as uow:
        handlers.upsert_employees(uow, app.extensions["bangkom"].settings, rows, schemas.EmployeeSchema().load)
    database.dispose()
    client = app.test_client()

    def as_(nip, role):
        return {identity.HEADER: identity.encode(identity.Identity(nip, (role,)), SECRET)}

    assert client.get(f"/api/v1/needs/employees/{own}/profile", headers=as_(own, "employee")).status_code == 200
    assert client.get(f"/api/v1/needs/employees/{other}/profile", headers=as_(own, "employee")).status_code == 403
    assert client.get(f"/api/v1/needs/employees/{other}/jp", headers=as_(own, "employee")).status_code == 403
    assert client.get(f"/api/v1/needs/employees/{own}", headers=as_(supervisor, "supervisor")).status_code == 200
    assert client.get(f"/api/v1/needs/employees/{other}", headers=as_(supervisor, "supervisor")).status_code == 403
    assessment = {"competency_code": "M-INTEGRITAS", "level": 3, "source": "supervisor", "assessed_on": "2026-01-05"}
    response = client.post(f"/api/v1/needs/employees/{own}/assessments", json=assessment, headers=as_(own, "employee"))
    assert response.status_code == 403 and "penilaian self" in response.json["detail"]  # Indonesian first
