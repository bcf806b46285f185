"""Prometheus collectors of the evaluation service: gauges computed at scrape time from its database."""

from __future__ import annotations

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from services.evaluation.models import Task
from shared.db import Database


class OverdueCollector:
    """Scrape-time gauge: open tasks past their due date, per kind."""

    def __init__(self, database: Database, today) -> None:
        self.database, self.today = database, today

    def collect(self):
        gauge = GaugeMetricFamily(
            "bangkom_evaluation_tasks_overdue", "Open evaluation tasks past their due date", labels=["kind"]
        )
        try:
            with self.database.sessions() as session:
                counts = dict(
                    session.execute(
                        select(Task.kind, func.count())
                        .where(Task.status == "open", Task.due_on < self.today())
                        .group_by(Task.kind)
                    ).all()
                )
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is down
            return []
        for kind in ("reaction", "learning", "behavior"):
            gauge.add_metric([kind], counts.get(kind, 0))
        return [gauge]
