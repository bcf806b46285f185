"""Pages of attendance: by meeting (BKPSDM and the partner), the signature sheet, the call-up letter, the venue's QR
code, and an ASN checking in with it."""

from __future__ import annotations

import uuid

import segno
from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from services.gateway.ui.client import UIProblem, _act, api, download, flash_problem, passed_on
from services.gateway.ui.session import signed_in, t, ui
from services.gateway.ui.training import batch_page


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
