"""The whole loop through the gateway, with every service and worker running as its own process on real
Kafka and PostgreSQL: needs → training → evaluation → needs. The participant is a PPPK whose account came from
their employee record (activated from the e-mail the gateway worker sent to a local SMTP receiver) and who also
claims development outside Bangkom, verified by BKPSDM, before being nominated past their JP cap."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import subprocess
import sys
import uuid
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import jwt
import pypdfium2
import pytest
import requests
import zxingcpp
from kafka import KafkaConsumer

from services.gateway import domain as gateway_domain
from services.gateway import handlers as gateway_handlers
from services.gateway.app import create_app
from services.gateway.config import GatewaySettings
from services.needs import handlers as needs_handlers
from services.needs.models import Outbox as NeedsOutbox
from shared.db import Database, UnitOfWork
from shared.migrations import upgrade
from tests import waiting
from tests.e2e.conftest import stop
from tests.integration.test_gateway import free_port
from tests.readback import read_cloudevent
from tests.smtp_standin import SmtpStandin

SECRET = "e2e-internal-identity-secret"
JWT_SECRET = "e2e-jwt-secret-that-is-long-enough-for-hs256"
# the participant is a PPPK (NI PPPK: born 1992-04-27, appointed 2022, type code 21, female); the supervisor a PNS
EMPLOYEE, SUPERVISOR = "199204272022212010", "197505052000031001"
EMPLOYEE_EMAIL = "cut.pegawai@bpbd.lhokseumawekota.go.id"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


LOGS: list = []  # the folder of the stack's process logs
TOPIC_PREFIX: list = []  # the stack's topic prefix, for reading its records back


def qr_codes(pdf: bytes) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=3).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def log_tails(lines: int = 25) -> str:
    """The last lines each process of the stack wrote, to tell why a wait timed out."""
    return "\n".join(
        f"--- {log.name}\n" + "".join(log.read_text().splitlines(keepends=True)[-lines:])
        for folder in LOGS
        for log in sorted(folder.iterdir())
    )


def wait_for(what: str, probe, timeout: float = 120.0):
    """The loop's waits: its workers take their time on a busy machine; a timeout shows their logs' tails."""
    return waiting.wait_for(what, probe, timeout, every=0.5, why=log_tails)


@pytest.fixture(scope="module")
def stack(make_database, kafka_bootstrap, tmp_path_factory):
    """Fresh databases; needs, training, evaluation, notifications and audit under gunicorn with their workers; the
    gateway in process."""
    services = ("needs", "training", "evaluation", "notifications", "gateway", "audit")
    urls = {service: make_database(f"e2e_{service}") for service in services}
    for service, url in urls.items():
        upgrade(f"services.{service}", url)
    with UnitOfWork(Database(urls["needs"]), NeedsOutbox) as uow:
        needs_handlers.seed_dictionary(uow)
    TOPIC_PREFIX.append(f"e2e.{uuid.uuid4().hex[:6]}.")
    common = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_TOPIC_PREFIX": TOPIC_PREFIX[-1],
        "INTERNAL_IDENTITY_SECRET": SECRET,
        "BEHAVIOR_OPENS_AFTER_DAYS": "0",
        "OUTBOX_POLL_SECONDS": "0.2",
        "CONSUMER_POLL_MS": "200",
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "INFO",  # as in production: the log lines searched for the partner's secret
    }
    processes, bases, logs = [], {}, tmp_path_factory.mktemp("e2e-logs")
    LOGS.append(logs)
    smtp = SmtpStandin().start()  # the city's mail server, as far as the gateway worker can tell
    mail = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "SMTP_SECURITY": "none", "MAIL_POLL_SECONDS": "0.3"}
    gateway_env = common | mail | {"DATABASE_URL": urls["gateway"], "JWT_SECRET": JWT_SECRET}
    log = (logs / "gateway-worker.log").open("w")
    processes.append(
        subprocess.Popen(
            [sys.executable, "-m", "services.gateway.worker"], env=gateway_env, stdout=log, stderr=subprocess.STDOUT
        )
    )
    for service in ("needs", "training", "evaluation", "notifications", "audit"):
        port = free_port()
        env = common | mail | {"DATABASE_URL": urls[service], "BIND": f"127.0.0.1:{port}"}
        for name, command in (
            (service, ["-m", "gunicorn", "-c", "python:shared.gunicorn_conf", f"services.{service}.app:create_app()"]),
            (f"{service}-worker", ["-m", f"services.{service}.worker"]),
        ):
            log = (logs / f"{name}.log").open("w")
            processes.append(
                subprocess.Popen([sys.executable, *command], env=env, stdout=log, stderr=subprocess.STDOUT)
            )
        bases[service] = f"http://127.0.0.1:{port}"
    try:
        for service, base in bases.items():
            wait_for(f"{service} to start", lambda b=base: _ok(b + "/healthz"), timeout=60)
        settings = GatewaySettings(
            service="gateway",
            database_url=urls["gateway"],
            internal_identity_secret=SECRET,
            jwt_secret=JWT_SECRET,
            needs_url=bases["needs"],
            training_url=bases["training"],
            evaluation_url=bases["evaluation"],
            notifications_url=bases["notifications"],
            audit_url=bases["audit"],
        )
        database = Database(urls["gateway"])
        for username, role, nip in (
            ("bkpsdm", "admin", None),
            ("atasan", "supervisor", SUPERVISOR),
            ("pemeriksa", "auditor", None),
        ):
            with UnitOfWork(database, None) as uow:
                gateway_handlers.create_account(uow, username, "kata-sandi-panjang-sekali", [role], nip)
        yield create_app(settings).test_client(), smtp
    finally:
        smtp.stop()
        stop(processes)


def _ok(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


def test_the_whole_loop(stack, caplog):
    client, smtp = stack
    caplog.set_level(logging.DEBUG)  # the gateway runs in this process: every record of it, to search for secrets

    actors: dict[str, str] = {}  # an Authorization header → the actor the audit trail must name
    changes: list[tuple[str, str, str, str]] = []  # every change the loop made: method, path, request id, actor

    def token(username: str) -> dict:
        answer = client.post("/api/v1/auth/login", json={"username": username, "password": "kata-sandi-panjang-sekali"})
        assert answer.status_code == 200, answer.data
        headers = {"Authorization": f"Bearer {answer.json['access_token']}"}
        actors[headers["Authorization"]] = (
            f"person:{jwt.decode(answer.json['access_token'], options={'verify_signature': False})['sub']}"
        )
        return headers

    admin, supervisor = token("bkpsdm"), token("atasan")

    def call(method, path, who=admin, expect=(200, 201), **kwargs):
        answer = client.open(path, method=method, headers=who, **kwargs)
        assert answer.status_code in expect, (method, path, answer.status_code, answer.get_data(as_text=True))
        if method in ("POST", "PUT", "PATCH", "DELETE") and answer.status_code < 300 and "Authorization" in who:
            changes.append((method, path, answer.headers["X-Request-ID"], actors[who["Authorization"]]))
        return answer.json

    # 1. needs: a technical competency, a position that requires it, employees loaded, gaps computed
    call(
        "POST",
        "/api/v1/needs/competencies",
        json={
            "code": "T-GIS",
            "name": "Analisis Geospasial",
            "group": "teknis",
            "level_descriptors": ["1", "2", "3", "4", "5"],
        },
    )
    call(
        "POST",
        "/api/v1/needs/positions",
        json={"code": "ANALIS-BENCANA", "name": "Analis Bencana", "position_class": "pelaksana"},
    )
    call(
        "PUT",
        "/api/v1/needs/positions/ANALIS-BENCANA/standard",
        json={"items": [{"competency_code": "T-GIS", "required_level": 3}]},
    )
    report = call(
        "PUT",
        "/api/v1/needs/employees",
        json={
            "employees": [
                {
                    "nip": SUPERVISOR,
                    "name": "Teuku Atasan",
                    "position_code": "ANALIS-BENCANA",
                    "unit_code": "BPBD",
                    "unit_name": "BPBD Kota Lhokseumawe",
                    "employment_status": "PNS",
                },
                {
                    "nip": "19920427 2022 21 2 010",  # as people type it
                    "name": "Cut Pegawai",
                    "position_code": "ANALIS-BENCANA",
                    "unit_code": "BPBD",
                    "unit_name": "BPBD Kota Lhokseumawe",
                    "employment_status": "PPPK",
                    "supervisor_nip": SUPERVISOR,
                    "email": EMPLOYEE_EMAIL,
                },
            ]
        },
    )
    assert report["added"] == 2
    # nobody has assessed them: no gap is assumed (assess first) until the assessment centre's results come in
    [unknown] = call("GET", f"/api/v1/needs/gaps?nip={EMPLOYEE}&competency_code=T-GIS&min_gap=0")
    assert (unknown["assessed"], unknown["current_level"], unknown["gap"]) == (False, None, 0)
    assessed_on = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
    results = "".join(f"{nip};T-GIS;1;{assessed_on};Assessment center\n" for nip in (EMPLOYEE, SUPERVISOR))
    sheet = ("NIP;Kode Kompetensi;Level;Tanggal;Sumber\n" + results).encode()
    imported = call(
        "POST",
        "/api/v1/needs/assessments/imports",
        data={"file": (io.BytesIO(sheet), "hasil-assessment-center.csv")},
        content_type="multipart/form-data",
    )
    assert (imported["accepted"], imported["invalid"]) == (2, 0)
    gaps = call("GET", f"/api/v1/needs/gaps?nip={EMPLOYEE}&competency_code=T-GIS")
    assert [(g["competency_code"], g["gap"]) for g in gaps] == [("T-GIS", 2)]
    largest = call("GET", "/api/v1/needs/gaps/by-competency")[0]["competency"]["code"]
    assert largest == "T-GIS"

    # 1b. the record made the PPPK an account: the gateway worker e-mailed the activation code; she sets her password
    [message] = wait_for("the activation e-mail", lambda: smtp.to(EMPLOYEE_EMAIL), timeout=60)
    activated = client.post(
        "/api/v1/auth/activate",
        json={"username": EMPLOYEE, "code": smtp.code_in(message), "password": "kata-sandi-cut-pegawai"},
    )
    assert activated.status_code == 200, activated.get_data(as_text=True)
    employee = {"Authorization": f"Bearer {activated.json['access_token']}"}
    actors[employee["Authorization"]] = f"person:{EMPLOYEE}"

    # 1c. she claims an e-learning course she took outside Bangkom; BKPSDM verifies it against the certificate
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()  # the services' day (WIB), not the machine's
    ended = max(today - dt.timedelta(days=10), dt.date(today.year, 1, 1))
    claim = call(
        "POST",
        f"/api/v1/needs/employees/{EMPLOYEE}/external-development",
        who=employee,
        json={
            "form": "e-learning",
            "title": "E-learning Manajemen ASN",
            "organiser": "LAN RI",
            "starts_on": ended.isoformat(),
            "ends_on": ended.isoformat(),
            "jp": 12,
            "competencies": [{"code": "M-INTEGRITAS", "level": 2}],
            "certificate_number": "LAN/ASN/2026/0042",
        },
    )
    uploaded = client.put(
        f"/api/v1/needs/external-development/{claim['id']}/certificate",
        headers=employee,
        data={"file": (io.BytesIO(PDF), "sertifikat.pdf")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 200, uploaded.get_data(as_text=True)
    assert [r["id"] for r in call("GET", "/api/v1/needs/external-development?status=submitted")] == [claim["id"]]
    call("POST", f"/api/v1/needs/external-development/{claim['id']}/verify")
    credited = wait_for(
        "the external JP in the ledger",
        lambda: (lambda jp: jp if jp["realised"] == 12 else None)(
            call("GET", f"/api/v1/needs/employees/{EMPLOYEE}/jp", who=employee)
        ),
    )
    assert (credited["cap"], credited["room"], credited["trainings"][0]["source"]) == (24, 12, "external")

    # 2. training: a partner, a program for the largest gap, a batch that ended today, published
    partner = call(
        "POST",
        "/api/v1/training/partners",
        json={"code": "UNIMAL", "name": "Universitas Malikussaleh", "kind": "university"},
    )
    key_id, secret = partner["credential"]["key_id"], partner["credential"]["secret"]
    program = call(
        "POST",
        "/api/v1/training/programs",
        json={
            "code": "PLT-GIS-2026",
            "title": "Pelatihan GIS untuk Kebencanaan",
            "form": "pelatihan",
            "delivery": "klasikal",
            "jp": 24,
            "partner_code": "UNIMAL",
            "capacity": 20,
            "competencies": [{"code": "T-GIS", "target_level": 3}],
        },
    )
    batch = call(
        "POST",
        f"/api/v1/training/programs/{program['id']}/batches",
        json={
            "meetings": [
                {"date": (today - dt.timedelta(days=2)).isoformat(), "starts_at": "08:00", "ends_at": "12:00"},
                {"date": (today - dt.timedelta(days=1)).isoformat(), "starts_at": "08:00", "ends_at": "12:00"},
            ]
        },
    )
    call("PUT", f"/api/v1/training/programs/{program['id']}/status", json={"status": "published"})

    # 3. the candidates come from the needs service's events (with the PPPK's JP left under her cap); enrol her,
    #    warned that 12 JP credited + 24 JP passes the 24-JP cap (PP 49/2018 art. 40)
    candidates = wait_for(
        "the employee among the candidates, with her JP room",
        lambda: [
            c
            for c in call("GET", f"/api/v1/training/batches/{batch['id']}/candidates")
            if c["nip"] == EMPLOYEE and c["jp_room"] == 12
        ],
    )
    assert candidates[0]["matched_needs"] == 1 and candidates[0]["jp_cap"] == 24
    [enrolled] = call("POST", f"/api/v1/training/batches/{batch['id']}/enrollments", json={"nips": [EMPLOYEE]})
    assert "24 JP" in enrolled["warning"]

    # 4. the partner posts signed attendance, with a retry and a duplicate
    records = [
        {
            "event_id": f"att-{m}",
            "batch_id": batch["id"],
            "nip": EMPLOYEE,
            "meeting_no": m,
            "status": "present",
            "recorded_at": f"{(today - dt.timedelta(days=3 - m)).isoformat()}T08:05:00+07:00",  # past at any hour
        }
        for m in (1, 2)
    ]

    def signed_post(path, payload):
        body = json.dumps(payload).encode()
        answer = client.post(path, data=body, headers=gateway_domain.signed_headers(key_id, secret, body))
        if answer.status_code in (200, 201):
            changes.append(("POST", path, answer.headers["X-Request-ID"], f"partner:UNIMAL/{key_id}"))
        return answer

    first = signed_post("/api/v1/training/partner/attendance", {"records": records[:1]})
    assert first.status_code == 200 and first.json["accepted"] == 1
    retry = signed_post("/api/v1/training/partner/attendance", {"records": records})  # the first again, and the second
    assert [r["outcome"] for r in retry.json["results"]] == ["duplicate", "accepted"]
    roster = call("GET", f"/api/v1/training/batches/{batch['id']}/enrollments")
    assert roster[0]["attendance_share"] == 1.0

    # 5. the batch closes: TrainingCompleted; evaluation tasks appear for participant, partner and supervisor
    closed = call(
        "POST", f"/api/v1/training/batches/{batch['id']}/close", json={"force_reason": "Pertemuan terakhir hari ini"}
    )
    assert closed[0]["status"] == "completed"
    tasks = wait_for(
        "three evaluation tasks",
        lambda: (lambda found: {t["kind"]: t for t in found} if len(found) == 3 else None)(
            call("GET", f"/api/v1/evaluation/tasks?nip={EMPLOYEE}")
        ),
    )
    assert tasks["reaction"]["assignee_nip"] == EMPLOYEE and tasks["behavior"]["assignee_nip"] == SUPERVISOR
    assert [t["kind"] for t in call("GET", "/api/v1/evaluation/my/tasks", who=employee)] == ["reaction"]

    # 5b. her documents: the certificate, whose QR code opens the public verification page (no login): valid;
    #     her calendar at a secret address a calendar application reads without a login; her call-up by e-mail
    mine = next(r for r in call("GET", f"/api/v1/training/batches/{batch['id']}/enrollments") if r["nip"] == EMPLOYEE)
    certificate = client.get(f"/api/v1/training/enrollments/{mine['enrollment_id']}/certificate", headers=employee)
    assert certificate.status_code == 200 and certificate.mimetype == "application/pdf"
    (verify_url,) = qr_codes(certificate.data)
    assert verify_url.endswith(f"/verifikasi/{mine['certificate_number']}")
    public = client.get(urlsplit(verify_url).path)
    assert public.status_code == 200 and "SAH:" in public.get_data(as_text=True)
    feed = call("POST", "/api/v1/notifications/calendars/me/feed", who=employee)
    calendar = wait_for(
        "her meetings and her questionnaire's due date in her calendar",
        lambda: (
            lambda answer: answer if answer.status_code == 200 and answer.data.count(b"BEGIN:VEVENT") == 3 else None
        )(client.get(feed["path"])),
    )
    entries = icalendar.Calendar.from_ical(calendar.data).walk("VEVENT")
    assert sorted(str(e["UID"]).split("-")[0] for e in entries) == ["meeting", "meeting", "task"]
    wait_for(
        "the call-up e-mail",
        lambda: [m for m in smtp.to(EMPLOYEE_EMAIL) if m["Subject"].startswith("Panggilan pelatihan")],
        timeout=60,
    )

    # 6. the participant's feedback, the partner's post-test, the supervisor's project assessment
    call(
        "POST",
        f"/api/v1/evaluation/tasks/{tasks['reaction']['id']}/submission",
        who=employee,
        json={"content": 5, "trainer": 4, "relevance": 5, "organisation": 4, "themes": ["praktik"]},
    )
    learning = signed_post(
        f"/api/v1/evaluation/tasks/{tasks['learning']['id']}/submission", {"pre_score": 45, "post_score": 85}
    )
    assert learning.status_code == 201, learning.data
    call(
        "POST",
        f"/api/v1/evaluation/tasks/{tasks['behavior']['id']}/submission",
        who=supervisor,
        json={
            "project_title": "Peta risiko banjir Kecamatan Banda Sakti",
            "description": "Peta rawan banjir dengan QGIS dan data curah hujan BMKG untuk BPBD.",
            "rubric": [{"competency_code": "T-GIS", "level": 3}],
        },
    )

    # 7. CompetencyAssessed closes the need; the JP ledger shows the hours
    need = wait_for(
        "the need to close",
        lambda: [
            n
            for n in call("GET", f"/api/v1/needs/needs?nip={EMPLOYEE}&competency_code=T-GIS")
            if n["status"] == "closed"
        ],
    )
    assert need[0]["closed_reason"] == "gap_closed"
    jp = call("GET", f"/api/v1/needs/employees/{EMPLOYEE}/jp", who=employee)
    assert jp["realised"] == 36 and jp["room"] == 0  # 12 outside + 24 in Bangkom: counted once each
    by_source = {c["source"]: c for c in jp["trainings"]}
    assert by_source["bangkom"]["program_title"] == "Pelatihan GIS untuk Kebencanaan"
    assert (by_source["external"]["program_title"], by_source["external"]["jp"]) == ("E-learning Manajemen ASN", 12)
    profile = call("GET", f"/api/v1/needs/employees/{EMPLOYEE}/profile", who=employee)
    assert {c["competency_code"]: c["current_level"] for c in profile["competencies"]}["T-GIS"] == 3

    # 8. the program shows its effectiveness and recommendation
    figures = call("GET", f"/api/v1/evaluation/reports/batches/{batch['id']}")
    assert figures["behavior_pass_rate"] == 1.0 and figures["reaction"]["mean"] == 4.5
    assert figures["learning"]["mean_gain"] == 40.0 and figures["learning"]["p_value"] is None  # one pair: not tested
    assert figures["recommendation"] == "improve"  # without a computed significance test, never "repeat"
    shown = wait_for(
        "the recommendation on the program",
        lambda: call("GET", f"/api/v1/training/programs/{program['id']}")["recommendation"],
    )
    assert shown["recommendation"] == "improve" and shown["batch_id"] == batch["id"]

    # 9. a correction after the fact: BKPSDM reopens the batch (TrainingDecisionRevoked): her 24 JP leave the ledger;
    #    closing it again credits them once more, and she still has exactly her three (answered) tasks
    reopened = call("POST", f"/api/v1/training/batches/{batch['id']}/reopen", json={"reason": "Koreksi daftar hadir"})
    assert reopened["closed_at"] is None
    wait_for(
        "the revoked JP out of the ledger",
        lambda: call("GET", f"/api/v1/needs/employees/{EMPLOYEE}/jp", who=employee)["realised"] == 12,
    )
    again = call(
        "POST", f"/api/v1/training/batches/{batch['id']}/close", json={"force_reason": "Pertemuan terakhir hari ini"}
    )
    assert again[0]["status"] == "completed"
    assert "DICABUT:" in client.get(urlsplit(verify_url).path).get_data(as_text=True)  # the first certificate
    renewed = next(
        r for r in call("GET", f"/api/v1/training/batches/{batch['id']}/enrollments") if r["nip"] == EMPLOYEE
    )
    assert renewed["certificate_number"] != mine["certificate_number"]
    assert "SAH:" in client.get(f"/verifikasi/{renewed['certificate_number']}").get_data(as_text=True)
    final = wait_for(
        "the JP credited once again",
        lambda: (lambda jp: jp if jp["realised"] == 36 else None)(
            call("GET", f"/api/v1/needs/employees/{EMPLOYEE}/jp", who=employee)
        ),
    )
    assert sorted(c["source"] for c in final["trainings"]) == ["bangkom", "external"]
    tasks_after = call("GET", f"/api/v1/evaluation/tasks?nip={EMPLOYEE}")
    assert len(tasks_after) == 3 and {t["status"] for t in tasks_after} == {"submitted"}

    # 10. the audit trail (the audit service, fed by every topic): each change the loop made is there, naming who
    #     made it, when and in which request; an auditor finds them and can change nothing
    auditor = token("pemeriksa")

    def entries_of(request_id: str) -> list:
        return call("GET", f"/api/v1/audit/entries?request_id={request_id}", who=auditor)

    wait_for("the last change in the audit trail", lambda: entries_of(changes[-1][2]), timeout=90)
    for method, path, request_id, actor in changes:
        found = entries_of(request_id)
        made = [e for e in found if e["name"] == "ChangeMade"]
        assert len(made) == 1, (method, path, found)
        assert (made[0]["data"]["method"], made[0]["data"]["path"], made[0]["actor"]) == (method, path, actor)
        assert made[0]["data"]["address"] == "127.0.0.1", "where the request came from, as the gateway saw it"
        assert made[0]["occurred_at"], "when"
    closing = [rid for method, path, rid, _ in changes if path.endswith(f"/batches/{batch['id']}/close")][0]
    caused = {e["name"] for e in entries_of(closing)}
    assert {"ChangeMade", "TrainingCompleted"} <= caused, "the close and what it caused, under one request"
    refused = client.post(f"/api/v1/training/batches/{batch['id']}/reopen", headers=auditor, json={"reason": "x"})
    assert refused.status_code == 403
    print(f"audit trail: {len(changes)} changes through the gateway, each with its entry")

    # the partner's secret, which signed every attendance request, is in no log line of any part
    logged = {log.name: log.read_text() for log in LOGS[-1].iterdir()} | {"gateway (this process)": caplog.text}
    assert all(text.strip() for text in logged.values()), "every part wrote its log"
    assert [name for name, text in logged.items() if secret in text] == []


def test_every_record_the_loop_put_on_kafka_reads_with_the_cloudevents_sdk(stack, kafka_bootstrap):
    """Every record of the loop's three topics, read with the CloudEvents SDK's own Kafka binding (which takes any
    ``ce_*`` header for binary mode): each is a structured-mode CloudEvent whose attributes are the envelope's."""
    consumer = KafkaConsumer(
        *(f"{TOPIC_PREFIX[-1]}bangkom.{service}.v1" for service in ("needs", "training", "evaluation")),
        bootstrap_servers=kafka_bootstrap.split(","),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=5000,
    )
    records = list(consumer)
    consumer.close()
    types = set()
    for record in records:
        event = read_cloudevent(record)
        envelope = json.loads(record.value)
        assert (event.get_id(), event.get_type(), event.get_source()) == (
            envelope["id"],
            envelope["type"],
            envelope["source"],
        )
        assert event.get_data() == envelope["data"] and event.get_specversion() == "1.0"
        assert not any(key.startswith("ce_") for key, _ in record.headers), record.headers
        types.add(event.get_type().split(".")[-2])
    assert {"EmployeeSynced", "TrainingCompleted", "EvaluationTaskCreated", "CompetencyAssessed"} <= types, types
