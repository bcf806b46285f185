"""The gateway's calls to the services, one way for the proxy, the partner-key check and the web UI: the pooled
client of the process, the caller's identity signed for the service, the request id, the time-outs, and the rule
for sending again."""

from __future__ import annotations

import requests
from flask import current_app
from urllib3.exceptions import NewConnectionError

from shared import identity, metrics
from shared.logging import request_id
from shared.web import context

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
GATEWAY = identity.Identity("gateway", ("gateway",))  # the gateway itself: key checks, the public pages


def send_upstream(method: str, url: str, **options) -> requests.Response:
    """One call to a service, sent again once if the connection broke before an answer came: a pooled
    keep-alive connection the service closed just then (a reset), or one that could not be opened. A request
    that may have reached the service is sent again only when it is idempotent; a time-out never is."""
    http = current_app.extensions["gateway_http"]
    try:
        return http.request(method, url, **options)
    except requests.Timeout:
        raise
    except requests.ConnectionError as exc:
        cause = getattr(exc.args[0], "reason", None) if exc.args else None  # urllib3's MaxRetryError.reason
        if method not in IDEMPOTENT and not isinstance(cause, NewConnectionError):
            raise
        metrics.UPSTREAM_RETRIES.labels(_service_of(url)).inc()
        return http.request(method, url, **options)


def _service_of(url: str) -> str:
    return url.split("/api/v1/", 1)[1].split("/", 1)[0] if "/api/v1/" in url else "unknown"


def call(
    method: str, url: str, caller: identity.Identity, *, headers: dict | None = None, **options
) -> requests.Response:
    """``method url`` for ``caller``: their identity signed for the service (``X-Bangkom-Identity``), the request
    id, the configured time-outs; sent again once when that is safe (``send_upstream``)."""
    settings = context().settings
    signed = {
        identity.HEADER: identity.encode(caller, settings.internal_identity_secret),
        "X-Request-ID": request_id.get() or "",
    }
    options.setdefault("timeout", (settings.upstream_connect_timeout, settings.upstream_read_timeout))
    return send_upstream(method, url, headers={**(headers or {}), **signed}, **options)
