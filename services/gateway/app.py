"""create_app() → the gateway's Flask app (run under gunicorn, see docs/operations.md)."""

from __future__ import annotations

from flask import Flask

from services.gateway.api import blp
from services.gateway.config import GatewaySettings, load_settings
from shared.db import Database
from shared.web import create_app as create_service_app


def create_app(settings: GatewaySettings | None = None) -> Flask:
    settings = settings or load_settings()
    return create_service_app(
        settings,
        title="Bangkom gateway",
        description="The one public door of Bangkom.",
        blueprints=[blp],
        database=Database(settings.database_url),
        check_kafka=False,
    )
