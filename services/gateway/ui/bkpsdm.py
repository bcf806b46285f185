"""BKPSDM's pages: the dashboard, an OPD's JP, the needs and plan, downloads, an employee's page; the ops page."""

from __future__ import annotations

import calendar

from flask import (
    abort,
    render_template,
    request,
)

from services.gateway.ui import charts
from services.gateway.ui.client import api, api_all, api_page, api_together, download
from services.gateway.ui.people import _levels_chart
from services.gateway.ui.session import _today, signed_in, t, ui
from shared.web import context


def _heatmap(plan: list[dict], step: str, title: str) -> str:
    """OPD × competency: the ASN of the plan's lines of ``step`` (develop: in need; assess_first: unassessed)."""
    lines = [line for line in plan if line["step"] == step]
    units = sorted({line["unit_code"] or "-" for line in lines})
    unit_names = {line["unit_code"] or "-": line.get("unit_name") or line["unit_code"] or "-" for line in lines}
    competencies = sorted({line["competency_code"] for line in lines})
    competency_names = {
        line["competency_code"]: line.get("competency_name") or line["competency_code"] for line in lines
    }
    values: dict[tuple[str, str], float] = {}
    for line in lines:
        key = (line["unit_code"] or "-", line["competency_code"])
        values[key] = values.get(key, 0) + line["employees"]
    return charts.heatmap(
        title, units, competencies, values, row_labels=unit_names, column_labels=competency_names, name=f"peta-{step}"
    )


@ui.route("/ops")
@signed_in("ops")
def ops():
    """Operators work with the probes, metrics and dashboards (docs/operations.md), not with people's data."""
    return render_template("ops.html", upstreams=context().settings.upstreams())


@ui.route("/bkpsdm")
@signed_in("admin")
def bkpsdm():
    year = request.args.get("year", type=int) or _today().year
    first = _today().replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    plan, compliance, running, overdue, simpeg = api_together(
        ("GET", "needs", "/plan", {"params": {"year": year}}),
        ("GET", "needs", "/jp/compliance", {"params": {"year": year}}),
        (
            "GET",
            "training",
            "/programs",
            {"params": {"starts_from": first.isoformat(), "starts_until": last.isoformat()}},
        ),
        ("GET", "evaluation", "/overdue/by-unit", {}),
        ("GET", "needs", "/simpeg/status", {}),
    )
    heatmap = _heatmap(
        plan,
        "develop",
        t(
            f"Kesenjangan kompetensi {year}: jumlah ASN per OPD dan kompetensi",
            f"Competency gaps {year}: ASN per OPD and competency",
        ),
    )
    unassessed = _heatmap(
        plan,
        "assess_first",
        t(
            f"Belum dinilai {year}: jumlah ASN per OPD dan kompetensi",
            f"Not yet assessed {year}: ASN per OPD and competency",
        ),
    )
    return render_template(
        "bkpsdm.html",
        year=year,
        heatmap=heatmap,
        unassessed=unassessed,
        plan=plan,
        compliance=compliance,
        running=running,
        overdue=overdue,
        simpeg=simpeg,
    )


@ui.route("/bkpsdm/jp/<unit_code>")
@signed_in("admin")
def jp_opd(unit_code: str):
    year = request.args.get("year", type=int) or _today().year
    behind = api_all("needs", "/jp/behind", {"year": year, "unit_code": unit_code})
    return render_template("jp_opd.html", year=year, unit_code=unit_code, behind=behind)


@ui.route("/kebutuhan")
@signed_in("admin")
def kebutuhan():
    year = request.args.get("year", type=int) or _today().year
    unit = request.args.get("unit_code") or None
    params = {"year": year, **({"unit_code": unit} if unit else {})}
    plan, units = api_together(
        ("GET", "needs", "/plan", {"params": params}),
        ("GET", "needs", "/units", {}),  # a cheap listing
    )
    units = [(u["unit_code"], u["unit_name"]) for u in units]
    listed = api_page("needs", "/needs", {**params, "status": "open"})
    return render_template(
        "kebutuhan.html",
        year=year,
        unit=unit,
        plan=plan,
        needs=listed.items,
        units=units,
        page=listed.number,
        pages=listed.pages,
        filters={"year": year, **({"unit_code": unit} if unit else {})},
    )


@ui.route("/unduh/<report>.xlsx")
@signed_in("admin")
def unduh(report: str):
    path = {"rencana": "/exports/plan", "kesenjangan": "/exports/gaps"}.get(report) or abort(404)
    year = request.args.get("year", type=int) or _today().year
    return download("needs", path, f"{report}-{year}.xlsx", {"year": year, "format": "xlsx"})


@ui.route("/pegawai/<nip>")
@signed_in("admin", "supervisor", "employee")
def pegawai(nip: str):
    profile = api("GET", "needs", f"/employees/{nip}/profile")
    chart = _levels_chart(
        profile, t("Level kompetensi dibanding standar jabatan", "Competency levels against the position's standard")
    )
    return render_template("pegawai.html", profile=profile, chart=chart)
