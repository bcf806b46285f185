"""``make demo`` as a newcomer runs it (SQLite files, honcho, gunicorn, every worker, the dataset), then
the metrics ops rely on, scraped from the running stack: they exist, and they move."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from tests.e2e.conftest import APIS, GATEWAY, WORKERS, login, present, scrape, total


def test_make_demo_serves_the_dataset_through_the_gateway(demo):
    output = "".join(demo["lines"])
    for login_line in ("bkpsdm  / demo-bkpsdm-2026", "atasan  / demo-atasan-2026", "pegawai / demo-pegawai-2026"):
        assert login_line in output
    assert GATEWAY in output
    admin = login("bkpsdm", "demo-bkpsdm-2026")
    units = requests.get(f"{GATEWAY}/api/v1/needs/jp/compliance", headers=admin, timeout=10).json()
    assert len(units) == 12 and sum(u["employees"] for u in units) > 150  # a dozen OPDs, the PNS among 240 ASN
    programs = requests.get(f"{GATEWAY}/api/v1/training/programs", headers=admin, timeout=10).json()
    assert len([p for p in programs if not p["code"].startswith("UI-")]) == 10  # the browser test adds its own
    deadline = time.monotonic() + 60  # the evaluated programs get their recommendation through events
    while sum(1 for p in programs if p.get("recommendation")) < 5:
        assert time.monotonic() < deadline, [p.get("recommendation") for p in programs]
        time.sleep(1)
        programs = requests.get(f"{GATEWAY}/api/v1/training/programs", headers=admin, timeout=10).json()
    employee = login("pegawai", "demo-pegawai-2026")
    tasks = requests.get(f"{GATEWAY}/api/v1/evaluation/my/tasks", headers=employee, timeout=10)
    assert tasks.status_code == 200
    anonymous = requests.get(f"{GATEWAY}/api/v1/training/programs", timeout=10)
    assert anonymous.status_code == 401


def test_ops_metrics_exist_and_move(demo, kafka_producer):
    employee, auditor = login("pegawai", "demo-pegawai-2026"), login("auditor", "demo-auditor-2026")
    for service in APIS:  # a request each service serves, whatever ran before this test (or nothing did)
        path = {"needs": "/competencies", "training": "/programs", "evaluation": "/my/tasks", "audit": "/entries"}.get(
            service, "/preferences/me"
        )
        who = auditor if service == "audit" else employee
        answer = requests.get(f"{GATEWAY}/api/v1/{service}{path}", headers=who, timeout=10)
        assert answer.status_code == 200, (service, answer.text[:300])
    apis = {name: scrape(url) for name, url in APIS.items()}
    workers = {name: scrape(url) for name, url in WORKERS.items()}
    gateway = scrape(GATEWAY)
    for name, samples in apis.items():
        for series in (
            "bangkom_http_requests_total",
            "bangkom_http_request_duration_seconds_bucket",
            "bangkom_outbox_backlog",
            "bangkom_outbox_oldest_pending_age_seconds",
        ):
            assert present(samples, series), (name, series)
    for name, samples in workers.items():
        for series in ("bangkom_events_consumed_total", "bangkom_consumer_lag", "bangkom_outbox_backlog"):
            assert present(samples, series), (name, series)
        if name not in ("gateway", "notifications", "audit"):  # these workers consume and publish nothing
            assert total(samples, "bangkom_events_produced_total", outcome="published") > 0, name
    assert present(gateway, "bangkom_http_requests_total")
    # the business gauges, with the demo's data behind them
    assert total(apis["needs"], "bangkom_needs_open") > 0
    assert total(apis["needs"], "bangkom_jp_below_target_employees") > 0
    assert total(apis["needs"], "bangkom_simpeg_history_records", status="pending") > 0  # SIMPEG not configured
    assert total(apis["training"], "bangkom_training_batches_running") >= 1
    assert present(apis["training"], "bangkom_training_decisions_today")
    assert total(apis["notifications"], "bangkom_notifications_messages", kind="enrolled") > 0

    assert present(apis["evaluation"], "bangkom_evaluation_tasks_overdue")

    # they move: requests, an event through the backbone, a poison message to the dead-letter topic
    admin = login("bkpsdm", "demo-bkpsdm-2026")
    for _ in range(3):
        assert requests.get(f"{GATEWAY}/api/v1/training/programs", headers=admin, timeout=10).ok
    published = requests.get(f"{GATEWAY}/api/v1/training/programs?status=published", headers=admin, timeout=10)
    ahead = (dt.datetime.now(ZoneInfo("Asia/Jakarta")).date() + dt.timedelta(days=27)).isoformat()
    for program in published.json():  # a new batch of a program that still has someone to serve (by the date, the
        batch = requests.post(  # demo's open batches of some programs hold all of their candidates)
            f"{GATEWAY}/api/v1/training/programs/{program['id']}/batches",
            headers=admin,
            timeout=10,
            json={"meetings": [{"date": ahead, "starts_at": "08:00", "ends_at": "12:00"}]},
        )
        assert batch.status_code == 201, batch.text
        candidates = requests.get(
            f"{GATEWAY}/api/v1/training/batches/{batch.json()['id']}/candidates", headers=admin, timeout=10
        ).json()
        if candidates:
            break
    assert candidates, "no published program of the demo has a candidate left"
    enrolled = requests.post(
        f"{GATEWAY}/api/v1/training/batches/{batch.json()['id']}/enrollments",
        headers=admin,
        json={"nips": [candidates[0]["nip"]]},
        timeout=10,
    )
    assert enrolled.status_code in (200, 201), enrolled.text  # ParticipantEnrolled, through the training outbox
    kafka_producer.send(f"{demo['prefix']}bangkom.training.v1", key=b"poison", value=b"not an event").get(timeout=10)

    def moved() -> bool:
        training, evaluation = scrape(APIS["training"]), scrape(WORKERS["evaluation"])
        requested = total(training, "bangkom_http_requests_total", route="/api/v1/training/programs", method="GET")
        dead = total(evaluation, "bangkom_dead_letters_total")
        return (
            requested
            >= total(apis["training"], "bangkom_http_requests_total", route="/api/v1/training/programs", method="GET")
            + 3
            and dead >= total(workers["evaluation"], "bangkom_dead_letters_total") + 1
            and total(scrape(WORKERS["training"]), "bangkom_events_produced_total", outcome="published")
            > total(workers["training"], "bangkom_events_produced_total", outcome="published")
        )

    deadline = time.monotonic() + 60
    while not moved():
        assert time.monotonic() < deadline, "the metrics did not move"
        time.sleep(1)


def test_the_demo_keeps_the_mail_it_sends_in_its_mail_box(demo):
    """The demo's enrolments were told to the participants: their call-ups are files in the mail box it printed."""
    output = "".join(demo["lines"])
    assert "kotak-surat" in output
    box = Path(demo["dir"]) / "kotak-surat"
    deadline = time.monotonic() + 60
    while not list(box.glob("*.txt")):
        assert time.monotonic() < deadline, f"no message in {box}"
        time.sleep(1)
    texts = [path.read_text(encoding="utf-8") for path in box.glob("*.txt")]
    assert any("Panggilan pelatihan:" in text and "@lhokseumawekota.go.id" in text for text in texts)


def test_a_new_employee_gets_the_activation_mail_in_the_demo_mail_box_and_activates_with_a_spaced_nip(demo):
    """BKPSDM adds an employee with an e-mail address; the gateway worker sends the activation message to the demo's
    mail box; the employee opens the link, types their NIP as people write it (with spaces) and is signed in."""
    admin = login("bkpsdm", "demo-bkpsdm-2026")
    nip = f"199408192022212{uuid.uuid4().int % 1000:03d}"  # an NI PPPK: born 1994-08-19, 2022, code 21, female
    address = f"pegawai.baru.{nip[-3:]}@lhokseumawekota.go.id"
    added = requests.put(
        f"{GATEWAY}/api/v1/needs/employees",
        json={
            "employees": [
                {
                    "nip": nip,
                    "name": "Cut Pegawai Baru",
                    "employment_status": "PPPK",
                    "unit_code": "OPD-BPBD",
                    "unit_name": "Badan Penanggulangan Bencana Daerah",
                    "email": address,
                }
            ]
        },
        headers=admin,
        timeout=30,
    )
    assert added.status_code == 200 and added.json()["added"] == 1, added.text
    box = Path(demo["dir"]) / "kotak-surat"
    deadline = time.monotonic() + 90
    while not (mail := [p for p in box.glob("*.txt") if address in p.read_text(encoding="utf-8")]):
        assert time.monotonic() < deadline, f"no activation message to {address} in {box}"
        time.sleep(1)
    text = mail[0].read_text(encoding="utf-8")
    assert "aktifkan akun" in text
    link = next(word for word in text.split() if "/aktivasi?" in word)
    code = link.split("kode=")[1]

    person = requests.Session()
    page = person.get(link, timeout=10)
    assert page.status_code == 200 and 'name="code"' in page.text
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"  # "19940819 202221 2 734", as people write it
    password = "kata-sandi-pegawai-baru"
    done = person.post(
        f"{GATEWAY}/aktivasi",
        data={"csrf": csrf, "username": spaced, "code": code, "password": password, "password_again": password},
        allow_redirects=False,
        timeout=10,
    )
    assert done.status_code == 302, done.text[:2000]
    own = person.get(f"{GATEWAY}/saya", timeout=10)
    assert own.status_code == 200
    # a PPPK owes no JP but may take at most 24 a year: the page says so (it read "0 dari 0 JP · terpenuhi")
    assert "dari paling banyak 24 JP" in own.text and "0 dari 0 JP" not in own.text
    assert login(spaced, password)  # and signs in with it, spaces and all


def test_ctrl_c_stops_everything(demo):
    """Ctrl-C (SIGINT to the terminal's process group): make is interrupted, run.sh stops honcho, which
    stops every API and worker; nothing keeps listening."""
    process = demo["process"]
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=60)
    deadline = time.monotonic() + 60
    listening = [GATEWAY, *APIS.values(), *WORKERS.values()]
    while listening:
        assert time.monotonic() < deadline, f"still answering after Ctrl-C: {listening}"
        listening = [url for url in listening if _answers(url)]
        time.sleep(0.5)
    output = "".join(demo["lines"])
    assert "demo: stopping" in output and "needs-worker.1 stopped" in output


def _answers(url: str) -> bool:
    try:
        requests.get(url + "/healthz", timeout=1)
        return True
    except requests.ConnectionError:
        return False
