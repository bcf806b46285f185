"""Prometheus collectors of the needs service: gauges computed at scrape time from its database."""

from __future__ import annotations

import datetime as dt

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from services.needs.config import NeedsSettings
from services.needs.models import Need, SimpegHistory, SimpegSyncRun
from services.needs.views import jp_compliance, simpeg_history_counts
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
                counts = simpeg_history_counts(session)
                first = session.scalar(
                    select(func.min(SimpegHistory.created_at)).where(SimpegHistory.status == "pending")
                )
                finished = session.scalar(
                    select(func.max(SimpegSyncRun.finished_at)).where(SimpegSyncRun.status == "succeeded")
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


class NeedsCollector:
    """Scrape-time gauges of the planning side: open needs by competency group, and per OPD the ASN
    still below the annual JP target this year."""

    def __init__(self, database: Database, settings: NeedsSettings) -> None:
        self.database, self.settings = database, settings

    def collect(self):
        open_needs = GaugeMetricFamily(
            "bangkom_needs_open", "Development needs not yet closed, by competency group", labels=["competency_group"]
        )
        behind = GaugeMetricFamily(
            "bangkom_jp_below_target_employees",
            "ASN of an OPD still below the annual JP target this year",
            labels=["unit_code"],
        )
        try:
            with self.database.sessions() as session:
                groups = session.execute(
                    select(Need.competency_group, func.count())
                    .where(Need.status != "closed")
                    .group_by(Need.competency_group)
                ).all()
                units = jp_compliance(session, self.settings, self.settings.today().year)
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is down
            return []
        for group, count in groups:
            open_needs.add_metric([group], count)
        for unit in units:
            behind.add_metric([unit["unit_code"] or ""], unit["behind"])
        return [open_needs, behind]
