"""Read side of the evaluation service: task listings, overdue work, reports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from services.evaluation.models import Participation, Task
from shared.db import Database


def task_view(task: Task, today: dt.date) -> dict[str, Any]:
    values = {column.key: getattr(task, column.key) for column in Task.__table__.columns}
    return values | {"overdue": task.status == "open" and task.due_on < today}


def tasks(session: Session, filters: dict[str, Any], today: dt.date, page: int, page_size: int):
    query = select(Task).order_by(Task.due_on, Task.id)
    for field in ("status", "kind", "assignee_nip", "nip", "batch_id", "flagged"):
        if filters.get(field) is not None:
            query = query.where(getattr(Task, field) == filters[field])
    if filters.get("unit_code"):
        query = query.join(Participation, Participation.enrollment_id == Task.enrollment_id).where(
            Participation.unit_code == filters["unit_code"]
        )
    if filters.get("overdue") is not None:
        overdue = (Task.status == "open") & (Task.due_on < today)
        query = query.where(overdue if filters["overdue"] else ~overdue)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    found = session.scalars(query.limit(page_size).offset((page - 1) * page_size)).all()
    return [task_view(t, today) for t in found], total


def open_work_by(session: Session, dimension: str, today: dt.date) -> list[dict[str, Any]]:
    """Open and overdue tasks per assignee (NIP; null = the partner or BKPSDM) or per OPD."""
    key = Task.assignee_nip if dimension == "assignee" else Participation.unit_code
    overdue = func.sum(case((Task.due_on < today, 1), else_=0))
    rows = session.execute(
        select(key.label("key"), func.count().label("open"), overdue.label("overdue"))
        .join(Participation, Participation.enrollment_id == Task.enrollment_id)
        .where(Task.status == "open", Task.opens_on <= today)
        .group_by(key)
        .order_by(overdue.desc(), key)
    ).all()
    return [{"key": r.key, "open": r.open, "overdue": int(r.overdue or 0)} for r in rows]


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
                counts = dict(session.execute(
                    select(Task.kind, func.count()).where(Task.status == "open", Task.due_on < self.today()).group_by(Task.kind)
                ).all())  # fmt: skip
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is down
            return []
        for kind in ("reaction", "learning", "behavior"):
            gauge.add_metric([kind], counts.get(kind, 0))
        return [gauge]


def report_xlsx(title: str, figures: dict[str, Any]) -> bytes:
    """The effectiveness report of a batch or program as an XLSX sheet with Indonesian labels."""
    learning, reaction = figures["learning"], figures["reaction"]
    rows = [
        ("Laporan", title),
        ("Jumlah peserta", figures["participants"]),
        ("Rata-rata reaksi (1-5)", reaction["mean"]),
        ("Jumlah responden reaksi", reaction["responses"]),
        ("Tingkat respons kuesioner", figures["response_rate"]),
        ("Rata-rata pre-test", learning["mean_pre"]),
        ("Rata-rata post-test", learning["mean_post"]),
        ("Peningkatan rata-rata (poin)", learning["mean_gain"]),
        ("Peningkatan ternormalisasi", learning["normalised_gain"]),
        ("Nilai p (Wilcoxon, satu arah)", learning["p_value"]),
        ("Peningkatan signifikan", "Ya" if learning["significant"] else "Tidak"),
        ("Persentase mencapai target perilaku", figures["behavior_pass_rate"]),
        (
            "Rekomendasi",
            {
                "repeat": "Ulangi",
                "improve": "Perbaiki",
                "discontinue": "Hentikan",
                "insufficient_data": "Belum cukup data",
            }[figures["recommendation"]],
        ),
    ]
    rows += [(f"Tema masukan: {t['theme']}", t["count"]) for t in figures["themes"]]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Efektivitas")
    sheet.append(("Ukuran", "Nilai"))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
