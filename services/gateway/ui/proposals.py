"""An OPD user's own unit, and the yearly AKPK's proposals (usulan) in the web UI, one page for every role: an employee proposes for themself, the
supervisor agrees their team's, the OPD proposes for its people and submits, BKPSDM validates or returns with a
reason. Each person sees and may do only what the needs service allows them."""

from __future__ import annotations

import calendar

from flask import render_template, request, url_for

from services.gateway.ui.client import _act, api, api_all, names_of
from services.gateway.ui.labels import FORMS, MONTHS, PROPOSAL_STATES
from services.gateway.ui.session import _today, current_user, label, signed_in, t, ui

ACTION_WORDS = {
    "agree": ("Usulan disetujui.", "Proposal agreed."),
    "submit": ("Usulan diajukan ke BKPSDM.", "Proposal submitted to BKPSDM."),
    "validate": ("Usulan divalidasi.", "Proposal validated."),
    "return": ("Usulan dikembalikan dengan alasannya.", "Proposal returned with its reason."),
    "withdraw": ("Usulan ditarik.", "Proposal withdrawn."),
}


@ui.route("/usulan", methods=["GET", "POST"])
@signed_in("admin", "opd", "supervisor", "employee")
def usulan():
    year = request.values.get("year", type=int) or _today().year + 1
    user = current_user()
    if request.method == "POST":
        nip = user.subject if not user.has_role("admin", "opd") else request.form.get("nip", "").strip()
        body = {
            "year": year,
            "nip": nip,
            "competency_code": request.form.get("competency_code", ""),
            "form": request.form.get("form", ""),
            "jp": request.form.get("jp", type=int),
            "quantity": request.form.get("quantity", type=int),
            "month": request.form.get("month", type=int),
            "estimated_cost": request.form.get("estimated_cost", type=int),  # empty: by the year's SBU
            "note": request.form.get("note", "").strip(),
        }
        return _act(
            lambda: api("POST", "needs", "/proposals", json=body),
            t("Usulan tersimpan sebagai draf.", "Proposal saved as a draft."),
            url_for("ui.usulan", year=year),
        )
    proposals = api_all("needs", "/proposals", {"year": year})
    opd = user.has_role("opd") and not user.has_role("admin")
    people = api_all("needs", "/employees", {"active": "true"}) if opd else []
    # an OPD proposes from its people's needs: the highest priorities first, each filling the form below
    needs = api("GET", "needs", "/needs", params={"status": "open", "page_size": 10}) if opd else []
    return render_template(
        "usulan.html",
        year=year,
        proposals=proposals,
        people=[(p["nip"], f"{p['name']} ({p['nip']})") for p in people],
        needs=needs,
        chosen={key: request.args.get(key) for key in ("nip", "competency_code")},
        competencies=sorted(names_of("competency").items(), key=lambda entry: entry[1]),
        forms=[(code, label(FORMS, code)) for code in FORMS],
        months=[(month, t(MONTHS[month - 1], calendar.month_name[month])) for month in range(1, 13)],
        state_label=lambda s: label(PROPOSAL_STATES, s),
        form_label=lambda f: label(FORMS, f),
    )


@ui.route("/opd")
@signed_in("opd")
def opd_unit():
    """An OPD user's own unit: its 20-JP compliance, who is behind, its part of the plan; the services keep it there."""
    year = request.args.get("year", type=int) or _today().year
    compliance = api("GET", "needs", "/jp/compliance", params={"year": year})
    behind = api_all("needs", "/jp/behind", {"year": year})
    plan = api("GET", "needs", "/plan", params={"year": year})
    return render_template(
        "opd.html", year=year, compliance=compliance[0] if compliance else None, behind=behind, plan=plan
    )


@ui.route("/usulan/<proposal_id>/<any(agree, submit, validate, return, withdraw):action>", methods=["POST"])
@signed_in("admin", "opd", "supervisor", "employee")
def usulan_langkah(proposal_id: str, action: str):
    year = request.form.get("year", type=int)
    reason = request.form.get("reason", "").strip() or None
    return _act(
        lambda: api("POST", "needs", f"/proposals/{proposal_id}/{action}", json={"reason": reason}),
        t(*ACTION_WORDS[action]),
        url_for("ui.usulan", year=year) if year else url_for("ui.usulan"),
    )
