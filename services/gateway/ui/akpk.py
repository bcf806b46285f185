"""The yearly AKPK's plan in the web UI: the forms of development and their JP conversion (everyone), the year's plan
(BKPSDM: the SBU, approving a version with its reason, the calendar; an OPD: its own lines), a version, two versions
side by side, the realisation per OPD and the files for the budget team and the AKPK report."""

from __future__ import annotations

from flask import abort, render_template, request, url_for

from services.gateway.ui.client import _act, api, download
from services.gateway.ui.labels import EVALUATION_LEVELS, EVIDENCE, FORM_KINDS, FORM_UNITS, FORMS
from services.gateway.ui.session import _today, current_user, label, signed_in, t, ui

SHAPES = {"akpk": "akpk", "anggaran": "anggaran"}


@ui.route("/bentuk-pengembangan")
@signed_in("admin", "opd", "supervisor", "employee")
def development_forms():
    """Every form of development, how its JP is counted, which evaluation applies and what completes it."""
    table = api("GET", "needs", "/forms")
    return render_template(
        "bentuk.html",
        table=table,
        kind_label=lambda k: label(FORM_KINDS, k),
        unit_label=lambda u: label(FORM_UNITS, u),
        evidence_label=lambda e: label(EVIDENCE, e),
        level_label=lambda v: label(EVALUATION_LEVELS, v),
    )


@ui.route("/rencana-tahunan")
@signed_in("admin", "opd")
def annual_plan():
    year = _year()
    admin = current_user().has_role("admin")
    versions = api("GET", "needs", f"/plans/{year}/versions")
    return render_template(
        "rencana_tahunan.html",
        year=year,
        versions=versions,
        sbu={row["form"]: row for row in api("GET", "needs", f"/sbu/{year}")},
        realisation=api("GET", "needs", f"/plans/{year}/realisation"),
        calendar=api("GET", "needs", f"/plans/{year}/calendar") if admin else None,
        waiting=bool(api("GET", "needs", "/proposals", params={"year": year, "status": "validated", "page_size": 1})),
        forms=FORMS,
    )


@ui.route("/rencana-tahunan/sbu", methods=["POST"])
@signed_in("admin")
def standard_costs():
    year = _year()
    costs = [
        {"form": form, "basis": request.form.get(f"basis-{form}", "participant"), "rupiah": rupiah}
        for form in FORMS
        if (rupiah := request.form.get(f"rupiah-{form}", type=int)) is not None
    ]
    return _act(
        lambda: api("PUT", "needs", f"/sbu/{year}", json={"costs": costs}),
        t("Standar biaya disimpan.", "Standard costs saved."),
        url_for("ui.annual_plan", year=year),
    )


@ui.route("/rencana-tahunan/tetapkan", methods=["POST"])
@signed_in("admin")
def approve_plan():
    year = _year()
    reason = request.form.get("reason", "").strip() or None
    return _act(
        lambda: api("POST", "needs", f"/plans/{year}/versions", json={"reason": reason}),
        t("Rencana ditetapkan sebagai versi baru.", "The plan is approved as a new version."),
        url_for("ui.annual_plan", year=year),
    )


@ui.route("/rencana-tahunan/versi/<int:number>")
@signed_in("admin", "opd")
def plan_version(number: int):
    year = _year()
    return render_template(
        "rencana_versi.html", year=year, version=api("GET", "needs", f"/plans/{year}/versions/{number}")
    )


@ui.route("/rencana-tahunan/bandingkan")
@signed_in("admin", "opd")
def compare_versions():
    year = _year()
    before, after = request.args.get("before", type=int), request.args.get("after", type=int)
    if not before or not after:
        abort(404)
    found = api("GET", "needs", f"/plans/{year}/compare", params={"before": before, "after": after})
    return render_template("rencana_banding.html", year=year, compared=found)


@ui.route("/rencana-tahunan/unduh/<int:number>/<shape>.xlsx")
@signed_in("admin", "opd")
def plan_file(number: int, shape: str):
    """A version as a file: ``akpk`` (a line per ASN) or ``anggaran`` (Rupiah per OPD and form)."""
    year, shape = _year(), SHAPES.get(shape) or abort(404)
    path, params = f"/exports/plans/{year}/versions/{number}", {"shape": shape, "format": "xlsx"}
    return download("needs", path, f"{shape}-{year}-v{number}.xlsx", params)


@ui.route("/rencana-tahunan/realisasi.xlsx")
@signed_in("admin", "opd")
def realisation_file():
    year = _year()
    return download("needs", f"/exports/plans/{year}/realisation", f"realisasi-{year}.xlsx", {"format": "xlsx"})


def _year() -> int:
    return request.values.get("year", type=int) or _today().year
