"""create_app() → the notifications service's Flask app (run under gunicorn, see docs/operations.md)."""

from __future__ import annotations

from flask import Flask

from services.notifications.api import ACCESS, blp
from services.notifications.config import NotificationSettings, load_settings
from services.notifications.messages import INDONESIAN
from services.notifications.metrics import MessageCollector
from services.notifications.models import Outbox, ScheduledJob
from shared.db import Database
from shared.schedule import ScheduledJobCollector
from shared.web import create_app as create_service_app


def create_app(settings: NotificationSettings | None = None) -> Flask:
    settings = settings or load_settings()
    database = Database(settings.database_url)
    return create_service_app(
        settings,
        title="Bangkom notifications",
        description="Messages to people from events: call-ups, due evaluations, results; preferences.",
        blueprints=[blp],
        database=database,
        outbox_model=Outbox,
        metric_collectors=[MessageCollector(database), ScheduledJobCollector(database, ScheduledJob, "notifications")],
        access=ACCESS,
        messages_indonesian=INDONESIAN,
    )
