"""Who takes part and how they attended: rosters, one meeting's attendance, the attendance sheet, a partner's own
batches."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.training.models import Attendance, Batch, EmployeeView, Enrollment, Meeting, Program
from services.training.views.programs import batch
from shared.errors import NotFound

SHEET_COLUMNS = (
    ("nip", "NIP"),
    ("name", "Nama"),
    ("meeting_no", "Pertemuan"),
    ("date", "Tanggal"),
    ("status", "Status"),
    ("note", "Catatan"),
)


def sheet_rows(session: Session, batch_id: str) -> list[dict[str, Any]]:
    """The attendance sheet of a batch: one row per participant and meeting, with what is recorded so far (the
    template to fill in: Status ``Hadir``, ``Tidak hadir`` or ``Izin``)."""
    words = {"present": "Hadir", "absent": "Tidak hadir", "excused": "Izin"}
    meetings = session.scalars(select(Meeting).where(Meeting.batch_id == batch_id).order_by(Meeting.meeting_no)).all()
    held = {
        (a.enrollment_id, a.meeting_no): a
        for a in session.scalars(
            select(Attendance)
            .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
            .where(Enrollment.batch_id == batch_id)
        )
    }
    people = session.execute(
        select(Enrollment, EmployeeView.name)
        .outerjoin(EmployeeView, EmployeeView.nip == Enrollment.nip)
        .where(Enrollment.batch_id == batch_id, Enrollment.status != "withdrawn")
        .order_by(EmployeeView.name, Enrollment.nip)
    ).all()
    return [
        {
            "nip": e.nip,
            "name": name,
            "meeting_no": m.meeting_no,
            "date": m.date,
            "status": words.get(held[(e.id, m.meeting_no)].status) if (e.id, m.meeting_no) in held else None,
            "note": held[(e.id, m.meeting_no)].note if (e.id, m.meeting_no) in held else None,
        }
        for m in meetings
        for e, name in people
    ]


def meeting_attendance(session: Session, batch_id: str, meeting_no: int) -> list[dict[str, Any]]:
    """Who attended one meeting, as recorded so far, and from where (the roster form of BKPSDM): the participants,
    not those withdrawn from the batch."""
    if session.get(Meeting, (batch_id, meeting_no)) is None:
        raise NotFound(f"No meeting {meeting_no} in batch {batch_id}.")
    rows = session.execute(
        select(Enrollment, EmployeeView.name, Attendance)
        .outerjoin(EmployeeView, EmployeeView.nip == Enrollment.nip)
        .outerjoin(Attendance, (Attendance.enrollment_id == Enrollment.id) & (Attendance.meeting_no == meeting_no))
        .where(Enrollment.batch_id == batch_id, Enrollment.status != "withdrawn")
        .order_by(EmployeeView.name, Enrollment.nip)
    ).all()
    return [
        {
            "nip": e.nip,
            "name": name,
            "enrollment_status": e.status,
            "status": a.status if a else None,
            "source": a.source if a else None,
            "note": a.note if a else None,
            "recorded_at": a.recorded_at if a else None,
        }
        for e, name, a in rows
    ]


def partner_batches(session: Session, partner_code: str) -> list[dict[str, Any]]:
    """The partner's batches, newest program first, each with its program's title."""
    found = session.execute(
        select(Batch.id, Program.title)
        .join(Program, Program.id == Batch.program_id)
        .where(Program.partner_code == partner_code)
        .order_by(Program.created_at.desc(), Batch.number)
    ).all()
    return [batch(session, batch_id, partner_code) | {"program_title": title} for batch_id, title in found]


def roster(
    session: Session, batch_id: str, partner_code: str | None = None, unit_code: str | None = None
) -> list[dict[str, Any]]:
    """Participants of a batch with their attendance share so far (those of one OPD, with ``unit_code``)."""
    batch(session, batch_id, partner_code)
    meetings = session.scalar(select(func.count()).where(Meeting.batch_id == batch_id))
    present = (
        select(Attendance.enrollment_id, func.count().label("present"))
        .where(Attendance.status == "present")
        .group_by(Attendance.enrollment_id)
        .subquery()
    )
    query = (
        select(Enrollment, EmployeeView.name, EmployeeView.unit_name, func.coalesce(present.c.present, 0))
        .outerjoin(EmployeeView, EmployeeView.nip == Enrollment.nip)
        .outerjoin(present, present.c.enrollment_id == Enrollment.id)
        .where(Enrollment.batch_id == batch_id)
        .order_by(Enrollment.nip)
    )
    if unit_code is not None:
        query = query.where(EmployeeView.unit_code == unit_code)
    rows = session.execute(query).all()
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
            "pre_test_score": e.pre_test_score,
            "post_test_score": e.post_test_score,
            "evidence": e.evidence,
            "certificate_number": e.certificate_number,
        }
        for e, name, unit_name, count in rows
    ]


def roster_enrollments(session: Session, batch_id: str) -> list[Enrollment]:
    return list(session.scalars(select(Enrollment).where(Enrollment.batch_id == batch_id).order_by(Enrollment.nip)))
