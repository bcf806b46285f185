"""HTTP layer of the gateway: its own routes (login, refresh) and the proxy to the services.

The proxy authenticates the caller (a person's bearer token), signs the identity for the service
(``X-Bangkom-Identity``), passes the request on faithfully (minus hop-by-hop headers and the
caller's credentials) with a pooled client and timeouts, and answers 502/504 problem details that
name the unavailable service.
"""

from __future__ import annotations

import requests
from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from services.gateway import domain, handlers, schemas
from shared import identity, metrics
from shared.errors import NotFound
from shared.logging import request_id
from shared.web import context, problem

blp = Blueprint("gateway", __name__, url_prefix="/api/v1/auth", description="Log in and refresh tokens")


@blp.route("/login")
class Login(MethodView):
    @blp.arguments(schemas.LoginSchema)
    @blp.response(200, schemas.TokenSchema)
    def post(self, data):
        """Log in: a short-lived access token (JWT) and a refresh token."""
        with context().uow() as uow:
            return handlers.login(uow, context().settings, data["username"], data["password"])


@blp.route("/refresh")
class Refresh(MethodView):
    @blp.arguments(schemas.RefreshSchema)
    @blp.response(200, schemas.TokenSchema)
    def post(self, data):
        """A new token pair for a refresh token, which is spent by it."""
        with context().uow() as uow:
            return handlers.refresh(uow, context().settings, data["refresh_token"])


def proxy(service: str, rest: str) -> Response:
    settings = context().settings
    base = settings.upstreams().get(service)
    if base is None:
        raise NotFound(f"No service {service}; the services are {', '.join(settings.upstreams())}.")
    caller = handlers.identity_of_bearer(settings, request.headers.get("Authorization"))
    headers = domain.forwardable(request.headers.items(), domain.HOP_BY_HOP | domain.NEVER_FROM_CALLER)
    headers += [(identity.HEADER, identity.encode(caller, settings.internal_identity_secret)),
                ("X-Request-ID", request_id.get() or "")]  # fmt: skip
    url = f"{base}/api/v1/{service}/{rest}"
    try:
        upstream = current_app.extensions["gateway_http"].request(
            request.method,
            url,
            params=request.args.to_dict(flat=False),
            data=request.get_data(),
            headers=dict(headers),
            timeout=(settings.upstream_connect_timeout, settings.upstream_read_timeout),
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
    return Response(upstream.content, status=upstream.status_code, headers=domain.forwardable(upstream.headers.items()))
