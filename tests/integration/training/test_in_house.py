"""Attendance without a partner integration, on real PostgreSQL and Kafka: BKPSDM's roster, an imported attendance
sheet and check-in at the venue give the same AttendanceRecorded events, rules and idempotency as the partner API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from zoneinfo import ZoneInfo

from services.training import domain, handlers
from shared import identity
from tests.integration.training.conftest import SECRET  # noqa: F401 - also the fixtures' secret

EARLY = {"force_reason": "Ditutup dalam uji sebelum pertemuan terakhir"}  # the batches of these tests lie ahead


def _as(nip: str, role: str = "employee") -> dict:
    return {identity.HEADER: identity.encode(identity.Identity(nip, (role,)), SECRET)}


def test_an_in_house_batch_from_roster_and_sheet_to_training_completed(
    api, client, partner, program, employees, relay_events
):
    in_house = partner()  # BKPSDM's own trainings are a program of BKPSDM as the "partner"
    first = dt.date.today() - dt.timedelta(days=10)
    created, batch = program(in_house, days=4, first=first, min_attendance=0.75)
    full, three, one = employees(3)
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": [full, three, one]})
    # 24 JP in four mornings of 4 hours: 960 minutes hold 21.3 JP of 45 minutes; warned, not refused
    assert "21.3 JP" in batch["jp_warning"] and "21.3 JP" in api("GET", f"/batches/{batch['id']}")["jp_warning"]
    fitting = api(
        "POST",
        f"/programs/{created['id']}/batches",
        201,
        json={
            "meetings": [
                {"date": (first + dt.timedelta(days=d)).isoformat(), "starts_at": "07:30", "ends_at": "13:30"}
                for d in range(3)
            ]
        },
    )
    assert fitting["jp_warning"] is None  # 3 × 6 h = 1,080 minutes = 24 JP

    # meeting 1 from the roster, with a note; the same form sent twice changes nothing
    marks = [
        {"nip": full, "status": "present", "event_id": "form-1-a"},
        {"nip": three, "status": "present", "event_id": "form-1-b"},
        {"nip": one, "status": "excused", "note": "Sakit, surat dokter", "event_id": "form-1-c"},
    ]
    report = api("PUT", f"/batches/{batch['id']}/meetings/1/attendance", json={"records": marks})
    assert report["accepted"] == 3 and [r["nip"] for r in report["results"]] == [full, three, one]
    again = api("PUT", f"/batches/{batch['id']}/meetings/1/attendance", json={"records": marks})
    assert [r["outcome"] for r in again["results"]] == ["duplicate"] * 3
    api("PUT", f"/batches/{batch['id']}/meetings/9/attendance", 404, json={"records": marks})
    bad = api(
        "PUT",
        f"/batches/{batch['id']}/meetings/1/attendance",
        422,
        json={"records": [{"nip": full, "status": "hadir"}]},
    )
    assert bad["errors"][0]["field"].startswith("records.0.status")

    # meetings 2-4 from the attendance sheet: the template, filled in as BKPSDM would in Excel
    raw = client.get(f"/api/v1/training/batches/{batch['id']}/attendance-sheet?format=csv").data.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert header == ["NIP", "Nama", "Pertemuan", "Tanggal", "Status", "Catatan"]
    assert len(rows) == 3 * 4 and {r[0] for r in rows} == {f'="{n}"' for n in (full, three, one)}
    assert [r[4] for r in rows if r[2] == "1"].count("Hadir") == 2  # what the roster recorded shows
    words = {full: "Hadir", three: "hadir", one: "Tidak hadir"}
    filled = [header]
    for row in rows:
        nip = row[0][2:-1]
        if row[2] == "1":
            continue  # meeting 1 stays as the roster has it
        status = words[nip] if not (nip == three and row[2] == "4") else "Izin"
        filled.append([row[0], row[1], row[2], row[3], status, "" if status != "Izin" else "Dinas luar"])
    filled.append([f'="{full}"', "", "2", "", "mungkin", ""])  # a word that means no status
    filled.append(["1.98703E+17", "", "2", "", "Hadir", ""])  # a NIP Excel turned into a number
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(filled)
    content = ("\ufeff" + out.getvalue()).encode()
    imported = api(
        "POST", f"/batches/{batch['id']}/attendance-sheet", data={"file": (io.BytesIO(content), "daftar-hadir.csv")}
    )
    assert (imported["accepted"], imported["invalid"]) == (9, 2)
    invalid = {r["row"]: r["field"] for r in imported["results"] if r["outcome"] == "invalid"}
    assert invalid == {len(filled) - 1: "Status", len(filled): "NIP"}
    repeated = api(
        "POST", f"/batches/{batch['id']}/attendance-sheet", data={"file": (io.BytesIO(content), "daftar-hadir.csv")}
    )
    assert (repeated["accepted"], repeated["duplicate"]) == (0, 9)
    meeting = {m["nip"]: m for m in api("GET", f"/batches/{batch['id']}/meetings/4/attendance")}
    assert (meeting[three]["status"], meeting[three]["source"], meeting[three]["note"]) == (
        "excused",
        "sheet",
        "Dinas luar",
    )
    first_meeting = {m["nip"]: m for m in api("GET", f"/batches/{batch['id']}/meetings/1/attendance")}
    assert first_meeting[one]["source"] == "roster" and first_meeting[one]["note"] == "Sakit, surat dokter"

    # completion by the program's rule: 4/4 and 3/4 complete (≥ 75%), 0/4 does not
    decided = {e["nip"]: e["status"] for e in api("POST", f"/batches/{batch['id']}/close", json=EARLY)}
    assert decided == {full: "completed", three: "completed", one: "not_completed"}
    events = relay_events(expected=12 + 3)
    recorded = [e["data"] for e in events if e["type"].endswith(".AttendanceRecorded.v1")]
    assert sorted({r["source"] for r in recorded}) == ["roster", "sheet"] and len(recorded) == 12
    assert all(r["partner_code"] == in_house for r in recorded)
    completed = [e["data"]["nip"] for e in events if e["type"].endswith(".TrainingCompleted.v1")]
    assert sorted(completed) == sorted([full, three])


def test_check_in_at_the_venue_in_its_window_only_for_oneself_once(
    api, partner, program, employees, settings, relay_events
):
    wib = ZoneInfo(settings.timezone)
    today = dt.datetime.now(wib).date()
    partner_code = partner()
    created = api(
        "POST",
        "/programs",
        201,
        json={
            "code": f"PLT-QR-{time.time_ns() % 10**8}",
            "title": "Bimtek Arsip Digital",
            "form": "bimtek",
            "delivery": "klasikal",
            "jp": 16,
            "partner_code": partner_code,
            "capacity": 10,
            "competencies": [{"code": "T-ARSIP", "target_level": 2}],
        },
    )
    all_day = [
        {"date": (today + dt.timedelta(days=d)).isoformat(), "starts_at": "00:00", "ends_at": "23:59"} for d in (0, 2)
    ]
    # today, and the day after tomorrow: far enough that its early check-in (30 min before) never opens today
    batch = api("POST", f"/programs/{created['id']}/batches", 201, json={"meetings": all_day})
    api("PUT", f"/programs/{created['id']}/status", json={"status": "published"})
    me, colleague, stranger = employees(3)
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": [me, colleague]})

    shown = api("GET", f"/batches/{batch['id']}/meetings/1/check-in-code")
    assert (
        shown["path"] == f"/hadir?kode={shown['code']}" and shown["rotate_seconds"] == settings.check_in_rotate_seconds
    )
    done = api("POST", "/check-in", 201, headers=_as(me), json={"code": shown["code"]})
    assert (done["meeting_no"], done["status"]) == (1, "present")
    twice = api("POST", "/check-in", 409, headers=_as(me), json={"code": shown["code"]})
    assert "sudah melakukan presensi" in twice["detail"]
    api("POST", "/check-in", 403, headers=_as(stranger), json={"code": shown["code"]})  # not enrolled
    api("POST", "/check-in", 403, headers=_as(me, "partner"), json={"code": shown["code"]})  # role
    forged = shown["code"][:-4] + ("0000" if not shown["code"].endswith("0000") else "1111")
    assert api("POST", "/check-in", 422, headers=_as(colleague), json={"code": forged})["errors"][0]["field"] == "code"
    other_meeting = shown["code"].replace(f"{batch['id']}.1.", f"{batch['id']}.2.")  # altered: the tag no longer fits
    api("POST", "/check-in", 422, headers=_as(colleague), json={"code": other_meeting})
    key = handlers.check_in_key(settings)
    stale, _ = domain.check_in_code(
        key, batch["id"], 1, time.time() - 3 * settings.check_in_rotate_seconds, settings.check_in_rotate_seconds
    )
    assert "kedaluwarsa" in api("POST", "/check-in", 422, headers=_as(colleague), json={"code": stale})["detail"]
    later = api("GET", f"/batches/{batch['id']}/meetings/2/check-in-code")  # a real code, but not its day
    outside = api("POST", "/check-in", 409, headers=_as(colleague), json={"code": later["code"]})
    assert "dibuka pada" in outside["detail"]

    attended = {m["nip"]: m for m in api("GET", f"/batches/{batch['id']}/meetings/1/attendance")}
    assert (attended[me]["status"], attended[me]["source"]) == ("present", "check_in")
    assert attended[colleague]["status"] is None
    [recorded] = [e["data"] for e in relay_events(expected=3) if e["type"].endswith(".AttendanceRecorded.v1")]
    assert (recorded["nip"], recorded["source"], recorded["meeting_no"]) == (me, "check_in", 1)


def test_withdraw_and_replace_before_the_start_and_not_after(api, partner, program, employees, relay_events):
    partner_code = partner()
    _, upcoming = program(partner_code, capacity=2, first=dt.date.today() + dt.timedelta(days=7), days=2)
    leaving, staying, replacement, late = employees(4)
    api("POST", f"/batches/{upcoming['id']}/enrollments", 201, json={"nips": [leaving, staying]})
    api("POST", f"/batches/{upcoming['id']}/enrollments", 409, json={"nips": [late]})  # full

    api("POST", f"/batches/{upcoming['id']}/enrollments/{leaving}/withdrawal", 422, json={"reason": ""})
    swapped = api(
        "POST",
        f"/batches/{upcoming['id']}/enrollments/{leaving}/withdrawal",
        json={"reason": "Tugas dinas ke Banda Aceh", "replacement_nip": replacement},
    )
    assert [(e["nip"], e["status"]) for e in swapped] == [(leaving, "withdrawn"), (replacement, "enrolled")]
    api("POST", f"/batches/{upcoming['id']}/enrollments/{leaving}/withdrawal", 409, json={"reason": "Lagi"})
    refused = api(
        "POST",
        f"/batches/{upcoming['id']}/enrollments/{staying}/withdrawal",
        422,
        json={"reason": "Sakit", "replacement_nip": replacement},  # already enrolled: nothing changes
    )
    assert refused["errors"][0]["field"].startswith("nips")
    roster = {r["nip"]: r["status"] for r in api("GET", f"/batches/{upcoming['id']}/enrollments")}
    assert roster == {leaving: "withdrawn", staying: "enrolled", replacement: "enrolled"}
    api("POST", f"/batches/{upcoming['id']}/enrollments", 409, json={"nips": [late]})  # still two places taken
    # the meeting's form lists the participants only, and the one withdrawn cannot be marked present
    form = api("GET", f"/batches/{upcoming['id']}/meetings/1/attendance")
    assert {row["nip"] for row in form} == {staying, replacement}
    marked = api(
        "PUT",
        f"/batches/{upcoming['id']}/meetings/1/attendance",
        json={"records": [{"nip": leaving, "status": "present"}, {"nip": staying, "status": "present"}]},
    )
    assert [(r["nip"], r["outcome"]) for r in marked["results"]] == [(leaving, "not_found"), (staying, "accepted")]
    assert marked["results"][0]["field"] == "nip"

    _, started = program(partner_code, first=dt.date.today() - dt.timedelta(days=1), days=3)
    api("POST", f"/batches/{started['id']}/enrollments", 201, json={"nips": [late]})
    after = api("POST", f"/batches/{started['id']}/enrollments/{late}/withdrawal", 409, json={"reason": "Terlambat"})
    assert "sudah mulai" in after["detail"]

    events = relay_events(expected=6)
    withdrawn = [e["data"] for e in events if e["type"].endswith(".ParticipantWithdrawn.v1")]
    assert withdrawn == [
        {
            "enrollment_id": swapped[0]["id"],
            "nip": leaving,
            "program_id": upcoming["program_id"],
            "batch_id": upcoming["id"],
            "reason": "Tugas dinas ke Banda Aceh",
            "replaced_by": replacement,
        }
    ]


def test_a_batch_closes_early_only_with_a_reason_and_reopens_within_its_window(
    api, partner, program, employees, relay_events, training_db
):
    from sqlalchemy import update

    from services.training.models import Batch

    partner_code = partner()
    _, batch = program(partner_code, first=dt.date.today() + dt.timedelta(days=3), days=2)
    done, absent = employees(2)
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": [done, absent]})
    records = [{"nip": done, "status": "present", "event_id": f"{done}-{m}"} for m in (1,)]
    api("PUT", f"/batches/{batch['id']}/meetings/1/attendance", json={"records": records})
    api("PUT", f"/batches/{batch['id']}/meetings/2/attendance", json={"records": [{"nip": done, "status": "present"}]})

    early = api("POST", f"/batches/{batch['id']}/close", 409)
    assert early["errors"][0]["field"] == "force_reason"
    api("POST", f"/batches/{batch['id']}/reopen", 409, json={"reason": "Belum ditutup"})
    decided = {e["nip"]: e["status"] for e in api("POST", f"/batches/{batch['id']}/close", json=EARLY)}
    assert decided == {done: "completed", absent: "not_completed"}
    assert api("GET", f"/batches/{batch['id']}")["close_reason"] == EARLY["force_reason"]

    # a correction: the absent one was there after all
    reopened = api("POST", f"/batches/{batch['id']}/reopen", json={"reason": "Daftar hadir salah input"})
    assert reopened["closed_at"] is None and reopened["reopen_reason"] == "Daftar hadir salah input"
    roster = {
        r["nip"]: (r["status"], r["certificate_number"]) for r in api("GET", f"/batches/{batch['id']}/enrollments")
    }
    assert roster == {done: ("enrolled", None), absent: ("enrolled", None)}
    for meeting in (1, 2):
        api(
            "PUT",
            f"/batches/{batch['id']}/meetings/{meeting}/attendance",
            json={"records": [{"nip": absent, "status": "present"}]},
        )
    decided = {e["nip"]: e["status"] for e in api("POST", f"/batches/{batch['id']}/close", json=EARLY)}
    assert decided == {done: "completed", absent: "completed"}

    events = relay_events(expected=1 + 2 + 2 + 2 + 2 + 2 + 2)  # published, enrolled, attended, closed, revoked, …
    story: dict[str, list[str]] = {}  # each ASN's events in order (one partition per NIP keeps it)
    for event in events:
        if event["data"].get("nip") in (done, absent) and not event["type"].endswith("AttendanceRecorded.v1"):
            story.setdefault(event["data"]["nip"], []).append(event["type"].split(".")[2])
    assert story == {
        done: ["ParticipantEnrolled", "TrainingCompleted", "TrainingDecisionRevoked", "TrainingCompleted"],
        absent: ["ParticipantEnrolled", "TrainingNotCompleted", "TrainingDecisionRevoked", "TrainingCompleted"],
    }
    revoked = {
        e["data"]["nip"]: e["data"]["revoked"] for e in events if e["type"].endswith("TrainingDecisionRevoked.v1")
    }
    assert revoked == {done: "completed", absent: "not_completed"}

    with training_db.sessions() as session:  # closed long ago: past the reopen window
        session.execute(
            update(Batch).where(Batch.id == batch["id"]).values(closed_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        )
        session.commit()
    late = api("POST", f"/batches/{batch['id']}/reopen", 409, json={"reason": "Terlambat"})
    assert "final" in late["detail"]


def test_every_program_transition_and_its_refusals(api, partner, relay_events):
    """The program's table (docs/training.md, "States"): each allowed move once, each other refused with 409."""
    partner_code = partner()

    def new_program() -> dict:
        return api(
            "POST",
            "/programs",
            201,
            json={
                "code": f"PLT-ST-{time.time_ns() % 10**9}",
                "title": "Pelatihan Manajemen Risiko",
                "form": "pelatihan",
                "delivery": "klasikal",
                "jp": 8,
                "partner_code": partner_code,
                "capacity": 5,
                "competencies": [{"code": "T-RISIKO", "target_level": 2}],
            },
        )

    def move(program_id: str, status: str, expect: int = 200) -> dict:
        return api("PUT", f"/programs/{program_id}/status", expect, json={"status": status})

    meeting = {"meetings": [{"date": "2027-02-01", "starts_at": "08:00", "ends_at": "14:00"}]}
    first = new_program()
    assert "angkatan" in move(first["id"], "published", 409)["detail"]  # publishing needs a batch
    for refused in ("running", "closed"):
        move(first["id"], refused, 409)  # not from draft
    api("POST", f"/programs/{first['id']}/batches", 201, json=meeting)
    assert move(first["id"], "published")["status"] == "published"
    move(first["id"], "draft", 422)  # nobody sends a program back to draft: not even a valid request
    assert move(first["id"], "running")["status"] == "running"
    move(first["id"], "published", 409)
    assert move(first["id"], "closed")["status"] == "closed"
    for refused in ("published", "running"):
        move(first["id"], refused, 409)
    api("POST", f"/programs/{first['id']}/batches", 409, json=meeting)  # a closed program takes no batch

    second = new_program()
    api("POST", f"/programs/{second['id']}/batches", 201, json=meeting)
    move(second["id"], "published")
    assert move(second["id"], "closed")["status"] == "closed"  # published → closed directly

    published = [e["data"]["program_id"] for e in relay_events(expected=2) if e["type"].endswith("ProgramPublished.v1")]
    assert sorted(published) == sorted([first["id"], second["id"]])  # one ProgramPublished each, no other event


def test_the_xlsx_template_filled_in_excel_imports(api, client, partner, program, employees):
    """The XLSX template as Excel keeps it: NIPs as text cells, the status typed in; imported back per row."""
    from openpyxl import load_workbook

    _, batch = program(partner(), days=2, first=dt.date.today() - dt.timedelta(days=5))
    nips = employees(2)
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": nips})
    template = client.get(f"/api/v1/training/batches/{batch['id']}/attendance-sheet?format=xlsx")
    assert template.status_code == 200 and template.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(template.data))
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["NIP", "Nama", "Pertemuan", "Tanggal", "Status", "Catatan"]
    assert {sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)} == set(nips)
    assert all(sheet.cell(row=r, column=1).number_format == "@" for r in range(2, sheet.max_row + 1))
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=5).value = "Hadir"
    filled = io.BytesIO()
    book.save(filled)
    report = api(
        "POST", f"/batches/{batch['id']}/attendance-sheet", data={"file": (io.BytesIO(filled.getvalue()), "hadir.xlsx")}
    )
    assert (report["accepted"], report["invalid"]) == (4, 0)
    roster = api("GET", f"/batches/{batch['id']}/enrollments")
    assert {r["attendance_share"] for r in roster} == {1.0}
    not_a_sheet = api(
        "POST", f"/batches/{batch['id']}/attendance-sheet", 422, data={"file": (io.BytesIO(b"x"), "hadir.pdf")}
    )
    assert not_a_sheet["errors"][0]["field"] == "file"


def test_a_nip_that_excel_stored_as_a_number_is_refused_with_what_to_do(api, partner, program, employees):
    """Excel keeps 15 significant digits: an 18-digit NIP typed into a number cell comes back with other last digits
    (or as 1.98503E+17 in a CSV). Such a row is refused with the guidance, in Indonesian first, never "not_found"."""
    from openpyxl import Workbook

    _, batch = program(partner(), days=2, first=dt.date.today() - dt.timedelta(days=5))
    [nip] = employees(1)
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": [nip]})
    book = Workbook()
    sheet = book.active
    sheet.append(["NIP", "Nama", "Pertemuan", "Tanggal", "Status", "Catatan"])
    sheet.append([float(nip), "", 1, "", "Hadir", ""])  # what Excel keeps of a NIP typed into a number cell
    sheet.append([nip, "", 2, "", "Entah", ""])  # a status nobody writes
    content = io.BytesIO()
    book.save(content)
    report = api(
        "POST", f"/batches/{batch['id']}/attendance-sheet", data={"file": (io.BytesIO(content.getvalue()), "x.xlsx")}
    )
    number_row, status_row = report["results"]
    assert (number_row["outcome"], number_row["field"]) == ("invalid", "NIP")
    assert "Format kolomnya sebagai Teks" in number_row["message"]
    assert status_row["message"] == "Tulis Hadir, Tidak hadir atau Izin."  # one language: the caller's
    english = api(
        "POST",
        f"/batches/{batch['id']}/attendance-sheet",
        data={"file": (io.BytesIO(b"NIP;Pertemuan;Status\n1.98503E+17;1;Hadir\n"), "x.csv")},
        headers={"Accept-Language": "en"},
    )
    assert "Excel keeps only 15 digits" in english["results"][0]["message"]
