"""The web UI's blueprint and session: language, the token cookies (renewed with the refresh token), CSRF, who is
signed in, and the role check of each page."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import secrets
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    request,
    session,
    url_for,
)

from services.gateway import handlers
from services.gateway.ui import labels
from services.gateway.ui.labels import MONTHS
from shared import audit, identity
from shared.errors import Unauthorized
from shared.web import context

ui = Blueprint("ui", __name__, template_folder="templates", static_folder="static", static_url_path="/ui/static")


ACCESS_COOKIE, REFRESH_COOKIE, LANG_COOKIE = "bangkom_akses", "bangkom_segar", "bangkom_bahasa"


HOME = {
    "admin": "ui.bkpsdm",
    "supervisor": "ui.atasan",
    "employee": "ui.saya",
    "ops": "ui.ops",
    "partner": "ui.mitra_saya",
    "opd": "ui.opd_unit",
    "auditor": "ui.jejak_audit",
}


def t(indonesian: str, english: str) -> str:
    """The text in the page's language: Bahasa Indonesia first, English on request."""
    return english if g.get("lang") == "en" else indonesian


def label(labels: dict[str, tuple[str, str]], key: str) -> str:
    """A code's words (``labels.py``) in the page's language; the code itself when it has none."""
    return t(*labels.get(key, (key, key)))


def field_label(path: str | None) -> str | None:
    """The words for a field a service names in a refusal (``competencies.0.code`` → "Kompetensi"); None when it has
    none, so that no field code reaches a person."""
    if not path:
        return None
    general = ".".join(part for part in str(path).split(".") if not part.isdigit())
    words = labels.FIELDS.get(general) or labels.FIELDS.get(general.rsplit(".", 1)[-1])
    return t(*words) if words else None


@ui.before_request
def _changes_are_the_services() -> None:
    audit.made_by_the_services()  # a page's form changes what the services hold; they record it (shared/audit.py)


@ui.before_app_request
def _language() -> None:
    chosen = request.args.get("lang")
    g.lang = chosen if chosen in ("id", "en") else request.cookies.get(LANG_COOKIE, "id")
    g.lang_chosen = chosen in ("id", "en")


@ui.after_app_request
def _cookies(response: Response) -> Response:
    if g.get("lang_chosen"):
        response.set_cookie(LANG_COOKIE, g.lang, max_age=365 * 86400, samesite="Lax", secure=request.is_secure)
    tokens = g.get("new_tokens")
    if tokens:
        _set_session_cookies(response, tokens)
    if request.blueprint == "ui":
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _set_session_cookies(response: Response, tokens: dict) -> None:
    settings = context().settings
    options = {"httponly": True, "samesite": "Strict", "secure": request.is_secure, "path": "/"}
    response.set_cookie(ACCESS_COOKIE, tokens["access_token"], max_age=settings.access_token_minutes * 60, **options)
    response.set_cookie(REFRESH_COOKIE, tokens["refresh_token"], max_age=settings.refresh_token_days * 86400, **options)


def current_user() -> identity.Identity | None:
    if "user" in g:
        return g.user
    settings = context().settings
    user = None
    token = request.cookies.get(ACCESS_COOKIE)
    if token:
        try:
            user = handlers.identity_of_bearer(settings, f"Bearer {token}", current_app.extensions["gateway_process"])
        except Unauthorized:
            user = None
    if user is None and request.cookies.get(REFRESH_COOKIE):
        try:
            with context().uow() as uow:
                g.new_tokens = handlers.refresh(uow, settings, request.cookies[REFRESH_COOKIE])
            user = handlers.identity_of_bearer(
                settings, f"Bearer {g.new_tokens['access_token']}", current_app.extensions["gateway_process"]
            )
        except Unauthorized:
            user = None
    g.user = user
    if user is not None:
        audit.acting_as(user.actor)
    return user


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _check_csrf() -> None:
    sent = request.form.get("csrf", "")
    if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
        abort(
            400,
            description=t(
                "Formulir kedaluwarsa; muat ulang halaman lalu coba lagi.",
                "The form has expired; reload the page and try again.",
            ),
        )


def signed_in(*roles: str):
    """The page needs a signed-in person (with one of ``roles``); POSTs also need the CSRF token."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("ui.masuk", next=request.full_path.rstrip("?")))
            if roles and not user.has_role(*roles):
                abort(403)
            if request.method == "POST":
                _check_csrf()
            return view(*args, **kwargs)

        return wrapper

    return decorate


@ui.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {
        "t": t,
        "csrf_token": csrf_token,
        "user": g.get("user"),
        "lang": g.get("lang", "id"),
        "month_name": lambda m: MONTHS[m - 1] if g.get("lang") != "en" else calendar.month_name[m],
        "label": label,
        "field_label": field_label,
        "labels": labels,
        "lang_url": lambda lang: request.path + "?" + urlencode({**request.args.to_dict(), "lang": lang}),
        "query": query,
        "rupiah": rupiah,
        "instansi": context().settings.instansi,
        "waktu": local_time,
    }


def local_time(moment: str | dt.datetime | None, date_only: bool = False) -> str:
    """A moment the services give (ISO, UTC) as the instansi's clocks show it: "2026-07-07 09.30 WITA" (or the date
    alone); "–" for none."""
    if not moment:
        return "–"
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    instansi = context().settings.instansi
    local = instansi.local(moment)
    return f"{local:%Y-%m-%d}" if date_only else f"{local:%Y-%m-%d %H.%M} {instansi.zone_name}"


def rupiah(amount: int | None) -> str:
    """Rupiah as people write them: 3.500.000."""
    return "–" if amount is None else f"{amount:,}".replace(",", ".")


def query(filters: dict[str, Any], **changes: Any) -> str:
    """A list's query string: its filters with some changed (``None`` drops one, e.g. the page on a new sort)."""
    merged = {**filters, **changes}
    return urlencode({key: value for key, value in merged.items() if value not in (None, "")})


def _today() -> dt.date:
    """Today where the instansi works (its time zone), as the services count it."""
    return context().settings.today()
