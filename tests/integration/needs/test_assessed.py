"""Assessment as a first-class state: a competency nobody assessed is "assess first", not an assumed gap; an
assessment centre's file moves the unassessed into real gaps (real PostgreSQL, events relayed to real Kafka)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.integration.needs.conftest import code


def _assess_first(plan: list[dict], *codes: str) -> dict[tuple[str, str], int]:
    """The assess-first lines of ``codes`` (the class default's national competencies are unassessed too)."""
    return {
        (line["unit_code"], line["competency_code"]): line["employees"]
        for line in plan
        if line["step"] == "assess_first" and line["competency_code"] in codes
    }


def _develop(plan: list[dict]) -> dict[tuple[str, str, str], tuple[int, int]]:
    return {
        (line["unit_code"], line["competency_code"], line["form"]): (line["employees"], line["jp_budget"])
        for line in plan
        if line["step"] == "develop"
    }


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(";".join(row) for row in rows).encode()


def _import(api, content: bytes, name: str = "hasil-ac.csv") -> dict:
    return api(
        "POST",
        "/assessments/imports",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        headers={"Accept-Language": "id"},
    )


def test_a_city_half_never_assessed_plans_only_real_gaps_and_an_assessment_centre_file_moves_them(
    api, client, position, competency, employee, year
):
    teknis, managerial = competency("teknis"), competency("manajerial")
    job = position({teknis: 3, managerial: 3})
    north, south = code("UTARA"), code("SELATAN")
    assessed = [employee(job, unit=north), employee(job, unit=north), employee(job, unit=south)]
    never = [employee(job, unit=north, assessed_at=None), employee(job, unit=north, assessed_at=None)]
    never.append(employee(job, unit=south, assessed_at=None))

    plans = {unit: api("GET", f"/plan?year={year}&unit_code={unit}") for unit in (north, south)}
    # develop: only the assessed (level 1 of 3: a gap of 2, teknis → pelatihan 40 JP, manajerial → pelatihan 40 JP)
    assert _develop(plans[north]) == {(north, teknis, "pelatihan"): (2, 80), (north, managerial, "pelatihan"): (2, 80)}
    assert _develop(plans[south]) == {(south, teknis, "pelatihan"): (1, 40), (south, managerial, "pelatihan"): (1, 40)}
    # assess first: the unassessed per OPD × competency, no JP
    assert _assess_first(plans[north], teknis, managerial) == {(north, teknis): 2, (north, managerial): 2}
    assert _assess_first(plans[south], teknis, managerial) == {(south, teknis): 1, (south, managerial): 1}
    first = [line for line in plans[north] if line["step"] == "assess_first"]
    assert all(line["jp_budget"] == 0 and line["form"] is None for line in first)
    for nip in never:
        assert api("GET", f"/needs?year={year}&nip={nip}") == [], "no need from an assumed level"
        gaps = [
            g
            for g in api("GET", f"/gaps?year={year}&nip={nip}&min_gap=0")
            if g["competency_code"] in (teknis, managerial)
        ]
        assert {(g["assessed"], g["current_level"], g["gap"]) for g in gaps} == {(False, None, 0)}
    by_unit = {row["unit"]["code"]: row for row in api("GET", f"/gaps/by-unit?year={year}")}
    default = [i["required_level"] for i in api("GET", "/position-classes/pelaksana/standard")["items"]]
    assert (by_unit[north]["unassessed"], by_unit[north]["employees_unassessed"]) == (2 * (2 + len(default)), 2)
    held, required = 2 * (1 + 1 + len(default)), 2 * (3 + 3 + sum(default))  # the two assessed: level 1 everywhere
    assert by_unit[north]["job_person_match"] == round(100 * held / required, 1), "the match counts the assessed only"

    sheet = load_workbook(io.BytesIO(client.get(f"/api/v1/needs/exports/plan?year={year}&unit_code={north}").data))
    rows = list(sheet.active.values)
    assert rows[0][:2] == ("Langkah", "Kode OPD")
    assert {(r[0], r[3], r[7]) for r in rows[1:] if r[3] in (teknis, managerial)} == {
        ("Pengembangan", teknis, 2),
        ("Pengembangan", managerial, 2),
        ("Asesmen dahulu (belum dinilai)", teknis, 2),
        ("Asesmen dahulu (belum dinilai)", managerial, 2),
    }

    results = _csv(
        [
            ["NIP", "Kode Kompetensi", "Level", "Tanggal", "Sumber", "Keterangan"],
            [never[0], teknis, "2", f"{year}-02-01", "Assessment center", "AC BKPSDM"],
            [never[1], teknis, "3", f"01-02-{year}", "Uji kompetensi", ""],
            [never[2], teknis, "1", f"{year}-02-01", "", ""],
            [never[2], managerial, "7", f"{year}-02-01", "", ""],
            ["199001012015011999", teknis, "2", f"{year}-02-01", "", ""],
            [never[0], "NO-SUCH", "2", f"{year}-02-01", "", ""],
        ]
    )
    report = _import(api, results)
    assert (report["received"], report["accepted"], report["invalid"]) == (6, 3, 3)
    refused = {r["row"]: (r["field"], r["message"]) for r in report["results"] if r["outcome"] == "invalid"}
    assert set(refused) == {5, 6, 7}
    assert refused[5] == ("Level", "Level harus bilangan bulat 1 sampai 5.")
    assert refused[6][0] == "NIP" and "muat dulu pegawai dari SIMPEG" in refused[6][1]
    assert refused[7][0] == "Kode Kompetensi"

    north_plan = api("GET", f"/plan?year={year}&unit_code={north}")
    develop = _develop(north_plan)
    assert develop[(north, teknis, "bimtek")] == (1, 16), "never[0] (level 2 of 3) joins; never[1] meets it"
    assert develop[(north, teknis, "pelatihan")] == (2, 80)
    assert _assess_first(north_plan, teknis, managerial) == {(north, managerial): 2}
    [need] = api("GET", f"/needs?year={year}&nip={never[0]}")
    assert (need["competency_code"], need["current_level"], need["gap"]) == (teknis, 2, 1)
    assert api("GET", f"/needs?year={year}&nip={never[1]}") == []

    again = _import(api, results)
    assert (again["accepted"], again["updated"], again["duplicate"], again["invalid"]) == (0, 0, 3, 3)
    assert len(api("GET", f"/employees/{never[0]}/assessments")) == 1, "nothing recorded twice"

    corrected = _import(
        api,
        _csv([["NIP", "Kode Kompetensi", "Level", "Tanggal"], [never[0], teknis, "3", f"{year}-02-01"]]),
    )
    assert (corrected["updated"], corrected["results"][0]["row"]) == (1, 2)
    [need] = api("GET", f"/needs?year={year}&nip={never[0]}")
    assert (need["status"], need["closed_reason"]) == ("closed", "gap_closed")
    assert [a["level"] for a in api("GET", f"/employees/{never[0]}/assessments")] == [3]
    assert assessed  # the assessed kept their needs throughout
    assert all(api("GET", f"/needs?year={year}&nip={nip}") for nip in assessed)


def test_a_self_assessment_is_shown_but_never_counted(api, position, competency, employee, year):
    skill = competency()
    nip = employee(position({skill: 3}), assessed_at=None)
    api(
        "POST",
        f"/employees/{nip}/assessments",
        201,
        json={"competency_code": skill, "level": 1, "source": "self", "assessed_on": f"{year}-03-01"},
    )
    assert api("GET", f"/needs?year={year}&nip={nip}") == [], "a self-assessment alone opens no need"
    profile = api("GET", f"/employees/{nip}/profile")
    mine = [c for c in profile["competencies"] if c["competency_code"] == skill]
    assert [(c["assessed"], c["current_level"]) for c in mine] == [(False, None)]
    assert [a["source"] for a in profile["assessments"]] == ["self"]

    api(
        "POST",
        f"/employees/{nip}/assessments",
        201,
        json={"competency_code": skill, "level": 2, "source": "supervisor", "assessed_on": f"{year}-02-01"},
    )
    [need] = api("GET", f"/needs?year={year}&nip={nip}")
    assert (need["current_level"], need["gap"]) == (2, 1)
    api(
        "POST",
        f"/employees/{nip}/assessments",
        201,
        json={"competency_code": skill, "level": 5, "source": "self", "assessed_on": f"{year}-03-02"},
    )
    [need] = api("GET", f"/needs?year={year}&nip={nip}")
    assert (need["status"], need["current_level"]) == ("open", 2), "a newer self-assessment never closes it"


def test_an_assessment_file_that_cannot_be_read_is_a_problem_naming_the_file(client):
    response = client.post(
        "/api/v1/needs/assessments/imports",
        data={"file": (io.BytesIO(b"Nama;Level\nX;2\n"), "hasil.csv")},
        content_type="multipart/form-data",
        headers={"Accept-Language": "id"},
    )
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert response.json["errors"][0]["field"] == "file" and "NIP" in response.json["detail"]


def test_a_theme_with_target_levels_opens_needs_naming_it_and_removing_it_closes_them(
    api, position, competency, employee, relay_events, year
):
    digital, kept = competency(), competency()
    job = position({kept: 2})
    unit, elsewhere = code("DIGI"), code("LAIN")
    assessed = employee(job, unit=unit)
    api(
        "POST",
        f"/employees/{assessed}/assessments",
        201,
        json={"competency_code": digital, "level": 1, "source": "supervisor", "assessed_on": f"{year}-01-02"},
    )
    unassessed = employee(job, unit=unit)
    other_unit = employee(job, unit=elsewhere)
    theme = code("DIGITAL")
    refused = api(
        "PUT",
        f"/priorities/{year}",
        422,
        json={
            "items": [
                {
                    "code": theme,
                    "name": "Transformasi digital",
                    "weight": 0.5,
                    "competencies": [digital],
                    "targets": [{"competency_code": kept, "level": 3, "unit_code": unit}],
                }
            ]
        },
        headers={"Accept-Language": "id"},
    )
    assert refused["errors"][0]["field"] == "items.0.targets.0.competency_code"
    assert "Bukan salah satu kompetensi tema ini" in refused["errors"][0]["message"]

    api(
        "PUT",
        f"/priorities/{year}",
        json={
            "items": [
                {
                    "code": theme,
                    "name": "Transformasi digital",
                    "weight": 0.5,
                    "competencies": [digital, kept],
                    "targets": [
                        {"competency_code": digital, "level": 3, "unit_code": unit},
                        {"competency_code": kept, "level": 1, "position_code": job},  # below the standard: no change
                    ],
                }
            ]
        },
    )
    assert api("GET", f"/priorities/{year}")["items"][0]["targets"][0] == {
        "competency_code": digital,
        "level": 3,
        "position_class": None,
        "unit_code": unit,
        "position_code": None,
    }
    needs = {n["competency_code"]: n for n in api("GET", f"/needs?year={year}&nip={assessed}")}
    assert (needs[digital]["gap"], needs[digital]["required_level"], needs[digital]["priority_code"]) == (2, 3, theme)
    assert (needs[kept]["required_level"], needs[kept]["priority_code"]) == (2, None), "the standard stays higher"
    assert digital not in {n["competency_code"] for n in api("GET", f"/needs?year={year}&nip={unassessed}")}
    assert [
        (line["competency_code"], line["employees"])
        for line in api("GET", f"/plan?year={year}&unit_code={unit}")
        if line["step"] == "assess_first"
    ] == [(digital, 1)], "the unassessed is asked to be assessed in the theme's competency"
    assert digital not in {g["competency_code"] for g in api("GET", f"/gaps?year={year}&nip={other_unit}&min_gap=0")}

    opened = [
        e["data"]
        for e in relay_events(expected=4)
        if e["type"].endswith("DevelopmentNeedIdentified.v1") and e["data"]["competency_code"] == digital
    ]
    assert [(e["nip"], e["priority_code"]) for e in opened] == [(assessed, theme)]

    api("PUT", f"/priorities/{year}", json={"items": []})
    [closed] = [n for n in api("GET", f"/needs?year={year}&nip={assessed}") if n["competency_code"] == digital]
    assert (closed["status"], closed["closed_reason"]) == ("closed", "standard_removed")
