"""Prometheus collectors of the needs service: gauges computed at scrape time from its database."""

from __future__ import annotations

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from services.needs.config import NeedsSettings
from services.needs.models import Need
from services.needs.views import jp_compliance
from shared.db import Database


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
