"""The audit trail in the web UI: BKPSDM and auditors search who changed what and when (by person, object, action,
service and days), open one entry with what it changed against the one before it, and export what they found. An
auditor reads only: no page here changes anything, and every other page refuses the role."""

from __future__ import annotations

from flask import abort, render_template, request

from services.gateway.ui.client import api, api_page, download
from services.gateway.ui.labels import SERVICES
from services.gateway.ui.session import signed_in, ui

FILTERS = ("actor", "object", "action", "service", "request_id", "since", "until")


def _filters() -> dict[str, str]:
    return {name: value.strip() for name in FILTERS if (value := request.args.get(name, "")).strip()}


@ui.route("/jejak-audit")
@signed_in("admin", "auditor")
def jejak_audit():
    filters = _filters()
    listed = api_page("audit", "/entries", filters)
    return render_template(
        "jejak_audit.html",
        entries=listed.items,
        total=listed.total,
        page=listed.number,
        pages=listed.pages,
        filters=filters,
        services=SERVICES,
    )


@ui.route("/jejak-audit/<entry_id>")
@signed_in("admin", "auditor")
def jejak_audit_entri(entry_id: str):
    return render_template(
        "jejak_audit_entri.html", entry=api("GET", "audit", f"/entries/{entry_id}"), services=SERVICES
    )


@ui.route("/jejak-audit/unduh.<file_format>")
@signed_in("admin", "auditor")
def jejak_audit_unduh(file_format: str):
    if file_format not in ("csv", "xlsx"):
        abort(404)
    return download("audit", "/exports/entries", f"jejak-audit.{file_format}", {**_filters(), "format": file_format})
