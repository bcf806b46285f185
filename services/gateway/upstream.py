"""The gateway's calls to the services, one way for the proxy, the partner-key check and the web UI: the pooled
client of the process, the caller's identity signed for the service, the request id, the time-outs, and the rule
for sending again."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

import requests
from flask import current_app, has_request_context, request
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError, ReadTimeoutError
from urllib3.util import Retry

from shared import identity, metrics
from shared.logging import request_id
from shared.web import context

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
GATEWAY = identity.Identity("gateway", ("gateway",))  # the gateway itself: key checks, the public pages


class SendAgainOnce(Retry):
    """urllib3's ``Retry``, once: after a connection that could not be opened (nothing was sent: any method), or one
    that broke before an answer came (a pooled keep-alive connection the service closed just then: idempotent methods
    only, since the request may have reached the service). Never after a time-out: the service may still be at it.
    Each time counts in ``bangkom_upstream_retries_total``."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None) -> Retry:
        if isinstance(error, ReadTimeoutError):
            raise error  # requests: ReadTimeout
        if isinstance(error, ConnectTimeoutError) and not isinstance(error, NewConnectionError):
            raise MaxRetryError(_pool, url, error) from error  # requests: ConnectTimeout
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        metrics.UPSTREAM_RETRIES.labels(_service_of(url or "")).inc()
        return retry


def new_client() -> requests.Session:
    """The pooled client of a gateway process (made after gunicorn forks), sending again as ``SendAgainOnce`` says."""
    http = requests.Session()
    http.trust_env = False  # the services are called directly: no proxy or .netrc looked up in the environment per call
    send_again = SendAgainOnce(
        total=1, connect=1, read=1, status=0, other=0, redirect=0, allowed_methods=IDEMPOTENT, raise_on_status=False
    )
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=send_again)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http


def send_upstream(method: str, url: str, **options) -> requests.Response:
    """One call to a service with the process's client: sent again once when that is safe (``SendAgainOnce``)."""
    return current_app.extensions["gateway_http"].request(method, url, **options)


def _service_of(url: str) -> str:
    return url.split("/api/v1/", 1)[1].split("/", 1)[0] if "/api/v1/" in url else "unknown"


def call(
    method: str, url: str, caller: identity.Identity, *, headers: dict | None = None, **options
) -> requests.Response:
    """``method url`` for ``caller``: their identity signed for the service (``X-Bangkom-Identity``), the request
    id, the configured time-outs; sent again once when that is safe (``send_upstream``)."""
    return prepared_call(method, url, caller, headers=headers, **options)()


def prepared_call(
    method: str, url: str, caller: identity.Identity, *, headers: dict | None = None, **options
) -> Callable[[], requests.Response]:
    """``call`` made ready in the request's context, to be sent from any thread (the web UI's calls sent together)."""
    settings = context().settings
    if caller.address is None and has_request_context():  # where the request came from, for the audit trail
        caller = dataclasses.replace(caller, address=request.remote_addr)
    signed = {
        identity.HEADER: identity.encode(caller, settings.internal_identity_secret),
        "X-Request-ID": request_id.get() or "",
    }
    options.setdefault("timeout", (settings.upstream_connect_timeout, settings.upstream_read_timeout))
    client = current_app.extensions["gateway_http"]  # ``send_upstream``'s, taken here: the pool has no app context
    return functools.partial(client.request, method, url, headers={**(headers or {}), **signed}, **options)
