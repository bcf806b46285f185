"""Reminders of evaluations almost due or overdue, and the JP checkpoints of the year (the worker runs them every
``REMINDER_POLL_SECONDS``)."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select

from services.notifications import domain
from services.notifications.config import NotificationSettings
from services.notifications.handlers.messages import program_values, tell
from services.notifications.models import JpCheckpoint, JpYear, Message, Person, TaskView
from shared.db import UnitOfWork

log = logging.getLogger(__name__)


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
        values = program_values(uow.session, task.program_id) | {
            "due_on": task.due_on.isoformat(),
            "task_kind": task.kind,
        }
        written += tell(uow, settings, f"task:{task.task_id}", kind, task.assignee_nip, values)
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
        written += tell(uow, settings, cause, "jp_behind", nip, values)
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
            written += tell(uow, settings, cause, "jp_digest", head, values)
    if settings.bkpsdm_email and behind:
        lines = [f"- {unit_names[u]}: {len(lines)}/{staff[u]}" for u, lines in sorted(behind.items())]
        values = common | {
            "unit_name": settings.instansi.region,
            "behind": sum(len(v) for v in behind.values()),
            "staff": sum(staff.values()),
            "people": "\n".join(lines),
        }
        written += tell(uow, settings, cause, "jp_digest", domain.BKPSDM, values)
    session.add(JpCheckpoint(year=year, checkpoint=checkpoint, messages=written))
    uow.commit()
    log.info("JP checkpoint written", extra={"checkpoint": cause, "messages": written})
    return written
