"""The JP ledger as it really is, on real PostgreSQL and Kafka and the SIMPEG stand-in: development outside
Bangkom from the claim to verified JP and SIMPEG's history, SIMPEG's hand-entered history counted once, a
ledger that keeps the OPD of its moment, and the PPPK cap."""

# ruff: noqa: F811 - the fixtures of a SIMPEG-connected database are test_simpeg's, used here by name
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from services.needs import handlers
from services.needs.config import NeedsSettings
from services.needs.models import AssessmentRecord, JpCredit, Outbox, ProcessedEvent, SimpegHistory
from services.needs.records import EmployeeSchema
from services.needs.simpeg import history as simpeg_history
from services.needs.simpeg import runs
from services.needs.simpeg.client import SimpegClient
from shared import identity
from shared.consumer import EventConsumer
from shared.db import UnitOfWork
from shared.events import new_event
from shared.outbox import OutboxRelay
from tests.integration.conftest import consume_until, record_outcomes
from tests.integration.needs.conftest import SECRET, new_nip
from tests.integration.needs.test_simpeg import client, own_db, settings, standin  # noqa: F401 - fixtures

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def api(client):
    def call(method: str, path: str, expect: int = 200, as_who: identity.Identity | None = None, **kwargs):
        headers = {"X-Bangkom-Identity": identity.encode(as_who, SECRET)} if as_who else {}
        response = client.open(f"/api/v1/needs{path}", method=method, headers=headers, **kwargs)
        assert response.status_code == expect, response.get_data(as_text=True)
        return response.json if response.is_json else response

    return call


@pytest.fixture
def worker(settings, own_db, producer, kafka_bootstrap, unique):
    """The needs worker's two halves on this test's database: relay the outbox, consume the topics."""
    topics = [settings.kafka_topic_prefix + t for t in ("bangkom.needs.v1", "bangkom.training.v1")]
    consumer = EventConsumer(
        service="needs",
        database=own_db,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        topic_prefix=settings.kafka_topic_prefix,
        handlers=handlers.event_handlers(settings),
        topics=topics,
        group_id=unique("ledger-group"),
        bootstrap_servers=kafka_bootstrap,
        producer=producer,
        dead_letter_topic=settings.dead_letter_topic,
        max_attempts=2,
        backoff_seconds=0.01,
        poll_ms=200,
    )
    outcomes = record_outcomes(consumer)
    relay = OutboxRelay(own_db, Outbox, producer, "needs")

    def run_until(done) -> None:
        def step() -> bool:
            while relay.run_once():
                pass
            return done()

        consume_until(consumer, step)

    run_until.outcomes = outcomes
    yield run_until
    consumer.close()


def _load(settings: NeedsSettings, own_db, rows: list[dict]) -> dict:
    with UnitOfWork(own_db, Outbox, topic_prefix=settings.kafka_topic_prefix) as uow:
        return handlers.upsert_employees(uow, settings, rows, EmployeeSchema().load)


def _person(nip: str, unit: str, status: str = "PNS", position_code: str | None = None) -> dict:
    return {
        "nip": nip,
        "name": f"Pegawai {nip[-4:]}",
        "position_code": position_code,
        "unit_code": unit,
        "unit_name": f"Dinas {unit}",
        "employment_status": status,
    }


def _credits(own_db, nip: str) -> list[JpCredit]:
    with own_db.sessions() as session:
        return list(session.scalars(select(JpCredit).where(JpCredit.nip == nip).order_by(JpCredit.completed_on)))


def test_outside_development_from_the_claim_to_verified_jp_and_simpeg_and_simpegs_own_records_once(
    api,
    settings,
    own_db,
    standin,
    worker,
):
    today = settings.today()
    nip = new_nip(kind="PPPK")
    assert _load(settings, own_db, [_person(nip, "DINKES", "PPPK")])["added"] == 1
    standin.employees[nip] = {"nipBaru": nip, "nama": "Pegawai PPPK", "statusPegawai": "PPPK"}  # SIMPEG knows them
    employee = identity.Identity(nip, ("employee",))
    other = identity.Identity(new_nip(), ("employee",))
    claim = {
        "form": "e-learning",
        "title": "E-learning Manajemen Risiko",
        "organiser": "LAN RI",
        "starts_on": (today - dt.timedelta(days=10)).isoformat(),
        "ends_on": (today - dt.timedelta(days=3)).isoformat(),
        "jp": 12,
        "competencies": [{"code": "M-INTEGRITAS", "level": 3}],
        "certificate_number": "LAN/2026/77",
    }
    # the ASN claims it for themself; nobody else may, and a claim must make sense
    api("POST", f"/employees/{nip}/external-development", 403, as_who=other, json=claim)
    bad = api("POST", f"/employees/{nip}/external-development", 422, as_who=employee, json={**claim, "jp": 0})
    assert bad["errors"][0]["field"] == "jp"
    late = {**claim, "ends_on": (today + dt.timedelta(days=5)).isoformat()}
    assert api("POST", f"/employees/{nip}/external-development", 422, as_who=employee, json=late)["errors"]
    record = api("POST", f"/employees/{nip}/external-development", 201, as_who=employee, json=claim)
    assert record["status"] == "submitted" and record["submitted_by"] == nip

    # the certificate: judged by its content, not by its name; verification needs it
    api("POST", f"/external-development/{record['id']}/verify", 422)
    fake = {"file": (io.BytesIO(b"MZ\x90\x00not a pdf"), "sertifikat.pdf")}
    problem = api("PUT", f"/external-development/{record['id']}/certificate", 422, as_who=employee, data=fake)
    assert problem["errors"][0]["field"] == "file"
    upload = {"file": (io.BytesIO(PDF), "sertifikat.pdf")}
    attached = api("PUT", f"/external-development/{record['id']}/certificate", as_who=employee, data=upload)
    assert (attached["certificate_type"], attached["certificate_size"]) == ("application/pdf", len(PDF))
    assert api("GET", f"/external-development/{record['id']}/certificate", as_who=employee).data == PDF
    api("GET", f"/external-development/{record['id']}/certificate", 403, as_who=other)
    assert [r["id"] for r in api("GET", "/external-development?status=submitted")] == [record["id"]]
    assert api("GET", "/external-development", as_who=other) == []

    # BKPSDM verifies: the event credits the JP once, takes the level and owes SIMPEG the record
    verified = api("POST", f"/external-development/{record['id']}/verify")
    assert verified["status"] == "verified"
    api("POST", f"/external-development/{record['id']}/reject", 409, json={"reason": "Terlambat"})
    worker(lambda: len(_credits(own_db, nip)) == 1)
    [credit] = _credits(own_db, nip)
    assert (credit.credit_id, credit.source, credit.jp) == (f"external:{record['id']}", "external", 12)
    assert (credit.unit_code, credit.employment_status) == ("DINKES", "PPPK")
    with own_db.sessions() as session:
        levels = session.scalars(select(AssessmentRecord).where(AssessmentRecord.nip == nip)).all()
        assert [(a.competency_code, a.level, a.source) for a in levels] == [("M-INTEGRITAS", 3, "certificate")]
    summary = api("GET", f"/employees/{nip}/jp?year={credit.year}")
    assert (summary["realised"], summary["cap"], summary["room"], summary["target"]) == (12, 24, 12, 0)
    assert summary["trainings"][0]["source"] == "external"

    # out to SIMPEG, exactly once, like a Bangkom training
    simpeg = SimpegClient.from_settings(settings)
    assert simpeg_history.send_due_history(own_db, settings, simpeg)["sent"] == 1
    [sent] = standin.history_of(nip)
    assert (sent["idSumber"], sent["jumlahJam"], sent["institusiPenyelenggara"]) == (credit.credit_id, 12, "LAN RI")

    # SIMPEG's history comes in: what we wrote is ours already; a record entered there by hand counts once
    standin.history.setdefault(nip, []).append(
        {
            "id": f"manual-{uuid.uuid4().hex[:8]}",
            "nipBaru": nip,
            "namaKursus": "Diklat Teknis Kebencanaan",
            "institusiPenyelenggara": "BPSDM Aceh",
            "tanggalKursus": (today - dt.timedelta(days=30)).isoformat(),
            "tanggalSelesaiKursus": (today - dt.timedelta(days=28)).isoformat(),
            "jumlahJam": 8,
        }
    )
    for expected in (
        {"credited": 1, "ours": 1, "already_counted": 0},
        {"credited": 0, "ours": 1, "already_counted": 1},
    ):
        with runs.unit_of_work(own_db, settings) as uow:
            run = runs.start_run(uow, settings, source="simpeg", trigger="cli", job="history")
            run_id = run.id
        report = simpeg_history.import_history(own_db, settings, simpeg, run_id)
        assert {k: report[k] for k in expected} == expected, report
    assert sorted((c.source, c.jp) for c in _credits(own_db, nip)) == [("external", 12), ("simpeg", 8)]
    assert api("GET", f"/employees/{nip}/jp?year={today.year}")["realised"] == 20 - (
        12 if credit.year != today.year else 0
    )
    with own_db.sessions() as session:  # nothing from SIMPEG is sent back to it
        assert session.scalar(select(SimpegHistory).where(SimpegHistory.enrollment_id.like("simpeg:%"))) is None


def test_a_rejected_claim_says_why_and_counts_nothing(api, settings, own_db, worker):
    nip = new_nip()
    _load(settings, own_db, [_person(nip, "BAPPEDA")])
    today = settings.today()
    claim = {
        "form": "seminar",
        "title": "Seminar Nasional Kebencanaan",
        "organiser": "Universitas Malikussaleh",
        "starts_on": today.isoformat(),
        "ends_on": today.isoformat(),
        "quantity": 1,  # day: 4 JP
        "certificate_number": "UNIMAL/SEM/1",
    }
    record = api("POST", f"/employees/{nip}/external-development", 201, json=claim)  # BKPSDM for the ASN
    api("POST", f"/external-development/{record['id']}/reject", 422, json={"reason": ""})
    rejected = api("POST", f"/external-development/{record['id']}/reject", json={"reason": "Sertifikat tidak terbaca."})
    assert (rejected["status"], rejected["reason"]) == ("rejected", "Sertifikat tidak terbaca.")
    api("POST", f"/external-development/{record['id']}/verify", 409)
    api("PUT", f"/external-development/{record['id']}/certificate", 409, data={"file": (io.BytesIO(PDF), "s.pdf")})
    with own_db.sessions() as session:
        kinds = [t.split(".")[-2] for t in session.scalars(select(Outbox.type).where(Outbox.aggregateid == nip))]
    assert "ExternalDevelopmentRejected" in kinds and "ExternalDevelopmentVerified" not in kinds
    assert _credits(own_db, nip) == []


def test_bkpsdm_sets_the_jp_and_level_a_certificate_counts_once_and_a_wrong_verification_is_taken_back(
    api, settings, own_db, standin, worker
):
    today = settings.today()
    nip = new_nip()
    assert _load(settings, own_db, [_person(nip, "DISKOMINFO")])["added"] == 1
    standin.employees[nip] = {"nipBaru": nip, "nama": "Pegawai", "statusPegawai": "PNS"}
    claim = {
        "form": "kursus",
        "title": "Kursus Keamanan Informasi",
        "organiser": "BPSDM Aceh",
        "starts_on": (today - dt.timedelta(days=9)).isoformat(),
        "ends_on": (today - dt.timedelta(days=2)).isoformat(),
        "jp": 20,
        "competencies": [{"code": "M-INTEGRITAS", "level": 4}],
        "certificate_number": "BPSDM/2026/001",
    }
    record = api("POST", f"/employees/{nip}/external-development", 201, json=claim)
    assert record["duplicate_of"] is None
    api("PUT", f"/external-development/{record['id']}/certificate", data={"file": (io.BytesIO(PDF), "s.pdf")})
    adjusted = {"jp": 12, "competencies": [{"code": "M-INTEGRITAS", "level": 2}]}
    verified = api("POST", f"/external-development/{record['id']}/verify", json=adjusted)
    assert (verified["jp"], verified["competencies"], verified["claimed_jp"]) == (12, adjusted["competencies"], 20)
    assert verified["claimed_competencies"] == [{"code": "M-INTEGRITAS", "level": 4}], "the claim is kept beside it"
    worker(lambda: len(_credits(own_db, nip)) == 1)
    [credit] = _credits(own_db, nip)
    assert (credit.jp, credit.certificate_number) == (12, "BPSDM/2026/001")
    with own_db.sessions() as session:
        levels = session.scalars(select(AssessmentRecord).where(AssessmentRecord.nip == nip)).all()
        assert [(a.level, a.source) for a in levels] == [(2, "certificate")], "the level BKPSDM set"

    # the same certificate again (written another way): flagged, and it cannot be verified
    again = {**claim, "certificate_number": "bpsdm 2026-001", "organiser": "BPSDM  Aceh"}
    second = api("POST", f"/employees/{nip}/external-development", 201, json=again)
    assert second["duplicate_of"] == record["id"]
    api("PUT", f"/external-development/{second['id']}/certificate", data={"file": (io.BytesIO(PDF), "s.pdf")})
    refused = api("POST", f"/external-development/{second['id']}/verify", 409)
    assert (
        "Sertifikat ini sudah dihitung" in refused["detail"] and refused["errors"][0]["field"] == "certificate_number"
    )
    # …and SIMPEG's copy of the same course counts nothing more
    standin.history.setdefault(nip, []).append(
        {
            "id": f"manual-{uuid.uuid4().hex[:8]}",
            "nipBaru": nip,
            "namaKursus": "Kursus Keamanan Informasi",
            "institusiPenyelenggara": "BPSDM Aceh",
            "tanggalKursus": claim["starts_on"],
            "tanggalSelesaiKursus": claim["ends_on"],
            "jumlahJam": 20,
            "noSertipikat": "BPSDM/2026/001",
        }
    )
    simpeg = SimpegClient.from_settings(settings)
    with runs.unit_of_work(own_db, settings) as uow:
        run_id = runs.start_run(uow, settings, source="simpeg", trigger="cli", job="history").id
    report = simpeg_history.import_history(own_db, settings, simpeg, run_id)
    assert (report["credited"], report["already_counted"]) == (0, 1), report
    assert [c.jp for c in _credits(own_db, nip)] == [12]

    # BKPSDM finds the verification wrong: withdrawn with a reason, its JP and level taken back
    api("POST", f"/external-development/{record['id']}/withdraw", 422, json={})
    withdrawn = api("POST", f"/external-development/{record['id']}/withdraw", json={"reason": "Sertifikat palsu"})
    assert (withdrawn["status"], withdrawn["withdrawn_reason"]) == ("withdrawn", "Sertifikat palsu")
    api("POST", f"/external-development/{record['id']}/withdraw", 409, json={"reason": "lagi"})
    worker(lambda: _credits(own_db, nip) == [])
    with own_db.sessions() as session:
        assert session.scalars(select(AssessmentRecord).where(AssessmentRecord.nip == nip)).all() == []
        assert session.get(SimpegHistory, f"external:{record['id']}") is None, "not sent yet: nothing to send"
        taken_back = [
            json.loads(p)["data"]["jp"]
            for p in session.scalars(
                select(Outbox.payload).where(Outbox.aggregateid == nip, Outbox.type.like("%JpCredited%"))
            )
        ]
    assert sorted(taken_back) == [-12, 12]
    assert api("GET", f"/employees/{nip}/jp?year={credit.year}")["realised"] == 0


class LastYear(NeedsSettings):
    """The same settings, a year ago (to load employees as they were then)."""

    def today(self) -> dt.date:
        return super().today().replace(year=super().today().year - 1, day=1)


def test_an_opd_move_leaves_last_years_figures_where_they_were(api, settings, own_db, worker, kafka_producer):
    last_year = LastYear(**{f.name: getattr(settings, f.name) for f in dataclasses.fields(settings)})
    year = last_year.today().year
    nip, stays = new_nip(), new_nip()
    _load(last_year, own_db, [_person(nip, "OPD-A"), _person(stays, "OPD-A")])  # both served in OPD A last year
    completed = new_event(
        "TrainingCompleted",
        {
            "enrollment_id": str(uuid.uuid4()),
            "nip": nip,
            "program_id": "p-1",
            "batch_id": "b-1",
            "program_title": "Pelatihan Pelayanan Publik",
            "form": "pelatihan",
            "jp": 24,
            "competencies": [{"code": "M-PELAYANAN", "target_level": 2}],
            "attendance_rate": 1.0,
            "completed_on": dt.date(year, 6, 1),
            "partner_code": "UNIMAL",
        },
    )
    kafka_producer.send(
        settings.kafka_topic_prefix + "bangkom.training.v1", key=nip.encode(), value=completed.to_json()
    )
    kafka_producer.flush()
    worker(lambda: len(_credits(own_db, nip)) == 1)
    before = {r["unit_code"]: r for r in api("GET", f"/jp/compliance?year={year}")}
    ledger_before = api("GET", f"/ledger?year={year}&by=unit")

    # this year the employee moves to OPD B and the other retires
    moved = _person(nip, "OPD-B")
    assert _load(settings, own_db, [moved])["updated"] == 1
    with UnitOfWork(own_db, Outbox, topic_prefix=settings.kafka_topic_prefix) as uow:
        assert handlers.deactivate_employees(uow, settings, [stays]) == 1

    after = {r["unit_code"]: r for r in api("GET", f"/jp/compliance?year={year}")}
    assert after == before
    assert after["OPD-A"]["employees"] == 2 and after["OPD-A"]["compliant"] == 1 and "OPD-B" not in after
    assert api("GET", f"/ledger?year={year}&by=unit") == ledger_before
    assert [(f["key"], f["jp"]) for f in ledger_before] == [("OPD-A", 24)]
    now = {r["unit_code"]: r for r in api("GET", f"/jp/compliance?year={settings.today().year}")}
    assert now["OPD-B"]["employees"] == 1  # served in B this year
    assert now["OPD-A"]["employees"] == 1  # the retired one served in A this year until they left
    behind = [r["nip"] for r in api("GET", f"/jp/behind?year={settings.today().year}&unit_code=OPD-A")]
    assert stays not in behind  # nobody chases a retired ASN

    # the ledger by kind, and its export with Indonesian headers and NIPs as text
    assert [(f["key"], f["jp"]) for f in api("GET", f"/ledger?year={year}&by=kind")] == [("PNS", 24)]
    sheet = load_workbook(io.BytesIO(api("GET", f"/exports/ledger?year={year}").data)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:3] == ("NIP", "Nama", "Unit Kerja (OPD) saat itu")
    assert [(r[0], r[2], r[-1]) for r in rows] == [(nip, "Dinas OPD-A", 24)]
    assert sheet["A2"].data_type == "s" and sheet["A2"].number_format == "@"
    csv_text = api("GET", f"/exports/ledger?year={year}&format=csv").data.decode("utf-8-sig")
    [row] = list(csv.reader(csv_text.splitlines()[1:], delimiter=";"))
    assert row[0] == f'="{nip}"'  # Excel reads a formula giving text, never 1.97E+17


def test_pppk_are_never_planned_beyond_their_cap(api, settings, own_db, worker, kafka_producer):
    """A PPPK with 16 of 24 JP credited has 8 JP of room: the plan budgets at most that for them, in order of
    priority: their first need takes the 8 JP, their second is over the cap; a PNS has no cap."""
    position_code = f"JAB-{uuid.uuid4().hex[:6]}"
    api(
        "POST",
        "/positions",
        201,
        json={"code": position_code, "name": "Pranata Komputer", "position_class": "pelaksana"},
    )
    skill, second = "M-INTEGRITAS", "M-KERJASAMA"
    api(
        "PUT",
        f"/positions/{position_code}/standard",
        json={"items": [{"competency_code": c, "required_level": 4} for c in (skill, second)]},
    )
    pppk, pns = new_nip(kind="PPPK"), new_nip()
    unit, year = f"OPD-{uuid.uuid4().hex[:6]}", settings.today().year
    _load(
        settings,
        own_db,
        [_person(pppk, unit, "PPPK", position_code), _person(pns, unit, "PNS", position_code)],
    )
    for nip in (pppk, pns):  # their supervisor's levels: real gaps of 3 and 2 (unassessed, no JP would be planned)
        for competency, level in ((skill, 1), (second, 2)):
            assessment = {"competency_code": competency, "level": level, "source": "supervisor"}
            api("POST", f"/employees/{nip}/assessments", 201, json={**assessment, "assessed_on": f"{year}-01-01"})
    completed = new_event(
        "TrainingCompleted",
        {
            "enrollment_id": str(uuid.uuid4()),
            "nip": pppk,
            "program_id": "p-2",
            "batch_id": "b-2",
            "program_title": "Bimtek Arsip",
            "form": "bimtek",
            "jp": 16,
            "competencies": [{"code": "M-KOMUNIKASI", "target_level": 2}],
            "attendance_rate": 1.0,
            "completed_on": settings.today(),
            "partner_code": "UNIMAL",
        },
    )
    kafka_producer.send(
        settings.kafka_topic_prefix + "bangkom.training.v1", key=pppk.encode(), value=completed.to_json()
    )
    kafka_producer.flush()
    worker(lambda: len(_credits(own_db, pppk)) == 1)
    plan = api("GET", f"/plan?year={year}&unit_code={unit}")
    [line] = [line for line in plan if line["competency_code"] == skill]
    per_person = line["jp_per_person"]
    assert per_person > 8
    assert (line["employees"], line["jp_budget"], line["over_cap"]) == (2, per_person + 8, 0)
    [line] = [line for line in plan if line["competency_code"] == second]  # the PPPK's room is spent
    assert (line["employees"], line["jp_budget"], line["over_cap"]) == (1, line["jp_per_person"], 1)
    assert api("GET", f"/employees/{pppk}/jp?year={year}")["room"] == 8
    [unit_line] = [row for row in api("GET", f"/jp/compliance?year={year}") if row["unit_code"] == unit]
    assert (unit_line["capped"], unit_line["capped_room"], unit_line["at_cap"]) == (1, 8, 0)  # the OPD's PPPK room


def test_a_pppks_credits_count_in_their_contract_year_when_simpeg_gives_their_tmt(settings, own_db):
    """A PPPK from 1 April 2026: a training ending 15 February 2027 counts in contract year 2026 (its cap), one ending
    2 April 2027 in 2027; a PNS's credits stay in the calendar year; EmployeeSynced tells the training service the
    TMT."""
    pppk, pns = new_nip(kind="PPPK"), new_nip()
    people = [{**_person(pppk, "DINKES", "PPPK"), "contract_start": "2026-04-01"}, _person(pns, "DINKES")]
    assert _load(settings, own_db, people)["added"] == 2
    with own_db.sessions() as session:
        [synced] = [
            json.loads(p)["data"]
            for p in session.scalars(
                select(Outbox.payload).where(Outbox.aggregateid == pppk, Outbox.type.like("%EmployeeSynced%"))
            )
        ]
    assert synced["contract_start"] == "2026-04-01"
    for nip, credit_id, ended in (
        (pppk, "external:tmt-feb", dt.date(2027, 2, 15)),
        (pppk, "external:tmt-apr", dt.date(2027, 4, 2)),
        (pns, "external:pns-feb", dt.date(2027, 2, 15)),
    ):
        credit = {
            "credit_id": credit_id,
            "source": "external",
            "nip": nip,
            "jp": 8,
            "program_title": "Kursus Pelayanan Publik",
            "form": "kursus",
            "completed_on": ended,
            "competencies": [],
        }
        with UnitOfWork(own_db, Outbox, topic_prefix=settings.kafka_topic_prefix) as uow:
            assert handlers.credit_jp(uow, settings, credit)
            uow.commit()
    assert [(c.credit_id, c.year) for c in _credits(own_db, pppk)] == [
        ("external:tmt-feb", 2026),
        ("external:tmt-apr", 2027),
    ]
    assert [(c.credit_id, c.year) for c in _credits(own_db, pns)] == [("external:pns-feb", 2027)]
