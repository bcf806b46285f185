"""Training pages: the calendar, programs, batches, enrolment, pre- and post-tests, closing and reopening (attendance has its
own module)."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from services.gateway.ui.client import UIProblem, _act, api, flash_problem
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
            "quantity": form.get("quantity", type=int),
            "coach_name": form.get("coach_name", "").strip() or None,
            "coach_nip": form.get("coach_nip", "").strip() or None,
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


TESTS = {"pre-test": ("Nilai pre-test", "Pre-test score"), "post-test": ("Nilai post-test", "Post-test score")}


@ui.route("/angkatan/<batch_id>/peserta/<nip>/<any('pre-test', 'post-test'):test>", methods=["POST"])
@signed_in("admin")
def test_score(batch_id: str, nip: str, test: str):
    """BKPSDM enters a participant's pre-test or post-test score."""
    return save_test_score(
        f"/batches/{batch_id}/enrollments/{nip}/{test}", nip, test, url_for("ui.angkatan", batch_id=batch_id)
    )


@ui.route("/angkatan/<batch_id>/peserta/<nip>/bukti", methods=["POST"])
@signed_in("admin")
def evidence(batch_id: str, nip: str):
    """BKPSDM records the report or product a participant handed in (a magang, a workshop, a coaching)."""
    return save_evidence(
        f"/batches/{batch_id}/enrollments/{nip}/evidence", nip, url_for("ui.angkatan", batch_id=batch_id)
    )


def save_evidence(path: str, nip: str, back: str):
    received = request.form.get("evidence", "").strip() or None
    return _act(
        lambda: api("PUT", "training", path, json={"evidence": received}),
        t(f"Laporan/produk {nip} disimpan.", f"Report/product of {nip} saved."),
        back,
    )


def save_test_score(path: str, nip: str, test: str, back: str):
    score = request.form.get("score", type=float)
    return _act(
        lambda: api("PUT", "training", path, json={"score": score}),
        t(f"{TESTS[test][0]} {nip} disimpan.", f"{TESTS[test][1]} of {nip} saved."),
        back,
    )


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
