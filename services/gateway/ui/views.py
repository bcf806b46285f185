"""Routes of the web UI. Each page asks the services for what it shows, as the signed-in person.

Session: the gateway's access token and refresh token in HttpOnly, SameSite=Strict cookies (renewed
with the refresh token when the access token expires); every form carries a CSRF token kept in the
signed Flask session. Language: Bahasa Indonesia, or English with ``?lang=en`` (kept in a cookie).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import secrets
from typing import Any
from urllib.parse import urlencode

import requests
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from services.gateway import handlers
from services.gateway.rate_limits import RateLimited, take_rate_limit
from services.gateway.ui import charts
from services.gateway.upstream import send_upstream
from shared import identity
from shared.errors import Unauthorized
from shared.logging import request_id
from shared.web import context

ui = Blueprint("ui", __name__, template_folder="templates", static_folder="static", static_url_path="/ui/static")

ACCESS_COOKIE, REFRESH_COOKIE, LANG_COOKIE = "bangkom_akses", "bangkom_segar", "bangkom_bahasa"
HOME = {"admin": "ui.bkpsdm", "supervisor": "ui.atasan", "employee": "ui.saya", "ops": "ui.ops"}
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


class UIProblem(Exception):
    """A service refused or failed a request: shown to the person as a message, never as a stack trace."""

    def __init__(self, status: int, detail: str, errors: list | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or []


# --- language, session, CSRF ----------------------------------------------------------------------


def t(indonesian: str, english: str) -> str:
    """The text in the page's language: Bahasa Indonesia first, English on request."""
    return english if g.get("lang") == "en" else indonesian


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
            user = handlers.identity_of_bearer(settings, f"Bearer {token}")
        except Unauthorized:
            user = None
    if user is None and request.cookies.get(REFRESH_COOKIE):
        try:
            with context().uow() as uow:
                g.new_tokens = handlers.refresh(uow, settings, request.cookies[REFRESH_COOKIE])
            user = handlers.identity_of_bearer(settings, f"Bearer {g.new_tokens['access_token']}")
        except Unauthorized:
            user = None
    g.user = user
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
        "lang_url": lambda lang: request.path + "?" + urlencode({**request.args.to_dict(), "lang": lang}),
    }


# --- calling the services ---------------------------------------------------------------------------


def api(method: str, service: str, path: str, **kwargs) -> Any:
    """A service's answer (JSON, or the raw response for ``raw=True``) for the signed-in person."""
    raw = kwargs.pop("raw", False)
    settings = context().settings
    headers = {
        identity.HEADER: identity.encode(current_user(), settings.internal_identity_secret),
        "X-Request-ID": request_id.get() or "",
    }
    try:
        response = send_upstream(
            method,
            f"{settings.upstreams()[service]}/api/v1/{service}{path}",
            headers=headers,
            timeout=(settings.upstream_connect_timeout, settings.upstream_read_timeout),
            **kwargs,
        )
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


def _act(action, success: str, back: str):
    """Run a form's action; a refusal by the service comes back to the form as a message."""
    try:
        action()
        flash(success, "ok")
    except UIProblem as problem:
        fields = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in problem.errors if isinstance(e, dict))
        flash(problem.detail + (f" ({fields})" if fields else ""), "error")
    return redirect(back)


# --- signing in -------------------------------------------------------------------------------------


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


# --- BKPSDM -------------------------------------------------------------------------------------------


def _today() -> dt.date:
    """Today in Lhokseumawe (``TIMEZONE``, WIB), as the services count it."""
    return context().settings.today()


def _heatmap(plan: list[dict], title: str) -> str:
    units = sorted({line["unit_code"] or "-" for line in plan})
    unit_names = {line["unit_code"] or "-": line.get("unit_name") or line["unit_code"] or "-" for line in plan}
    competencies = sorted({line["competency_code"] for line in plan})
    values: dict[tuple[str, str], float] = {}
    for line in plan:
        key = (line["unit_code"] or "-", line["competency_code"])
        values[key] = values.get(key, 0) + line["employees"]
    return charts.heatmap(title, units, competencies, values, row_labels=unit_names)


@ui.route("/ops")
@signed_in("ops")
def ops():
    """Operators work with the probes, metrics and dashboards (docs/operations.md), not with people's data."""
    return render_template("ops.html", upstreams=context().settings.upstreams())


@ui.route("/bkpsdm")
@signed_in("admin")
def bkpsdm():
    year = request.args.get("year", type=int) or _today().year
    plan = api("GET", "needs", "/plan", params={"year": year})
    compliance = api("GET", "needs", "/jp/compliance", params={"year": year})
    first = _today().replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    running = api(
        "GET", "training", "/programs", params={"starts_from": first.isoformat(), "starts_until": last.isoformat()}
    )
    overdue = api("GET", "evaluation", "/overdue/by-unit")
    simpeg = api("GET", "needs", "/simpeg/status")
    heatmap = _heatmap(
        plan,
        t(
            f"Kesenjangan kompetensi {year}: jumlah ASN per OPD dan kompetensi",
            f"Competency gaps {year}: ASN per OPD and competency",
        ),
    )
    return render_template(
        "bkpsdm.html",
        year=year,
        heatmap=heatmap,
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
    behind = api("GET", "needs", "/jp/behind", params={"year": year, "unit_code": unit_code, "page_size": 100})
    return render_template("jp_opd.html", year=year, unit_code=unit_code, behind=behind)


# --- needs ---------------------------------------------------------------------------------------------


@ui.route("/kebutuhan")
@signed_in("admin")
def kebutuhan():
    year = request.args.get("year", type=int) or _today().year
    unit = request.args.get("unit_code") or None
    params = {"year": year, **({"unit_code": unit} if unit else {})}
    plan = api("GET", "needs", "/plan", params=params)
    needs = api("GET", "needs", "/needs", params={**params, "status": "open", "page_size": 50})
    units = sorted(
        {
            (c["unit_code"], c["unit_name"])
            for c in api("GET", "needs", "/jp/compliance", params={"year": year})
            if c["unit_code"]
        }
    )
    return render_template("kebutuhan.html", year=year, unit=unit, plan=plan, needs=needs, units=units)


@ui.route("/unduh/<report>.xlsx")
@signed_in("admin")
def unduh(report: str):
    path = {"rencana": "/exports/plan", "kesenjangan": "/exports/gaps"}.get(report) or abort(404)
    year = request.args.get("year", type=int) or _today().year
    upstream = api("GET", "needs", path, params={"year": year, "format": "xlsx"}, raw=True)
    return Response(
        upstream.content,
        mimetype=upstream.headers.get("Content-Type"),
        headers={"Content-Disposition": f'attachment; filename="{report}-{year}.xlsx"'},
    )


@ui.route("/pegawai/<nip>")
@signed_in("admin", "supervisor", "employee")
def pegawai(nip: str):
    profile = api("GET", "needs", f"/employees/{nip}/profile")
    chart = _levels_chart(
        profile, t("Level kompetensi dibanding standar jabatan", "Competency levels against the position's standard")
    )
    return render_template("pegawai.html", profile=profile, chart=chart)


def _levels_chart(profile: dict, title: str) -> str:
    return charts.levels(
        title, profile["competencies"], t("Level saat ini", "Current level"), t("Level standar", "Required level")
    )


# --- training ------------------------------------------------------------------------------------------


@ui.route("/pelatihan")
@signed_in("admin")
def pelatihan():
    today = _today()
    month = request.args.get("month", type=int) or today.month
    year = request.args.get("year", type=int) or today.year
    programs = api("GET", "training", "/programs")
    by_id = {p["id"]: p for p in programs}
    days: dict[dt.date, list[dict]] = {}
    for program in programs:
        for batch in api("GET", "training", f"/programs/{program['id']}/batches"):
            for meeting in batch["meetings"]:
                day = dt.date.fromisoformat(meeting["date"])
                if (day.year, day.month) == (year, month):
                    days.setdefault(day, []).append({"program": by_id[program["id"]], "batch": batch})
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    previous = (dt.date(year, month, 1) - dt.timedelta(days=1)).replace(day=1)
    following = (dt.date(year, month, 28) + dt.timedelta(days=7)).replace(day=1)
    return render_template(
        "pelatihan.html",
        programs=programs,
        weeks=weeks,
        days=days,
        month=month,
        year=year,
        previous=previous,
        following=following,
        today=today,
    )


@ui.route("/pelatihan/baru", methods=["GET", "POST"])
@signed_in("admin")
def program_baru():
    competencies = api("GET", "needs", "/competencies")
    partners = api("GET", "training", "/partners")
    if request.method == "POST":
        form = request.form
        body = {
            "code": form.get("code", "").strip(),
            "title": form.get("title", "").strip(),
            "form": form.get("form"),
            "delivery": form.get("delivery"),
            "jp": form.get("jp", type=int),
            "partner_code": form.get("partner_code"),
            "capacity": form.get("capacity", type=int),
            "competencies": [{"code": form.get("competency_code"), "target_level": form.get("target_level", type=int)}],
        }
        meetings = [
            {
                "date": form.get(f"date{i}"),
                "starts_at": form.get(f"starts{i}") or "08:00",
                "ends_at": form.get(f"ends{i}") or "16:00",
            }
            for i in range(1, 4)
            if form.get(f"date{i}")
        ]
        try:
            program = api("POST", "training", "/programs", json=body)
        except UIProblem as problem:
            return render_template(
                "program_baru.html", competencies=competencies, partners=partners, form=form, problem=problem
            ), 422
        if meetings:
            try:
                api("POST", "training", f"/programs/{program['id']}/batches", json={"meetings": meetings})
            except UIProblem as problem:
                flash(problem.detail, "error")
        flash(t("Program dibuat.", "Program created."), "ok")
        return redirect(url_for("ui.program", program_id=program["id"]))
    return render_template("program_baru.html", competencies=competencies, partners=partners, form={}, problem=None)


@ui.route("/pelatihan/<program_id>")
@signed_in("admin")
def program(program_id: str):
    found = api("GET", "training", f"/programs/{program_id}")
    batches = api("GET", "training", f"/programs/{program_id}/batches")
    return render_template("program.html", program=found, batches=batches)


@ui.route("/pelatihan/<program_id>/status", methods=["POST"])
@signed_in("admin")
def program_status(program_id: str):
    back = url_for("ui.program", program_id=program_id)
    return _act(
        lambda: api("PUT", "training", f"/programs/{program_id}/status", json={"status": request.form["status"]}),
        t("Status program diubah.", "Program status changed."),
        back,
    )


@ui.route("/angkatan/<batch_id>")
@signed_in("admin")
def angkatan(batch_id: str):
    batch = api("GET", "training", f"/batches/{batch_id}")
    program_ = api("GET", "training", f"/programs/{batch['program_id']}")
    roster = api("GET", "training", f"/batches/{batch_id}/enrollments")
    enrolled = {entry["nip"] for entry in roster}
    candidates = (
        []
        if batch.get("closed_at")
        else [
            c
            for c in api("GET", "training", f"/batches/{batch_id}/candidates", params={"limit": 100})
            if c["nip"] not in enrolled
        ]
    )
    return render_template("angkatan.html", batch=batch, program=program_, roster=roster, candidates=candidates)


@ui.route("/angkatan/<batch_id>/peserta", methods=["POST"])
@signed_in("admin")
def daftarkan(batch_id: str):
    nips = request.form.getlist("nip")
    return _act(
        lambda: api("POST", "training", f"/batches/{batch_id}/enrollments", json={"nips": nips}),
        t(f"{len(nips)} peserta didaftarkan.", f"{len(nips)} participant(s) enrolled."),
        url_for("ui.angkatan", batch_id=batch_id),
    )


@ui.route("/angkatan/<batch_id>/tutup", methods=["POST"])
@signed_in("admin")
def tutup(batch_id: str):
    return _act(
        lambda: api("POST", "training", f"/batches/{batch_id}/close"),
        t("Angkatan ditutup; kelulusan ditetapkan.", "Batch closed; completion decided."),
        url_for("ui.angkatan", batch_id=batch_id),
    )


# --- evaluation -----------------------------------------------------------------------------------------


def _p_value_in_words(learning: dict) -> str:
    if learning.get("p_value") is None:
        return t(
            "Belum cukup pasangan nilai pre-test dan post-test untuk uji statistik (minimal 6).",
            "Not enough pre-test and post-test pairs for a statistical test (at least 6).",
        )
    if learning.get("significant"):
        return t(
            f"Kenaikan nilai nyata secara statistik (p = {learning['p_value']:.3f}): pelatihan ini meningkatkan pengetahuan.",
            f"The gain is statistically significant (p = {learning['p_value']:.3f}): the training raised knowledge.",
        )
    return t(
        f"Kenaikan nilai belum terbukti nyata secara statistik (p = {learning['p_value']:.3f}).",
        f"The gain is not statistically significant (p = {learning['p_value']:.3f}).",
    )


RECOMMENDATIONS = {
    "repeat": ("Ulangi: program efektif", "Repeat: the program works"),
    "improve": ("Perbaiki: program perlu dibenahi", "Improve: the program needs work"),
    "discontinue": ("Hentikan: program tidak efektif", "Discontinue: the program does not work"),
    "insufficient_data": (
        "Belum cukup data: terlalu sedikit peserta mengisi kuesioner",
        "Not enough data: too few participants answered the questionnaire",
    ),
}


@ui.route("/pelatihan/<program_id>/efektivitas")
@signed_in("admin")
def efektivitas(program_id: str):
    found = api("GET", "training", f"/programs/{program_id}")
    figures = api("GET", "evaluation", f"/reports/programs/{program_id}")
    learning = figures["learning"]
    chart = charts.bars(
        t("Rata-rata nilai pre-test dan post-test", "Mean pre-test and post-test scores"),
        [("Pre-test", learning["mean_pre"] or 0), ("Post-test", learning["mean_post"] or 0)],
        100,
    )
    recommendation = RECOMMENDATIONS.get(figures.get("recommendation") or "", ("-", "-"))
    return render_template(
        "efektivitas.html",
        program=found,
        figures=figures,
        chart=chart,
        themes=THEMES,
        significance=_p_value_in_words(learning),
        recommendation=t(*recommendation),
    )


THEMES = {
    "materi": ("Materi", "Content"),
    "narasumber": ("Narasumber", "Trainer"),
    "metode": ("Metode", "Method"),
    "waktu": ("Waktu", "Timing"),
    "fasilitas": ("Fasilitas", "Facilities"),
    "relevansi_tugas": ("Relevansi dengan tugas", "Relevance to the job"),
    "praktik": ("Praktik", "Practice"),
    "administrasi": ("Administrasi", "Administration"),
    "konsumsi": ("Konsumsi", "Catering"),
}


@ui.route("/tugas/<task_id>", methods=["GET", "POST"])
@signed_in("employee", "supervisor")
def tugas(task_id: str):
    mine = api("GET", "evaluation", "/my/tasks")
    task = next((x for x in mine if x["id"] == task_id), None) or abort(403)
    program_ = _program_of_batch(task["batch_id"])
    if request.method == "POST":
        form = request.form
        if task["kind"] == "reaction":
            body = {key: form.get(key, type=int) for key in ("content", "trainer", "relevance", "organisation")}
            body |= {"themes": form.getlist("themes"), "comments": form.get("comments", "")}
        else:
            body = {
                "project_title": form.get("project_title", ""),
                "description": form.get("description", ""),
                "rubric": [
                    {
                        "competency_code": c["code"],
                        "level": form.get(f"level_{c['code']}", type=int),
                        "note": form.get(f"note_{c['code']}", ""),
                    }
                    for c in program_["competencies"]
                ],
            }
        try:
            api("POST", "evaluation", f"/tasks/{task_id}/submission", json=body)
        except UIProblem as problem:
            return render_template(
                "tugas.html", task=task, program=program_, themes=THEMES, form=form, problem=problem
            ), 422
        flash(t("Terima kasih, isian Anda tersimpan.", "Thank you, your answers are saved."), "ok")
        return redirect(url_for("ui.beranda"))
    return render_template("tugas.html", task=task, program=program_, themes=THEMES, form={}, problem=None)


# --- employees and supervisors -------------------------------------------------------------------------


def _program_of_batch(batch_id: str) -> dict:
    return api("GET", "training", f"/programs/{api('GET', 'training', f'/batches/{batch_id}')['program_id']}")


def _my_tasks() -> list[dict]:
    tasks = api("GET", "evaluation", "/my/tasks")
    titles: dict[str, str] = {}
    for task in tasks:
        if task["batch_id"] not in titles:
            titles[task["batch_id"]] = _program_of_batch(task["batch_id"])["title"]
        task["program_title"] = titles[task["batch_id"]]
    return tasks


@ui.route("/saya")
@signed_in("employee", "supervisor")
def saya():
    nip = current_user().subject
    profile = api("GET", "needs", f"/employees/{nip}/profile")
    chart = _levels_chart(
        profile,
        t("Level kompetensi saya dibanding standar jabatan", "My competency levels against my position's standard"),
    )
    tasks = [task for task in _my_tasks() if task["status"] == "open" and task["nip"] == nip]
    return render_template("saya.html", profile=profile, chart=chart, tasks=tasks)


@ui.route("/atasan")
@signed_in("supervisor")
def atasan():
    tasks = [task for task in _my_tasks() if task["status"] == "open" and task["kind"] == "behavior"]
    return render_template("atasan.html", tasks=tasks)
