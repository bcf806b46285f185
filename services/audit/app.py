"""create_app() → the audit service's Flask app (run under gunicorn, see docs/operations.md)."""

from __future__ import annotations

from flask import Flask

from services.audit.api import ACCESS, blp
from services.audit.config import AuditSettings, load_settings
from services.audit.messages import INDONESIAN
from services.audit.models import Outbox
from shared.db import Database
from shared.web import create_app as create_service_app


def create_app(settings: AuditSettings | None = None) -> Flask:
    settings = settings or load_settings()
    return create_service_app(
        settings,
        title="Bangkom audit",
        description="The audit trail: every service's events, append-only; search and export (BKPSDM, auditors).",
        blueprints=[blp],
        database=Database(settings.database_url),
        outbox_model=Outbox,
        access=ACCESS,
        messages_indonesian=INDONESIAN,
    )
