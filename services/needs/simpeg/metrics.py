"""Prometheus collector of the SIMPEG integration: its history records, their age, the last successful sync."""

from __future__ import annotations

import datetime as dt

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from services.needs.models import SimpegHistory, SimpegSyncRun
from services.needs.simpeg.mapping import FINISHED
from services.needs.simpeg.views import history_counts
from shared.db import Database, utcnow


class SimpegCollector:
    """Scrape-time gauges: training-history records owed to SIMPEG by status, the age of the oldest
    pending one, and when the last employee sync succeeded."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self):
        records = GaugeMetricFamily(
            "bangkom_simpeg_history_records", "Training-history records for SIMPEG, by status", labels=["status"]
        )
        oldest = GaugeMetricFamily(
            "bangkom_simpeg_history_oldest_pending_age_seconds", "Age of the oldest record not yet sent to SIMPEG"
        )
        last_sync = GaugeMetricFamily(
            "bangkom_simpeg_last_sync_success_timestamp_seconds", "When the last employee sync or import succeeded"
        )
        try:
            with self.database.sessions() as session:
                counts = history_counts(session)
                first = session.scalar(
                    select(func.min(SimpegHistory.created_at)).where(SimpegHistory.status == "pending")
                )
                finished = session.scalar(
                    select(func.max(SimpegSyncRun.finished_at)).where(SimpegSyncRun.status.in_(FINISHED))
                )
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is down
            return []
        for status, count in counts.items():
            records.add_metric([status], count)
        oldest.add_metric([], (utcnow() - _aware(first)).total_seconds() if first else 0.0)
        last_sync.add_metric([], _aware(finished).timestamp() if finished else 0.0)
        return [records, oldest, last_sync]


def _aware(moment):
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
