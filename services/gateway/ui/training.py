"""Training pages: the calendar, programs, batches, enrolment, closing."""

from __future__ import annotations

import calendar
import datetime as dt

from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from services.gateway.ui.client import UIProblem, _act, api
from services.gateway.ui.session import _today, signed_in, t, ui


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
    competencies = api("GET", "needs", "/competencies")
    partners = api("GET", "training", "/partners")
    if request.method == "POST":
        form = request.form
        body = {
            "code": form.get("code", "").strip(),
            "title": form.get("title", "").strip(),
            "form": form.get("form"),
            "delivery": form.get("delivery"),
            "jp": form.get("jp", type=int),
            "partner_code": form.get("partner_code"),
            "capacity": form.get("capacity", type=int),
            "competencies": [{"code": form.get("competency_code"), "target_level": form.get("target_level", type=int)}],
        }
        meetings = [
            {
                "date": form.get(f"date{i}"),
                "starts_at": form.get(f"starts{i}") or "08:00",
                "ends_at": form.get(f"ends{i}") or "16:00",
            }
            for i in range(1, 4)
            if form.get(f"date{i}")
        ]
        try:
            program = api("POST", "training", "/programs", json=body)
        except UIProblem as problem:
            return render_template(
                "program_baru.html", competencies=competencies, partners=partners, form=form, problem=problem
            ), 422
        if meetings:
            try:
                api("POST", "training", f"/programs/{program['id']}/batches", json={"meetings": meetings})
            except UIProblem as problem:
                flash(problem.detail, "error")
        flash(t("Program dibuat.", "Program created."), "ok")
        return redirect(url_for("ui.program", program_id=program["id"]))
    return render_template("program_baru.html", competencies=competencies, partners=partners, form={}, problem=None)


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


@ui.route("/angkatan/<batch_id>/tutup", methods=["POST"])
@signed_in("admin")
def tutup(batch_id: str):
    return _act(
        lambda: api("POST", "training", f"/batches/{batch_id}/close"),
        t("Angkatan ditutup; kelulusan ditetapkan.", "Batch closed; completion decided."),
        url_for("ui.angkatan", batch_id=batch_id),
    )
