"""Prometheus collectors of the training service: gauges computed at scrape time from its database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from services.training.config import TrainingSettings
from services.training.models import Batch, Enrollment, Meeting
from shared.db import Database


class TrainingCollector:
    """Scrape-time gauges: batches running today (between their first and last meeting, not closed)
    and participants whose completion was decided today (completed or not)."""

    def __init__(self, database: Database, settings: TrainingSettings) -> None:
        self.database, self.settings = database, settings

    def collect(self):
        running = GaugeMetricFamily("bangkom_training_batches_running", "Batches between their first and last meeting")
        decided = GaugeMetricFamily(
            "bangkom_training_decisions_today", "Participants whose completion was decided today", labels=["status"]
        )
        today = self.settings.today()
        start = dt.datetime.combine(today, dt.time.min, tzinfo=ZoneInfo(self.settings.timezone))
        try:
            with self.database.sessions() as session:
                spans = (
                    select(
                        Meeting.batch_id, func.min(Meeting.date).label("first"), func.max(Meeting.date).label("last")
                    )
                    .group_by(Meeting.batch_id)
                    .subquery()
                )
                running_count = session.scalar(
                    select(func.count())
                    .select_from(Batch)
                    .join(spans, spans.c.batch_id == Batch.id)
                    .where(Batch.closed_at.is_(None), spans.c.first <= today, spans.c.last >= today)
                )
                counts = dict(
                    session.execute(
                        select(Enrollment.status, func.count())
                        .where(Enrollment.decided_at >= start.astimezone(dt.UTC))
                        .group_by(Enrollment.status)
                    ).all()
                )
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is down
            return []
        running.add_metric([], running_count or 0)
        for status in ("completed", "not_completed"):
            decided.add_metric([status], counts.get(status, 0))
        return [running, decided]
