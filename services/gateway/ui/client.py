"""The web UI calling the services as the signed-in person, and showing their refusals as messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import requests
from flask import (
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
)

from services.gateway import upstream
from services.gateway.ui.session import current_user, field_label, t, ui
from shared.errors import AppError
from shared.web import context


class UIProblem(Exception):
    """A service refused or failed a request: shown to the person as a message, never as a stack trace."""

    def __init__(self, status: int, detail: str, errors: list | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or []


def api(method: str, service: str, path: str, **kwargs) -> Any:
    """A service's answer (JSON, or the raw response for ``raw=True``) for the signed-in person (or ``caller``: the
    gateway itself on a public page)."""
    raw, send = _prepared(method, service, path, kwargs)
    return _answer(service, raw, send)


_TOGETHER = ThreadPoolExecutor(max_workers=8, thread_name_prefix="ui-calls")


def api_together(*calls: tuple[str, str, str, dict[str, Any]]) -> list[Any]:
    """Several ``api`` calls (method, service, path, keyword arguments) sent at once, their answers in order: a page
    that needs five services waits for the slowest, not for the sum. Each is made ready here, in the request (the
    person, the language, the request id), and only sent from the pool; a refusal is raised as ``api`` raises it."""
    prepared = [(service, *_prepared(method, service, path, kwargs)) for method, service, path, kwargs in calls]
    pending = [(service, raw, _TOGETHER.submit(send)) for service, raw, send in prepared]
    return [_answer(service, raw, sent.result) for service, raw, sent in pending]


def _prepared(method: str, service: str, path: str, kwargs: dict[str, Any]) -> tuple[bool, Callable[[], Any]]:
    kwargs = dict(kwargs)
    raw = kwargs.pop("raw", False)
    caller = kwargs.pop("caller", None) or current_user()
    kwargs["headers"] = {"Accept-Language": g.get("lang", "id"), **kwargs.get("headers", {})}  # refusals in our words
    url = f"{context().settings.upstreams()[service]}/api/v1/{service}{path}"
    return raw, upstream.prepared_call(method, url, caller, **kwargs)


def _answer(service: str, raw: bool, send: Callable[[], requests.Response]) -> Any:
    """The answer of a prepared call (``send`` sends it, or gives what the pool got), refusals as ``UIProblem``."""
    try:
        response = send()
    except requests.Timeout:
        raise UIProblem(
            504,
            t(
                f"Layanan {service} tidak menjawab tepat waktu; coba lagi sebentar lagi.",
                f"The {service} service did not answer in time; try again shortly.",
            ),
        ) from None
    except requests.RequestException:
        raise UIProblem(
            502,
            t(
                f"Layanan {service} sedang tidak dapat dihubungi; coba lagi sebentar lagi.",
                f"The {service} service cannot be reached; try again shortly.",
            ),
        ) from None
    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            body = {}
        raise UIProblem(response.status_code, body.get("detail") or response.reason, body.get("errors"))
    return response if raw else (response.json() if response.content else None)


@ui.errorhandler(UIProblem)
def _problem(error: UIProblem):
    return render_template("error.html", status=error.status, detail=error.detail, errors=error.errors), error.status


@ui.errorhandler(403)
def _forbidden(_error):
    detail = t("Halaman ini tidak untuk peran Anda.", "This page is not for your role.")
    return render_template("error.html", status=403, detail=detail, errors=[]), 403


@ui.errorhandler(400)
def _bad_request(error):
    return render_template("error.html", status=400, detail=error.description, errors=[]), 400


API_PATHS = ("/api/", "/metrics", "/healthz", "/readyz")


@ui.app_errorhandler(404)
@ui.app_errorhandler(405)
def _no_such_page(error):
    """A page that does not exist, or a form's address opened again (reloaded, bookmarked): a page in words for a
    person's browser; the problem+json of every other answer for the API's callers."""
    if request.path.startswith(API_PATHS) or not request.accept_mimetypes.accept_html:
        return current_app.extensions["bangkom_api"].handle_http_exception(error)
    if error.code == 405:
        detail = t(
            "Alamat ini hanya menerima formulir yang dikirim dari halamannya. Buka halaman itu lagi lalu kirim "
            "formulirnya.",
            "This address only takes a form sent from its page. Open that page again and send the form.",
        )
    else:
        detail = t(
            "Halaman ini tidak ada. Periksa alamatnya atau mulai dari beranda.",
            "There is no such page. Check the address or start from the home page.",
        )
    return render_template("error.html", status=error.code, detail=detail, errors=[]), error.code


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    pages: int
    total: int


def api_page(service: str, path: str, params: dict, page_size: int = 50) -> Page:
    """The page the person asked for (``?page=``) of a service's paginated listing, with its count of pages."""
    number = max(1, request.args.get("page", type=int) or 1)
    answer = api("GET", service, path, params={**params, "page": number, "page_size": page_size}, raw=True)
    pagination = json.loads(answer.headers.get("X-Pagination") or "{}")
    return Page(answer.json(), number, pagination.get("total_pages", 1), pagination.get("total", 0))


def api_all(service: str, path: str, params: dict | None = None, page_size: int = 100) -> list:
    """Every item of a service's paginated listing, page after page (a supervisor's 30 tasks, not the first 10)."""
    items, number, pages = [], 1, 1
    while number <= pages:
        answer = api("GET", service, path, params={**(params or {}), "page": number, "page_size": page_size}, raw=True)
        items += answer.json()
        pages = json.loads(answer.headers.get("X-Pagination") or "{}").get("total_pages", 1)
        number += 1
    return items


def download(service: str, path: str, filename: str, params: dict | None = None, inline: bool = False) -> Response:
    """A service's document (a PDF, a sheet) handed to the person as a file, under ``filename``."""
    answer = api("GET", service, path, params=params, raw=True)
    return Response(
        answer.content,
        mimetype=answer.headers.get("Content-Type", "application/octet-stream").split(";")[0],
        headers={
            "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def passed_on(upload) -> dict:
    """A file a person chose in a form, passed on to a service as its multipart field ``file``."""
    return {"file": (upload.filename, upload.stream.read(), upload.mimetype or "application/octet-stream")}


def in_our_words(refused: AppError) -> UIProblem:
    """A refusal of the gateway's own rules (accounts), in the page's language like the services' (Accept-Language)."""
    catalogue = current_app.extensions["bangkom_messages"]
    language = g.get("lang", "id")
    errors = [{**e, "message": catalogue.translate(str(e.get("message", "")), language)} for e in refused.errors]
    return UIProblem(refused.status, catalogue.translate(refused.detail, language), errors)


def flash_problem(problem: UIProblem) -> None:
    """A service's refusal as a message on the page: its detail and each field's reason, the field in words."""
    reasons = "; ".join(field_problem(e) for e in problem.errors if isinstance(e, dict) and e.get("message"))
    flash(problem.detail + (f" ({reasons})" if reasons else ""), "error")


def field_problem(error: dict) -> str:
    """One field's refusal as a person reads it: "Kompetensi: Tidak dikenal." (the field in words, when it has any)."""
    named = field_label(error.get("field"))
    return f"{named}: {error['message']}" if named else str(error["message"])


def _act(action, success: str, back: str):
    """Run a form's action; a refusal by the service comes back to the form as a message."""
    try:
        action()
        flash(success, "ok")
    except UIProblem as problem:
        flash_problem(problem)
    return redirect(back)


def names_of(what: str) -> dict[str, str]:
    """Code → name of the competencies, the partner institutions or the OPDs (``NAMED``), looked up once per request:
    a page shows names, never codes. Empty for a person who may not read the list (codes then stay)."""
    cache = g.setdefault("names", {})
    if what not in cache:
        service, path, code, name = NAMED[what]
        try:
            cache[what] = {entry[code]: entry[name] for entry in api("GET", service, path)}
        except UIProblem:
            cache[what] = {}
    return cache[what]


NAMED = {  # what has a name: (service, listing, the code's key, the name's key)
    "competency": ("needs", "/competencies", "code", "name"),
    "partner": ("training", "/partners", "code", "name"),
    "unit": ("needs", "/units", "unit_code", "unit_name"),
}


def name_of(what: str, code: str | None) -> str:
    """The name of a competency, partner institution or OPD (the code when it has none)."""
    return names_of(what).get(code or "", code or "–")


@ui.app_context_processor
def _names() -> dict[str, Any]:
    return {"name_of": name_of, "names_of": names_of, "field_problem": field_problem}


def _program_of_batch(batch_id: str) -> dict:
    return api("GET", "training", f"/programs/{api('GET', 'training', f'/batches/{batch_id}')['program_id']}")
