"""create_app() → the training service's Flask app (run under gunicorn, see docs/operations.md)."""

from __future__ import annotations

import logging

from flask import Flask

from services.training.api import ACCESS, blp
from services.training.config import TrainingSettings, load_settings
from services.training.messages import INDONESIAN
from services.training.metrics import TrainingCollector
from services.training.models import Outbox
from shared.db import Database
from shared.web import create_app as create_service_app

log = logging.getLogger(__name__)


def create_app(settings: TrainingSettings | None = None) -> Flask:
    settings = settings or load_settings()
    if not settings.certificate_signing_pkcs12_file:
        log.warning("certificates are issued unsigned: CERTIFICATE_SIGNING_PKCS12_FILE is not set (docs/training.md)")
    if not settings.partner_key_encryption_key:
        log.warning(
            "partner secrets are sealed with a key derived from INTERNAL_IDENTITY_SECRET: set PARTNER_KEY_ENCRYPTION_KEY"
        )
    database = Database(settings.database_url)
    return create_service_app(
        settings,
        title="Bangkom training",
        description="Partner institutions, programs, batches (angkatan), nomination, attendance and completion.",
        blueprints=[blp],
        database=database,
        outbox_model=Outbox,
        metric_collectors=[TrainingCollector(database, settings)],
        access=ACCESS,
        messages_indonesian=INDONESIAN,
    )
