"""The yearly AKPK's proposals (usulan) on real PostgreSQL: an employee proposes, the supervisor agrees, the OPD
submits, BKPSDM returns one with a reason and validates another; an OPD user is kept to its own unit."""

from __future__ import annotations

from shared import identity
from tests.integration.evaluation.test_supervisor_pages import _signed_in
from tests.integration.needs.conftest import code, new_nip
from tests.integration.needs.test_assessment_pages import _csrf


def test_an_employee_proposes_the_supervisor_agrees_the_opd_submits_and_bkpsdm_returns_then_validates(
    api, as_who, position, competency, employee, year
):
    skill = competency()
    unit, boss = code("OPD"), new_nip()
    nip = employee(position({skill: 3}), unit=unit, supervisor_nip=boss)
    asn = identity.Identity(nip, ("employee",))
    supervisor = identity.Identity(boss, ("supervisor",))
    opd = identity.Identity("kepegawaian.opd", ("opd",), unit_code=unit)
    bkpsdm = identity.Identity("bkpsdm.admin", ("admin",))
    body = {
        "year": year + 1,
        "nip": nip,
        "competency_code": skill,
        "form": "kursus",
        "jp": 24,
        "estimated_cost": 3_500_000,
    }

    proposal = as_who(asn, "POST", "/proposals", 201, json=body)
    assert (proposal["status"], proposal["origin"], proposal["unit_code"]) == ("draft", "employee", unit)
    pid = proposal["id"]
    as_who(opd, "POST", f"/proposals/{pid}/submit", 409)  # not before the supervisor agreed
    as_who(identity.Identity(new_nip(), ("supervisor",)), "POST", f"/proposals/{pid}/agree", 404)  # not their team's
    assert as_who(supervisor, "POST", f"/proposals/{pid}/agree")["status"] == "agreed"
    assert as_who(opd, "POST", f"/proposals/{pid}/submit")["status"] == "submitted"
    as_who(opd, "POST", f"/proposals/{pid}/validate", 403)  # BKPSDM's step
    as_who(bkpsdm, "POST", f"/proposals/{pid}/approve", 404)  # no such step
    problem = as_who(bkpsdm, "POST", f"/proposals/{pid}/return", 422, json={})
    assert problem["errors"][0]["field"] == "reason"
    returned = as_who(bkpsdm, "POST", f"/proposals/{pid}/return", json={"reason": "Biaya melebihi SBU kursus"})
    assert (returned["status"], returned["reason"]) == ("returned", "Biaya melebihi SBU kursus")
    assert as_who(opd, "POST", f"/proposals/{pid}/submit")["status"] == "submitted"
    assert as_who(bkpsdm, "POST", f"/proposals/{pid}/validate")["status"] == "validated"
    as_who(bkpsdm, "POST", f"/proposals/{pid}/return", 409, json={"reason": "terlambat"})

    history = as_who(asn, "GET", f"/proposals/{pid}")["steps"]
    assert [(s["action"], s["to_status"], s["role"]) for s in history] == [
        ("propose", "draft", "employee"),
        ("agree", "agreed", "supervisor"),
        ("submit", "submitted", "opd"),
        ("return", "returned", "admin"),
        ("submit", "submitted", "opd"),
        ("validate", "validated", "admin"),
    ]
    assert history[3]["reason"] == "Biaya melebihi SBU kursus" and history[1]["by"] == boss


def test_an_opd_user_sees_and_proposes_for_its_own_unit_only(api, as_who, position, competency, employee, year):
    skill = competency()
    job = position({skill: 3})
    ours, theirs = code("OPD"), code("OPD")
    mine, other = employee(job, unit=ours), employee(job, unit=theirs)
    opd = identity.Identity("kepegawaian.kami", ("opd",), unit_code=ours)
    their_opd = identity.Identity("kepegawaian.lain", ("opd",), unit_code=theirs)
    body = {"year": year + 1, "competency_code": skill, "form": "bimtek", "jp": 16}

    own = as_who(opd, "POST", "/proposals", 201, json={**body, "nip": mine})
    assert own["origin"] == "opd"
    as_who(opd, "POST", "/proposals", 403, json={**body, "nip": other})  # another unit's ASN
    foreign = as_who(their_opd, "POST", "/proposals", 201, json={**body, "nip": other})

    listed = as_who(opd, "GET", f"/proposals?year={year + 1}&page_size=100")
    assert {p["id"] for p in listed} >= {own["id"]} and foreign["id"] not in {p["id"] for p in listed}
    assert all(p["unit_code"] == ours for p in listed)
    as_who(opd, "GET", f"/proposals/{foreign['id']}", 404)  # nothing of another unit leaks
    as_who(opd, "POST", f"/proposals/{foreign['id']}/submit", 404)
    assert as_who(opd, "POST", f"/proposals/{own['id']}/submit")["status"] == "submitted"
    as_who(identity.Identity(other, ("employee",)), "GET", f"/proposals/{own['id']}", 404)
    as_who(identity.Identity(other, ("employee",)), "POST", "/proposals", 403, json={**body, "nip": mine})

    # its people, and only them
    people = as_who(opd, "GET", "/employees?page_size=100")
    assert [p["nip"] for p in people] == [mine]
    for path in ("/employees?", "/gaps?", "/plan?", "/jp/behind?", "/exports/gaps?", "/exports/plan?", "/needs?"):
        refused = as_who(opd, "GET", f"{path}unit_code={theirs}", 403)  # another unit's: refused
        assert refused["errors"][0]["field"] == "unit_code", path
    assert as_who(opd, "GET", f"/employees/{mine}/profile")["employee"]["nip"] == mine
    as_who(opd, "GET", f"/employees/{other}/profile", 403)
    gaps = as_who(opd, "GET", f"/gaps?year={year}&page_size=100")
    assert gaps and {g["unit_code"] for g in gaps} == {ours}, "its people's gaps"
    assert {line["unit_code"] for line in as_who(opd, "GET", f"/plan?year={year}&unit_code={ours}")} == {ours}
    assert [line["unit_code"] for line in as_who(opd, "GET", f"/jp/compliance?year={year}")] == [ours]
    behind = as_who(opd, "GET", f"/jp/behind?year={year}&page_size=100")
    assert {b["nip"] for b in behind} == {mine}
    as_who(opd, "GET", f"/match?year={year}", 403)  # the city's figures stay BKPSDM's


def test_four_roles_move_a_proposal_in_the_web_ui(api, position, competency, employee, gateway_settings, year):
    """Through the gateway's pages, in Indonesian: the employee proposes, the supervisor agrees, the OPD submits,
    BKPSDM returns it with a reason; the OPD submits it again and BKPSDM validates it."""
    skill = competency()
    unit, boss = code("OPD"), new_nip()
    nip = employee(position({skill: 3}), unit=unit, supervisor_nip=boss)
    asn = _signed_in(gateway_settings, nip, ["employee"], nip)
    page = asn.get(f"/usulan?year={year + 1}").get_data(as_text=True)
    saved = asn.post(
        "/usulan",
        data={"csrf": _csrf(page), "year": year + 1, "competency_code": skill, "form": "kursus", "jp": "24"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Usulan tersimpan sebagai draf" in saved and "Draf" in saved
    [proposal] = api("GET", f"/proposals?nip={nip}")

    def step(browser, action: str, **form) -> str:
        page = browser.get(f"/usulan?year={year + 1}").get_data(as_text=True)
        assert f"/usulan/{proposal['id']}/{action}" in page, f"{action} is offered"
        data = {"csrf": _csrf(page), "year": year + 1, **form}
        return browser.post(f"/usulan/{proposal['id']}/{action}", data=data, follow_redirects=True).get_data(
            as_text=True
        )

    supervisor = _signed_in(gateway_settings, boss, ["supervisor"], boss)
    assert "Usulan disetujui" in step(supervisor, "agree")
    opd = _signed_in(gateway_settings, code("kepegawaian"), ["opd"], None, unit_code=unit)
    listed = opd.get(f"/usulan?year={year + 1}").get_data(as_text=True)
    assert "Kebutuhan pegawai OPD Anda" in listed and f"nip={nip}&amp;competency_code={skill}" in listed
    chosen = opd.get(f"/usulan?year={year + 1}&nip={nip}&competency_code={skill}").get_data(as_text=True)
    assert f'value="{nip}" selected' in chosen and f'value="{skill}" selected' in chosen, "the need fills the form"
    assert "Usulan diajukan ke BKPSDM" in step(opd, "submit")
    bkpsdm = _signed_in(gateway_settings, code("bkpsdm"), ["admin"], None)
    returned = step(bkpsdm, "return", reason="JP terlalu besar untuk kursus ini")
    assert "Dikembalikan: JP terlalu besar untuk kursus ini" in returned
    assert "Usulan diajukan ke BKPSDM" in step(opd, "submit")
    assert "Usulan divalidasi" in step(bkpsdm, "validate")
    assert api("GET", f"/proposals/{proposal['id']}")["status"] == "validated"
    home = opd.get("/", follow_redirects=True).get_data(as_text=True)  # an OPD user lands on its own unit
    assert "OPD saya" in home and "Kepatuhan 20 JP" in home and nip in home, "its ASN behind on JP"
