"""Accounts in the web UI: activating one (first sign-in) and resetting a password, for everybody; managing
accounts and printing activation codes for an OPD, for BKPSDM. The gateway's own handlers do the work."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for

from services.gateway import domain, handlers
from services.gateway.commands import AccountChange
from services.gateway.rate_limits import RateLimited, take_rate_limit
from services.gateway.ui.client import flash_problem, in_our_words
from services.gateway.ui.labels import ACCOUNT_STATUSES, ROLE_LABELS
from services.gateway.ui.session import _check_csrf, _set_session_cookies, current_user, label, signed_in, t, ui
from shared.errors import AppError, Unauthorized
from shared.web import context


@ui.route("/aktivasi", methods=["GET", "POST"])
def aktivasi():
    """First sign-in (or a reset): the code from the e-mail or the printed sheet sets the password."""
    error = None
    username = request.values.get("u", request.form.get("username", "")).strip()
    code = request.values.get("kode", request.form.get("code", "")).strip()
    if request.method == "POST":
        _check_csrf()
        password, again = request.form.get("password", ""), request.form.get("password_again", "")
        settings = context().settings
        if password != again:
            error = t("Kedua kata sandi tidak sama.", "The two passwords differ.")
        elif problem := domain.password_problem(password):
            error = t(f"Kata sandi minimal {domain.MIN_PASSWORD_LENGTH} karakter.", problem)
        else:
            try:
                take_rate_limit(f"login:{username}:{request.remote_addr}", settings.login_rate_limit_per_minute)
                with context().uow() as uow:
                    tokens = handlers.set_password(uow, settings, username, code, password)
            except RateLimited as limited:
                error = t(f"Terlalu banyak percobaan; coba lagi dalam {limited.reset} detik.", str(limited))
            except Unauthorized:
                error = t(
                    "Kode tidak berlaku: salah, sudah dipakai, atau kedaluwarsa. Minta kode baru ke BKPSDM atau "
                    "gunakan 'Lupa kata sandi'.",
                    "The code is not valid: wrong, used or expired. Ask BKPSDM for a new one or use 'Forgot password'.",
                )
            else:
                response = redirect("/")
                _set_session_cookies(response, tokens)
                session.pop("csrf", None)
                return response
    return render_template("aktivasi.html", username=username, code=code, error=error), 400 if error else 200


@ui.route("/lupa-sandi", methods=["GET", "POST"])
def lupa_sandi():
    sent = False
    if request.method == "POST":
        _check_csrf()
        username = request.form.get("username", "").strip()
        try:
            take_rate_limit(f"reset:{username}:{request.remote_addr}", context().settings.login_rate_limit_per_minute)
        except RateLimited:
            pass  # the same answer: nothing tells an attacker more
        else:
            with context().uow() as uow:
                handlers.request_reset(uow, username)
        sent = True
    return render_template("lupa_sandi.html", sent=sent)


@ui.route("/akun", methods=["GET"])
@signed_in("admin")
def akun():
    filters = {k: v for k in ("q", "unit_code", "status", "role") if (v := request.args.get(k, "").strip())}
    page = max(1, request.args.get("page", 1, type=int) or 1)
    with context().database.sessions() as db:
        rows, total = handlers.accounts(db, filters, page, 50)
        db.expunge_all()
    return render_template(
        "akun.html",
        accounts=rows,
        total=total,
        page=page,
        filters=filters,
        roles=domain.ROLES,
        role_label=lambda r: label(ROLE_LABELS, r),
        status_label=lambda s: label(ACCOUNT_STATUSES, s),
        statuses=domain.ACCOUNT_STATUSES,
    )


@ui.route("/akun/<username>", methods=["POST"])
@signed_in("admin")
def akun_ubah(username: str):
    status = request.form.get("status")
    changes = AccountChange(
        roles=tuple(request.form.getlist("roles")), status=status if status in ("active", "closed") else None
    )
    try:
        with context().uow() as uow:
            handlers.change_account(uow, username, changes, current_user().subject)
        flash(t(f"Akun {username} diperbarui.", f"Account {username} updated."), "ok")
    except AppError as refused:
        flash_problem(in_our_words(refused))
    return redirect(request.form.get("back") or url_for("ui.akun"))


@ui.route("/akun/kode", methods=["GET", "POST"])
@signed_in("admin")
def akun_kode():
    """Activation codes for every account of an OPD still to activate: a sheet to print, shown this once (a reload
    or a bookmark of the sheet leads back to the accounts, where a new sheet can be made)."""
    if request.method == "GET":
        flash(
            t(
                "Lembar kode hanya ditampilkan sekali. Pilih OPD lalu cetak lembar baru (kode lama tetap berlaku).",
                "A sheet of codes is shown only once. Choose the OPD and print a new sheet (the old codes still work).",
            ),
            "info",
        )
        return redirect(url_for("ui.akun"))
    unit_code = request.form.get("unit_code", "").strip()
    if not unit_code:
        flash(t("Pilih OPD terlebih dahulu.", "Choose an OPD first."), "error")
        return redirect(url_for("ui.akun"))
    with context().uow() as uow:
        sheet = handlers.printed_codes(uow, context().settings, unit_code)
    return render_template("akun_kode.html", sheet=sheet, unit_code=unit_code, public_url=context().settings.public_url)
