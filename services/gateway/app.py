"""create_app() → the gateway's Flask app (run under gunicorn, see docs/operations.md)."""

from __future__ import annotations

import hashlib

from flask import Flask

from services.gateway import forwarded, upstream
from services.gateway.api import blp, docs_asset, docs_document, docs_page, proxy
from services.gateway.config import GatewaySettings, load_settings
from services.gateway.messages import INDONESIAN
from services.gateway.models import Outbox
from services.gateway.process import ProcessState
from services.gateway.ui import ui
from shared.config import ConfigError
from shared.db import Database
from shared.edge import body_limit
from shared.web import create_app as create_service_app

PROXIED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def proxied(service: str, rest: str):
    return proxy(service, rest)


def create_app(settings: GatewaySettings | None = None) -> Flask:
    settings = settings or load_settings()
    if not settings.jwt_secret or not settings.internal_identity_secret:
        raise ConfigError(
            "The gateway cannot start: set JWT_SECRET and INTERNAL_IDENTITY_SECRET (long random strings)."
        )
    http = upstream.new_client()  # one pooled client per process (created after gunicorn forks)

    def ready(url: str):
        def check() -> None:  # the service's own readiness: its database and Kafka
            response = http.get(f"{url}/readyz", timeout=(settings.upstream_connect_timeout, 5))
            if response.status_code != 200:
                raise ConnectionError(f"readyz answered {response.status_code}")

        return check

    app = create_service_app(
        settings,
        title="Bangkom gateway",
        description="The one public door of Bangkom.",
        blueprints=[blp],
        database=Database(settings.database_url),
        outbox_model=Outbox,  # the changes made through its own routes (accounts, roles, sign-ins): shared/audit.py
        check_kafka=False,
        # the services people work with; not the audit trail's (read by BKPSDM and auditors alone: while it is down,
        # everyone else still works, and the events it will record wait on Kafka)
        checks={service: ready(url) for service, url in settings.upstreams().items() if service != "audit"},
        messages_indonesian=INDONESIAN,
    )
    app.extensions["bangkom_api"].spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "POST /api/v1/auth/login"}
    )
    app.extensions["gateway_http"] = http
    app.extensions["gateway_process"] = ProcessState()
    app.add_url_rule(
        "/api/v1/<service>/<path:rest>", "proxy", body_limit("proxy_max_body_bytes")(proxied), methods=PROXIED_METHODS
    )
    app.add_url_rule("/api/docs", "docs", docs_page)
    app.add_url_rule("/api/docs/openapi.json", "docs_document", docs_document)
    app.add_url_rule("/api/docs/assets/<path:filename>", "docs_asset", docs_asset)
    app.extensions["gateway_openapi"] = lambda: app.extensions["bangkom_api"].spec.to_dict()
    # the web UI: its session cookie (CSRF token, messages) is signed with a key derived from JWT_SECRET
    app.secret_key = hashlib.sha256(b"bangkom-ui-session:" + settings.jwt_secret.encode()).digest()
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_NAME="bangkom_ui")
    app.register_blueprint(ui)
    forwarded.behind_proxies(app, settings.proxy_hops, settings.trusted_proxies, settings.hsts_seconds)
    return app
