"""HTTP layer of the gateway: its own routes (login, refresh) and the proxy to the services.

The proxy authenticates the caller (a person's bearer token), signs the identity for the service
(``X-Bangkom-Identity``), passes the request on faithfully (minus hop-by-hop headers and the
caller's credentials) with a pooled client and timeouts, and answers 502/504 problem details that
name the unavailable service.
"""

from __future__ import annotations

import time
from typing import NoReturn
from urllib.parse import quote

import requests
from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import MethodNotAllowed

from services.gateway import domain, handlers, partner_keys, schemas, upstream
from services.gateway.process import ProcessState
from services.gateway.rate_limits import RateLimited, count_request, take_rate_limit, too_many
from shared import audit, identity, metrics
from shared.errors import Forbidden, NotFound
from shared.web import context, problem

blp = Blueprint("gateway", __name__, url_prefix="/api/v1/auth", description="Log in and refresh tokens")


PATH_SAFE = "/:@!$&'()*+,;=-._~"  # RFC 3986 path characters that need no escaping


@blp.errorhandler(RateLimited)
def _too_many(error: RateLimited):
    return too_many(error)


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(schemas.LoginSchema)
    @blp.response(200, schemas.TokenSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, data):
        """Log in: a short-lived access token (JWT) and a refresh token. Attempts are limited per user name and address."""
        settings = context().settings
        take_rate_limit(f"login:{data['username']}:{request.remote_addr}", settings.login_rate_limit_per_minute)
        audit.acting_as(f"person:{data['username']}")
        with context().uow() as uow:
            return handlers.login(uow, settings, data["username"], data["password"])


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.arguments(schemas.RefreshSchema)
    @blp.response(200, schemas.TokenSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    def post(self, data):
        """A new token pair for a refresh token, which is spent by it."""
        with context().uow() as uow:
            return handlers.refresh(uow, context().settings, data["refresh_token"])


@blp.route("/activate")
class Activate(MethodView):
    @blp.arguments(schemas.ActivateSchema)
    @blp.response(200, schemas.TokenSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, data):
        """First sign-in or password reset: the one-time code (e-mailed or printed by BKPSDM) sets the password and
        signs the person in. Attempts are limited per user name and address, like logins."""
        settings = context().settings
        take_rate_limit(f"login:{data['username']}:{request.remote_addr}", settings.login_rate_limit_per_minute)
        audit.acting_as(f"person:{data['username']}")
        with context().uow() as uow:
            return handlers.set_password(uow, settings, data["username"], data["code"], data["password"])


@blp.route("/password-reset")
class PasswordReset(MethodView):
    @blp.arguments(schemas.ResetRequestSchema)
    @blp.response(202, schemas.ResetAnswerSchema)
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, data):
        """Ask for a reset link by e-mail. The answer is the same whether or not the account exists or has an
        address (nobody learns who has an account); without an address, BKPSDM prints a code."""
        settings = context().settings
        take_rate_limit(f"reset:{data['username']}:{request.remote_addr}", settings.login_rate_limit_per_minute)
        audit.acting_as(f"person:{data['username']}")
        with context().uow() as uow:
            handlers.request_reset(uow, data["username"])
        return {
            "detail": "Jika akun itu ada dan memiliki alamat e-mail, tautan untuk mengatur ulang kata sandi sedang "
            "dikirim. If the account exists and has an e-mail address, a reset link is on its way."
        }


def _admin() -> identity.Identity:
    """The caller of BKPSDM's account routes: a valid bearer token with the admin role."""
    who = handlers.identity_of_bearer(context().settings, request.headers.get("Authorization"), process_state())
    if not who.has_role("admin"):
        raise Forbidden("Managing accounts needs the role admin (BKPSDM).")
    audit.acting_as(who.actor)
    return who


ADMIN_DOC = {"security": [{"bearer": []}]}


@blp.route("/accounts")
class Accounts(MethodView):
    @blp.arguments(schemas.AccountQuery, location="query")
    @blp.response(200, schemas.AccountSchema(many=True))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.paginate()
    @blp.doc(**ADMIN_DOC)
    def get(self, args, pagination_parameters):
        """Accounts (BKPSDM): filter by name, OPD, status or role."""
        _admin()
        with context().database.sessions() as session:
            rows, total = handlers.accounts(session, args, pagination_parameters.page, pagination_parameters.page_size)
            session.expunge_all()
        pagination_parameters.item_count = total
        return rows

    @blp.arguments(schemas.AccountSchema)
    @blp.response(201, schemas.AccountSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.doc(**ADMIN_DOC)
    def post(self, data):
        """Create an account by hand (BKPSDM staff, an operator, a partner institution's user with the role partner
        and its partner_code, an OPD's user with the role opd and its unit_code): pending until activated; an activation e-mail is sent when an address is given,
        otherwise hand out a code (POST /activation-codes)."""
        _admin()
        with context().uow() as uow:
            return handlers.create_account(
                uow,
                data["username"],
                None,
                data["roles"],
                data["nip"],
                name=data["name"],
                email=data["email"],
                partner_code=data["partner_code"],
                unit_code=data["unit_code"],
            )


@blp.route("/accounts/<username>")
class AccountItem(MethodView):
    @blp.arguments(schemas.AccountChangeSchema)
    @blp.response(200, schemas.AccountSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.doc(**ADMIN_DOC)
    def patch(self, data, username):
        """Change the roles (who is supervisor, BKPSDM staff, operator) or close/reopen an account. The person's
        refresh tokens are revoked so their next token carries the change; the last admin cannot be removed."""
        who = _admin()
        with context().uow() as uow:
            return handlers.change_account(uow, username, data, who.subject)


@blp.route("/activation-codes")
class ActivationCodes(MethodView):
    @blp.arguments(schemas.PrintedCodesRequestSchema)
    @blp.response(201, schemas.PrintedCodeSchema(many=True))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.doc(**ADMIN_DOC)
    def post(self, data):
        """Activation codes for every account of an OPD still to be activated, to print and hand out (shown once,
        valid PRINTED_CODE_DAYS)."""
        _admin()
        with context().uow() as uow:
            return handlers.printed_codes(uow, context().settings, data["unit_code"])


def process_state() -> ProcessState:
    """This gateway process's memory between requests (``services/gateway/process.py``)."""
    return current_app.extensions["gateway_process"]


def _authenticate_and_count(settings, body: bytes) -> tuple[identity.Identity, dict[str, str]]:
    """The caller (a partner's signature or a person's token) and their request counted against their rate limit:
    the partner's request id and the caller's counter written in one transaction (RateLimited past the limit)."""
    partner = request.headers.get("Authorization", "").startswith("Bangkom-Partner ")
    with context().uow() as uow:
        uow.audited = False  # the replay id and the counter: bookkeeping (the service records the change itself)
        if partner:
            try:
                caller = handlers.authenticate_partner(
                    uow, request.headers, body, partner_keys.of(settings, process_state()), time.time(), process_state()
                )
            except requests.RequestException:
                raise Unavailable("training") from None
        else:
            caller = handlers.identity_of_bearer(settings, request.headers.get("Authorization"), process_state())
        key = f"partner:{caller.partner_code}" if caller.partner_code else f"person:{caller.subject}"
        return caller, count_request(uow, key, settings.rate_limit_per_minute)


class Unavailable(Exception):
    def __init__(self, service: str) -> None:
        super().__init__(service)
        self.service = service


def proxy(service: str, rest: str) -> Response:
    """``/api/v1/<service>/<rest>``: the caller authenticated (a person's token or a partner's signature) and rate
    limited, then the request sent on to the service with their signed identity, and its answer given back."""
    settings = context().settings
    audit.made_by_the_services()
    base = settings.upstreams().get(service)
    if base is None:
        _no_such_service(service, settings)
    if domain.climbs_out(rest):
        return problem(
            400, "The path may not contain '.' or '..' segments; name the resource directly.", slug="bad-path"
        )
    body = request.get_data()
    try:
        caller, limits = _authenticate_and_count(settings, body)
    except Unavailable as exc:
        metrics.UPSTREAM_ERRORS.labels(exc.service, "unavailable").inc()
        return problem(
            502,
            f"The {exc.service} service is unavailable to check the key; try again shortly.",
            slug="upstream-unavailable",
            service=exc.service,
        )
    except RateLimited as exc:
        return too_many(exc)
    return _forward(service, rest, f"{base}/api/v1/{service}/{quote(rest, safe=PATH_SAFE)}", caller, body, limits)


def _no_such_service(service: str, settings) -> NoReturn:
    """405 for a gateway route of its own called with another method (``GET /api/v1/auth/login``), else 404."""
    own = {
        m
        for r in current_app.url_map.iter_rules()
        if r.rule == request.path and r.endpoint != "proxy"
        for m in r.methods or ()
    } - {"HEAD", "OPTIONS"}
    if own:
        raise MethodNotAllowed(valid_methods=sorted(own))
    raise NotFound(f"No service {service}; the services are {', '.join(settings.upstreams())}.")


def _forward(service: str, rest: str, url: str, caller: identity.Identity, body: bytes, limits: dict) -> Response:
    """The request sent on to ``url`` (as received: %3F stays in the path), the service's answer given back with the
    rate-limit headers; 504 when it did not answer in time, 502 when it cannot be reached."""
    headers = domain.forwardable(request.headers.items(), domain.HOP_BY_HOP | domain.NEVER_FROM_CALLER)
    started = time.perf_counter()
    try:
        answer = upstream.call(
            request.method,
            url,
            caller,
            params=request.args.to_dict(flat=False),
            data=body,
            headers=dict(headers),
            allow_redirects=False,
        )
    except requests.Timeout:
        metrics.UPSTREAM_ERRORS.labels(service, "timeout").inc()
        return problem(
            504,
            f"The {service} service did not answer in time; try again shortly.",
            slug="upstream-timeout",
            service=service,
        )
    except requests.ConnectionError:
        metrics.UPSTREAM_ERRORS.labels(service, "unavailable").inc()
        return problem(
            502,
            f"The {service} service is unavailable; try again shortly.",
            slug="upstream-unavailable",
            service=service,
        )
    metrics.UPSTREAM_LATENCY.labels(
        service, domain.route_family(service, rest), request.method, str(answer.status_code)
    ).observe(time.perf_counter() - started)
    return Response(
        answer.content,
        status=answer.status_code,
        headers=domain.forwardable(answer.headers.items()) + list(limits.items()),
    )


# --- API documentation --------------------------------------------------------------------------

DOCS_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Bangkom API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/api/docs/openapi.json", dom_id: "#swagger-ui"});</script>
</body></html>"""


def docs_page() -> Response:
    """The browsable API documentation; every asset is served from here (it works offline)."""
    return Response(DOCS_PAGE, mimetype="text/html")


def docs_asset(filename: str) -> Response:
    from flask import send_from_directory
    from swagger_ui_bundle import swagger_ui_path

    return send_from_directory(swagger_ui_path, filename, max_age=3600)


def docs_document() -> dict:
    """One OpenAPI document: the gateway's own routes and every reachable service's, merged."""
    settings = context().settings
    documents = {"gateway": current_app.extensions["gateway_openapi"]()}
    unavailable = []
    for service, base in settings.upstreams().items():
        try:
            response = current_app.extensions["gateway_http"].get(
                f"{base}/openapi.json", timeout=(settings.upstream_connect_timeout, 5)
            )
            response.raise_for_status()
            documents[service] = response.json()
        except requests.RequestException:
            unavailable.append(service)
    merged = domain.merge_openapi(documents, "Bangkom API", security=[{"bearer": []}, {"partner": []}])
    merged["servers"] = [{"url": settings.public_url.rstrip("/"), "description": "Bangkom (PUBLIC_URL)"}]
    merged["components"].setdefault("securitySchemes", {}).update(
        {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "People: the access token of POST /api/v1/auth/login",
            },
            "partner": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "Partners: 'Bangkom-Partner <key id>:<secret>' plus webhook-id, "
                "webhook-timestamp and webhook-signature (docs/gateway.md)",
            },
        }
    )
    if unavailable:
        merged["info"]["description"] = f"Not reachable now, so not included: {', '.join(unavailable)}."
    return merged
