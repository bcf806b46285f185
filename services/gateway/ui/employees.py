"""BKPSDM's pages of employees: the list (search, sort and pages on the server, XLSX), importing a SIMPEG export
file with a progress bar and per-row results, and the SIMPEG runs."""

from __future__ import annotations

from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from services.gateway.ui.client import UIProblem, api, api_page, download, flash_problem, passed_on
from services.gateway.ui.session import signed_in, t, ui

PAGE_SIZE = 50
FILTERS = ("q", "unit_code", "employment_status", "active", "sort")


def _filters() -> dict[str, str]:
    chosen = {key: request.args.get(key, "").strip() for key in FILTERS}
    return {key: value for key, value in chosen.items() if value}


@ui.route("/pegawai")
@signed_in("admin")
def pegawai_daftar():
    filters = {"sort": "name", **_filters()}  # by name unless the person chose another column
    listed = api_page("needs", "/employees", filters, PAGE_SIZE)
    return render_template(
        "pegawai_daftar.html",
        employees=listed.items,
        filters=filters,
        page=listed.number,
        pages=listed.pages,
        total=listed.total,
    )


@ui.route("/pegawai.xlsx")
@signed_in("admin")
def pegawai_unduh():
    return download("needs", "/exports/employees", "pegawai.xlsx", {**_filters(), "format": "xlsx"})


@ui.route("/pegawai/impor", methods=["GET", "POST"])
@signed_in("admin")
def pegawai_impor():
    """An export file is handed to the needs worker; the person follows it on the run's page."""
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(
                t("Pilih berkas ekspor SIMPEG (.xlsx atau .csv).", "Choose a SIMPEG export file (.xlsx or .csv)."),
                "error",
            )
            return redirect(url_for("ui.pegawai_impor"))
        try:
            run = api(
                "POST",
                "needs",
                "/simpeg/import-runs",
                params={"deactivate_missing": "true" if request.form.get("deactivate_missing") else "false"},
                files=passed_on(upload),
            )
        except UIProblem as problem:
            flash_problem(problem)
            return redirect(url_for("ui.pegawai_impor"))
        return redirect(url_for("ui.simpeg_proses", run_id=run["id"]))
    return render_template("pegawai_impor.html")


@ui.route("/simpeg")
@signed_in("admin")
def simpeg():
    status = api("GET", "needs", "/simpeg/status")
    return render_template("simpeg.html", status=status, runs=api("GET", "needs", "/simpeg/sync-runs"))


@ui.route("/simpeg/sinkron", methods=["POST"])
@signed_in("admin")
def simpeg_sinkron():
    try:
        run = api("POST", "needs", "/simpeg/sync-runs", json={})
    except UIProblem as problem:
        flash_problem(problem)
        return redirect(url_for("ui.simpeg"))
    return redirect(url_for("ui.simpeg_proses", run_id=run["id"]))


@ui.route("/simpeg/proses/<run_id>")
@signed_in("admin")
def simpeg_proses(run_id: str):
    """A sync or import: a progress bar while it runs (the page reloads itself), then its report row by row."""
    run = api("GET", "needs", f"/simpeg/sync-runs/{run_id}")
    running = run["status"] in ("queued", "running")
    percent = round(100 * run["done"] / run["total"]) if run.get("total") else (0 if running else 100)
    return render_template("simpeg_proses.html", run=run, running=running, percent=percent)
