"""Programs, their batches and the batches' meetings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.training import domain
from services.training.models import Batch, Meeting, Program
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


def program(session: Session, program_id: str, partner_code: str | None = None) -> Program:
    """A program; a partner (``partner_code``) sees only the programs it runs."""
    found = session.get(Program, program_id)
    if found is None or (partner_code is not None and found.partner_code != partner_code):
        raise NotFound(f"No program {program_id}.")
    return found


def batch(
    session: Session, batch_id: str, partner_code: str | None = None, minutes_per_jp: int | None = None
) -> dict[str, Any]:
    """A batch with its meetings; with ``minutes_per_jp``, also a warning when the program's JP and the meetings'
    hours disagree."""
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
    warning = None
    if minutes_per_jp:
        minutes = sum(domain.minutes_of(m.starts_at, m.ends_at) for m in meetings)
        warning = domain.jp_mismatch(session.get(Program, found.program_id).jp, minutes, minutes_per_jp)
    return {
        "id": found.id,
        "program_id": found.program_id,
        "number": found.number,
        "closed_at": found.closed_at,
        "close_reason": found.close_reason,
        "reopened_at": found.reopened_at,
        "reopen_reason": found.reopen_reason,
        "meetings": meetings,
        "jp_warning": warning,
    }


def batches_of_program(session: Session, program_id: str) -> list[dict[str, Any]]:
    program(session, program_id)
    return _with_meetings(session, select(Batch).where(Batch.program_id == program_id).order_by(Batch.number))


def batches_meeting_between(session: Session, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Every batch with a meeting in [first, last] (with all its meetings): a calendar in two queries."""
    meeting_then = select(Meeting.batch_id).where(Meeting.date >= first, Meeting.date <= last)
    return _with_meetings(
        session, select(Batch).where(Batch.id.in_(meeting_then)).order_by(Batch.program_id, Batch.number)
    )


def _with_meetings(session: Session, batches_query) -> list[dict[str, Any]]:
    found = session.scalars(batches_query).all()
    meetings: dict[str, list[Meeting]] = {}
    for meeting in session.scalars(
        select(Meeting).where(Meeting.batch_id.in_([b.id for b in found])).order_by(Meeting.meeting_no)
    ):
        meetings.setdefault(meeting.batch_id, []).append(meeting)
    return [
        {
            "id": b.id,
            "program_id": b.program_id,
            "number": b.number,
            "closed_at": b.closed_at,
            "meetings": meetings.get(b.id, []),
        }
        for b in found
    ]
