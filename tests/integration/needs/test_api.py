"""The needs service through its HTTP API on real PostgreSQL, with its events relayed to real Kafka."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import io
import json
import random

from openpyxl import load_workbook
from sqlalchemy import func, select, text

from services.needs import domain, handlers
from services.needs.app import create_app
from services.needs.models import Outbox
from shared import identity
from shared import nip as employee_number
from shared.db import UnitOfWork
from shared.events import caused_by, new_event, parse_event
from tests.integration.needs.conftest import ADMIN, new_nip
from tests.services import SECRET


def events_of(events: list[dict], name: str, nip: str | None = None) -> list[dict]:
    return [e for e in events if e["type"].endswith(f".{name}.v1") and (nip is None or e["data"]["nip"] == nip)]


def test_an_upsert_emits_employee_synced_once_and_an_unchanged_one_nothing(api, position, competency, relay_events):
    position_code = position({competency(): 2})
    nip = new_nip()
    row = {
        "nip": nip,
        "name": "Teuku Umar",
        "position_code": position_code,
        "unit_code": "DISDIK",
        "unit_name": "Dinas Pendidikan",
        "employment_status": "PNS",
        "rank": "III/a",
    }
    assert api("PUT", "/employees", json={"employees": [row]})["added"] == 1
    assert api("PUT", "/employees", json={"employees": [row]})["unchanged"] == 1
    assert api("PUT", f"/employees/{nip}", json={k: v for k, v in row.items() if k != "nip"})["unchanged"] == 1

    events = relay_events(expected=1)  # EmployeeSynced: nobody assessed the ASN, so no need is opened yet
    synced = events_of(events, "EmployeeSynced", nip)
    assert len(synced) == 1 and len(events) == 1
    assert synced[0]["data"]["unit_name"] == "Dinas Pendidikan" and synced[0]["subject"] == nip

    assert api("PUT", "/employees", json={"employees": [{**row, "rank": "III/b"}]})["updated"] == 1
    synced = events_of(relay_events(expected=2), "EmployeeSynced", nip)
    assert [e["data"]["rank"] for e in synced] == ["III/a", "III/b"]


def test_a_bulk_upsert_applies_valid_rows_and_reports_the_others(api, position, competency):
    position_code = position({competency(): 2})
    good, bad_date, unknown_position = new_nip(), "198602302015051001", new_nip(kind="PPPK")
    rows = [
        {"nip": good, "name": "Cut Nyak Dhien", "position_code": position_code, "employment_status": "PNS"},
        {"nip": bad_date, "name": "X", "employment_status": "PNS"},
        {"nip": unknown_position, "name": "Y", "position_code": "NO-SUCH-JAB", "employment_status": "PPPK"},
        {"nip": new_nip(), "name": "", "employment_status": "honorer"},
    ]
    report = api("PUT", "/employees", json={"employees": rows})
    assert (report["received"], report["added"]) == (4, 1)
    rejected = {r["row"]: {e["field"]: e["message"] for e in r["errors"]} for r in report["rejected"]}
    assert set(rejected) == {1, 2, 3}
    assert "bukan tanggal lahir yang benar" in rejected[1]["nip"]
    assert "Jabatan NO-SUCH-JAB tidak dikenal" in rejected[2]["position_code"]
    assert set(rejected[3]) == {"name", "employment_status"}
    api("GET", f"/employees/{good}")
    api("GET", f"/employees/{unknown_position}", expect=404)


def test_a_bulk_upsert_with_no_valid_row_is_422_and_saves_nothing(client):
    nip = new_nip()
    response = client.put(
        "/api/v1/needs/employees",
        json={"employees": [{"nip": nip, "name": "Z", "employment_status": "PNS", "supervisor_nip": nip}]},
    )
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert response.json["errors"][0]["field"] == "employees.0.supervisor_nip"
    assert client.get(f"/api/v1/needs/employees/{nip}").status_code == 404


def test_a_gap_opens_a_need_and_an_assessment_that_meets_the_standard_closes_it(
    api, position, competency, employee, relay_events, year
):
    skill = competency()
    nip = employee(position({skill: 3}))
    gaps = api("GET", f"/gaps?year={year}&nip={nip}")
    assert [(g["competency_code"], g["required_level"], g["current_level"], g["assessed"], g["gap"]) for g in gaps] == [
        (skill, 3, 1, True, 2)
    ], "the supervisor's level 1 (the employee fixture)"
    [need] = api("GET", f"/needs?year={year}&nip={nip}")
    assert (need["status"], need["gap"]) == ("open", 2)

    api(
        "POST",
        f"/employees/{nip}/assessments",
        201,
        json={"competency_code": skill, "level": 2, "source": "supervisor", "assessed_on": f"{year}-01-15"},
    )
    [need] = api("GET", f"/needs?year={year}&nip={nip}")
    assert (need["status"], need["gap"], need["current_level"]) == ("open", 1, 2)

    api(
        "POST",
        f"/employees/{nip}/assessments",
        201,
        json={"competency_code": skill, "level": 4, "source": "assessment_centre", "assessed_on": f"{year}-01-10"},
    )
    [need] = api("GET", f"/needs?year={year}&nip={nip}")
    assert (need["status"], need["closed_reason"]) == ("closed", "gap_closed")

    events = relay_events(expected=3)
    identified = events_of(events, "DevelopmentNeedIdentified", nip)
    closed = events_of(events, "DevelopmentNeedClosed", nip)
    assert [e["data"]["need_id"] for e in identified] == [need["id"]]
    assert identified[0]["data"]["gap"] == 2 and identified[0]["data"]["plan_year"] == year
    assert [(e["data"]["need_id"], e["data"]["reason"]) for e in closed] == [(need["id"], "gap_closed")]


def test_removing_a_competency_from_the_standard_closes_its_needs_as_standard_removed(
    api, position, competency, employee, year
):
    kept, dropped = competency(), competency()
    code = position({kept: 3, dropped: 3})
    nip = employee(code)
    api("PUT", f"/positions/{code}/standard", json={"items": [{"competency_code": kept, "required_level": 3}]})
    needs = {n["competency_code"]: n for n in api("GET", f"/needs?year={year}&nip={nip}")}
    assert (needs[dropped]["status"], needs[dropped]["closed_reason"]) == ("closed", "standard_removed")
    assert needs[kept]["status"] == "open"


def test_a_competency_made_inactive_and_active_again_recomputes_only_its_holders(
    api, position, competency, employee, year, needs_db
):
    from sqlalchemy import func, select

    from services.needs.models import Gap

    paused, other = competency(), competency()
    holder = employee(position({paused: 3, other: 3}))
    bystander = employee(position({other: 3}))
    descriptors = ["1", "2", "3", "4", "5"]
    body = {"name": f"Kompetensi {paused}", "group": "teknis", "level_descriptors": descriptors}

    def gaps_of(nip: str) -> set[str]:  # of these two (their class's managerial competencies stay as they are)
        with needs_db.sessions() as session:
            found = session.scalars(select(Gap.competency_code).where(Gap.nip == nip, Gap.year == year))
            return set(found) & {paused, other}

    with needs_db.sessions() as session:
        before = session.scalar(select(func.count()).select_from(Gap))
    api("PUT", f"/competencies/{paused}", json=body | {"name": "Nama baru", "active": True})  # unchanged: nothing
    api("PUT", f"/competencies/{paused}", json=body | {"active": False})
    needs = {n["competency_code"]: n for n in api("GET", f"/needs?year={year}&nip={holder}")}
    assert (needs[paused]["status"], needs[paused]["closed_reason"]) == ("closed", "standard_removed")
    assert needs[other]["status"] == "open" and gaps_of(holder) == {other}
    assert gaps_of(bystander) == {other}
    with needs_db.sessions() as session:  # only the holder's gap in it went: nobody else's was touched
        assert session.scalar(select(func.count()).select_from(Gap)) == before - 1

    api("PUT", f"/competencies/{paused}", json=body | {"active": True})
    assert gaps_of(holder) == {paused, other}
    reopened = [
        n for n in api("GET", f"/needs?year={year}&nip={holder}&competency_code={paused}") if n["status"] == "open"
    ]
    assert reopened


def test_changing_position_closes_needs_that_leave_the_standard(api, position, competency, employee, year):
    old_skill, new_skill = competency(), competency()
    old_position, new_position = position({old_skill: 3}), position({new_skill: 2})
    nip = employee(old_position)
    assessment = {"competency_code": new_skill, "level": 1, "source": "supervisor", "assessed_on": f"{year}-01-02"}
    api("POST", f"/employees/{nip}/assessments", 201, json=assessment)  # known before the move
    api(
        "PUT",
        "/employees",
        json={
            "employees": [
                {
                    "nip": nip,
                    "name": "Pegawai",
                    "position_code": new_position,
                    "employment_status": "PNS",
                    "unit_code": "DISKOMINFO",
                }
            ]
        },
    )
    needs = {n["competency_code"]: n for n in api("GET", f"/needs?year={year}&nip={nip}")}
    assert (needs[old_skill]["status"], needs[old_skill]["closed_reason"]) == ("closed", "position_changed")
    assert needs[new_skill]["status"] == "open"

    api(
        "PUT",
        "/employees",
        json={
            "employees": [
                {
                    "nip": nip,
                    "name": "Pegawai",
                    "position_code": new_position,
                    "employment_status": "PNS",
                    "active": False,
                }
            ]
        },
    )
    assert api("GET", f"/needs?year={year}&nip={nip}&status=open") == []
    closed = api("GET", f"/needs?year={year}&nip={nip}&competency_code={new_skill}")[0]
    assert closed["closed_reason"] == "cancelled"


def test_strategic_priorities_and_jp_shortfall_rank_the_gaps(api, position, competency, employee, year):
    strategic, plain = competency(), competency()
    pns = employee(position({strategic: 3, plain: 3}))
    pppk = employee(position({strategic: 3}), status="PPPK")
    theme = f"TEMA-{strategic}"
    api("PUT", f"/priorities/{year + 1}", json={"items": []})  # another year is untouched
    api(
        "PUT",
        f"/priorities/{year}",
        json={
            "items": [
                {"code": theme, "name": "Transformasi digital", "weight": 0.5, "competencies": [strategic]},
            ]
        },
    )
    gaps = {
        (g["nip"], g["competency_code"]): g
        for g in api("GET", f"/gaps?year={year}&min_gap=1&page_size=100")
        if g["nip"] in (pns, pppk)
    }
    # PNS with 0 JP of 20: gap 2 × (1 + weight) × (1 + 20/20)
    assert gaps[(pns, strategic)]["priority_score"] == 6.0
    assert gaps[(pns, plain)]["priority_score"] == 4.0
    assert gaps[(pppk, strategic)]["priority_score"] == 3.0, "no JP target for PPPK by default"
    assert api("GET", f"/priorities/{year}")["items"][0]["competencies"] == [strategic]


def test_bad_input_is_a_problem_naming_the_field(api, client, position, competency, employee):
    skill = competency()
    nip = employee(position({skill: 2}))

    def problem(method, path, status, **kwargs):
        response = client.open(f"/api/v1/needs{path}", method=method, **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)
        assert response.content_type == "application/problem+json"
        return {e["field"]: e["message"] for e in response.json.get("errors", [])}

    assessment = {"competency_code": skill, "level": 6, "source": "supervisor", "assessed_on": "2026-01-01"}
    assert "level" in problem("POST", f"/employees/{nip}/assessments", 422, json=assessment)
    assessment |= {"level": 3, "competency_code": "NOPE"}
    assert "competency_code" in problem("POST", f"/employees/{nip}/assessments", 422, json=assessment)
    assessment |= {"competency_code": skill, "source": "rumor"}
    assert "source" in problem("POST", f"/employees/{nip}/assessments", 422, json=assessment)
    problem("POST", f"/employees/{new_nip()}/assessments", 404, json=assessment | {"source": "self"})

    duplicate = {"code": skill, "name": "Lagi", "group": "teknis", "level_descriptors": list("12345")}
    assert "code" in problem("POST", "/competencies", 409, json=duplicate)
    assert "level_descriptors" in problem(
        "POST", "/competencies", 422, json=duplicate | {"code": "X1", "level_descriptors": ["1"]}
    )
    assert "group" in problem("POST", "/competencies", 422, json=duplicate | {"code": "X2", "group": "olahraga"})
    fields = problem(
        "PUT",
        "/priorities/2027",
        422,
        json={
            "items": [
                {"code": "A", "name": "A", "weight": 1.5, "competencies": [skill]},
            ]
        },
    )
    assert "items.0.weight" in fields
    fields = problem(
        "PUT",
        "/priorities/2027",
        422,
        json={
            "items": [
                {"code": "A", "name": "A", "weight": 0.5, "competencies": [skill, "NOPE"]},
            ]
        },
    )
    assert fields == {"items.0.competencies.1": "Kompetensi NOPE tidak dikenal."}  # Indonesian first
    problem("PUT", "/position-classes/menteri/standard", 404, json={"items": []})
    assert "employees" in problem("PUT", "/employees", 422, json={"employees": "semua"})


def test_sql_gaps_agree_with_the_python_rules_row_by_row(api, position, competency, employee, year):
    rng = random.Random(7)
    skills = [competency(rng.choice(domain.GROUPS)) for _ in range(4)]
    standard = {s: rng.randint(1, 5) for s in skills}
    position_code = position(standard)
    expected = {}
    for _ in range(8):
        status = rng.choice(["PNS", "PPPK"])
        nip = employee(position_code, status=status)
        baseline = domain.Assessment(1, "supervisor", dt.date(year, 1, 1), dt.datetime(year, 1, 1, tzinfo=dt.UTC))
        shortfall = domain.jp_shortfall(0, domain.jp_target(status, {"PNS": (20, 0), "PPPK": (0, 24)}))
        for skill in skills:
            recorded = []
            for _ in range(rng.randint(0, 3)):
                body = {
                    "competency_code": skill,
                    "level": rng.randint(1, 5),
                    "source": rng.choice(domain.RECORDED_SOURCES),
                    "assessed_on": dt.date(year, 1, rng.randint(1, 3)).isoformat(),
                }
                saved = api("POST", f"/employees/{nip}/assessments", 201, json=body)
                recorded.append(
                    domain.Assessment(
                        saved["level"],
                        saved["source"],
                        dt.date.fromisoformat(saved["assessed_on"]),
                        dt.datetime.fromisoformat(saved["recorded_at"]),
                    )
                )
            current = domain.current_level([*recorded, baseline])  # the employee fixture's supervisor level 1
            gap = domain.gap(standard[skill], current)
            expected[(nip, skill)] = (current, gap, round(domain.priority_score(gap, 0.0, shortfall, 20), 2))
    rows = [r for s in skills for r in api("GET", f"/gaps?year={year}&min_gap=0&competency_code={s}&page_size=100")]
    got = {(r["nip"], r["competency_code"]): (r["current_level"], r["gap"], r["priority_score"]) for r in rows}
    assert got == expected


def test_the_plan_exports_and_jp_views(api, client, position, competency, employee, year, settings):
    skill = competency("teknis")
    unit = f"OPD-{skill}"
    position_code = position({skill: 3})
    nips = [employee(position_code, unit=unit) for _ in range(3)]
    plan = [line for line in api("GET", f"/plan?year={year}&unit_code={unit}") if line["competency_code"] == skill]
    assert plan == [
        {
            "step": "develop",
            "unit_code": unit,
            "unit_name": f"Dinas {unit}",
            "competency_code": skill,
            "competency_name": f"Kompetensi {skill}",
            "competency_group": "teknis",
            "form": "pelatihan",
            "jp_per_person": 40,
            "employees": 3,
            "jp_budget": 120,
            "over_cap": 0,
            "gap_min": 2,
            "gap_max": 2,
        }
    ]

    xlsx = client.get(f"/api/v1/needs/exports/plan?year={year}&unit_code={unit}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("Langkah", "Kode OPD", "Unit Kerja (OPD)", "Kode Kompetensi")
    assert ("Pengembangan", skill, 3, 120) in {(r[0], r[3], r[7], r[9]) for r in rows[1:]}
    csv_text = client.get(f"/api/v1/needs/exports/gaps?year={year}&unit_code={unit}&format=csv").data.decode(
        "utf-8-sig"
    )
    header, *lines = csv_text.strip().splitlines()
    assert header.startswith("NIP;Nama;Unit Kerja (OPD)")
    # the NIP is written ="…" so that Excel keeps it as text; the NIP rule reads it back
    assert {employee_number.normalise(row[0]) for row in csv.reader(lines, delimiter=";")} == set(nips)
    assert all(row[0].startswith('="') for row in csv.reader(lines, delimiter=";"))

    compliance = {c["unit_code"]: c for c in api("GET", f"/jp/compliance?year={year}")}
    assert (compliance[unit]["employees"], compliance[unit]["compliant"], compliance[unit]["behind"]) == (3, 0, 3)
    behind = api("GET", f"/jp/behind?year={year}&unit_code={unit}")
    assert {b["nip"] for b in behind} == set(nips)
    assert all(b["shortfall"] == 20 and b["days_left"] == domain.days_left(year, settings.today()) for b in behind)
    profile = api("GET", f"/employees/{nips[0]}/profile?year={year}")
    # pelaksana class default: the nine national competencies at level 1 (met: unassessed counts as 1),
    # plus the position's own skill at 3 (held 1): (9 + 1) / (9 + 3)
    assert profile["job_person_match"] == round(100 * 10 / 12, 1)
    assert profile["jp"] == {
        "year": year,
        "employment_status": "PNS",
        "target": 20,
        "cap": None,
        "realised": 0,
        "shortfall": 20,
        "room": None,
        "trainings": [],
    }


def test_listings_are_paginated_and_filtered(client, position, competency, employee):
    unit = f"OPD-{competency()}"
    position_code = position({})
    nips = sorted(employee(position_code, unit=unit) for _ in range(3))
    first = client.get(f"/api/v1/needs/employees?unit_code={unit}&sort=nip&page=1&page_size=2")
    second = client.get(f"/api/v1/needs/employees?unit_code={unit}&sort=nip&page=2&page_size=2")
    assert [e["nip"] for e in first.json + second.json] == nips
    backwards = client.get(f"/api/v1/needs/employees?unit_code={unit}&sort=-nip").json
    assert [e["nip"] for e in backwards] == nips[::-1]
    by_name = client.get(f"/api/v1/needs/employees?unit_code={unit}").json  # by name unless told otherwise
    assert [e["name"] for e in by_name] == sorted(e["name"] for e in by_name)
    assert client.get("/api/v1/needs/employees?sort=password").status_code == 422
    [listed] = [u for u in client.get("/api/v1/needs/units").json if u["unit_code"] == unit]
    assert listed == {"unit_code": unit, "unit_name": f"Dinas {unit}", "employees": 3}
    pagination = __import__("json").loads(first.headers["X-Pagination"])
    assert (pagination["total"], pagination["total_pages"], pagination["next_page"]) == (3, 2, 2)
    assert client.get(f"/api/v1/needs/employees?unit_code={unit}&page_size=1000").status_code == 422


def test_a_pppk_number_is_validated_as_one_and_typed_numbers_are_normalised(api):
    """A real NI PPPK used to be refused ("digits 9-14 (202221) are not a valid appointment month")."""
    typed = "19920427 2022 21 2 " + new_nip()[-3:]
    number = typed.replace(" ", "")
    report = api(
        "PUT",
        "/employees",
        json={
            "employees": [
                {"nip": typed, "name": "Cut Meutia", "employment_status": "PPPK"},
                {"nip": "199204272022211" + number[-3:], "name": "Salah Status", "employment_status": "PNS"},
            ]
        },
    )
    assert report["added"] == 1, report
    assert api("GET", f"/employees/{number}")["employment_status"] == "PPPK"
    [refused] = report["rejected"]
    assert (
        refused["errors"][0]["field"] == "nip" and "Angka 9-14 NIP (202221)" in refused["errors"][0]["message"]
    )  # Indonesian first


def test_every_need_transition_by_hand_and_its_refusals(api, position, competency, employee, year, relay_events):
    """The manual moves of the need's table (docs/needs.md): open ⇄ planned, → closed (cancelled); from closed
    nothing; the event-driven ones are tested with their events (test_events.py)."""
    skill, other = competency(), competency()
    nip = employee(position({skill: 3, other: 2}))
    needs = {n["competency_code"]: n for n in api("GET", f"/needs?year={year}&nip={nip}")}
    first, second = needs[skill]["id"], needs[other]["id"]
    assert api("PATCH", f"/needs/{first}", json={"status": "planned"})["status"] == "planned"
    assert api("PATCH", f"/needs/{first}", json={"status": "open"})["status"] == "open"
    api("PATCH", f"/needs/{first}", json={"status": "planned"})
    closed = api("PATCH", f"/needs/{first}", json={"status": "closed"})
    assert (closed["status"], closed["closed_reason"]) == ("closed", "cancelled")
    for refused in ("open", "planned", "closed"):
        assert api("PATCH", f"/needs/{first}", 409, json={"status": refused})["errors"][0]["field"] == "status"
    api("PATCH", f"/needs/{second}", 422, json={"status": "in_training"})  # only the worker moves it there
    assert api("PATCH", f"/needs/{second}", json={"status": "closed", "note": "Dialihkan ke program 2028"})["note"]
    events = relay_events(expected=5)
    closed_events = [e["data"]["need_id"] for e in events_of(events, "DevelopmentNeedClosed", nip)]
    assert sorted(closed_events) == sorted([first, second])


def test_the_events_of_needs_opened_are_written_by_postgresql_as_new_event_writes_them(
    api, position, competency, employee, year, needs_db, settings
):
    """Needs opened in bulk get their events from the database, in the statement that opens them
    (shared.outbox.events_from_rows): the same envelope, key, topic and data as an event made in Python."""
    first, second = competency(), competency("manajerial")
    code = position({first: 3, second: 4})
    nip = employee(code, assessed_at=None)
    results = f"NIP;Kode Kompetensi;Level;Tanggal\n{nip};{first};1;{year}-01-02\n{nip};{second};1;{year}-01-02\n"
    files = {"file": (io.BytesIO(results.encode()), "hasil.csv")}
    assert api("POST", "/assessments/imports", data=files, content_type="multipart/form-data")["accepted"] == 2
    with needs_db.sessions() as session, UnitOfWork(needs_db, Outbox) as uow:  # the count a recompute reports
        assert session.scalar(select(func.count()).select_from(Outbox).where(Outbox.aggregateid == nip)) == 3
        other = employee(code)
        session.execute(text("DELETE FROM needs WHERE nip = :nip"), {"nip": other})
        session.commit()
        [report] = handlers.recompute(uow, settings, years=[year], nips=[other])
        assert report.needs_opened == 2
    needs = {n["id"]: n for n in api("GET", f"/needs?year={year}&nip={nip}")}
    assert len(needs) == 2
    with needs_db.sessions() as session:
        rows = session.scalars(
            select(Outbox).where(Outbox.aggregateid == nip, Outbox.type.like("%DevelopmentNeedIdentified%"))
        ).all()
    assert len(rows) == 2
    made_in_python = new_event("EmployeeSynced", {"nip": nip, "name": "x", "active": True}, validate=False)
    for row in rows:
        event = parse_event(row.payload)  # envelope, type and data valid against the catalogue
        assert set(json.loads(row.payload)) == set(made_in_python.to_dict()) | {"requestid"}  # opened in a request
        assert (row.id, row.aggregatetype, row.aggregateid, row.topic) == (event.id, "nip", nip, settings.topic)
        assert event.subject == nip and event.source == "/bangkom/needs" and event.time.endswith("Z")
        assert dt.datetime.fromisoformat(event.time) <= dt.datetime.now(dt.UTC)
        need = needs[event.data["need_id"]]
        expected = new_event(
            "DevelopmentNeedIdentified",
            {
                "need_id": need["id"],
                "nip": nip,
                "competency_code": need["competency_code"],
                "competency_type": need["competency_group"],
                "required_level": need["required_level"],
                "current_level": need["current_level"],
                "gap": need["gap"],
                "priority_score": need["priority_score"],
                "plan_year": year,
                "priority_code": None,
            },
        )
        assert event.data == expected.data
    assert len({parse_event(r.payload).correlationid for r in rows}) == 1  # one command, one correlation
    assert len({r.id for r in rows}) == 2


def test_needs_opened_in_bulk_while_an_event_is_handled_get_ids_that_handling_it_again_makes_again(
    position, competency, employee, year, needs_db, settings
):
    """A database restored to an earlier point re-reads the events it lost: what their handling opens in bulk must
    carry the ids it carried the first time (shared.events.caused_by), or its consumers would count it twice."""
    code = position({competency(): 3, competency(): 3})
    nip = employee(code)
    with needs_db.sessions() as session:
        session.execute(text("DELETE FROM needs WHERE nip = :nip"), {"nip": nip})
        session.commit()
        earlier = set(session.scalars(select(Outbox.id).where(Outbox.aggregateid == nip)))

    def opened(cause: str | None) -> list[str]:
        with contextlib.ExitStack() as stack, UnitOfWork(needs_db, Outbox) as uow:
            if cause:
                stack.enter_context(caused_by(cause))
            [report] = handlers.recompute(uow, settings, years=[year], nips=[nip])
            assert report.needs_opened == 2
            made = uow.session.scalars(
                select(Outbox.id).where(Outbox.aggregateid == nip, Outbox.type.like("%DevelopmentNeedIdentified%"))
            ).all()
        return sorted(set(made) - earlier)  # rolled back: the next call opens them again

    first = opened("needs/3f0c9a1e-event-handled")
    assert len(set(first)) == 2
    assert opened("needs/3f0c9a1e-event-handled") == first, "the same cause: the same ids"
    assert not set(opened("needs/another-event")) & set(first), "another cause: other ids"
    assert not set(opened(None)) & set(first), "no cause (a request): random ids"


def test_a_standard_change_recomputes_only_the_competencies_it_changed(
    api, position, competency, employee, year, needs_db
):
    kept, raised, added = competency(), competency(), competency()
    code = position({kept: 3, raised: 3})
    nip = employee(code)
    assessment = {"competency_code": added, "level": 1, "source": "supervisor", "assessed_on": f"{year}-01-02"}
    api("POST", f"/employees/{nip}/assessments", 201, json=assessment)  # known before it is required
    before = {n["competency_code"]: n for n in api("GET", f"/needs?year={year}&nip={nip}")}
    versions = text("SELECT competency_code, xmin::text FROM gaps WHERE nip = :nip")  # a rewritten row's xmin changes
    with needs_db.sessions() as session:
        events_before = session.scalar(select(func.count()).select_from(Outbox).where(Outbox.aggregateid == nip))
        gaps_before = dict(session.execute(versions, {"nip": nip}).all())
    items = [{"competency_code": kept, "required_level": 3}, {"competency_code": raised, "required_level": 5}]
    items.append({"competency_code": added, "required_level": 2})
    api("PUT", f"/positions/{code}/standard", json={"items": items})
    after = {n["competency_code"]: n for n in api("GET", f"/needs?year={year}&nip={nip}")}
    assert after[kept] == before[kept]  # untouched: not even its updated_at
    assert (after[raised]["id"], after[raised]["required_level"], after[raised]["gap"]) == (before[raised]["id"], 5, 4)
    assert after[raised]["updated_at"] > before[raised]["updated_at"]
    assert (after[added]["status"], after[added]["gap"]) == ("open", 1)
    with needs_db.sessions() as session:
        events_after = session.scalar(select(func.count()).select_from(Outbox).where(Outbox.aggregateid == nip))
        gaps_after = dict(session.execute(versions, {"nip": nip}).all())
    assert gaps_after[kept] == gaps_before[kept] and gaps_after[raised] != gaps_before[raised]
    # the need opened for the added entry, and the raised one's new figures for the training service's pool
    assert events_after - events_before == 2


def test_a_change_concerning_more_asn_than_a_request_should_wait_for_is_recomputed_by_the_worker_with_progress(
    settings, needs_db, position, competency, employee, year
):
    """Above RECOMPUTE_INLINE_MAX ASN a dictionary change answers at once and queues the recompute (in the change's
    transaction); the worker runs it in chunks, its progress visible at /recompute-runs, and the needs follow."""
    skill = competency()
    code = position({skill: 3})
    first, second = employee(code), employee(code)
    small = dataclasses.replace(settings, recompute_inline_max=1, recompute_chunk_size=50)
    client = create_app(small).test_client()
    client.environ_base["HTTP_X_BANGKOM_IDENTITY"] = identity.encode(ADMIN, SECRET)

    def call(method: str, path: str, expect: int = 200, **kwargs):
        response = client.open(f"/api/v1/needs{path}", method=method, **kwargs)
        assert response.status_code == expect, response.get_data(as_text=True)
        return response.json

    current = call("GET", f"/competencies/{skill}")
    fields = ("name", "group", "description", "level_descriptors")
    call("PUT", f"/competencies/{skill}", json={**{k: current[k] for k in fields}, "active": False})
    [run] = [r for r in call("GET", "/recompute-runs") if skill in r["cause"]]
    assert (run["status"], run["competencies"], run["done"]) == ("queued", [skill], 0)
    needs = call("GET", f"/needs?year={year}&nip={first}") + call("GET", f"/needs?year={year}&nip={second}")
    assert {n["status"] for n in needs} == {"open"}, "not yet: the worker recomputes"

    while handlers.run_queued_recompute(needs_db, small) not in (run["id"], None):
        pass  # runs queued before this one (none in this suite) go first
    done = call("GET", f"/recompute-runs/{run['id']}")
    assert done["status"] == "succeeded" and done["done"] == done["total"] >= 2 and done["finished_at"]
    for nip in (first, second):
        [need] = call("GET", f"/needs?year={year}&nip={nip}&status=closed")
        assert (need["competency_code"], need["closed_reason"]) == (skill, "standard_removed")
    assert call("GET", "/recompute-runs/no-such-run", 404)["detail"]


def test_an_explicit_recompute_of_everyone_runs_in_the_request_in_a_small_city_and_in_the_worker_in_a_large_one(
    settings, needs_db, position, competency, employee, year
):
    """`POST /recompute` answers with a run: 200 and `succeeded` when done in the request, 202 and `queued` above
    RECOMPUTE_INLINE_MAX active ASN; the queued run is the worker's, its progress at /recompute-runs/{id}."""
    skill = competency()
    nip = employee(position({skill: 3}))

    def client_of(configured):
        client = create_app(configured).test_client()
        client.environ_base["HTTP_X_BANGKOM_IDENTITY"] = identity.encode(ADMIN, SECRET)
        return client

    large = dataclasses.replace(settings, recompute_inline_max=10**9)
    done = client_of(large).post("/api/v1/needs/recompute", json={"year": year})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.json["status"] == "succeeded" and done.json["done"] == done.json["total"] >= 1
    assert done.json["years"] == [year] and done.json["finished_at"]

    small = dataclasses.replace(settings, recompute_inline_max=0, recompute_chunk_size=500)
    client = client_of(small)
    queued = client.post("/api/v1/needs/recompute", json={})
    assert queued.status_code == 202, queued.get_data(as_text=True)
    assert (queued.json["status"], queued.json["done"], queued.json["years"]) == ("queued", 0, None)
    while handlers.run_queued_recompute(needs_db, small) not in (queued.json["id"], None):
        pass
    run = client.get(f"/api/v1/needs/recompute-runs/{queued.json['id']}").json
    assert run["status"] == "succeeded" and run["done"] == run["total"] >= 1
    [need] = client.get(f"/api/v1/needs/needs?year={year}&nip={nip}").json
    assert need["status"] == "open" and need["competency_code"] == skill
