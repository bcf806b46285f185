"""Behind a TLS-terminating proxy (the Kubernetes ingress, a city's reverse proxy): whose forwarded headers count.

The proxy talks plain HTTP to the gateway and says what the client used in ``X-Forwarded-Proto`` and who the client
is in ``X-Forwarded-For``. Those headers are believed only from the proxies configured (``PROXY_HOPS`` of them, the
nearest one's address within ``TRUSTED_PROXIES``), through werkzeug's ``ProxyFix``; from anyone else they are removed,
so that nobody can claim HTTPS or another client address by sending them. What the gateway then knows (``request.
is_secure``, ``request.remote_addr``) makes the session cookies ``Secure``, sends ``Strict-Transport-Security`` and
gives rate limits and the audit trail the client's real address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

FORWARDED_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
)


def networks(listed: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``TRUSTED_PROXIES``: comma-separated addresses or networks (``10.0.0.0/8, ::1``); ValueError names a bad one."""
    found = []
    for item in filter(None, (part.strip() for part in listed.split(","))):
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {item!r} is not an address or network (e.g. 10.0.0.0/8)") from None
    return found


class TrustedProxies:
    """WSGI middleware: ``ProxyFix`` for requests from a trusted proxy, the forwarded headers removed from others."""

    def __init__(self, app: Callable[..., Iterable[bytes]], hops: int, trusted: str) -> None:
        self.app = app
        self.hops = hops
        self.trusted = networks(trusted)
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops) if hops else app

    def from_trusted_proxy(self, address: str | None) -> bool:
        try:
            peer = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(peer in network for network in self.trusted)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.hops and self.from_trusted_proxy(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        for header in FORWARDED_HEADERS:
            environ.pop(header, None)
        return self.app(environ, start_response)


class SessionCookies(SecureCookieSessionInterface):
    """The UI's session cookie is ``Secure`` whenever the client reached the gateway over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request.is_secure or super().get_cookie_secure(app))


def behind_proxies(app: Flask, hops: int, trusted: str, hsts_seconds: int) -> None:
    """Set the app up for its proxies: forwarded headers from trusted ones, Secure session cookies, HSTS over HTTPS."""
    app.wsgi_app = TrustedProxies(app.wsgi_app, hops, trusted)  # type: ignore[method-assign]
    app.session_interface = SessionCookies()

    @app.after_request
    def strict_transport(response: Response) -> Response:
        if request.is_secure and hsts_seconds:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains")
        return response
