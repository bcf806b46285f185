"""Prometheus collectors of the notifications service: gauges computed at scrape time from its database, so they
are right under gunicorn with several workers and in the worker alike."""

from __future__ import annotations

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from services.notifications.models import Message
from shared.db import Database, utcnow

STATUSES = ("queued", "sent", "failed", "no_address")


class MessageCollector:
    """Messages per status and kind, and the age of the oldest queued one (delivery has stalled when it grows)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def collect(self):
        counts = GaugeMetricFamily(
            "bangkom_notifications_messages", "Messages by status and kind", labels=["status", "kind"]
        )
        oldest = GaugeMetricFamily(
            "bangkom_notifications_oldest_queued_seconds", "Age of the oldest message waiting to be sent"
        )
        try:
            with self.database.sessions() as session:
                rows = session.execute(
                    select(Message.status, Message.kind, func.count()).group_by(Message.status, Message.kind)
                ).all()
                first = session.scalar(select(func.min(Message.created_at)).where(Message.status == "queued"))
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is down
            return []
        for status, kind, count in rows:
            counts.add_metric([status, kind], count)
        oldest.add_metric([], (utcnow() - first).total_seconds() if first else 0.0)
        return [counts, oldest]
