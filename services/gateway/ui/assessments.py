"""Knowing what the ASN hold, in the web UI: BKPSDM imports an assessment centre's results, a supervisor assesses
their team, an employee records a self-assessment (shown, never counted: it opens or closes no need)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from services.gateway.ui.client import UIProblem, api, api_all, flash_problem, passed_on
from services.gateway.ui.labels import ASSESSMENT_SOURCES
from services.gateway.ui.session import _today, current_user, label, signed_in, t, ui


@ui.route("/penilaian/impor", methods=["GET", "POST"])
@signed_in("admin")
def asesmen_impor():
    """An assessment centre's or competency test's results file; every row's outcome shown with its row number."""
    report = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(t("Pilih berkas hasil asesmen (.xlsx atau .csv).", "Choose a results file (.xlsx or .csv)."), "error")
            return redirect(url_for("ui.asesmen_impor"))
        try:
            report = api("POST", "needs", "/assessments/imports", files=passed_on(upload))
        except UIProblem as problem:
            flash_problem(problem)
            return redirect(url_for("ui.asesmen_impor"))
    return render_template("penilaian_impor.html", report=report)


@ui.route("/atasan/tim")
@signed_in("supervisor")
def tim():
    """The ASN a supervisor supervises, each with what is still unassessed."""
    return render_template("tim.html", team=api_all("needs", "/my/team", {}))


@ui.route("/atasan/tim/<nip>", methods=["GET", "POST"])
@signed_in("supervisor")
def nilai_anggota(nip: str):
    """A supervisor assesses one member of their team, competency by competency."""
    return _assess(nip, "supervisor", url_for("ui.nilai_anggota", nip=nip))


@ui.route("/saya/penilaian-diri", methods=["GET", "POST"])
@signed_in("employee", "supervisor")
def penilaian_diri():
    """An employee's own view of their levels: recorded and shown beside the counted level, never counted."""
    return _assess(current_user().subject, "self", url_for("ui.penilaian_diri"))


def _assess(nip: str, source: str, back: str):
    profile = api("GET", "needs", f"/employees/{nip}/profile")
    if request.method == "POST":
        recorded, refused = 0, []
        for item in profile["competencies"]:
            level = request.form.get(f"level-{item['competency_code']}", type=int)
            if not level:
                continue
            body = {
                "competency_code": item["competency_code"],
                "level": level,
                "source": source,
                "assessed_on": request.form.get("assessed_on") or _today().isoformat(),
                "evidence": request.form.get("evidence", "").strip(),
            }
            try:
                api("POST", "needs", f"/employees/{nip}/assessments", json=body)
                recorded += 1
            except UIProblem as problem:
                refused.append(problem)
        if recorded:
            flash(t(f"{recorded} penilaian tercatat.", f"{recorded} assessment(s) recorded."), "ok")
        for problem in refused:
            flash_problem(problem)
        return redirect(back)
    return render_template(
        "nilai_kompetensi.html",
        profile=profile,
        source=source,
        source_label=label(ASSESSMENT_SOURCES, source),
        today=_today().isoformat(),
    )
