"""App-factory helpers every service uses: one Flask + flask-smorest app shape.

- RFC 9457 ``application/problem+json`` for every error, marshmallow field errors listed one per field;
- ``X-Request-ID`` accepted or created, returned, logged, and used as the correlation id of the
  events a request causes (unless ``X-Correlation-ID`` is given);
- ``/healthz`` (the process is alive), ``/readyz`` (database and Kafka reachable), ``/metrics``;
- per-route request counts and latency.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, json, request
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from shared import audit, edge, fields, identity, messages, metrics, openapi
from shared.config import ConfigError, Settings
from shared.db import Database, before_commit
from shared.errors import AppError, Forbidden, flatten_errors
from shared.logging import actor, configure_logging, correlation_id, request_id
from shared.outbox import OutboxCollector
from shared.service import ServiceContext

log = logging.getLogger(__name__)

PROBLEM_JSON = openapi.PROBLEM_JSON
PROBLEM_TYPE = "urn:bangkom:problem:"
UNMONITORED = frozenset({"/metrics", "/healthz", "/readyz"})
PUBLIC = UNMONITORED | {"/openapi.json"}  # no identity needed: probes, metrics, API docs
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")

Check = Callable[[], None]


def context() -> ServiceContext:
    return current_app.extensions["bangkom"]


def read_session():
    """A session for a view to read with (``with read_session() as session``); writes go through ``context().uow()``."""
    return context().database.sessions()


def paged(pagination_parameters, fetch: Callable[[Any, int, int], tuple[list, int]]) -> list:
    """Run ``fetch(session, page, page_size) -> (items, total)`` and tell flask-smorest the total."""
    with read_session() as session:
        items, total = fetch(session, pagination_parameters.page, pagination_parameters.page_size)
    pagination_parameters.item_count = total
    return items


def in_callers_language(text: str) -> str:
    """A message for a report (not a problem: an import's rows, its warnings) in the caller's language: what every
    ``fields.Message`` of an answer is given in."""
    if not has_request_context():
        return text
    language = messages.language_of(request.headers.get("Accept-Language"))
    catalogue = current_app.extensions.get("bangkom_messages") or _COMMON_MESSAGES
    return catalogue.translate(text, language)


fields.Language.translate = staticmethod(in_callers_language)


def caller() -> identity.Identity:
    """Who is calling (verified before the view runs, on every route of a service with an access table)."""
    return g.identity


Access = Mapping[tuple[str, str], Iterable[str]]  # (method, URL rule) → the roles allowed


def access_rules(prefix: str, rules: Mapping[str, Iterable[str]]) -> dict[tuple[str, str], frozenset[str]]:
    """``{"GET /employees/<nip>": roles}`` under a blueprint prefix → the table ``create_app`` enforces."""
    table = {}
    for key, roles in rules.items():
        method, path = key.split(" ", 1)
        table[(method, prefix + path)] = frozenset(roles)
    return table


def _authorise(access: Access, secret: str) -> None:
    rule = request.url_rule.rule if request.url_rule else None
    if rule is None or rule in PUBLIC or request.method == "OPTIONS":
        return
    g.identity = identity.decode(request.headers.get(identity.HEADER), secret)
    g.context_tokens += (actor.set(g.identity.actor),)  # every event the request causes carries who caused it
    method = "GET" if request.method == "HEAD" else request.method
    allowed = access.get((method, rule))
    if allowed is None:  # deny by default: a route without a rule is a mistake, not an open door
        raise Forbidden(f"No access rule for {method} {rule}; nobody may call it.")
    if not g.identity.has_role(*allowed):
        raise Forbidden(
            f"This needs the role {' or '.join(sorted(allowed))}; you have {', '.join(g.identity.roles) or 'none'}."
        )


_COMMON_MESSAGES = messages.Catalogue(messages.COMMON)


def problem(status: int, detail: str, *, slug: str | None = None, title: str | None = None, **members: Any) -> Response:
    """An RFC 9457 problem, its ``detail`` and field messages in the caller's language (``shared/messages.py``)."""
    language = messages.language_of(request.headers.get("Accept-Language") if has_request_context() else None)
    catalogue: messages.Catalogue = current_app.extensions.get("bangkom_messages") or _COMMON_MESSAGES
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + slug if slug else "about:blank",
        "title": title or _status_title(status),
        "status": status,
        "detail": catalogue.translate(detail, language),
        "instance": request.path if request else None,
        "request_id": request_id.get(),
    }
    body.update({key: value for key, value in members.items() if value is not None})
    if isinstance(body.get("errors"), list):
        body["errors"] = [
            {**entry, "message": catalogue.translate(str(entry["message"]), language)}
            if isinstance(entry, dict) and "message" in entry
            else entry
            for entry in body["errors"]
        ]
    response = current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers["Content-Language"] = language
    response.vary.add("Accept-Language")
    return response


def _status_title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ProblemApi(Api):
    """flask-smorest Api whose error responses are RFC 9457 problem details, and documented so (shared/openapi.py)."""

    ERROR_SCHEMA = openapi.ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # each operation lists the statuses it gives, no catch-all

    def __init__(self, app: Flask, identity_required: bool) -> None:
        plugin = openapi.ProblemResponsesPlugin(identity_required)
        super().__init__(app, spec_kwargs={"extra_plugins": [plugin]})

    def _register_responses(self) -> None:
        """A response component per status (``NOT_FOUND``…), as problem+json, for operations to refer to."""
        for status in HTTPStatus:
            if status >= 400:
                response = {"description": status.phrase, "schema": self.ERROR_SCHEMA}
                prepare_response(response, self.spec, PROBLEM_JSON)
                self.spec.components.response(status.name, response, lazy=True)

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        messages = data.get("errors") or data.get("messages")
        headers = data.get("headers") or {}
        if messages:
            # webargs puts the location first: {"json": {...}} → fields "nip", located in "json"
            errors = []
            for location, fields in messages.items():
                for entry in flatten_errors(fields):
                    errors.append({**entry, "location": location})
            fields_named = ", ".join(e["field"] for e in errors)
            response = problem(
                error.code or 422,
                f"The request has {len(errors)} invalid field(s): {fields_named}. Correct them and send it again.",
                slug="validation",
                title="Invalid input",
                errors=errors,
            )
        elif isinstance(error, InternalServerError):  # Flask has logged the exception with the request id
            response = problem(
                500,
                "An unexpected error occurred. It has been logged; quote the request id when you report it.",
            )
        else:
            response = problem(error.code or 500, data.get("message") or error.description or "")
        for name, value in headers.items():
            response.headers[name] = value
        if getattr(error, "code", None) == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response


def _handle_app_error(error: AppError) -> Response:
    return problem(
        error.status,
        error.detail,
        slug=error.slug,
        title=error.title,
        errors=error.errors or None,
        **error.extensions,
    )


def _too_deep(_error: RecursionError) -> Response:
    return problem(400, "The JSON body is nested too deeply to read; send a flatter document.", slug="too-deep")


def _conflict(error: IntegrityError) -> Response:
    """A backstop: the rules should have refused the input first; a race between two writers ends here."""
    log.warning("integrity error answered 409: %s", str(error.orig)[:300])
    return problem(
        409,
        "The request conflicts with data already held (a duplicate, or a reference to something "
        "that does not exist); check it and send it again.",
        slug="conflict",
        title="Conflict",
    )


def _data_error(error: DataError) -> Response:
    log.warning("data error answered 422: %s", str(error.orig)[:300])
    return problem(
        422,
        "A value does not fit what can be stored (too long or out of range); correct it.",
        slug="validation",
        title="Invalid input",
    )


DATABASE_RETRY_AFTER_SECONDS = 2


def _database_unavailable(error: OperationalError | InterfaceError) -> Response:
    """The database out of reach (restarting, failing over, a connection lost): nothing was written; the caller
    sends the request again, as the answer says, instead of reading a 500."""
    log.warning("database unavailable, answered 503: %s", str(error.orig)[:300])
    response = problem(
        503,
        "The database is unavailable for a moment; nothing was saved. Send the request again shortly.",
        slug="database-unavailable",
    )
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


ERROR_HANDLERS: dict[
    type[Exception], Callable[[Any], Response]
] = {  # what a service answers, as problem+json, for the errors no route handles itself
    AppError: _handle_app_error,
    RecursionError: _too_deep,
    IntegrityError: _conflict,
    DataError: _data_error,
    OperationalError: _database_unavailable,
    InterfaceError: _database_unavailable,
}


def create_app(
    settings: Settings,
    *,
    title: str,
    description: str,
    blueprints: Iterable[Blueprint] = (),
    database: Database | None = None,
    outbox_model: type[Any] | None = None,
    checks: Mapping[str, Check] | None = None,
    metric_collectors: Iterable[Any] = (),
    check_kafka: bool = True,
    access: Access | None = None,
    messages_indonesian: Mapping[str, str] | None = None,
) -> Flask:
    """The common shape of a Bangkom HTTP service (JSON logs configured, outbox gauges when it has one)."""
    configure_logging(settings.service, settings.log_level)
    demo = "" if settings.instansi_file else ": the demo's, INSTANSI_FILE is not set (docs/operations.md)"
    log.log(logging.WARNING if demo else logging.INFO, "serving %s%s", settings.instansi.region, demo)
    if access is not None and not settings.internal_identity_secret:
        raise ConfigError(
            f"The {settings.service} service cannot start: set INTERNAL_IDENTITY_SECRET (the secret the gateway signs "
            "caller identities with) so that it can check who calls."
        )
    app = Flask(settings.service)
    app.config.update(
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={"info": {"description": description}},
        JSON_SORT_KEYS=False,
    )
    app.extensions["bangkom"] = ServiceContext(settings, database, outbox_model)
    app.extensions["bangkom_messages"] = messages.Catalogue(messages.COMMON, messages_indonesian or {})
    fields.configure(dt.date.fromisoformat(settings.date_earliest), dt.date.fromisoformat(settings.date_latest))
    check_edge = edge.install(app, lambda: api.spec.to_dict(), settings)  # before any route: its converters
    api = ProblemApi(app, identity_required=access is not None)
    app.extensions["bangkom_api"] = api  # its .spec is the service's OpenAPI document
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    for error, handler in ERROR_HANDLERS.items():
        app.register_error_handler(error, handler)
    all_checks: dict[str, Check] = {}
    if database is not None:
        all_checks["database"] = database.ping
    if check_kafka:
        all_checks["kafka"] = lambda: kafka_reachable(settings.kafka_bootstrap_servers)
    all_checks.update(checks or {})
    collectors = list(metric_collectors)
    if database is not None and outbox_model is not None:
        collectors.append(OutboxCollector(database, outbox_model, settings.service))
    _install_request_hooks(app, settings.service, access, settings.internal_identity_secret, check_edge)
    _install_probes(app, settings.service, all_checks, collectors)
    return app


def _install_request_hooks(app: Flask, service: str, access: Access | None, secret: str, check_edge) -> None:
    """Every request: its request and correlation ids (for the logs and the answer), the caller's identity checked
    against the access table, the edge's checks of its input; then its metrics and one log line."""

    @app.before_request
    def _start() -> None:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _SAFE_ID.match(given) else str(uuid.uuid4())
        given_correlation = request.headers.get("X-Correlation-ID", "")
        cid = given_correlation if _SAFE_ID.match(given_correlation) else rid
        g.started = time.perf_counter()
        g.context_tokens = (request_id.set(rid), correlation_id.set(cid))
        if access is not None:
            _authorise(access, secret)
        if (record := audit.recording(service, request)) is not None:  # a change leaves its event (shared/audit.py)
            g.context_tokens += (before_commit.set(record),)
        check_edge()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = request_id.get() or ""
        audit.settle(response.status_code, context())
        route = request.url_rule.rule if request.url_rule else "<unmatched>"
        if route not in UNMONITORED:
            elapsed = time.perf_counter() - g.get("started", time.perf_counter())
            metrics.HTTP_REQUESTS.labels(service, request.method, route, str(response.status_code)).inc()
            metrics.HTTP_LATENCY.labels(service, request.method, route).observe(elapsed)
            log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
        return response

    @app.teardown_request
    def _reset(_exc: BaseException | None) -> None:
        for token in reversed(g.pop("context_tokens", ())):
            token.var.reset(token)


def _install_probes(app: Flask, service: str, all_checks: Mapping[str, Check], collectors: list) -> None:
    """``/healthz`` (alive), ``/readyz`` (every check answers: 503 naming those that do not), ``/metrics``."""

    @app.get("/healthz")
    def healthz():
        return {"status": "ok", "service": service}

    @app.get("/readyz")
    def readyz():
        results = {}
        for name, check in all_checks.items():
            try:
                check()
                results[name] = "ok"
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                results[name] = f"unavailable: {type(exc).__name__}: {exc}"[:300]
        if all(value == "ok" for value in results.values()):
            return {"status": "ready", "service": service, "checks": results}
        failing = ", ".join(name for name, value in results.items() if value != "ok")
        return problem(503, f"Not ready: {failing} unavailable.", slug="not-ready", checks=results)

    @app.get("/metrics")
    def metrics_endpoint():
        return Response(metrics.render(collectors), mimetype=metrics.CONTENT_TYPE)


def kafka_reachable(bootstrap_servers: str, timeout: float = 1.0) -> None:
    """Raise unless a TCP connection to one of the brokers succeeds (cheap enough for every probe)."""
    errors = []
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
                return
        except OSError as exc:
            errors.append(f"{server}: {exc}")
    raise ConnectionError("; ".join(errors))
