"""The gateway in front of a real needs service (gunicorn) on real PostgreSQL: login, tokens, the proxy."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import jwt
import pytest
import requests
from sqlalchemy import text

from services.gateway import handlers
from services.gateway.app import create_app
from services.gateway.config import GatewaySettings
from shared.db import Database, UnitOfWork
from tests.integration.needs.conftest import new_nip
from tests.services import JWT_SECRET, SECRET


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gateway_settings(migrated_database, **options) -> GatewaySettings:
    """The gateway's settings in these tests: its database, the secrets, and what the test sets."""
    return GatewaySettings(
        service="gateway",
        database_url=migrated_database("gateway"),
        internal_identity_secret=SECRET,
        jwt_secret=JWT_SECRET,
        **options,
    )


def _serve(service: str, url: str, kafka_bootstrap: str):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "INTERNAL_IDENTITY_SECRET": SECRET,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:shared.gunicorn_conf", f"services.{service}.app:create_app()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(url + "/healthz", timeout=5).ok:
                return server, url
        except requests.RequestException:
            assert time.monotonic() < deadline, f"the {service} service did not start"
            time.sleep(0.2)


@pytest.fixture(scope="module")
def needs_service(migrated_database, kafka_bootstrap):
    server, url = _serve("needs", migrated_database("needs"), kafka_bootstrap)
    yield url
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def training_service(migrated_database, kafka_bootstrap):
    server, url = _serve("training", migrated_database("training"), kafka_bootstrap)
    yield url
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


@pytest.fixture
def gateway(migrated_database, needs_service):
    settings = gateway_settings(
        migrated_database,
        needs_url=needs_service,
        training_url=f"http://127.0.0.1:{free_port()}",
        upstream_read_timeout=10,
    )
    return settings, create_app(settings).test_client()


@pytest.fixture
def partner_gateway(migrated_database, training_service):
    settings = gateway_settings(
        migrated_database,
        training_url=training_service,
        upstream_read_timeout=10,
        partner_key_cache_seconds=1,  # a revocation shows within a second
    )
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


def test_reusing_a_spent_refresh_token_revokes_the_whole_family(gateway, account):
    _, client = gateway
    tokens = login(client, *account("admin"))
    first = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).json
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).json
    stolen = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert stolen.status_code == 401 and "dicabut" in stolen.json["detail"]
    after = client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401, "the pair issued from the reused token is dead too"
    other = login(client, *account("admin"))  # another login's family is untouched
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 200


def test_the_login_refuses_odd_input_with_4xx_problems(gateway):
    _, client = gateway
    deep = client.post("/api/v1/auth/login", data="[" * 10_000, content_type="application/json")
    assert deep.status_code == 400 and deep.content_type == "application/problem+json"
    nul = client.post("/api/v1/auth/login", json={"username": "bkpsdm\u0000", "password": "x"})
    assert nul.status_code == 422 and nul.json["errors"][0]["field"] == "username"
    big = client.post(
        "/api/v1/auth/login", data=b'{"username": "' + b"a" * 2_000_000 + b'"}', content_type="application/json"
    )
    assert big.status_code == 413 and big.content_type == "application/problem+json"
    for method in ("GET", "PUT"):
        wrong = client.open("/api/v1/auth/login", method=method)
        assert wrong.status_code == 405 and wrong.headers["Allow"] == "POST", wrong.get_data(as_text=True)


def test_the_proxy_refuses_paths_that_climb_out_of_the_service(gateway, account):
    _, client = gateway
    token = login(client, *account("admin"))["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    for path in (
        "/api/v1/needs/%2e%2e/%2e%2e/%2e%2e/metrics",
        "/api/v1/needs/../../readyz",
        "/api/v1/needs/competencies/%2E%2E/%2E%2E/%2E%2E/openapi.json",
        "/api/v1/needs/./competencies",
    ):
        response = client.get(path, headers=auth)
        assert response.status_code in (400, 404) and b"bangkom_" not in response.data, path
        assert response.content_type == "application/problem+json", path
    assert client.get("/api/v1/needs/competencies", headers=auth).status_code == 200


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


def test_the_proxy_signs_the_identity_and_the_service_enforces_roles_and_ownership(gateway, account, migrated_database):
    _, client = gateway
    admin_name, admin_password = account("admin")
    admin = login(client, admin_name, admin_password)["access_token"]
    nip = new_nip()
    employee = login(client, *account("employee", nip))["access_token"]

    response = client.get(
        "/api/v1/needs/competencies?group=manajerial",
        headers={"Authorization": f"Bearer {admin}", "X-Request-ID": "trace-1"},
    )
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "trace-1"
    scraped = client.get("/metrics").get_data(as_text=True)
    assert (
        'bangkom_gateway_upstream_duration_seconds_count{method="GET",route="/api/v1/needs/competencies",'
        'service="needs",status="200"}'
    ) in scraped
    assert client.get("/api/v1/needs/competencies").status_code == 401
    assert client.get("/api/v1/needs/competencies", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert client.get("/api/v1/needs/gaps", headers={"Authorization": f"Bearer {employee}"}).status_code == 403
    other = client.get(f"/api/v1/needs/employees/{new_nip()}/jp", headers={"Authorization": f"Bearer {employee}"})
    assert other.status_code == 403, "an employee reading another employee's record"
    created = client.put(
        "/api/v1/needs/employees",
        headers={"Authorization": f"Bearer {admin}"},
        json={"employees": [{"nip": nip, "name": "Pegawai", "employment_status": "PNS"}]},
    )
    assert created.status_code == 200 and created.json["added"] == 1
    # the events the change caused name who made it and in which request (the audit trail's source): the domain's
    # own, and the ChangeMade every change leaves; a refused request leaves none
    refused = client.put(
        "/api/v1/needs/employees", headers={"Authorization": f"Bearer {admin}"}, json={"employees": [{"nip": "1"}]}
    )
    assert refused.status_code == 422
    request_ids = {created.headers["X-Request-ID"]: 1, refused.headers["X-Request-ID"]: 0}
    synced, changes = _outbox(migrated_database("needs"), "EmployeeSynced", nip), {}
    for request_id, expected in request_ids.items():
        changes[request_id] = _outbox(migrated_database("needs"), "ChangeMade", request_id)
        assert len(changes[request_id]) == expected, request_id
    [change] = changes[created.headers["X-Request-ID"]]
    for event in (synced[0], change):
        assert event["actor"] == f"person:{admin_name}" and event["requestid"] == created.headers["X-Request-ID"]
    assert change["data"] | {"request_id": ""} == {
        "request_id": "",
        "method": "PUT",
        "route": "/api/v1/needs/employees",
        "path": "/api/v1/needs/employees",
        "address": "127.0.0.1",  # the caller's, as the gateway saw it: signed into the identity the service got
    }
    signed_in = client.post("/api/v1/auth/login", json={"username": admin_name, "password": admin_password})
    [sign_in] = _outbox(migrated_database("gateway"), "ChangeMade", signed_in.headers["X-Request-ID"])
    assert sign_in["actor"] == f"person:{admin_name}" and sign_in["data"]["route"] == "/api/v1/auth/login"
    assert sign_in["data"]["address"] == "127.0.0.1"
    assert _outbox(migrated_database("gateway"), "ChangeMade", created.headers["X-Request-ID"]) == [], (
        "a change through the proxy is recorded once, by the service that made it"
    )
    own = client.get(f"/api/v1/needs/employees/{nip}", headers={"Authorization": f"Bearer {employee}"})
    assert own.status_code == 200 and own.json["nip"] == nip
    forged = client.get(
        "/api/v1/needs/competencies", headers={"Authorization": f"Bearer {admin}", "X-Bangkom-Identity": "forged.value"}
    )
    assert forged.status_code == 200, "the caller's own identity header is dropped, not trusted"


def _outbox(url: str, name: str, key: str) -> list[dict]:
    """The events of a type a service's outbox holds for a record key."""
    database = Database(url)
    with database.sessions() as session:
        payloads = session.execute(
            text("SELECT payload FROM outbox WHERE type LIKE :type AND aggregateid = :key ORDER BY seq"),
            {"type": f"%.{name}.v%", "key": key},
        ).scalars()
        found = [json.loads(payload) for payload in payloads]
    database.dispose()
    return found


def test_an_unavailable_service_is_a_502_problem_naming_it(gateway, account):
    _, client = gateway
    admin = login(client, *account("admin"))["access_token"]
    response = client.get("/api/v1/training/programs", headers={"Authorization": f"Bearer {admin}"})
    assert response.status_code == 502 and response.content_type == "application/problem+json"
    assert response.json["service"] == "training" and "training" in response.json["detail"]
    unknown = client.get("/api/v1/payroll/x", headers={"Authorization": f"Bearer {admin}"})
    assert unknown.status_code == 404


def _signed(
    key_id: str, secret: str, body: bytes, message_id: str | None = None, timestamp: int | None = None, **options
) -> dict:
    from services.gateway import domain

    return domain.signed_headers(key_id, secret, body, message_id, timestamp, **options)


def test_partner_requests_are_verified_by_key_timestamp_signature_and_id(partner_gateway, account):
    import json as json_lib

    settings, client = partner_gateway
    admin = login(client, *account("admin"))["access_token"]
    auth = {"Authorization": f"Bearer {admin}"}
    code = f"P{new_nip()[-8:]}"
    created = client.post(
        "/api/v1/training/partners", headers=auth, json={"code": code, "name": "Mitra", "kind": "private"}
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    key_id, secret = created.json["credential"]["key_id"], created.json["credential"]["secret"]

    ok = client.get("/api/v1/training/partner/batches", headers=_signed(key_id, secret, b""))
    assert ok.status_code == 200 and ok.json == []

    body = json_lib.dumps(
        {
            "records": [
                {
                    "event_id": "a",
                    "batch_id": "00000000-0000-0000-0000-000000000000",
                    "nip": "198609262015051001",
                    "meeting_no": 1,
                    "status": "present",
                    "recorded_at": "2026-01-05T08:00:00+07:00",
                }
            ]
        }
    ).encode()
    headers = _signed(key_id, secret, body)
    accepted = client.post("/api/v1/training/partner/attendance", data=body, headers=headers)
    assert accepted.status_code == 200 and accepted.json["results"][0]["outcome"] == "not_found"

    def refused(response, check):
        assert response.status_code == 401 and response.content_type == "application/problem+json", response.data
        assert response.json["check"] == check
        assert secret not in response.get_data(as_text=True)

    refused(client.post("/api/v1/training/partner/attendance", data=body, headers=headers), "replay")
    refused(
        client.post("/api/v1/training/partner/attendance", data=body + b" ", headers=_signed(key_id, secret, body)),
        "signature",
    )
    refused(
        client.get(
            "/api/v1/training/partner/batches", headers=_signed(key_id, secret, b"", timestamp=int(time.time()) - 301)
        ),
        "timestamp",
    )
    refused(client.get("/api/v1/training/partner/batches", headers=_signed("pk_unknown", secret, b"")), "key")
    refused(client.get("/api/v1/training/partner/batches", headers=_signed(key_id, secret + "x", b"")), "signature")
    no_signature = {k: v for k, v in _signed(key_id, secret, b"").items() if k != "webhook-signature"}
    refused(client.get("/api/v1/training/partner/batches", headers=no_signature), "headers")

    second = client.post(f"/api/v1/training/partners/{code}/keys", headers=auth).json
    assert client.delete(f"/api/v1/training/partners/{code}/keys/{second['key_id']}", headers=auth).status_code == 200
    refused(
        client.get("/api/v1/training/partner/batches", headers=_signed(second["key_id"], second["secret"], b"")), "key"
    )
    # a key confirmed (and cached) before its revocation works at most PARTNER_KEY_CACHE_SECONDS longer
    third = client.post(f"/api/v1/training/partners/{code}/keys", headers=auth).json
    cached = client.get("/api/v1/training/partner/batches", headers=_signed(third["key_id"], third["secret"], b""))
    assert cached.status_code == 200
    assert client.delete(f"/api/v1/training/partners/{code}/keys/{third['key_id']}", headers=auth).status_code == 200
    time.sleep(settings.partner_key_cache_seconds + 0.2)
    refused(
        client.get("/api/v1/training/partner/batches", headers=_signed(third["key_id"], third["secret"], b"")), "key"
    )
    # a partner cannot reach BKPSDM routes through its key
    assert client.get("/api/v1/training/partners", headers=_signed(key_id, secret, b"")).status_code == 403


def test_a_partner_that_still_sends_its_secret_is_accepted_until_the_transition_ends_then_refused(
    migrated_database, training_service, partner_gateway, account
):
    settings, client = partner_gateway
    admin = login(client, *account("admin"))["access_token"]
    code = f"P{new_nip()[-8:]}"
    created = client.post(
        "/api/v1/training/partners",
        headers={"Authorization": f"Bearer {admin}"},
        json={"code": code, "name": "Mitra", "kind": "private"},
    )
    key_id, secret = created.json["credential"]["key_id"], created.json["credential"]["secret"]

    def batches(gateway, **options):
        return gateway.get("/api/v1/training/partner/batches", headers=_signed(key_id, secret, b"", **options))

    assert batches(client, secret_in_header=True).status_code == 200, "during the transition (until 2027-03-31)"
    wrong = client.get(
        "/api/v1/training/partner/batches", headers=_signed(key_id, secret + "x", b"", secret_in_header=True)
    )
    assert wrong.status_code == 401 and wrong.json["check"] == "key"

    ended = create_app(dataclasses.replace(settings, partner_older_scheme_until="2026-01-31")).test_client()
    refused = batches(ended, secret_in_header=True)
    assert refused.status_code == 401 and refused.json["check"] == "credentials"
    assert "2026-02-01" in refused.json["detail"] and secret not in refused.get_data(as_text=True)
    assert batches(ended).status_code == 200, "the key id and the signature only: accepted"

    # a key issued before secrets were sealed cannot sign without sending its secret: the partner is told to renew
    training = Database(migrated_database("training"))
    with training.sessions() as session:
        session.execute(text("UPDATE partner_keys SET secret_sealed = NULL WHERE key_id = :k"), {"k": key_id})
        session.commit()
    training.dispose()
    fresh = create_app(settings).test_client()  # nothing cached
    renew = batches(fresh)
    assert renew.status_code == 401 and renew.json["check"] == "key" and "kunci baru" in renew.json["detail"]
    assert batches(fresh, secret_in_header=True).status_code == 200, "the older scheme, until the transition ends"


def test_rate_limits_answer_429_with_retry_after_counted_across_gateway_instances(
    migrated_database, needs_service, account
):
    settings = gateway_settings(
        migrated_database,
        needs_url=needs_service,
        rate_limit_per_minute=3,
        login_rate_limit_per_minute=2,
    )
    client = create_app(settings).test_client()
    other_instance = create_app(settings).test_client()  # a second gateway: the counters are shared, not per instance
    username, password = account("admin")
    token = login(client, username, password)["access_token"]

    def burst():
        return [
            (client, other_instance)[n % 2].get(
                "/api/v1/needs/competencies", headers={"Authorization": f"Bearer {token}"}
            )
            for n in range(4)
        ]

    answers = burst()
    if int(answers[0].headers["RateLimit-Reset"]) < 3:  # the minute turned over during the burst: try once more
        time.sleep(3)
        answers = burst()
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    limited = answers[-1]
    assert limited.content_type == "application/problem+json" and int(limited.headers["Retry-After"]) >= 1
    wrong = [
        client.post("/api/v1/auth/login", json={"username": username, "password": "x"}).status_code for _ in range(3)
    ]
    assert wrong[-1] == 429, "login attempts are limited more strictly"


def test_readyz_reports_each_service(gateway):
    _, client = gateway
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json["checks"]
    assert checks["database"] == "ok" and checks["needs"] == "ok"
    assert checks["training"].startswith("unavailable")


def test_the_api_docs_merge_the_services_and_work_offline(gateway):
    from tests.unit.gateway.test_domain import _refs

    _, client = gateway
    document = client.get("/api/docs/openapi.json").json
    assert "/api/v1/needs/employees" in document["paths"] and "/api/v1/auth/login" in document["paths"]
    assert "training" in document["info"]["description"], "an unreachable service is named, not hidden"
    assert document["servers"] == [{"url": "http://127.0.0.1:8000", "description": "Bangkom (PUBLIC_URL)"}]
    for ref in _refs(document):
        _, _, section, name = ref.split("/", 3)
        assert name in document["components"][section], ref
    page = client.get("/api/docs").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith("/api/docs/assets/") for a in assets), "no CDN"
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_tokens_of_an_external_openid_connect_provider_are_checked_against_its_jwks(migrated_database, needs_service):
    import http.server
    import threading

    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key())) | {"kid": "idp-key-1", "use": "sig", "alg": "RS256"}

    class Jwks(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            body = json.dumps({"keys": [jwk]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = gateway_settings(
            migrated_database,
            needs_url=needs_service,
            oidc_jwks_url=f"http://127.0.0.1:{server.server_port}/jwks",
            oidc_issuer="https://sso.lhokseumawekota.go.id",
            oidc_audience="bangkom",
        )
        client = create_app(settings).test_client()

        def token(**claims):
            now = int(time.time())
            body = {
                "iss": "https://sso.lhokseumawekota.go.id",
                "aud": "bangkom",
                "sub": "u-1",
                "roles": ["admin"],
                "iat": now,
                "exp": now + 300,
            } | claims
            return {"Authorization": "Bearer " + jwt.encode(body, key, algorithm="RS256", headers={"kid": "idp-key-1"})}

        assert client.get("/api/v1/needs/competencies", headers=token()).status_code == 200
        assert client.get("/api/v1/needs/competencies", headers=token(iss="https://elsewhere")).status_code == 401
        assert client.get("/api/v1/needs/competencies", headers=token(aud="other-app")).status_code == 401
        assert client.get("/api/v1/needs/competencies", headers=token(exp=int(time.time()) - 10)).status_code == 401
        assert client.get("/api/v1/needs/gaps", headers=token(roles=["employee", "superuser"])).status_code == 403
        other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        forged = jwt.encode(
            {
                "iss": "https://sso.lhokseumawekota.go.id",
                "aud": "bangkom",
                "sub": "u-1",
                "roles": ["admin"],
                "exp": int(time.time()) + 300,
            },
            other_key,
            algorithm="RS256",
            headers={"kid": "idp-key-1"},
        )
        assert (
            client.get("/api/v1/needs/competencies", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
        )
    finally:
        server.shutdown()


def _burn(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sum(i * i for i in range(10_000))


def test_a_steady_load_on_a_busy_machine_sees_no_upstream_error(gateway, account):
    """Requests spaced around gunicorn's old keep-alive (2 s) on a machine kept busy: the gateway's pooled
    connections used to meet the service closing them (a reset, answered 502). Now: every answer is the
    service's own."""
    import multiprocessing
    import random
    from concurrent.futures import ThreadPoolExecutor

    _, client = gateway
    auth = {"Authorization": f"Bearer {login(client, *account('admin'))['access_token']}"}
    burners = [multiprocessing.get_context("spawn").Process(target=_burn, args=(25,)) for _ in range(3)]
    for burner in burners:
        burner.start()
    rng = random.Random(13)

    def steady(worker: int) -> list[int]:
        statuses = []
        deadline = time.monotonic() + 18
        while time.monotonic() < deadline:
            statuses.append(client.get("/api/v1/needs/competencies", headers=auth).status_code)
            time.sleep(rng.choice([0.0, 0.05, 1.95, 2.0, 2.05]))
        return statuses

    try:
        with ThreadPoolExecutor(6) as pool:
            statuses = [status for result in pool.map(steady, range(6)) for status in result]
    finally:
        for burner in burners:
            burner.terminate()
    print(f"\n{len(statuses)} requests through the gateway on a busy machine: {statuses.count(200)} answered 200")
    assert len(statuses) >= 50 and set(statuses) == {200}, sorted(set(statuses))


def test_behind_a_tls_proxy_cookies_are_secure_hsts_is_sent_and_only_trusted_proxies_are_believed(
    migrated_database, needs_service, account
):
    settings = gateway_settings(
        migrated_database,
        needs_url=needs_service,
        proxy_hops=1,
        trusted_proxies="10.0.0.0/8",
        login_rate_limit_per_minute=2,
    )
    app = create_app(settings)
    client = app.test_client()
    username, password = account("admin")
    proxy, stranger = {"REMOTE_ADDR": "10.1.2.3"}, {"REMOTE_ADDR": "203.0.113.9"}
    over_https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}

    def sign_in(environ: dict, headers: dict):
        page = client.get("/masuk", headers=headers, environ_base=environ)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        form = {"csrf": csrf, "username": username, "password": password}
        return page, client.post("/masuk", data=form, headers=headers, environ_base=environ)

    page, signed_in = sign_in(proxy, over_https)
    assert signed_in.status_code == 302, signed_in.get_data(as_text=True)
    cookies = signed_in.headers.getlist("Set-Cookie") + page.headers.getlist("Set-Cookie")
    assert {c.split("=", 1)[0] for c in cookies} >= {"bangkom_akses", "bangkom_segar", "bangkom_ui"}
    assert all("; Secure" in c for c in cookies), cookies
    assert signed_in.headers["Strict-Transport-Security"].startswith("max-age=31536000")

    client = app.test_client()  # no cookies yet
    page, signed_in = sign_in(stranger, over_https)  # the same headers from an address that is no proxy of ours
    assert signed_in.status_code == 302
    cookies = signed_in.headers.getlist("Set-Cookie") + page.headers.getlist("Set-Cookie")
    assert cookies and not any("Secure" in c for c in cookies), cookies
    assert "Strict-Transport-Security" not in signed_in.headers

    def wrong_login(environ: dict, client_address: str) -> int:
        return client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": "salah"},
            headers={"X-Forwarded-For": client_address},
            environ_base=environ,
        ).status_code

    # the rate limit counts per client address: the proxy's clients each have their own; a stranger's claims are
    # ignored, so all its attempts count against its own address
    assert [wrong_login(proxy, "198.51.100.20") for _ in range(3)] == [401, 401, 429]
    assert wrong_login(proxy, "198.51.100.21") == 401
    assert [wrong_login(stranger, f"198.51.100.{n}") for n in (30, 31, 32)][-1] == 429
