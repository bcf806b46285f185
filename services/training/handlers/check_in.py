"""The participants' own check-in at the venue: a code that changes every minute, shown on the venue's screen."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from services.training import domain
from services.training.commands import AttendanceRecord
from services.training.config import TrainingSettings
from services.training.handlers.attendance import apply_attendance
from services.training.models import Enrollment, Meeting
from shared.db import UnitOfWork
from shared.errors import Conflict, Forbidden, Invalid


def check_in_key(settings: TrainingSettings) -> bytes:
    """The key that signs the venue's check-in codes (derived from the service's own secret, never shown)."""
    return hmac.new(settings.internal_identity_secret.encode(), b"bangkom-check-in", hashlib.sha256).digest()


def check_in(uow: UnitOfWork, settings: TrainingSettings, code: str, nip: str, now: float | None = None) -> dict:
    """A participant at the venue records their own presence with the meeting's current code: only with a code
    Bangkom made and that is still current, only during the meeting's window, only for their own enrolment, once."""
    now = time.time() if now is None else now
    read = domain.read_check_in_code(check_in_key(settings), code, now, settings.check_in_rotate_seconds)
    if read == "forged":
        raise Invalid(
            "This code was not made by Bangkom; scan the code shown at the venue.",
            errors=[{"field": "code", "message": "Not a valid code."}],
        )
    if read == "expired":
        raise Invalid(
            "This code has expired; scan the code on the screen again.",
            errors=[{"field": "code", "message": "Expired."}],
        )
    session = uow.session
    meeting = session.get(Meeting, (read.batch_id, read.meeting_no))
    enrollment = session.scalar(select(Enrollment).where(Enrollment.batch_id == read.batch_id, Enrollment.nip == nip))
    if meeting is None or enrollment is None or enrollment.status != "enrolled":
        raise Forbidden("You are not a participant of this batch: check-in records only your own enrolment.")
    local = dt.datetime.fromtimestamp(now, ZoneInfo(settings.timezone))
    early = dt.timedelta(minutes=settings.check_in_early_minutes)
    if not domain.within_meeting(local, meeting.date, meeting.starts_at, meeting.ends_at, early):
        raise Conflict(
            f"Check-in for meeting {meeting.meeting_no} is open on {meeting.date} from "
            f"{(dt.datetime.combine(meeting.date, meeting.starts_at) - early):%H:%M} to {meeting.ends_at:%H:%M}.",
            errors=[{"field": "code", "message": "Outside the meeting's check-in window."}],
        )
    record = AttendanceRecord(
        event_id=f"check-in-{enrollment.id}-{meeting.meeting_no}",  # once per participant and meeting
        batch_id=read.batch_id,
        nip=nip,
        meeting_no=meeting.meeting_no,
        status="present",
        recorded_at=dt.datetime.fromtimestamp(now, dt.UTC),
    )
    [result] = apply_attendance(uow, [record], sender="check-in", source="check_in")
    if result["outcome"] in ("duplicate", "conflict"):
        raise Conflict(
            "You have already checked in to this meeting.", errors=[{"field": "code", "message": "Already recorded."}]
        )
    if result["outcome"] != "accepted":
        raise Conflict(f"Check-in was not recorded: {result['outcome']}.")
    return {
        "batch_id": read.batch_id,
        "meeting_no": meeting.meeting_no,
        "status": "present",
        "recorded_at": record.recorded_at,
    }
