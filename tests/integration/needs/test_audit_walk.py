"""The needs service's part of the walk of docs/access.md (tests/audit_walk.py): each of its state-changing routes,
called as a role the page gives it and accepted, leaves its ChangeMade naming the caller, the request and the time.

A database of its own: the walk queues SIMPEG jobs (one at a time for a database) and sets a year's priorities."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from services.needs import handlers
from services.needs.app import create_app
from services.needs.config import NeedsSettings
from services.needs.models import Outbox
from services.needs.simpeg import runs
from services.needs.simpeg.client import SimpegClient
from shared import identity
from shared.db import Database, UnitOfWork
from shared.migrations import upgrade
from tests.audit_walk import Walk
from tests.integration.needs.conftest import SECRET, code, new_nip
from tests.simpeg_standin import SimpegStandin, generate_employees

ADMIN = identity.Identity("bkpsdm.walk", ("admin",))
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PLAN_YEAR = 2041  # a year of this walk's own


@pytest.fixture
def walk(make_database, kafka_bootstrap, unique, tmp_path):
    url = make_database("needs_walk")
    upgrade("services.needs", url)
    database = Database(url)
    with UnitOfWork(database, Outbox) as uow:
        handlers.seed_dictionary(uow)
    standin = SimpegStandin(generate_employees(20, seed=uuid.uuid4().int)).start()
    settings = NeedsSettings(
        service="needs",
        database_url=url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=unique("needs-walk") + ".",
        internal_identity_secret=SECRET,
        object_store_url=f"file://{tmp_path}",
        simpeg_base_url=standin.url,
        simpeg_client_id=standin.client_id,
        simpeg_client_secret=standin.client_secret,
        simpeg_retries=1,
        simpeg_backoff_seconds=0.01,
    )
    yield Walk("needs", create_app(settings).test_client(), database, Outbox), settings, standin
    standin.stop()
    database.dispose()


def test_every_state_changing_route_of_needs_leaves_its_audit_record(walk):
    step, settings, standin = walk
    year, base = settings.today().year, "/api/v1/needs"
    skill, job, nip = code("T"), code("JAB"), new_nip()
    employee, supervisor = identity.Identity(nip, ("employee",)), identity.Identity(new_nip(), ("supervisor",))

    # the dictionary and the positions
    competency = {"name": "Analisis data", "group": "teknis", "level_descriptors": ["1", "2", "3", "4", "5"]}
    step("POST", f"{base}/competencies", ADMIN, json={"code": skill, **competency})
    step("PUT", f"{base}/competencies/<code>", ADMIN, {"code": skill}, json={**competency, "name": "Analisis data"})
    step("POST", f"{base}/positions", ADMIN, json={"code": job, "name": "Analis", "position_class": "pelaksana"})
    step(
        "PUT",
        f"{base}/positions/<code>",
        ADMIN,
        {"code": job},
        json={"name": "Analis Data", "position_class": "pelaksana"},
    )
    standard = {"items": [{"competency_code": skill, "required_level": 3}]}
    step("PUT", f"{base}/positions/<code>/standard", ADMIN, {"code": job}, json=standard)
    unchanged = {"items": _class_items(step.client)}
    assert step(
        "PUT",
        f"{base}/position-classes/<position_class>/standard",
        ADMIN,
        {"position_class": "pelaksana"},
        json=unchanged,
    )["items"]

    # the employees and their assessments
    row = {
        "name": "Cut Walk",
        "position_code": job,
        "unit_code": "OPD-BPBD",
        "unit_name": "BPBD",
        "employment_status": "PNS",
    }
    step(
        "PUT",
        f"{base}/employees",
        ADMIN,
        json={"employees": [{"nip": nip, **row, "supervisor_nip": supervisor.subject}]},
    )
    step("PUT", f"{base}/employees/<nip>", ADMIN, {"nip": nip}, json={**row, "supervisor_nip": supervisor.subject})
    assessment = {"competency_code": skill, "level": 1, "source": "supervisor", "assessed_on": f"{year}-01-02"}
    step("POST", f"{base}/employees/<nip>/assessments", supervisor, {"nip": nip}, json=assessment)
    sheet = f"NIP;Kode Kompetensi;Level;Tanggal;Sumber\n{nip};{skill};1;{year}-01-03;Assessment center\n".encode()
    files = {"file": (io.BytesIO(sheet), "hasil-ac.csv")}
    step("POST", f"{base}/assessments/imports", ADMIN, data=files, content_type="multipart/form-data")

    # the year: its priorities, a recompute, a need planned
    theme = {"code": code("TEMA"), "name": "Data untuk kebijakan", "weight": 0.5, "competencies": [skill]}
    step("PUT", f"{base}/priorities/<int:year>", ADMIN, {"year": year}, json={"items": [theme]})
    step("POST", f"{base}/recompute", ADMIN, json={})
    [need] = [n for n in _get(step.client, f"{base}/needs?nip={nip}") if n["competency_code"] == skill]
    step("PATCH", f"{base}/needs/<need_id>", ADMIN, {"need_id": need["id"]}, json={"status": "planned"})

    # the AKPK: standard costs, a proposal through its steps, an approved version
    costs = {"costs": [{"form": "pelatihan", "basis": "jp", "rupiah": 150_000}]}
    step("PUT", f"{base}/sbu/<int:year>", ADMIN, {"year": PLAN_YEAR}, json=costs)
    proposal = step(
        "POST",
        f"{base}/proposals",
        ADMIN,
        json={"year": PLAN_YEAR, "nip": nip, "competency_code": skill, "form": "pelatihan", "jp": 24, "month": 3},
    )
    for action in ("submit", "validate"):
        step(
            "POST", f"{base}/proposals/<proposal_id>/<action>", ADMIN, {"proposal_id": proposal["id"], "action": action}
        )
    step("POST", f"{base}/plans/<int:year>/versions", ADMIN, {"year": PLAN_YEAR}, json={})

    # development outside Bangkom: claimed with its certificate, then verified, rejected, withdrawn
    def claim(number: str) -> dict:
        return step(
            "POST",
            f"{base}/employees/<nip>/external-development",
            employee,
            {"nip": nip},
            json={
                "form": "e-learning",
                "title": "E-learning Manajemen Risiko",
                "organiser": "LAN RI",
                "starts_on": f"{year}-01-05",
                "ends_on": f"{year}-01-09",
                "jp": 12,
                "certificate_number": number,
            },
        )

    first, second = claim(code("LAN")), claim(code("LAN"))
    upload = {"file": (io.BytesIO(PDF), "sertifikat.pdf")}
    step(
        "PUT", f"{base}/external-development/<record_id>/certificate", employee, {"record_id": first["id"]}, data=upload
    )
    step("POST", f"{base}/external-development/<record_id>/verify", ADMIN, {"record_id": first["id"]})
    step(
        "POST",
        f"{base}/external-development/<record_id>/reject",
        ADMIN,
        {"record_id": second["id"]},
        json={"reason": "Sertifikat tidak terbaca."},
    )
    step(
        "POST",
        f"{base}/external-development/<record_id>/withdraw",
        ADMIN,
        {"record_id": first["id"]},
        json={"reason": "Sertifikat palsu"},
    )

    # SIMPEG: a sync, a history import, an export file (at once and queued), the history's retry; one job at a time
    simpeg = SimpegClient.from_settings(settings)
    step("POST", f"{base}/simpeg/sync-runs", ADMIN, json={"unit_id": "OPD-BPBD"})
    assert runs.run_queued(step.database, settings, simpeg)
    step("POST", f"{base}/simpeg/history-imports", ADMIN, json={})
    assert runs.run_queued(step.database, settings, simpeg)
    exported = _export(standin)
    step(
        "POST",
        f"{base}/simpeg/imports",
        ADMIN,
        data={"file": (io.BytesIO(exported), "ekspor.csv")},
        content_type="multipart/form-data",
    )
    step(
        "POST",
        f"{base}/simpeg/import-runs",
        ADMIN,
        data={"file": (io.BytesIO(exported), "ekspor.csv")},
        content_type="multipart/form-data",
    )
    assert runs.run_queued(step.database, settings, None)
    step("POST", f"{base}/simpeg/history/retry", ADMIN, json={})  # nothing failed: accepted, and still on record

    step.covers_the_access_page()


def _get(client, path: str):
    answer = client.get(path, headers={identity.HEADER: identity.encode(ADMIN, SECRET)})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.json


def _class_items(client) -> list[dict]:
    """The class's standard as it is: put back unchanged (an accepted change all the same, and on record)."""
    found = _get(client, "/api/v1/needs/position-classes/pelaksana/standard")["items"]
    return [{"competency_code": i["competency_code"], "required_level": i["required_level"]} for i in found]


def _export(standin) -> bytes:
    first = standin.employees[sorted(standin.employees)[0]]
    columns = ["nipBaru", "nama", "statusPegawai", "unorIndukId", "unorIndukNama"]
    written = io.StringIO()
    csv.writer(written).writerows([columns, [first[c] for c in columns]])
    return written.getvalue().encode()
