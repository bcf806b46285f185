"""Regression tests of the edge: what a stranger sent that used to give a 500 (or was silently accepted).

Each service on its real PostgreSQL database, called as BKPSDM through the test client.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid

import pytest

from shared import identity
from tests.integration.needs.conftest import new_nip
from tests.services import SECRET, app_of

ADMIN = identity.Identity("bkpsdm.admin", ("admin",))


def _client(service: str, url: str, **settings):
    client = app_of(service, url, **settings).test_client()
    client.environ_base["HTTP_X_BANGKOM_IDENTITY"] = identity.encode(ADMIN, SECRET)  # fresh: it is valid 300 s
    return client


@pytest.fixture(scope="module")
def clients(migrated_database):
    return {service: _client(service, migrated_database(service)) for service in ("needs", "training", "evaluation")}


def problem(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.content_type == "application/problem+json"
    return response.json


LISTINGS = {
    "needs": "/api/v1/needs/employees",
    "training": "/api/v1/training/programs",
    "evaluation": "/api/v1/evaluation/tasks",
}
CREATES = {
    "needs": "/api/v1/needs/competencies",
    "training": "/api/v1/training/partners",
    "evaluation": "/api/v1/evaluation/tasks/00000000-0000-0000-0000-000000000000/submission",
}
METHOD = {"needs": "POST", "training": "POST", "evaluation": "PUT"}


@pytest.mark.parametrize("service", LISTINGS)
def test_deeply_nested_json_is_a_400(clients, service):
    body = "[" * 10_000 + "]" * 10_000
    response = clients[service].open(
        CREATES[service], method=METHOD[service], data=body, content_type="application/json"
    )
    assert "terlalu dalam bersarang" in problem(response, 400)["detail"]


@pytest.mark.parametrize("service", LISTINGS)
def test_an_undocumented_query_parameter_is_a_400_naming_it(clients, service):
    found = problem(clients[service].get(LISTINGS[service] + "?limit=3&no_such_filter=x"), 400)
    assert {e["field"] for e in found["errors"]} == {"limit", "no_such_filter"}
    assert all(e["location"] == "query" and "operasi ini menerima" in e["message"] for e in found["errors"])


@pytest.mark.parametrize("service", LISTINGS)
def test_page_numbers_beyond_a_column_are_a_400(clients, service):
    for page in ("10000000000000000000", str(10**30)):
        found = problem(clients[service].get(f"{LISTINGS[service]}?page={page}"), 400)
        assert found["errors"][0]["field"] == "page"


@pytest.mark.parametrize("service", LISTINGS)
def test_a_nul_byte_in_query_or_path_is_a_400(clients, service):
    assert problem(clients[service].get(LISTINGS[service] + "?q=%00"), 400)["errors"][0]["location"] == "query"
    assert "karakter kontrol" in problem(clients[service].get(LISTINGS[service] + "/%00"), 400)["detail"]


@pytest.mark.parametrize("service", LISTINGS)
def test_json_sent_as_text_or_a_form_is_a_415_naming_the_type(clients, service):
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = clients[service].open(
            CREATES[service], method=METHOD[service], data='{"code": "X"}', content_type=content_type
        )
        assert "application/json" in problem(response, 415)["detail"]


@pytest.mark.parametrize("service", LISTINGS)
def test_a_body_over_the_limit_is_a_413(clients, service):
    body = json.dumps({"name": "x" * 2_000_000})
    assert problem(
        clients[service].open(CREATES[service], method=METHOD[service], data=body, content_type="application/json"), 413
    )


def test_numbers_in_paths_and_bodies_stay_within_their_columns(clients):
    needs = clients["needs"]
    assert "terlalu besar" in problem(needs.get("/api/v1/needs/priorities/99999999999999999999"), 400)["detail"]
    assert problem(needs.get("/api/v1/needs/priorities/2147483648"), 400)
    put = needs.put("/api/v1/needs/priorities/2147483647", json={"items": []})
    assert problem(put, 422)["errors"] == [{"field": "year", "message": "2147483647 bukan tahun rencana."}]


def test_nul_bytes_in_body_strings_are_refused_by_every_service(clients):
    nip = new_nip()
    response = clients["needs"].put(
        f"/api/v1/needs/employees/{nip}", json={"nip": nip, "name": "Budi\u0000", "employment_status": "PNS"}
    )
    assert problem(response, 422)["errors"][0]["field"] == "name"
    response = clients["training"].post(
        "/api/v1/training/partners", json={"code": "NUL1", "name": "Mitra\u0000", "kind": "university"}
    )
    assert problem(response, 422)["errors"][0]["field"] == "name"
    assert problem(clients["training"].get("/api/v1/training/programs?partner_code=%00"), 400)
    assert problem(clients["evaluation"].get("/api/v1/evaluation/reports/batches/%00"), 400)


def test_an_empty_position_code_and_a_repeated_competency_are_422_not_database_errors(clients):
    nip = new_nip()
    response = clients["needs"].put(
        f"/api/v1/needs/employees/{nip}",
        json={"nip": nip, "name": "Budi", "employment_status": "PNS", "position_code": ""},
    )
    assert problem(response, 422)["errors"][0]["field"] == "position_code"
    theme = {"code": "DIGITAL", "name": "Digital", "weight": 0.5, "competencies": ["T-GIS", "T-GIS"]}
    response = clients["needs"].put("/api/v1/needs/priorities/2026", json={"items": [theme]})
    assert problem(response, 422)["errors"][0]["field"] == "items.0.competencies"


def test_whole_numbers_and_dates_in_a_window(clients):
    training = clients["training"]
    code = f"P{uuid.uuid4().hex[:8].upper()}"
    assert (
        training.post("/api/v1/training/partners", json={"code": code, "name": "M", "kind": "university"}).status_code
        == 201
    )
    program = {
        "code": f"PR-{uuid.uuid4().hex[:6]}",
        "title": "GIS",
        "form": "pelatihan",
        "delivery": "klasikal",
        "jp": 2.5,
        "partner_code": code,
        "capacity": 30,
        "competencies": [{"code": "T-GIS", "target_level": 3}],
    }
    found = problem(training.post("/api/v1/training/programs", json=program), 422)
    assert [e["field"] for e in found["errors"]] == ["jp"] and "bilangan bulat" in found["errors"][0]["message"]
    created = training.post("/api/v1/training/programs", json=program | {"jp": 24})
    assert created.status_code == 201, created.get_data(as_text=True)
    meetings = [{"date": "9999-12-31", "starts_at": "08:00", "ends_at": "12:00"}]
    response = training.post(f"/api/v1/training/programs/{created.json['id']}/batches", json={"meetings": meetings})
    assert "antara 1900-01-01 dan 2099-12-31" in problem(response, 422)["errors"][0]["message"]


def _record(batch_id: str, nip: str, event_id: str, recorded_at: str | dt.datetime) -> dict:
    return {
        "event_id": event_id,
        "batch_id": batch_id,
        "nip": nip,
        "meeting_no": 1,
        "status": "present",
        "recorded_at": recorded_at,
    }


def _partner(code: str) -> dict:
    return {identity.HEADER: identity.encode(identity.Identity(f"pk_{code}", ("partner",), code), SECRET)}


def test_attendance_times_overflowing_or_ahead_of_the_clock_are_refused(clients):
    training = clients["training"]
    batch = str(uuid.uuid4())
    for when, message in (
        ("9999-12-31T23:00:00-12:00", "antara"),
        ((dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat(), "di depan jam server"),
    ):
        body = {"records": [_record(batch, new_nip(), "e1", when)]}
        found = problem(training.post("/api/v1/training/partner/attendance", json=body, headers=_partner("X")), 422)
        assert found["errors"][0]["field"] == "records.0.recorded_at" and message in found["errors"][0]["message"]


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_the_same_attendance_posted_twice_at_once_is_accepted_once_and_never_a_500(
    database, migrated_database, tmp_path
):
    """A partner's retry under a new webhook id while the first request is still being handled."""
    from services.training import commands, handlers
    from services.training.config import TrainingSettings
    from services.training.models import Outbox
    from shared.db import Database, UnitOfWork

    url = migrated_database("training") if database == "postgresql" else f"sqlite:///{tmp_path}/training.db"
    if database == "sqlite":
        from shared.migrations import upgrade

        upgrade("services.training", url)
    settings = TrainingSettings(service="training", database_url=url, internal_identity_secret=SECRET)
    db = Database(url)
    code, nips = f"P{uuid.uuid4().hex[:8].upper()}", [new_nip() for _ in range(30)]
    from tests import factories

    with UnitOfWork(db, Outbox) as uow:
        handlers.create_partner(uow, settings, commands.PartnerDetails(code=code, name="M", kind="university"))
        for nip in nips:
            handlers.on_employee_synced(factories.employee_synced(nip), uow, settings)
        uow.commit()
        program = handlers.create_program(
            uow,
            settings,
            commands.ProgramDetails(
                code=f"PR-{uuid.uuid4().hex[:6]}",
                title="GIS",
                form="pelatihan",
                delivery="klasikal",
                jp=8,
                partner_code=code,
                competencies=(commands.CompetencyTarget(code="T-GIS", target_level=3),),
                capacity=40,
            ),
        )
        day = dt.date.today() - dt.timedelta(days=3)
        batch = handlers.add_batch(
            uow, program.id, [commands.MeetingTimes(date=day, starts_at=dt.time(8), ends_at=dt.time(12))]
        )
        handlers.change_program_status(uow, program.id, "published")
        handlers.enrol(uow, batch.id, nips)
    when = dt.datetime(2026, 1, 5, 1, tzinfo=dt.UTC)
    records = [commands.AttendanceRecord(**_record(batch.id, nip, f"ev-{nip}", when)) for nip in nips]
    outcomes, errors = [], []

    def post() -> None:
        try:
            with UnitOfWork(Database(url), Outbox) as uow:
                outcomes.append([r["outcome"] for r in handlers.record_attendance(uow, code, records)])
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(repr(exc))

    senders = [threading.Thread(target=post) for _ in range(4)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    assert errors == []
    assert sum(o.count("accepted") for o in outcomes) == len(nips)
    assert sum(o.count("duplicate") for o in outcomes) == 3 * len(nips)


@pytest.mark.parametrize("service", LISTINGS)
def test_problems_speak_the_callers_language_indonesian_first(clients, service):
    """The same refusal: Indonesian to a caller who says nothing or prefers it, English to one who asks."""
    path = LISTINGS[service] + "?halaman=2"
    status = clients[service].get(path).status_code
    assert status in (400, 422)
    default = problem(clients[service].get(path), status)
    indonesian = problem(clients[service].get(path, headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.8"}), status)
    english_response = clients[service].get(path, headers={"Accept-Language": "en-US,en;q=0.9"})
    english = problem(english_response, status)
    assert default == {**indonesian, "request_id": default["request_id"]}
    assert default["detail"] == "Permintaan memuat 1 isian yang tidak sah: halaman. Perbaiki lalu kirim lagi."
    assert default["errors"][0]["message"].startswith("Parameter tidak dikenal; operasi ini menerima ")
    assert english["detail"] == "The request has 1 invalid field(s): halaman. Correct them and send it again."
    assert english["errors"][0]["message"].startswith("Unknown parameter; this operation takes ")
    assert english_response.headers["Content-Language"] == "en"


@pytest.mark.parametrize("service", sorted(LISTINGS))
def test_a_database_out_of_reach_is_a_503_to_send_again_not_a_500(service):
    """PostgreSQL restarting or failing over: nothing is written, and the caller is told to send the request again."""
    client = _client(service, "postgresql+psycopg://bangkom:bangkom@127.0.0.1:1/bangkom_gone")
    response = client.get(LISTINGS[service], headers={"Accept-Language": "en"})
    body = problem(response, 503)
    assert body["type"].endswith("database-unavailable") and "Send the request again" in body["detail"]
    assert response.headers["Retry-After"] == "2"
    assert "Kirim ulang" in problem(client.get(LISTINGS[service]), 503)["detail"]  # Indonesian first
