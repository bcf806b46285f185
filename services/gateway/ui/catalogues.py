"""BKPSDM's catalogues in the web UI: the competency dictionary (with its five level descriptors) and the partner
institutions with their keys (the secret shown once) and their people's accounts. The services decide; refusals come
back as messages."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from services.gateway import handlers as gateway_handlers
from services.gateway.ui.client import UIProblem, api, flash_problem, in_our_words
from services.gateway.ui.labels import COMPETENCY_GROUPS, PARTNER_KINDS
from services.gateway.ui.session import label, signed_in, t, ui
from shared.errors import AppError
from shared.web import context


def _competency_from_form() -> dict:
    return {
        "name": request.form.get("name", "").strip(),
        "group": request.form.get("group", ""),
        "description": request.form.get("description", "").strip(),
        "level_descriptors": [request.form.get(f"level_{n}", "").strip() for n in range(1, 6)],
        "active": request.form.get("active", "yes") == "yes",
    }


@ui.route("/kompetensi", methods=["GET", "POST"])
@signed_in("admin")
def kompetensi():
    """The competency dictionary: every entry with its group and level descriptors; a form for a new one."""
    draft: dict = {}
    if request.method == "POST":
        draft = {"code": request.form.get("code", "").strip().upper(), **_competency_from_form()}
        try:
            api("POST", "needs", "/competencies", json=draft)
            flash(t(f"Kompetensi {draft['code']} ditambahkan.", f"Competency {draft['code']} added."), "ok")
            return redirect(url_for("ui.kompetensi"))
        except UIProblem as problem:
            flash_problem(problem)
    group = request.args.get("group") or None
    params = {"group": group} if group else {}
    entries = api("GET", "needs", "/competencies", params=params)
    return render_template(
        "kompetensi.html",
        entries=entries,
        recomputes=recomputes_under_way(),
        groups_named=[(g, label(COMPETENCY_GROUPS, g)) for g in COMPETENCY_GROUPS],
        group=group,
        group_label=lambda g: label(COMPETENCY_GROUPS, g),
        draft=draft,
    ), (422 if draft else 200)


def recomputes_under_way() -> list[dict]:
    """The recomputes a large change queued for the needs worker and not yet done (shown with their progress)."""
    return [r for r in api("GET", "needs", "/recompute-runs") if r["status"] in ("queued", "running")]


@ui.route("/kompetensi/<code>", methods=["GET", "POST"])
@signed_in("admin")
def kompetensi_ubah(code: str):
    if request.method == "POST":
        try:
            api("PUT", "needs", f"/competencies/{code}", json=_competency_from_form())
            flash(t(f"Kompetensi {code} diperbarui.", f"Competency {code} updated."), "ok")
            return redirect(url_for("ui.kompetensi"))
        except UIProblem as problem:
            flash_problem(problem)
    entry = api("GET", "needs", f"/competencies/{code}")
    return render_template(
        "kompetensi_ubah.html",
        entry=entry,
        groups_named=[(g, label(COMPETENCY_GROUPS, g)) for g in COMPETENCY_GROUPS],
        group_label=lambda g: label(COMPETENCY_GROUPS, g),
    )


@ui.route("/mitra", methods=["GET", "POST"])
@signed_in("admin")
def mitra():
    """Partner institutions; a new one gets its first key, whose secret is shown on this page once."""
    credential = None
    if request.method == "POST":
        body = {
            "code": request.form.get("code", "").strip().upper(),
            "name": request.form.get("name", "").strip(),
            "kind": request.form.get("kind", ""),
            "contact_name": request.form.get("contact_name", "").strip() or None,
            "contact_email": request.form.get("contact_email", "").strip() or None,
        }
        try:
            created = api("POST", "training", "/partners", json=body)
            credential = {"partner": created["partner"]["code"], **created["credential"]}
        except UIProblem as problem:
            flash_problem(problem)
    partners = api("GET", "training", "/partners")
    return render_template(
        "mitra.html",
        partners=partners,
        kinds=PARTNER_KINDS,
        kind_label=lambda k: label(PARTNER_KINDS, k),
        credential=credential,
    )


@ui.route("/mitra/<code>", methods=["GET", "POST"])
@signed_in("admin")
def mitra_kunci(code: str):
    """A partner's keys: issue a new one (rotation: the old one keeps working until revoked), revoke one."""
    credential = None
    if request.method == "POST":
        try:
            if request.form.get("revoke"):
                api("DELETE", "training", f"/partners/{code}/keys/{request.form['revoke']}")
                flash(
                    t(
                        "Kunci dicabut; permintaan dengannya ditolak dalam satu menit.",
                        "Key revoked; requests with it are refused within a minute.",
                    ),
                    "ok",
                )
            else:
                credential = {"partner": code, **api("POST", "training", f"/partners/{code}/keys")}
        except UIProblem as problem:
            flash_problem(problem)
    partner = next((p for p in api("GET", "training", "/partners") if p["code"] == code), None)
    if partner is None:
        raise UIProblem(404, t(f"Tidak ada mitra {code}.", f"No partner {code}."))
    keys = api("GET", "training", f"/partners/{code}/keys")
    with context().database.sessions() as db:
        users, _ = gateway_handlers.accounts(db, {"partner_code": code}, 1, 100)
        db.expunge_all()
    return render_template("mitra_kunci.html", partner=partner, keys=keys, credential=credential, users=users)


@ui.route("/mitra/<code>/pengguna", methods=["POST"])
@signed_in("admin")
def mitra_pengguna(code: str):
    """An account for a person of the partner institution: their batches only; activated from the e-mail."""
    form = request.form
    try:
        with context().uow() as uow:
            gateway_handlers.create_account(
                uow,
                form.get("username", "").strip(),
                None,
                ["partner"],
                None,
                name=form.get("name", "").strip() or None,
                email=form.get("email", "").strip() or None,
                partner_code=code,
            )
        flash(
            t(
                "Akun pengguna mitra dibuat; tautan aktivasi dikirim ke surelnya.",
                "Partner user created; the activation link goes to their e-mail.",
            ),
            "ok",
        )
    except AppError as refused:
        flash_problem(in_our_words(refused))
    return redirect(url_for("ui.mitra_kunci", code=code))
