"""The year's plan on real PostgreSQL: the SBU prices proposals, BKPSDM approves the plan as immutable versions (a
change is a new version with its reason, compared side by side, both exported), completions realise it per OPD in
JP and Rupiah, and an OPD user sees only its own unit's lines, exports and figures."""

from __future__ import annotations

import datetime as dt
import io
import uuid

from openpyxl import load_workbook

from services.needs import handlers
from services.needs.models import Outbox
from shared import identity
from shared.db import UnitOfWork
from shared.events import new_event
from tests.integration.evaluation.test_supervisor_pages import _signed_in
from tests.integration.needs.conftest import code
from tests.integration.needs.test_assessment_pages import _csrf

PLAN_YEAR = 2040  # a year of this test's own: the plan's versions are the city's, one set per year


def _sheet(response) -> list[list]:
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    return [list(row) for row in rows]


def _complete(settings, needs_db, nip: str, skill: str, form: str, jp: int, on: dt.date) -> None:
    """A completion of a Bangkom training, as the training service announces it: the ledger credits it."""
    event = new_event(
        "TrainingCompleted",
        {
            "enrollment_id": str(uuid.uuid4()),
            "nip": nip,
            "program_id": code("P"),
            "batch_id": code("B"),
            "program_title": "Pelatihan dari rencana",
            "form": form,
            "jp": jp,
            "competencies": [{"code": skill, "target_level": 3}],
            "attendance_rate": 1.0,
            "completed_on": on,
            "partner_code": "UNIMAL",
        },
    )
    with UnitOfWork(needs_db, Outbox, topic_prefix=settings.kafka_topic_prefix) as uow:
        handlers.on_training_completed(event, uow, settings)
        uow.commit()


def test_the_sbu_prices_proposals_and_an_approved_plan_changes_only_as_a_new_version_with_its_reason(
    api, as_who, position, competency, employee, settings, needs_db
):
    skill, other_skill = competency(), competency()
    job = position({skill: 3, other_skill: 3})
    ours, theirs = code("OPD"), code("OPD")
    mine, also_mine, other = employee(job, unit=ours), employee(job, unit=ours), employee(job, unit=theirs)
    opd = identity.Identity("kepegawaian.plan", ("opd",), unit_code=ours)
    api(
        "PUT",
        f"/sbu/{PLAN_YEAR}",
        json={
            "costs": [
                {"form": "magang", "basis": "participant", "rupiah": 3_500_000},
                {"form": "pelatihan", "basis": "jp", "rupiah": 150_000},
            ]
        },
    )
    api("PUT", f"/sbu/{PLAN_YEAR}", 422, json={"costs": [{"form": "magang", "basis": "per_hari", "rupiah": 1}]})
    assert {c["form"]: c["rupiah"] for c in api("GET", f"/sbu/{PLAN_YEAR}")} == {
        "magang": 3_500_000,
        "pelatihan": 150_000,
    }

    def propose(nip: str, **body) -> dict:
        made = api("POST", "/proposals", 201, json={"year": PLAN_YEAR, "nip": nip, **body})
        for step in ("submit", "validate"):
            api("POST", f"/proposals/{made['id']}/{step}")
        return made

    # a magang is counted in days (the conversion table: 1 day = 6 JP), priced per participant
    magang = propose(mine, competency_code=skill, form="magang", quantity=3, month=2)
    assert (magang["jp"], magang["estimated_cost"]) == (18, 3_500_000)
    training = propose(also_mine, competency_code=other_skill, form="pelatihan", jp=24, month=11)
    assert training["estimated_cost"] == 24 * 150_000
    theirs_too = propose(other, competency_code=skill, form="workshop", quantity=2)
    assert (theirs_too["jp"], theirs_too["estimated_cost"]) == (10, 0)  # no SBU for a workshop that year

    first = api("POST", f"/plans/{PLAN_YEAR}/versions", 201, json={})
    assert (first["number"], first["line_count"], first["sbu_missing"]) == (1, 3, ["workshop"])
    assert api("GET", f"/proposals/{magang['id']}")["status"] == "planned"
    again = api("POST", f"/plans/{PLAN_YEAR}/versions", 422, json={})  # a change says why
    assert again["errors"][0]["field"] == "reason"
    api("POST", f"/plans/{PLAN_YEAR}/versions", 409, json={"reason": "tidak ada perubahan"})

    # a change: one more proposal validated, one line dropped; the approved version 1 stays as it was
    added = propose(mine, competency_code=other_skill, form="coaching", quantity=4)
    api("POST", f"/proposals/{training['id']}/withdraw", json={"reason": "Anggaran dipotong"})
    second = api("POST", f"/plans/{PLAN_YEAR}/versions", 201, json={"reason": "Perubahan anggaran (APBD-P)"})
    assert (second["number"], second["line_count"]) == (2, 3)
    one = api("GET", f"/plans/{PLAN_YEAR}/versions/1")
    assert {line["proposal_id"] for line in one["lines"]} == {magang["id"], training["id"], theirs_too["id"]}
    assert one["cost"] == 3_500_000 + 24 * 150_000
    by_unit = {row["key"]: row for row in one["by_unit"]}
    assert (by_unit[ours]["lines"], by_unit[ours]["jp"]) == (2, 42)
    compared = api("GET", f"/plans/{PLAN_YEAR}/compare?before=1&after=2")
    assert {(c["proposal_id"], c["change"]) for c in compared["changes"]} == {
        (added["id"], "added"),
        (training["id"], "removed"),
    }
    assert compared["after"]["reason"] == "Perubahan anggaran (APBD-P)"

    # both versions export, a line per ASN (the AKPK report) or Rupiah per OPD and form (the budget team's)
    v1 = _sheet(api("GET", f"/exports/plans/{PLAN_YEAR}/versions/1"))
    assert v1[0][:4] == ["Tahun", "Versi", "Kode OPD", "Unit Kerja (OPD)"] and len(v1) == 4
    assert {row[4] for row in v1[1:]} == {mine, also_mine, other}  # NIPs as text
    budget = _sheet(api("GET", f"/exports/plans/{PLAN_YEAR}/versions/2?shape=anggaran"))
    assert budget[0][-1] == "Pagu (Rp)"
    assert {(row[2], row[5], row[-1]) for row in budget[1:]} == {
        (ours, "magang", 3_500_000),
        (ours, "coaching", 0),
        (theirs, "workshop", 0),
    }

    # an OPD user: its own lines, its own export; another unit's refused
    own = as_who(opd, "GET", f"/plans/{PLAN_YEAR}/versions/2")
    assert {line["unit_code"] for line in own["lines"]} == {ours}
    assert [v["line_count"] for v in as_who(opd, "GET", f"/plans/{PLAN_YEAR}/versions")] == [2, 2]
    as_who(opd, "GET", f"/plans/{PLAN_YEAR}/versions/2?unit_code={theirs}", 403)
    as_who(opd, "GET", f"/exports/plans/{PLAN_YEAR}/versions/2?unit_code={theirs}", 403)
    as_who(opd, "GET", f"/plans/{PLAN_YEAR}/realisation?unit_code={theirs}", 403)
    as_who(opd, "POST", f"/plans/{PLAN_YEAR}/versions", 403, json={"reason": "x"})
    as_who(opd, "PUT", f"/sbu/{PLAN_YEAR}", 403, json={"costs": []})

    # a completion from the plan realises the magang: planned against delivered JP and Rupiah, per OPD
    _complete(settings, needs_db, mine, skill, "magang", 18, dt.date(PLAN_YEAR, 2, 20))
    listed = {p["id"]: p for p in api("GET", f"/proposals?year={PLAN_YEAR}&nip={mine}")}
    assert (listed[magang["id"]]["realisation"], listed[added["id"]]["realisation"]) == ("realised", "pending")
    realisation = api("GET", f"/plans/{PLAN_YEAR}/realisation")
    assert realisation["version"] == 2
    rows = {row["unit_code"]: row for row in realisation["units"]}
    assert (rows[ours]["planned_lines"], rows[ours]["realised_lines"]) == (2, 1)
    assert (rows[ours]["planned_jp"], rows[ours]["delivered_jp"]) == (26, 18)
    assert (rows[ours]["planned_cost"], rows[ours]["delivered_cost"]) == (3_500_000, 3_500_000)
    assert (rows[theirs]["delivered_jp"], rows[theirs]["behind"]) == (0, False)  # a year to come: nothing due
    assert [row["unit_code"] for row in as_who(opd, "GET", f"/plans/{PLAN_YEAR}/realisation")["units"]] == [ours]
    sheet = _sheet(api("GET", f"/exports/plans/{PLAN_YEAR}/realisation"))
    assert sheet[0][7] == "Realisasi JP" and any(row[2] == ours and row[7] == 18 for row in sheet[1:])


def test_every_form_counts_its_jp_by_the_conversion_table(api, competency, position, employee):
    skill = competency()
    nip = employee(position({skill: 3}))
    table = {row["form"]: row for row in api("GET", "/forms")["forms"]}
    assert table["coaching"]["coach"] and table["magang"]["unit"] == "day" and table["pkp"]["kind"] == "kepemimpinan"
    body = {"year": PLAN_YEAR + 1, "nip": nip, "competency_code": skill}
    assert api("POST", "/proposals", 201, json={**body, "form": "seminar", "quantity": 2})["jp"] == 8
    missing = api("POST", "/proposals", 422, json={**body, "form": "seminar", "jp": 8})
    assert missing["errors"][0]["field"] == "quantity"
    wrong = api("POST", "/proposals", 422, json={**body, "form": "magang", "quantity": 2, "jp": 20})
    assert wrong["errors"][0]["field"] == "jp" and "12 JP" in wrong["errors"][0]["message"]
    assert api("POST", "/proposals", 201, json={**body, "form": "latsar_cpns", "jp": 120})["jp"] == 120
    # the ledger's claims too: five days of magang elsewhere are 30 JP once verified
    ended = dt.date.today() - dt.timedelta(days=3)
    claim = {
        "form": "magang",
        "title": "Magang di BPBD Aceh",
        "organiser": "BPBD Aceh",
        "starts_on": (ended - dt.timedelta(days=6)).isoformat(),
        "ends_on": ended.isoformat(),
        "certificate_number": code("SK"),
    }
    assert api("POST", f"/employees/{nip}/external-development", 422, json=claim)["errors"][0]["field"] == "quantity"
    record = api("POST", f"/employees/{nip}/external-development", 201, json={**claim, "quantity": 5})
    assert (record["jp"], record["quantity"]) == (30, 5)


def test_bkpsdm_prices_approves_and_compares_the_plan_in_the_web_ui_and_an_opd_sees_its_own(
    api, position, competency, employee, gateway_settings
):
    """Through the gateway's pages, in Indonesian: BKPSDM sets the SBU, approves the plan, changes it with a reason and
    compares the versions; the OPD sees its lines and realisation; everyone reads the forms and their JP."""
    year = PLAN_YEAR + 2
    skill = competency()
    unit = code("OPD")
    nip = employee(position({skill: 3}), unit=unit)
    bkpsdm = _signed_in(gateway_settings, code("bkpsdm"), ["admin"], None)
    page = bkpsdm.get(f"/rencana-tahunan?year={year}").get_data(as_text=True)
    assert "Rencana tahun ini belum ditetapkan" in page
    saved = bkpsdm.post(
        "/rencana-tahunan/sbu",
        data={"csrf": _csrf(page), "year": year, "basis-bimtek": "jp", "rupiah-bimtek": "125000"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Standar biaya disimpan" in saved and 'value="125000"' in saved
    first = api(
        "POST",
        "/proposals",
        201,
        json={"year": year, "nip": nip, "competency_code": skill, "form": "bimtek", "jp": 16, "month": 3},
    )
    assert first["estimated_cost"] == 16 * 125_000
    for step in ("submit", "validate"):
        api("POST", f"/proposals/{first['id']}/{step}")
    approved = bkpsdm.post(
        "/rencana-tahunan/tetapkan", data={"csrf": _csrf(saved), "year": year, "reason": ""}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Rencana ditetapkan sebagai versi baru" in approved and "Penetapan awal" in approved
    refused = bkpsdm.post(
        "/rencana-tahunan/tetapkan", data={"csrf": _csrf(approved), "year": year, "reason": ""}, follow_redirects=True
    ).get_data(as_text=True)
    assert "sebutkan alasan perubahannya" in refused, "a change says why, in Indonesian"
    second = api(
        "POST",
        "/proposals",
        201,
        json={"year": year, "nip": nip, "competency_code": skill, "form": "seminar", "quantity": 1},
    )
    for step in ("submit", "validate"):
        api("POST", f"/proposals/{second['id']}/{step}")
    bkpsdm.post(
        "/rencana-tahunan/tetapkan",
        data={"csrf": _csrf(refused), "year": year, "reason": "Tambahan seminar integritas"},
        follow_redirects=True,
    )
    compared = bkpsdm.get(f"/rencana-tahunan/bandingkan?year={year}&before=1&after=2").get_data(as_text=True)
    assert "Ditambah" in compared and "Tambahan seminar integritas" in compared
    version = bkpsdm.get(f"/rencana-tahunan/versi/1?year={year}").get_data(as_text=True)
    assert "2.000.000" in version and "Maret" in version  # 16 JP × Rp 125.000, in March
    workbook = bkpsdm.get(f"/rencana-tahunan/unduh/2/anggaran.xlsx?year={year}")
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"

    opd = _signed_in(gateway_settings, code("kepegawaian"), ["opd"], None, unit_code=unit)
    own = opd.get(f"/rencana-tahunan?year={year}").get_data(as_text=True)
    assert "Realisasi per OPD" in own and "Tetapkan rencana" not in own, "approving is BKPSDM's"
    assert opd.post("/rencana-tahunan/tetapkan", data={"csrf": _csrf(own), "year": year}).status_code == 403
    asn = _signed_in(gateway_settings, nip, ["employee"], nip)
    forms_page = asn.get("/bentuk-pengembangan").get_data(as_text=True)
    assert (
        "Magang/praktik kerja" in forms_page
        and "1 hari = 6 JP" in forms_page
        and "Pelatihan Kepemimpinan Pengawas" in forms_page
    )
