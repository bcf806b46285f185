"""Calendars (iCalendar) of a person or a batch, and the secret addresses that open them."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid

from sqlalchemy import select, update

from services.notifications import calendars, domain
from services.notifications.config import NotificationSettings
from services.notifications.handlers.messages import program_values
from services.notifications.models import BatchView, CalendarFeed, EnrollmentView, Person, ProgramView, TaskView
from shared.db import UnitOfWork, utcnow


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed(uow: UnitOfWork, owner_kind: str, owner: str, created_by: str) -> str:
    """A new secret subscription address for a person's or a batch's calendar; the previous one stops working.
    Returns the secret (shown once: only its hash is kept)."""
    revoke_feeds(uow, owner_kind, owner)
    token = secrets.token_urlsafe(24)
    uow.session.add(
        CalendarFeed(
            id=str(uuid.uuid4()),
            owner_kind=owner_kind,
            owner=owner,
            token_hash=_token_hash(token),
            created_by=created_by,
        )
    )
    uow.commit()
    return token


def revoke_feeds(uow: UnitOfWork, owner_kind: str, owner: str) -> int:
    revoked = uow.session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.owner_kind == owner_kind, CalendarFeed.owner == owner, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount
    uow.commit()
    return revoked


def feed_owner(session, token: str) -> tuple[str, str] | None:
    """Whose calendar a secret opens: (owner kind, owner), or None for an unknown or revoked secret."""
    found = session.scalar(
        select(CalendarFeed).where(CalendarFeed.token_hash == _token_hash(token), CalendarFeed.revoked_at.is_(None))
    )
    return (found.owner_kind, found.owner) if found else None


def feed_state(session, owner_kind: str, owner: str) -> CalendarFeed | None:
    return session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.owner_kind == owner_kind, CalendarFeed.owner == owner, CalendarFeed.revoked_at.is_(None)
        )
    )


def _meetings(session, batch_ids) -> list[calendars.MeetingEntry]:
    entries = []
    for batch in session.scalars(select(BatchView).where(BatchView.batch_id.in_(list(batch_ids)))):
        title = program_values(session, batch.program_id)["program_title"]
        for m in batch.meetings:
            entries.append(
                calendars.MeetingEntry(
                    batch.batch_id,
                    m["meeting_no"],
                    title,
                    batch.number,
                    dt.date.fromisoformat(m["date"]),
                    dt.time.fromisoformat(m["starts_at"]),
                    dt.time.fromisoformat(m["ends_at"]),
                    m["place"],
                    m["online"],
                )
            )
    return entries


def person_calendar(session, settings: NotificationSettings, nip: str) -> bytes:
    """A person's calendar: the meetings of the batches they take part in, and the due dates of the evaluations they
    must answer (their own feedback, their staff's projects)."""
    batch_ids = session.scalars(
        select(EnrollmentView.batch_id).where(EnrollmentView.nip == nip, EnrollmentView.active)
    ).all()
    due = [
        calendars.DueEntry(
            t.task_id,
            program_values(session, t.program_id)["program_title"],
            domain.TASK_WORDS[t.kind][0] if t.kind in domain.TASK_WORDS else t.kind,
            t.due_on,
        )
        for t in session.scalars(
            select(TaskView).where(TaskView.assignee_nip == nip, TaskView.status == "open").order_by(TaskView.due_on)
        )
    ]
    person = session.get(Person, nip)
    name = f"Bangkom · {person.name if person else nip}"
    return calendars.calendar(
        name, _meetings(session, batch_ids), due, settings.instansi, settings.public_url.rstrip("/") + "/", utcnow()
    )


def batch_calendar(
    session, settings: NotificationSettings, batch_id: str, partner_code: str | None = None
) -> bytes | None:
    """A batch's meetings; None for a batch this service has not heard of (or, for a partner, not its own)."""
    batch = session.get(BatchView, batch_id)
    if batch is None:
        return None
    if partner_code is not None:
        program = session.get(ProgramView, batch.program_id)
        if program is None or program.partner_code != partner_code:
            return None
    title = program_values(session, batch.program_id)["program_title"]
    return calendars.calendar(
        f"Bangkom · {title} · angkatan {batch.number}",
        _meetings(session, [batch_id]),
        [],
        settings.instansi,
        settings.public_url.rstrip("/") + "/",
        utcnow(),
    )
