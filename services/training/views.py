"""Read side of the training service: listings, rosters, a partner's own batches."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.training.config import TrainingSettings
from services.training.models import Attendance, Batch, EmployeeView, Enrollment, Meeting, Partner, PartnerKey, Program
from shared.db import Database
from shared.errors import NotFound


def programs(session: Session, filters: dict[str, Any]) -> list[Program]:
    query = select(Program).order_by(Program.created_at.desc())
    for field in ("status", "partner_code"):
        if filters.get(field):
            query = query.where(getattr(Program, field) == filters[field])
    if filters.get("starts_from") or filters.get("starts_until"):
        dated = select(Batch.program_id).join(Meeting, Meeting.batch_id == Batch.id)
        if filters.get("starts_from"):
            dated = dated.where(Meeting.date >= filters["starts_from"])
        if filters.get("starts_until"):
            dated = dated.where(Meeting.date <= filters["starts_until"])
        query = query.where(Program.id.in_(dated))
    found = list(session.scalars(query))
    if filters.get("competency_code"):  # a JSON list: filtered here, portable across databases
        found = [p for p in found if any(c["code"] == filters["competency_code"] for c in p.competencies)]
    return found


def program(session: Session, program_id: str) -> Program:
    found = session.get(Program, program_id)
    if found is None:
        raise NotFound(f"No program {program_id}.")
    return found


def batch(session: Session, batch_id: str, partner_code: str | None = None) -> dict[str, Any]:
    found = session.get(Batch, batch_id)
    if (
        found is not None
        and partner_code is not None
        and session.get(Program, found.program_id).partner_code != partner_code
    ):
        found = None
    if found is None:
        raise NotFound(f"No batch {batch_id}.")
    meetings = session.scalars(select(Meeting).where(Meeting.batch_id == batch_id).order_by(Meeting.meeting_no)).all()
    return {"id": found.id, "program_id": found.program_id, "number": found.number, "closed_at": found.closed_at,
            "meetings": meetings}  # fmt: skip


def batches_of_program(session: Session, program_id: str) -> list[dict[str, Any]]:
    program(session, program_id)
    ids = session.scalars(select(Batch.id).where(Batch.program_id == program_id).order_by(Batch.number)).all()
    return [batch(session, batch_id) for batch_id in ids]


def partner_batches(session: Session, partner_code: str) -> list[dict[str, Any]]:
    ids = session.scalars(
        select(Batch.id).join(Program, Program.id == Batch.program_id).where(Program.partner_code == partner_code)
    ).all()
    return [batch(session, batch_id, partner_code) for batch_id in ids]


def roster(session: Session, batch_id: str, partner_code: str | None = None) -> list[dict[str, Any]]:
    """Participants of a batch with their attendance share so far."""
    batch(session, batch_id, partner_code)
    meetings = session.scalar(select(func.count()).where(Meeting.batch_id == batch_id))
    present = (
        select(Attendance.enrollment_id, func.count().label("present"))
        .where(Attendance.status == "present")
        .group_by(Attendance.enrollment_id)
        .subquery()
    )
    rows = session.execute(
        select(Enrollment, EmployeeView.name, EmployeeView.unit_name, func.coalesce(present.c.present, 0))
        .outerjoin(EmployeeView, EmployeeView.nip == Enrollment.nip)
        .outerjoin(present, present.c.enrollment_id == Enrollment.id)
        .where(Enrollment.batch_id == batch_id)
        .order_by(Enrollment.nip)
    ).all()
    return [
        {
            "enrollment_id": e.id,
            "nip": e.nip,
            "name": name,
            "unit_name": unit_name,
            "status": e.status,
            "present": count,
            "meetings": meetings,
            "attendance_share": round(count / meetings, 4) if meetings else 0.0,
            "post_test_score": e.post_test_score,
            "certificate_number": e.certificate_number,
        }  # fmt: skip
        for e, name, unit_name, count in rows
    ]


def partner(session: Session, code: str) -> Partner:
    found = session.get(Partner, code)
    if found is None:
        raise NotFound(f"No partner {code}.")
    return found


def partners(session: Session) -> list[Partner]:
    return list(session.scalars(select(Partner).order_by(Partner.code)))


def partner_keys(session: Session, code: str) -> list[PartnerKey]:
    partner(session, code)
    return list(
        session.scalars(select(PartnerKey).where(PartnerKey.partner_code == code).order_by(PartnerKey.created_at))
    )


def roster_enrollments(session: Session, batch_id: str) -> list[Enrollment]:
    return list(session.scalars(select(Enrollment).where(Enrollment.batch_id == batch_id).order_by(Enrollment.nip)))


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
                counts = dict(session.execute(
                    select(Enrollment.status, func.count())
                    .where(Enrollment.decided_at >= start.astimezone(dt.UTC))
                    .group_by(Enrollment.status)
                ).all())  # fmt: skip
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is down
            return []
        running.add_metric([], running_count or 0)
        for status in ("completed", "not_completed"):
            decided.add_metric([status], counts.get(status, 0))
        return [running, decided]
