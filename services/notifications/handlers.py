"""Use-cases of the notifications service: events in, messages out (written with the event's transaction).

Each message is decided here from an event and a person (``domain``): a redelivered event finds its message
already there (``domain.message_id``), an optional kind the person muted is not written, a person without an e-mail
address gets a ``no_address`` message BKPSDM can see.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import uuid
from typing import Any

from sqlalchemy import select, update

from services.notifications import calendars, domain
from services.notifications.config import NotificationSettings
from services.notifications.models import (
    BatchView,
    CalendarFeed,
    EnrollmentView,
    JpCheckpoint,
    JpYear,
    Message,
    Person,
    Preference,
    ProgramView,
    TaskView,
)
from shared.consumer import Handler, bind
from shared.db import UnitOfWork, utcnow
from shared.events import Event

log = logging.getLogger(__name__)

TOPICS = ["bangkom.needs.v1", "bangkom.training.v1", "bangkom.evaluation.v1"]


def tell(
    uow: UnitOfWork, settings: NotificationSettings, cause: Event | str, kind: str, nip: str, values: dict[str, Any]
) -> Message | None:
    """The message of ``kind`` for ``nip`` caused by ``cause`` (an event, or the id of a reminder or checkpoint),
    once; None when the person muted it."""
    session = uow.session
    cause_id = cause if isinstance(cause, str) else cause.id
    message_id = domain.message_id(cause_id, kind, nip)
    existing = session.get(Message, message_id)
    if existing is not None:
        return existing
    preference = session.get(Preference, nip)
    if not domain.may_send(kind, set(preference.muted if preference else ())):
        return None
    # written in the person's words when it is sent: their name, address and language as known then (the record of a
    # person may arrive after the event that concerns them: the topics of two services keep no order between them)
    message = Message(
        id=message_id,
        event_id=cause_id,
        kind=kind,
        nip=nip,
        values={
            key: value if isinstance(value, int | float | type(None)) else str(value) for key, value in values.items()
        },
        status="queued",
    )
    session.add(message)
    return message


def _program(session, program_id: str, title: str | None = None) -> dict[str, Any]:
    found = session.get(ProgramView, program_id)
    return {
        "program_title": title or (found.title if found else program_id),
        "starts_on": found.starts_on if found else None,
        "ends_on": found.ends_on if found else None,
    }


def on_employee_synced(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    person = uow.session.get(Person, data["nip"]) or Person(nip=data["nip"])
    person.name, person.email, person.unit_code = data["name"], data.get("email"), data["unit_code"]
    person.supervisor_nip, person.active = data["supervisor_nip"], data["active"]
    person.unit_name, person.jp_target = data["unit_name"], data.get("jp_target")
    uow.session.add(person)


def on_program_published(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    program = uow.session.get(ProgramView, data["program_id"]) or ProgramView(program_id=data["program_id"])
    program.title = data["title"]
    program.starts_on = str(data["starts_on"]) if data.get("starts_on") else None
    program.ends_on = str(data["ends_on"]) if data.get("ends_on") else None
    program.partner_code = data["partner_code"]
    uow.session.add(program)


def on_participant_enrolled(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    enrollment = uow.session.get(EnrollmentView, data["enrollment_id"]) or EnrollmentView(
        enrollment_id=data["enrollment_id"]
    )
    enrollment.nip, enrollment.batch_id, enrollment.program_id = data["nip"], data["batch_id"], data["program_id"]
    enrollment.active = True
    uow.session.add(enrollment)
    tell(uow, settings, event, "enrolled", data["nip"], _program(uow.session, data["program_id"]))


def on_participant_withdrawn(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    enrollment = uow.session.get(EnrollmentView, data["enrollment_id"])
    if enrollment is not None:
        enrollment.active = False
    tell(
        uow,
        settings,
        event,
        "withdrawn",
        data["nip"],
        _program(uow.session, data["program_id"]) | {"reason": data["reason"]},
    )


def on_evaluation_task_created(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    """The person who must answer: the participant (feedback) or the supervisor (project); a partner's post-test
    scores come through its own system."""
    data = event.load_data()
    task = uow.session.get(TaskView, data["task_id"]) or TaskView(task_id=data["task_id"])
    task.kind, task.nip, task.assignee_nip = data["kind"], data["nip"], data.get("assignee_nip")
    task.enrollment_id, task.program_id, task.due_on, task.status = (
        data["enrollment_id"],
        data["program_id"],
        data["due_on"],
        "open",
    )
    uow.session.add(task)
    assignee = data.get("assignee_nip")
    if not assignee:
        return
    values = _program(uow.session, data["program_id"]) | {"due_on": str(data["due_on"]), "task_kind": data["kind"]}
    tell(uow, settings, event, "task_created", assignee, values)


def on_training_completed(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    """Congratulations once; after a reopened batch revoked the completion, its new decision is told as a correction
    (with the new certificate), never as a second congratulation."""
    data = event.load_data()
    values = _program(uow.session, data["program_id"], data["program_title"]) | {
        "jp": data["jp"],
        "certificate_number": data.get("certificate_number"),
    }
    enrollment = uow.session.get(EnrollmentView, data["enrollment_id"])
    corrected = enrollment is not None and enrollment.completion_revoked
    tell(uow, settings, event, "completed_again" if corrected else "completed", data["nip"], values)


def on_training_not_completed(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    tell(
        uow,
        settings,
        event,
        "not_completed",
        data["nip"],
        _program(uow.session, data["program_id"]) | {"reason": data["reason"]},
    )


def on_external_verified(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    tell(uow, settings, event, "external_verified", data["nip"], {"title": data["title"], "jp": data["jp"]})


def on_external_rejected(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    tell(uow, settings, event, "external_rejected", data["nip"], {"title": data["title"], "reason": data["reason"]})


def on_batch_scheduled(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    """The calendars follow a batch's schedule; when meetings moved, each participant is told which and when."""
    data = event.load_data()
    batch = uow.session.get(BatchView, data["batch_id"]) or BatchView(batch_id=data["batch_id"])
    batch.program_id, batch.number = data["program_id"], data["number"]
    batch.meetings = [
        {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in m.items()}
        for m in data["meetings"]
    ]
    uow.session.add(batch)
    if not data["changed_meetings"]:
        return
    changes = "\n".join(
        f"- {m['meeting_no']}: {m['date']} {m['starts_at'][:5]}–{m['ends_at'][:5]} WIB, "
        f"{m['place'] or ('daring' if m['online'] else '-')}"
        for m in batch.meetings
        if m["meeting_no"] in data["changed_meetings"]
    )
    values = _program(uow.session, data["program_id"]) | {"batch_number": data["number"], "changes": changes}
    for nip in uow.session.scalars(
        select(EnrollmentView.nip).where(EnrollmentView.batch_id == data["batch_id"], EnrollmentView.active)
    ):
        tell(uow, settings, event, "schedule_changed", nip, values)


def _task_closed(status: str):
    def handle(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
        task = uow.session.get(TaskView, event.load_data()["task_id"])
        if task is not None:
            task.status = status

    return handle


def on_training_decision_revoked(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    """A reopened batch cancelled the participant's open tasks (the completion that follows opens them again); a
    revoked completion also revoked the certificate, and the participant is told so."""
    data = event.load_data()
    uow.session.execute(
        update(TaskView)
        .where(TaskView.enrollment_id == data["enrollment_id"], TaskView.status == "open")
        .values(status="cancelled")
    )
    if data["revoked"] != "completed":
        return
    enrollment = uow.session.get(EnrollmentView, data["enrollment_id"]) or EnrollmentView(
        enrollment_id=data["enrollment_id"], nip=data["nip"], batch_id=data["batch_id"], program_id=data["program_id"]
    )
    enrollment.completion_revoked = True
    uow.session.add(enrollment)
    values = _program(uow.session, data["program_id"]) | {"reason": data["reason"]}
    tell(uow, settings, event, "completion_revoked", data["nip"], values)


def on_jp_credited(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    year = uow.session.get(JpYear, (data["nip"], data["year"])) or JpYear(nip=data["nip"], year=data["year"])
    year.total = data["year_total"]
    uow.session.add(year)


EVENT_HANDLERS = {
    "EmployeeSynced": on_employee_synced,
    "ProgramPublished": on_program_published,
    "ParticipantEnrolled": on_participant_enrolled,
    "ParticipantWithdrawn": on_participant_withdrawn,
    "EvaluationTaskCreated": on_evaluation_task_created,
    "TrainingCompleted": on_training_completed,
    "TrainingNotCompleted": on_training_not_completed,
    "ExternalDevelopmentVerified": on_external_verified,
    "ExternalDevelopmentRejected": on_external_rejected,
    "BatchScheduled": on_batch_scheduled,
    "EvaluationTaskSubmitted": _task_closed("submitted"),
    "EvaluationTaskExpired": _task_closed("expired"),
    "TrainingDecisionRevoked": on_training_decision_revoked,
    "JpCredited": on_jp_credited,
}


def event_handlers(settings: NotificationSettings) -> dict[str, Handler]:
    return bind(EVENT_HANDLERS, settings)


def set_preference(uow: UnitOfWork, nip: str, language: str, muted: list[str]) -> Preference:
    found = uow.session.get(Preference, nip) or Preference(nip=nip)
    found.language, found.muted = language, sorted(set(muted))
    uow.session.add(found)
    uow.commit()
    return found


# --- reminders and checkpoints (the worker runs them every REMINDER_POLL_SECONDS) ------------------


def remind(uow: UnitOfWork, settings: NotificationSettings, today: dt.date) -> int:
    """The due-soon and overdue reminders of open tasks, each once per task (a reminder's id is the task's); a task
    answered, expired or revoked is reminded of no more. Returns the reminders written."""
    written = 0
    horizon = today + dt.timedelta(days=settings.reminder_days_before)
    for task in uow.session.scalars(
        select(TaskView).where(
            TaskView.status == "open", TaskView.due_on <= horizon, TaskView.assignee_nip.is_not(None)
        )
    ):
        kind = domain.reminder(task.due_on, today, settings.reminder_days_before)
        if kind is None or uow.session.get(Message, domain.message_id(f"task:{task.task_id}", kind, task.assignee_nip)):
            continue
        values = _program(uow.session, task.program_id) | {"due_on": task.due_on.isoformat(), "task_kind": task.kind}
        written += tell(uow, settings, f"task:{task.task_id}", kind, task.assignee_nip, values) is not None
    uow.commit()
    return written


def jp_checkpoint(uow: UnitOfWork, settings: NotificationSettings, today: dt.date) -> int:
    """At mid-year and at the start of the last quarter, once each: every active ASN behind their JP is told, each
    OPD's head gets the list of their staff behind, and BKPSDM (``BKPSDM_EMAIL``) the count per OPD."""
    reached = domain.checkpoint_reached(today)
    if reached is None or uow.session.get(JpCheckpoint, (today.year, reached[0])) is not None:
        return 0
    checkpoint, year = reached[0], today.year
    cause = f"jp:{year}:{checkpoint}"
    session = uow.session
    people = session.execute(
        select(Person.nip, Person.name, Person.unit_code, Person.unit_name, Person.supervisor_nip, Person.jp_target)
        .where(Person.active)
        .order_by(Person.unit_code, Person.name)
    ).all()
    totals = dict(session.execute(select(JpYear.nip, JpYear.total).where(JpYear.year == year)).all())
    behind: dict[str, list[str]] = {}
    staff: dict[str, int] = {}
    unit_names: dict[str, str] = {}
    written = 0
    common = {"year": year, "checkpoint": checkpoint}
    for nip, name, unit, unit_name, _, target in people:
        staff[unit or "-"] = staff.get(unit or "-", 0) + 1
        unit_names[unit or "-"] = unit_name or unit or "-"
        realised = totals.get(nip, 0)
        if not target or realised >= target:
            continue
        values = common | {"realised": realised, "target": target, "shortfall": target - realised}
        written += tell(uow, settings, cause, "jp_behind", nip, values) is not None
        behind.setdefault(unit or "-", []).append(f"- {name} ({nip}): {realised}/{target} JP")
    heads = domain.unit_heads([(nip, unit, supervisor) for nip, _, unit, _, supervisor, _ in people])
    for unit, lines in behind.items():
        values = common | {
            "unit_name": unit_names[unit],
            "behind": len(lines),
            "staff": staff[unit],
            "people": "\n".join(lines),
        }
        for head in heads.get(unit, []):
            written += tell(uow, settings, cause, "jp_digest", head, values) is not None
    if settings.bkpsdm_email and behind:
        lines = [f"- {unit_names[u]}: {len(lines)}/{staff[u]}" for u, lines in sorted(behind.items())]
        values = common | {
            "unit_name": "Kota Lhokseumawe",
            "behind": sum(len(v) for v in behind.values()),
            "staff": sum(staff.values()),
            "people": "\n".join(lines),
        }
        written += tell(uow, settings, cause, "jp_digest", domain.BKPSDM, values) is not None
    session.add(JpCheckpoint(year=year, checkpoint=checkpoint, messages=written))
    uow.commit()
    log.info("JP checkpoint written", extra={"checkpoint": cause, "messages": written})
    return written


# --- calendars ----------------------------------------------------------------------------------


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
        title = _program(session, batch.program_id)["program_title"]
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
            _program(session, t.program_id)["program_title"],
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
        name, _meetings(session, batch_ids), due, settings.timezone, settings.public_url.rstrip("/") + "/", utcnow()
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
    title = _program(session, batch.program_id)["program_title"]
    return calendars.calendar(
        f"Bangkom · {title} · angkatan {batch.number}",
        _meetings(session, [batch_id]),
        [],
        settings.timezone,
        settings.public_url.rstrip("/") + "/",
        utcnow(),
    )
