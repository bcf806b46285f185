"""create_app() → the evaluation service's Flask app (run under gunicorn, see docs/operations.md)."""

from __future__ import annotations

from flask import Flask

from services.evaluation.api import ACCESS, blp
from services.evaluation.config import EvaluationSettings, load_settings
from services.evaluation.messages import INDONESIAN
from services.evaluation.metrics import OverdueCollector
from services.evaluation.models import Outbox, ScheduledJob
from shared.db import Database
from shared.schedule import ScheduledJobCollector
from shared.web import create_app as create_service_app


def create_app(settings: EvaluationSettings | None = None) -> Flask:
    settings = settings or load_settings()
    database = Database(settings.database_url)
    return create_service_app(
        settings,
        title="Bangkom evaluation",
        description="Post-training evaluation tasks (reaction, learning, behaviour), the closed loop back to competency levels, program effectiveness.",
        blueprints=[blp],
        database=database,
        outbox_model=Outbox,
        metric_collectors=[
            OverdueCollector(database, settings.today),
            ScheduledJobCollector(database, ScheduledJob, "evaluation"),
        ],
        access=ACCESS,
        messages_indonesian=INDONESIAN,
    )
