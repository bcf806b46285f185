"""create_app() → the needs service's Flask app (run under gunicorn, see docs/operations.md)."""

from __future__ import annotations

from flask import Flask

from services.needs.api import ACCESS, blp
from services.needs.config import NeedsSettings, load_settings
from services.needs.messages import INDONESIAN
from services.needs.metrics import NeedsCollector
from services.needs.models import Outbox
from services.needs.simpeg import api as simpeg_api
from services.needs.simpeg.metrics import SimpegCollector
from shared.db import Database
from shared.web import create_app as create_service_app


def create_app(settings: NeedsSettings | None = None) -> Flask:
    settings = settings or load_settings()
    database = Database(settings.database_url)
    return create_service_app(
        settings,
        title="Bangkom needs",
        description="Competency dictionary, position standards, employee profiles and assessments, gaps, priorities and the annual plan.",
        blueprints=[blp, simpeg_api.blp],
        database=database,
        outbox_model=Outbox,
        access=ACCESS,
        messages_indonesian=INDONESIAN,
        metric_collectors=[NeedsCollector(database, settings), SimpegCollector(database)],
    )
