"""Training pages: the calendar, programs, batches, enrolment, attendance (roster, sheet, check-in QR), closing."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import segno
from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from services.gateway.ui.client import UIProblem, _act, api, download, flash_problem, passed_on
from services.gateway.ui.session import _today, current_user, signed_in, t, ui
from shared.catalogue import FORMS
from shared.web import context


@ui.route("/pelatihan")
@signed_in("admin")
def pelatihan():
    today = _today()
    month = request.args.get("month", type=int) or today.month
    year = request.args.get("year", type=int) or today.year
    programs = api("GET", "training", "/programs")
    by_id = {p["id"]: p for p in programs}
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    window = {"meets_from": first.isoformat(), "meets_until": last.isoformat()}
    days: dict[dt.date, list[dict]] = {}
    for batch in api("GET", "training", "/batches", params=window):  # one call for the month, not one per program
        for meeting in batch["meetings"]:
            day = dt.date.fromisoformat(meeting["date"])
            if first <= day <= last and batch["program_id"] in by_id:
                days.setdefault(day, []).append({"program": by_id[batch["program_id"]], "batch": batch})
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    previous = (dt.date(year, month, 1) - dt.timedelta(days=1)).replace(day=1)
    following = (dt.date(year, month, 28) + dt.timedelta(days=7)).replace(day=1)
    return render_template(
        "pelatihan.html",
        programs=programs,
        weeks=weeks,
        days=days,
        month=month,
        year=year,
        previous=previous,
        following=following,
        today=today,
    )


@ui.route("/pelatihan/baru", methods=["GET", "POST"])
@signed_in("admin")
def program_baru():
    """The whole program on one page: any number of target competencies and of meetings of its first batch. Without
    a script: "add a row" buttons send the form back with one more row, keeping what was typed."""
    competencies = api("GET", "needs", "/competencies")
    partners = api("GET", "training", "/partners")
    form = request.form
    targets = [
        {"code": code, "target_level": level}
        for code, level in zip(form.getlist("competency_code"), form.getlist("target_level"), strict=False)
    ] or [{"code": "", "target_level": "3"}]
    meetings = [
        {"date": date, "starts_at": starts, "ends_at": ends}
        for date, starts, ends in zip(
            form.getlist("date"), form.getlist("starts_at"), form.getlist("ends_at"), strict=False
        )
    ] or [{"date": "", "starts_at": "08:00", "ends_at": "16:00"}]
    action = form.get("action")
    if request.method == "POST" and action in ("add_competency", "add_meeting"):
        if action == "add_competency":
            targets.append({"code": "", "target_level": "3"})
        else:
            meetings.append({"date": "", "starts_at": meetings[-1]["starts_at"], "ends_at": meetings[-1]["ends_at"]})
        return _program_form(competencies, partners, form, targets, meetings, None)
    if request.method == "POST":
        names = {c["code"]: c["name"] for c in competencies}  # printed on the certificates
        body = {
            "code": form.get("code", "").strip(),
            "title": form.get("title", "").strip(),
            "form": form.get("form"),
            "delivery": form.get("delivery"),
            "jp": form.get("jp", type=int),
            "partner_code": form.get("partner_code"),
            "capacity": form.get("capacity", type=int),
            "competencies": [
                {"code": line["code"], "target_level": _int(line["target_level"])}
                | ({"name": names[line["code"]]} if line["code"] in names else {})
                for line in targets
                if line["code"]
            ],
        }
        schedule = [line for line in meetings if line["date"]]
        try:
            program = api("POST", "training", "/programs", json=body)
        except UIProblem as problem:
            return _program_form(competencies, partners, form, targets, meetings, problem), 422
        if schedule:
            try:
                api("POST", "training", f"/programs/{program['id']}/batches", json={"meetings": schedule})
            except UIProblem as problem:
                flash_problem(problem)
        flash(t("Program dibuat.", "Program created."), "ok")
        return redirect(url_for("ui.program", program_id=program["id"]))
    return _program_form(competencies, partners, {}, targets, meetings, None)


def _int(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _program_form(competencies, partners, form, targets, meetings, problem: UIProblem | None) -> str:
    field_errors = {
        e.get("field"): e.get("message") for e in (problem.errors if problem else []) if isinstance(e, dict)
    }
    return render_template(
        "program_baru.html",
        competencies=competencies,
        partners=partners,
        form=form,
        targets=targets,
        meetings=meetings,
        forms=FORMS,
        problem=problem,
        field_errors=field_errors,
    )


@ui.route("/pelatihan/<program_id>")
@signed_in("admin")
def program(program_id: str):
    found = api("GET", "training", f"/programs/{program_id}")
    batches = api("GET", "training", f"/programs/{program_id}/batches")
    return render_template("program.html", program=found, batches=batches)


@ui.route("/pelatihan/<program_id>/status", methods=["POST"])
@signed_in("admin")
def program_status(program_id: str):
    back = url_for("ui.program", program_id=program_id)
    return _act(
        lambda: api("PUT", "training", f"/programs/{program_id}/status", json={"status": request.form["status"]}),
        t("Status program diubah.", "Program status changed."),
        back,
    )


@ui.route("/angkatan/<batch_id>")
@signed_in("admin")
def angkatan(batch_id: str):
    batch = api("GET", "training", f"/batches/{batch_id}")
    program_ = api("GET", "training", f"/programs/{batch['program_id']}")
    roster = api("GET", "training", f"/batches/{batch_id}/enrollments")
    enrolled = {entry["nip"] for entry in roster}
    candidates = (
        []
        if batch.get("closed_at")
        else [
            c
            for c in api("GET", "training", f"/batches/{batch_id}/candidates", params={"limit": 100})
            if c["nip"] not in enrolled
        ]
    )
    return render_template("angkatan.html", batch=batch, program=program_, roster=roster, candidates=candidates)


@ui.route("/angkatan/<batch_id>/peserta", methods=["POST"])
@signed_in("admin")
def daftarkan(batch_id: str):
    nips = request.form.getlist("nip")
    return _act(
        lambda: api("POST", "training", f"/batches/{batch_id}/enrollments", json={"nips": nips}),
        t(f"{len(nips)} peserta didaftarkan.", f"{len(nips)} participant(s) enrolled."),
        url_for("ui.angkatan", batch_id=batch_id),
    )


@ui.route("/angkatan/<batch_id>/peserta/<nip>/tarik", methods=["GET", "POST"])
@signed_in("admin")
def tarik(batch_id: str, nip: str):
    """Withdraw a participant before the batch starts, optionally with someone taking the place (all or nothing)."""
    if request.method == "POST":
        body = {
            "reason": request.form.get("reason", "").strip(),
            "replacement_nip": request.form.get("replacement_nip") or None,
        }
        return _act(
            lambda: api("POST", "training", f"/batches/{batch_id}/enrollments/{nip}/withdrawal", json=body),
            t(f"{nip} ditarik dari angkatan.", f"{nip} withdrawn from the batch."),
            url_for("ui.angkatan", batch_id=batch_id),
        )
    batch = api("GET", "training", f"/batches/{batch_id}")
    program_ = api("GET", "training", f"/programs/{batch['program_id']}")
    roster = api("GET", "training", f"/batches/{batch_id}/enrollments")
    person = next((r for r in roster if r["nip"] == nip), None) or abort(404)
    enrolled = {r["nip"] for r in roster}
    candidates = [
        c
        for c in api("GET", "training", f"/batches/{batch_id}/candidates", params={"limit": 50})
        if c["nip"] not in enrolled
    ]
    return render_template("tarik.html", batch=batch, program=program_, person=person, candidates=candidates)


def batch_page(batch_id: str) -> str:
    """Where a batch is worked on: BKPSDM's batch page, or a partner user's own."""
    admin = current_user().has_role("admin")
    return url_for("ui.angkatan" if admin else "ui.mitra_angkatan", batch_id=batch_id)


@ui.route("/angkatan/<batch_id>/peserta/<nip>/post-test", methods=["POST"])
@signed_in("admin")
def post_test(batch_id: str, nip: str):
    score = request.form.get("score", type=float)
    return _act(
        lambda: api("PUT", "training", f"/batches/{batch_id}/enrollments/{nip}/post-test", json={"score": score}),
        t(f"Nilai post-test {nip} disimpan.", f"Post-test score of {nip} saved."),
        url_for("ui.angkatan", batch_id=batch_id),
    )


@ui.route("/angkatan/<batch_id>/pertemuan/<int:meeting_no>", methods=["GET", "POST"])
@signed_in("admin", "partner")
def kehadiran(batch_id: str, meeting_no: int):
    """BKPSDM marks a meeting from the roster: present, absent or excused, with a note (in-house trainings)."""
    if request.method == "POST":
        marks = [
            {
                "nip": nip,
                "status": request.form.get(f"status-{nip}"),
                "note": request.form.get(f"note-{nip}", "").strip() or None,
                "event_id": f"{request.form.get('form_id')}-{nip}",
            }
            for nip in request.form.getlist("nip")
            if request.form.get(f"status-{nip}") in ("present", "absent", "excused")
        ]
        if not marks:
            flash(
                t(
                    "Pilih status kehadiran setidaknya satu peserta.",
                    "Choose the attendance of at least one participant.",
                ),
                "error",
            )
            return redirect(request.path)
        try:
            report = api(
                "PUT", "training", f"/batches/{batch_id}/meetings/{meeting_no}/attendance", json={"records": marks}
            )
            flash(
                t(
                    f"Kehadiran {report['accepted']} peserta tercatat.",
                    f"Attendance of {report['accepted']} participant(s) recorded.",
                ),
                "ok",
            )
        except UIProblem as problem:
            flash_problem(problem)
        return redirect(url_for("ui.kehadiran", batch_id=batch_id, meeting_no=meeting_no))
    batch = api("GET", "training", f"/batches/{batch_id}")
    program_ = api("GET", "training", f"/programs/{batch['program_id']}")
    rows = api("GET", "training", f"/batches/{batch_id}/meetings/{meeting_no}/attendance")
    meeting = next(m for m in batch["meetings"] if m["meeting_no"] == meeting_no)
    return render_template(
        "kehadiran.html",
        batch=batch,
        program=program_,
        meeting=meeting,
        rows=rows,
        form_id=str(uuid.uuid4()),
        back=batch_page(batch_id),
    )


@ui.route("/angkatan/<batch_id>/pertemuan/<int:meeting_no>/jadwal", methods=["POST"])
@signed_in("admin")
def ubah_jadwal(batch_id: str, meeting_no: int):
    """BKPSDM moves a meeting; the participants are told (notifications) and their calendars follow."""
    body = {
        "date": request.form.get("date", ""),
        "starts_at": request.form.get("starts_at", ""),
        "ends_at": request.form.get("ends_at", ""),
        "place": request.form.get("place", "").strip() or None,
        "online": request.form.get("online") == "1",
    }
    return _act(
        lambda: api("PUT", "training", f"/batches/{batch_id}/meetings/{meeting_no}", json=body),
        t("Jadwal disimpan; peserta diberi tahu.", "Schedule saved; the participants are told."),
        url_for("ui.kehadiran", batch_id=batch_id, meeting_no=meeting_no),
    )


@ui.route("/angkatan/<batch_id>/daftar-hadir", methods=["GET", "POST"])
@signed_in("admin", "partner")
def daftar_hadir(batch_id: str):
    """The attendance sheet: download the template, import it filled in (per-row results)."""
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(
                t("Pilih berkas daftar hadir (.xlsx atau .csv).", "Choose the attendance sheet (.xlsx or .csv)."),
                "error",
            )
            return redirect(batch_page(batch_id))
        try:
            report = api(
                "POST",
                "training",
                f"/batches/{batch_id}/attendance-sheet",
                files=passed_on(upload),
            )
        except UIProblem as problem:
            flash_problem(problem)
            return redirect(batch_page(batch_id))
        return render_template("daftar_hadir.html", batch_id=batch_id, report=report, back=batch_page(batch_id))
    return download(
        "training", f"/batches/{batch_id}/attendance-sheet", f"daftar-hadir-{batch_id}.xlsx", {"format": "xlsx"}
    )


@ui.route("/angkatan/<batch_id>/pertemuan/<int:meeting_no>/daftar-hadir.pdf")
@signed_in("admin", "partner")
def daftar_hadir_pdf(batch_id: str, meeting_no: int):
    """The attendance sheet of one meeting for the participants' signatures."""
    return download(
        "training",
        f"/batches/{batch_id}/meetings/{meeting_no}/signature-sheet",
        f"daftar-hadir-{batch_id}-pertemuan-{meeting_no}.pdf",
    )


@ui.route("/angkatan/<batch_id>/surat-panggilan.pdf")
@signed_in("admin")
def surat_panggilan(batch_id: str):
    """The call-up letters of a batch, one to each OPD with participants."""
    return download("training", f"/batches/{batch_id}/call-up-letter", f"surat-panggilan-{batch_id}.pdf")


@ui.route("/angkatan/<batch_id>/pertemuan/<int:meeting_no>/qr")
@signed_in("admin")
def kode_hadir(batch_id: str, meeting_no: int):
    """The meeting's check-in QR code for a screen at the venue; the page reloads itself before the code changes."""
    shown = api("GET", "training", f"/batches/{batch_id}/meetings/{meeting_no}/check-in-code")
    link = request.host_url.rstrip("/") + shown["path"]
    qr = segno.make(link, error="m").svg_inline(scale=8, title=t("Kode QR kehadiran", "Check-in QR code"))
    return render_template(
        "kode_hadir.html",
        qr=qr,  # segno's SVG of our own link: shown with |safe, like the charts
        link=link,
        batch_id=batch_id,
        meeting_no=meeting_no,
        refresh=max(5, shown["rotate_seconds"] // 2),
    )


@ui.route("/hadir", methods=["GET", "POST"])
@signed_in("employee", "supervisor")
def hadir():
    """A participant at the venue, after scanning the QR code: one button records their presence."""
    code = request.values.get("kode", "")
    result = error = None
    if request.method == "POST":
        try:
            result = api("POST", "training", "/check-in", json={"code": code})
        except UIProblem as problem:
            error = problem.detail
    return render_template("hadir.html", code=code, result=result, error=error), 200 if not error else 400


@ui.route("/angkatan/<batch_id>/tutup", methods=["GET", "POST"])
@signed_in("admin")
def tutup(batch_id: str):
    """Closing asks for confirmation (it decides every participant's completion); before the last meeting has
    ended it also asks why."""
    batch = api("GET", "training", f"/batches/{batch_id}")
    if request.method == "POST" and request.form.get("confirm") == "yes":
        body = {"force_reason": request.form.get("force_reason", "").strip() or None}
        return _act(
            lambda: api("POST", "training", f"/batches/{batch_id}/close", json=body),
            t("Angkatan ditutup; kelulusan ditetapkan.", "Batch closed; completion decided."),
            url_for("ui.angkatan", batch_id=batch_id),
        )
    last = batch["meetings"][-1]
    ended = dt.datetime.now(ZoneInfo(context().settings.timezone)) >= dt.datetime.combine(
        dt.date.fromisoformat(last["date"]),
        dt.time.fromisoformat(last["ends_at"]),
        ZoneInfo(context().settings.timezone),
    )
    program_ = api("GET", "training", f"/programs/{batch['program_id']}")
    roster = api("GET", "training", f"/batches/{batch_id}/enrollments")
    return render_template("tutup.html", batch=batch, program=program_, roster=roster, ended=ended, last=last)


@ui.route("/angkatan/<batch_id>/buka-kembali", methods=["POST"])
@signed_in("admin")
def buka_kembali(batch_id: str):
    reason = request.form.get("reason", "").strip()
    return _act(
        lambda: api("POST", "training", f"/batches/{batch_id}/reopen", json={"reason": reason}),
        t(
            "Angkatan dibuka kembali: kelulusan dibatalkan (JP ditarik, tugas evaluasi terbuka dibatalkan). Perbaiki lalu tutup lagi.",
            "Batch reopened: completions revoked (JP withdrawn, open evaluation tasks cancelled). Correct it, then close it again.",
        ),
        url_for("ui.angkatan", batch_id=batch_id),
    )
