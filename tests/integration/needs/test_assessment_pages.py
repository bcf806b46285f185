"""Knowing what the ASN hold, in the web UI: a supervisor assesses their team, an employee self-assesses (shown, never
counted), BKPSDM imports an assessment centre's file. The gateway's UI (in-process) in front of the needs service
under gunicorn, on the real PostgreSQL."""

from __future__ import annotations

import io

from tests.integration.evaluation.test_supervisor_pages import _signed_in
from tests.integration.needs.conftest import code, new_nip


def _csrf(html: str) -> str:
    return html.split('name="csrf" value="')[1].split('"')[0]


def test_a_supervisor_assesses_their_team_and_an_employee_self_assesses_without_it_counting(
    api, position, competency, employee, gateway_settings, year
):
    skill = competency()
    job = position({skill: 3})
    boss, stranger = new_nip(), new_nip()
    member = employee(job, assessed_at=None, supervisor_nip=boss)
    supervisor = _signed_in(gateway_settings, boss, ["supervisor"], boss)

    team = supervisor.get("/atasan/tim").get_data(as_text=True)
    assert f"/atasan/tim/{member}" in team
    form = supervisor.get(f"/atasan/tim/{member}").get_data(as_text=True)
    assert "belum dinilai" in form and f'name="level-{skill}"' in form
    done = supervisor.post(
        f"/atasan/tim/{member}",
        data={"csrf": _csrf(form), f"level-{skill}": "2", "assessed_on": f"{year}-02-03", "evidence": "Laporan kerja"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1 penilaian tercatat" in done
    [need] = api("GET", f"/needs?year={year}&nip={member}")
    assert (need["competency_code"], need["current_level"], need["gap"]) == (skill, 2, 1)
    assessed = api("GET", f"/employees/{member}/assessments")
    assert [(a["source"], a["level"]) for a in assessed if a["competency_code"] == skill] == [("supervisor", 2)]
    other = _signed_in(gateway_settings, stranger, ["supervisor"], stranger)
    assert other.get(f"/atasan/tim/{member}").status_code == 403, "another supervisor's team is not theirs"

    asn = _signed_in(gateway_settings, member, ["employee"], member)
    page = asn.get("/saya/penilaian-diri").get_data(as_text=True)
    assert "tidak mengubah level yang dihitung" in page
    asn.post(
        "/saya/penilaian-diri",
        data={"csrf": _csrf(page), f"level-{skill}": "5", "assessed_on": f"{year}-02-04"},
        follow_redirects=True,
    )
    [need] = api("GET", f"/needs?year={year}&nip={member}")
    assert (need["status"], need["current_level"]) == ("open", 2), "a self-assessment never closes a need"
    recorded = api("GET", f"/employees/{member}/assessments")
    assert [(a["source"], a["level"]) for a in recorded if a["competency_code"] == skill] == [
        ("self", 5),
        ("supervisor", 2),
    ], "recorded and shown, newest first"


def test_bkpsdm_imports_an_assessment_centres_file_in_the_web_ui(
    api, position, competency, employee, gateway_settings, year, unique
):
    skill = competency()
    unit = code("OPD")
    people = [employee(position({skill: 3}), unit=unit, assessed_at=None) for _ in range(2)]
    bkpsdm = _signed_in(gateway_settings, unique("bkpsdm"), ["admin"], None)
    plan = bkpsdm.get(f"/kebutuhan?unit_code={unit}").get_data(as_text=True)
    assert "Nilai dahulu" in plan and "/penilaian/impor" in plan
    form = bkpsdm.get("/penilaian/impor").get_data(as_text=True)
    content = (
        f"NIP;Kode Kompetensi;Level;Tanggal\n{people[0]};{skill};2;{year}-03-01\n{people[1]};{skill};9;{year}-03-01\n"
    )
    report = bkpsdm.post(
        "/penilaian/impor",
        data={"csrf": _csrf(form), "file": (io.BytesIO(content.encode()), "hasil-ac.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "2 baris dibaca: 1 baru" in report and "Level harus bilangan bulat 1 sampai 5." in report
    [need] = api("GET", f"/needs?year={year}&nip={people[0]}")
    assert (need["current_level"], need["gap"]) == (2, 1)
    assert api("GET", f"/needs?year={year}&nip={people[1]}") == []
