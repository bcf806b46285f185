"""Programs and their batches: creation, changes, the schedule of meetings, publishing and closing a program."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence

from sqlalchemy import func, select

from services.training import domain
from services.training.commands import MeetingTimes, ProgramDetails
from services.training.config import TrainingSettings
from services.training.models import Attendance, Batch, Enrollment, Meeting, Partner, Program
from shared import forms
from shared.db import UnitOfWork
from shared.errors import Conflict, Invalid, NotFound, check_transition
from shared.events import Event, new_event


def create_program(uow: UnitOfWork, settings: TrainingSettings, data: ProgramDetails) -> Program:
    session = uow.session
    if session.scalar(select(Program.id).where(Program.code == data.code)) is not None:
        raise Conflict(
            f"Program code {data.code} already exists.", errors=[{"field": "code", "message": "Already exists."}]
        )
    if data.partner_code == domain.IN_HOUSE and session.get(Partner, domain.IN_HOUSE) is None:
        session.add(
            Partner(
                code=domain.IN_HOUSE,
                name=settings.in_house_organiser_name or settings.instansi.agency_short,
                kind=domain.IN_HOUSE_KIND,
            )
        )
    _require(uow, Partner, data.partner_code, "partner_code", "partner")
    codes = [c.code for c in data.competencies]
    if repeated := domain.duplicates(codes):
        raise Invalid(
            f"Each competency may appear once: {', '.join(repeated)}.",
            errors=[{"field": f"competencies.{codes.index(c)}.code", "message": "Duplicate."} for c in repeated],
        )
    values = data.columns() | _counted(data, settings)
    program = Program(id=str(uuid.uuid4()), status="draft", **values)
    session.add(program)
    uow.commit()
    return program


def _counted(data: ProgramDetails, settings: TrainingSettings) -> dict[str, float | int]:
    """The program's JP, counted by the forms' conversion table (a coaching or mentoring names its coach), and its
    attendance share: its own, 0 included (no
    attendance asked, as for a seminar), the default when it sets none."""
    if data.form in forms.GUIDED and not data.coach_name:
        raise Invalid(
            f"A {data.form} is guided by a person: name the coach or mentor.",
            errors=[{"field": "coach_name", "message": "Required for this form."}],
        )
    return {
        "jp": forms.counted_jp(settings.jp_conversion, data.form, data.quantity, data.jp),
        "min_attendance": settings.default_min_attendance if data.min_attendance is None else data.min_attendance,
    }


def update_program(uow: UnitOfWork, settings: TrainingSettings, program_id: str, data: ProgramDetails) -> Program:
    """Edit a program while it is a draft; once published, what partners and participants saw stays."""
    program = uow.get(Program, program_id, "program")
    if program.status != "draft":
        raise Conflict(f"Only a draft program can be edited; this one is {program.status}.")
    if data.code != program.code and uow.session.scalar(select(Program.id).where(Program.code == data.code)):
        raise Conflict(
            f"Program code {data.code} already exists.", errors=[{"field": "code", "message": "Already exists."}]
        )
    _require(uow, Partner, data.partner_code, "partner_code", "partner")
    for key, value in (data.columns() | _counted(data, settings)).items():
        setattr(program, key, value)
    uow.commit()
    return program


def add_batch(uow: UnitOfWork, program_id: str, meetings: Sequence[MeetingTimes]) -> Batch:
    program = uow.get(Program, program_id, "program")
    if program.status == "closed":
        raise Conflict("The program is closed; it takes no new batches.")
    for index, meeting in enumerate(meetings):
        if meeting.ends_at <= meeting.starts_at:
            raise Invalid(
                "A meeting must end after it starts.",
                errors=[{"field": f"meetings.{index}.ends_at", "message": "Must be after starts_at."}],
            )
    number = (uow.session.scalar(select(func.max(Batch.number)).where(Batch.program_id == program_id)) or 0) + 1
    batch = Batch(id=str(uuid.uuid4()), program_id=program_id, number=number)
    uow.session.add(batch)
    uow.session.flush()
    ordered = sorted(meetings, key=lambda m: (m.date, m.starts_at))
    added = [Meeting(batch_id=batch.id, meeting_no=i, **dataclasses.asdict(m)) for i, m in enumerate(ordered, start=1)]
    uow.session.add_all(added)
    uow.publish(_batch_scheduled(batch, added, []))
    uow.commit()
    return batch


def _batch_scheduled(batch: Batch, meetings: Sequence[Meeting], changed: list[int]) -> Event:
    return new_event(
        "BatchScheduled",
        {
            "batch_id": batch.id,
            "program_id": batch.program_id,
            "number": batch.number,
            "meetings": [
                {
                    "meeting_no": m.meeting_no,
                    "date": m.date,
                    "starts_at": m.starts_at,
                    "ends_at": m.ends_at,
                    "place": m.place,
                    "online": bool(m.online),  # the column's default applies only at the flush
                }
                for m in sorted(meetings, key=lambda m: m.meeting_no)
            ],
            "changed_meetings": changed,
        },
    )


def reschedule_meeting(uow: UnitOfWork, batch_id: str, meeting_no: int, data: MeetingTimes) -> Batch:
    """Move a meeting of an open batch (date, time, place): the participants are told (``BatchScheduled``). A meeting
    whose attendance is recorded keeps its date and time (its place may still be corrected)."""
    session = uow.session
    batch = session.get(Batch, batch_id, with_for_update=True)
    if batch is None:
        raise NotFound(f"No batch {batch_id}.")
    if batch.closed_at is not None:
        raise Conflict(
            "The batch is closed; its attendance is final.", errors=[{"field": "status", "message": "Closed."}]
        )
    meeting = session.get(Meeting, (batch_id, meeting_no))
    if meeting is None:
        raise NotFound(f"No meeting {meeting_no} in batch {batch_id}.")
    if data.ends_at <= data.starts_at:
        raise Invalid(
            "A meeting must end after it starts.", errors=[{"field": "ends_at", "message": "Must be after starts_at."}]
        )
    moved = (data.date, data.starts_at, data.ends_at) != (meeting.date, meeting.starts_at, meeting.ends_at)
    attended = session.scalar(
        select(func.count())
        .select_from(Attendance)
        .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
        .where(Enrollment.batch_id == batch_id, Attendance.meeting_no == meeting_no)
    )
    if moved and attended:
        raise Conflict(
            f"Attendance of meeting {meeting_no} is already recorded; it keeps its date and time.",
            errors=[{"field": "date", "message": "Attendance recorded."}],
        )
    for key, value in dataclasses.asdict(data).items():
        setattr(meeting, key, value)
    session.flush()
    meetings = session.scalars(select(Meeting).where(Meeting.batch_id == batch_id)).all()
    uow.publish(_batch_scheduled(batch, meetings, [meeting_no]))
    uow.commit()
    return batch


def change_program_status(uow: UnitOfWork, program_id: str, status: str) -> Program:
    program = uow.get(Program, program_id, "program")
    check_transition(domain.PROGRAM_TRANSITIONS, "program", program.status, status)
    if status == "published":
        dates = uow.session.execute(
            select(func.min(Meeting.date), func.max(Meeting.date))
            .join(Batch, Batch.id == Meeting.batch_id)
            .where(Batch.program_id == program_id)
        ).one()
        if dates[0] is None:
            raise Conflict("Add a batch with its meetings before publishing the program.")
        uow.publish(
            new_event(
                "ProgramPublished",
                {
                    "program_id": program.id,
                    "code": program.code,
                    "title": program.title,
                    "form": program.form,
                    "delivery": program.delivery,
                    "jp": program.jp,
                    "partner_code": program.partner_code,
                    "competencies": program.competencies,
                    "starts_on": dates[0],
                    "ends_on": dates[1],
                },
            )
        )
    program.status = status
    uow.commit()
    return program


def _require(uow: UnitOfWork, model, key, field: str, what: str) -> None:
    if uow.session.get(model, key) is None:
        raise Invalid(f"Unknown {what} {key}.", errors=[{"field": field, "message": f"Unknown {what}."}])
