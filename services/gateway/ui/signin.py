"""Signing in and out."""

from __future__ import annotations

from flask import (
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from services.gateway import handlers
from services.gateway.rate_limits import RateLimited, take_rate_limit
from services.gateway.ui.session import (
    ACCESS_COOKIE,
    HOME,
    REFRESH_COOKIE,
    _check_csrf,
    _set_session_cookies,
    current_user,
    t,
    ui,
)
from shared import audit
from shared.errors import Unauthorized
from shared.web import context


@ui.route("/")
def beranda():
    user = current_user()
    if user is None:
        return redirect(url_for("ui.masuk"))
    return redirect(url_for(next((HOME[r] for r in user.roles if r in HOME), "ui.saya")))


@ui.route("/masuk", methods=["GET", "POST"])
def masuk():
    error = None
    if request.method == "POST":
        _check_csrf()
        username, password = request.form.get("username", "").strip(), request.form.get("password", "")
        audit.acting_as(f"person:{username}")
        settings = context().settings
        try:
            take_rate_limit(f"login:{username}:{request.remote_addr}", settings.login_rate_limit_per_minute)
        except RateLimited as limited:
            error = t(
                f"Terlalu banyak percobaan; coba lagi dalam {limited.reset} detik.",
                f"Too many attempts; try again in {limited.reset} seconds.",
            )
        else:
            try:
                with context().uow() as uow:
                    tokens = handlers.login(uow, settings, username, password)
            except Unauthorized:
                error = t("Nama pengguna atau kata sandi salah.", "Wrong user name or password.")
            else:
                target = request.args.get("next", "")
                response = redirect(target if target.startswith("/") and not target.startswith("//") else "/")
                _set_session_cookies(response, tokens)
                session.pop("csrf", None)  # a new session, a new token
                return response
    return render_template("login.html", error=error), 401 if error else 200


@ui.route("/keluar", methods=["POST"])
def keluar():
    _check_csrf()
    response = redirect(url_for("ui.masuk"))
    response.delete_cookie(ACCESS_COOKIE, path="/")
    response.delete_cookie(REFRESH_COOKIE, path="/")
    session.clear()
    return response
