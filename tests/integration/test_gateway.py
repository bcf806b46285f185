"""The gateway in front of a real needs service (gunicorn) on real PostgreSQL: login, tokens, the proxy."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import jwt
import pytest
import requests

from services.gateway import handlers
from services.gateway.app import create_app
from services.gateway.config import GatewaySettings
from shared.db import Database, UnitOfWork
from tests.integration.needs.conftest import new_nip

SECRET = "test-internal-identity-secret"
JWT_SECRET = "test-jwt-secret-long-enough-for-hs256-keys"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def needs_service(migrated_database, kafka_bootstrap):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": migrated_database("needs"), "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
           "INTERNAL_IDENTITY_SECRET": SECRET, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:shared.gunicorn_conf", "services.needs.app:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(url + "/healthz", timeout=5).ok:
                break
        except requests.RequestException:
            assert time.monotonic() < deadline, "the needs service did not start"
            time.sleep(0.2)
    yield url
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


@pytest.fixture
def gateway(migrated_database, needs_service):
    settings = GatewaySettings(
        service="gateway", database_url=migrated_database("gateway"), internal_identity_secret=SECRET,
        jwt_secret=JWT_SECRET, needs_url=needs_service, training_url=f"http://127.0.0.1:{free_port()}",
        upstream_read_timeout=10,
    )  # fmt: skip
    return settings, create_app(settings).test_client()


@pytest.fixture
def account(gateway):
    settings, _ = gateway

    def make(role: str, nip: str | None = None) -> tuple[str, str]:
        username, password = f"user-{new_nip()}", "kata-sandi-yang-panjang"
        with UnitOfWork(Database(settings.database_url), None) as uow:
            handlers.create_account(uow, username, password, [role], nip)
        return username, password

    return make


def login(client, username, password):
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def test_login_issues_short_lived_tokens_and_refresh_rotates_them(gateway, account):
    settings, client = gateway
    username, password = account("admin")
    tokens = login(client, username, password)
    claims = jwt.decode(tokens["access_token"], JWT_SECRET, algorithms=["HS256"])
    assert claims["roles"] == ["admin"] and claims["exp"] - claims["iat"] == 15 * 60
    assert client.post("/api/v1/auth/login", json={"username": username, "password": "salah"}).status_code == 401
    assert client.post("/api/v1/auth/login", json={"username": "nobody", "password": "salah"}).status_code == 401
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200 and renewed.json["refresh_token"] != tokens["refresh_token"]
    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert replay.status_code == 401, "a refresh token is spent by its use"


def test_the_proxy_signs_the_identity_and_the_service_enforces_roles_and_ownership(gateway, account):
    _, client = gateway
    admin = login(client, *account("admin"))["access_token"]
    nip = new_nip()
    employee = login(client, *account("employee", nip))["access_token"]

    response = client.get("/api/v1/needs/competencies?group=manajerial", headers={"Authorization": f"Bearer {admin}",
                                                                                  "X-Request-ID": "trace-1"})  # fmt: skip
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "trace-1"
    assert client.get("/api/v1/needs/competencies").status_code == 401
    assert client.get("/api/v1/needs/competencies", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert client.get("/api/v1/needs/gaps", headers={"Authorization": f"Bearer {employee}"}).status_code == 403
    other = client.get(f"/api/v1/needs/employees/{new_nip()}/jp", headers={"Authorization": f"Bearer {employee}"})
    assert other.status_code == 403, "an employee reading another employee's record"
    created = client.put("/api/v1/needs/employees", headers={"Authorization": f"Bearer {admin}"},
                         json={"employees": [{"nip": nip, "name": "Pegawai", "employment_status": "PNS"}]})  # fmt: skip
    assert created.status_code == 200 and created.json["added"] == 1
    own = client.get(f"/api/v1/needs/employees/{nip}", headers={"Authorization": f"Bearer {employee}"})
    assert own.status_code == 200 and own.json["nip"] == nip
    forged = client.get("/api/v1/needs/competencies", headers={"Authorization": f"Bearer {admin}",
                                                               "X-Bangkom-Identity": "forged.value"})  # fmt: skip
    assert forged.status_code == 200, "the caller's own identity header is dropped, not trusted"


def test_an_unavailable_service_is_a_502_problem_naming_it(gateway, account):
    _, client = gateway
    admin = login(client, *account("admin"))["access_token"]
    response = client.get("/api/v1/training/programs", headers={"Authorization": f"Bearer {admin}"})
    assert response.status_code == 502 and response.content_type == "application/problem+json"
    assert response.json["service"] == "training" and "training" in response.json["detail"]
    unknown = client.get("/api/v1/payroll/x", headers={"Authorization": f"Bearer {admin}"})
    assert unknown.status_code == 404
