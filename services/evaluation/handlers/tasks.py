"""Tasks as time passes and BKPSDM acts: expired past their due date, closed with a reason, reopened for a late answer,
given to another supervisor."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from services.evaluation.config import EvaluationSettings
from services.evaluation.handlers.batches import close_batch_if_done
from services.evaluation.models import EmployeeView, Participation, Task
from shared.db import UnitOfWork
from shared.errors import Conflict, Invalid, NotFound
from shared.events import new_event


def expire_overdue(uow: UnitOfWork, settings: EvaluationSettings) -> int:
    """Tasks past their due date expire; batches whose tasks are all done are evaluated. For cron.

    An expired project assessment (L3, the task that closes the loop) is announced with ``EvaluationTaskExpired``:
    the needs it would have closed go back to the plan instead of waiting for an evaluation that will not come.
    """
    session = uow.session
    expired = session.execute(
        update(Task)
        .where(Task.status == "open", Task.due_on < settings.today())
        .values(status="expired")
        .returning(Task.id, Task.kind, Task.nip, Task.enrollment_id, Task.batch_id)
    ).all()
    uow.publish_all(_expired_events(session, expired))
    for batch_id in sorted({row.batch_id for row in expired}):
        close_batch_if_done(uow, settings, batch_id)
    uow.commit()
    return len(expired)


def _expired_events(session, expired: list) -> list:
    """``EvaluationTaskExpired`` for each expired project assessment (L3) among ``expired`` rows."""
    behavior = [row for row in expired if row.kind == "behavior"]
    participations = {
        p.enrollment_id: p
        for p in session.scalars(
            select(Participation).where(Participation.enrollment_id.in_([row.enrollment_id for row in behavior]))
        )
    }
    return [
        new_event(
            "EvaluationTaskExpired",
            {
                "task_id": row.id,
                "kind": row.kind,
                "nip": row.nip,
                "enrollment_id": row.enrollment_id,
                "program_id": participations[row.enrollment_id].program_id,
                "competency_codes": [c["code"] for c in participations[row.enrollment_id].competencies],
            },
        )
        for row in behavior
    ]


def close_task(uow: UnitOfWork, settings: EvaluationSettings, task_id: str, reason: str, closed_by: str) -> Task:
    """BKPSDM closes an open task that will not be answered (the participant left, the project was cancelled), with
    its reason: it counts as expired from now on (unanswered in the figures; a project assessment's needs go back to
    the plan), and it can be reopened like any expired task."""
    task = uow.session.get(Task, task_id, with_for_update=True)
    if task is None:
        raise NotFound(f"No task {task_id}.")
    if task.status != "open":
        raise Conflict(
            f"Only an open task can be closed; this one is {task.status}.",
            errors=[{"field": "status", "message": f"Not allowed from {task.status}."}],
        )
    task.status, task.closed_reason, task.closed_by = "expired", reason, closed_by
    uow.session.flush()
    uow.publish_all(_expired_events(uow.session, [task]))
    close_batch_if_done(uow, settings, task.batch_id)
    uow.commit()
    return task


def reopen_task(uow: UnitOfWork, settings: EvaluationSettings, task_id: str, due_on: dt.date) -> Task:
    """BKPSDM lets an expired task be answered late, until ``due_on``."""
    task = uow.session.get(Task, task_id, with_for_update=True)
    if task is None:
        raise NotFound(f"No task {task_id}.")
    if task.status != "expired":
        raise Conflict(
            f"Only an expired task can be reopened; this one is {task.status}.",
            errors=[{"field": "status", "message": f"Not allowed from {task.status}."}],
        )
    if due_on < settings.today():
        raise Invalid(
            "The new due date must not be in the past.", errors=[{"field": "due_on", "message": "In the past."}]
        )
    task.status, task.due_on, task.closed_reason, task.closed_by = "open", due_on, None, None
    uow.commit()
    return task


def reassign_task(uow: UnitOfWork, task_id: str, assignee_nip: str, reason: str) -> Task:
    """BKPSDM gives an open project assessment (L3) to another supervisor: one flagged because nobody was known, or
    one whose supervisor is away. The new assignee must be an active employee other than the participant; the former
    one can no longer submit it, and ``EvaluationTaskReassigned`` tells the new one."""
    session = uow.session
    task = session.get(Task, task_id, with_for_update=True)
    if task is None:
        raise NotFound(f"No task {task_id}.")
    if task.kind != "behavior":
        raise Conflict(
            "Only a project assessment (L3) is given to a supervisor; feedback and tests have their own assignees.",
            errors=[{"field": "kind", "message": "Not a project assessment."}],
        )
    if task.status != "open":
        raise Conflict(
            f"Only an open task can be reassigned; this one is {task.status}.",
            errors=[{"field": "status", "message": f"Not allowed from {task.status}."}],
        )
    employee = session.get(EmployeeView, assignee_nip)
    if employee is None or not employee.active or assignee_nip == task.nip:
        raise Invalid(
            "Give the task to an active employee other than the participant (their supervisor, or another).",
            errors=[{"field": "assignee_nip", "message": "Not an active employee, or the participant."}],
        )
    previous, task.assignee_nip, task.flagged = task.assignee_nip, assignee_nip, False
    participation = session.get(Participation, task.enrollment_id)
    uow.publish(
        new_event(
            "EvaluationTaskReassigned",
            {
                "task_id": task.id,
                "kind": task.kind,
                "nip": task.nip,
                "assignee_nip": assignee_nip,
                "previous_assignee_nip": previous,
                "enrollment_id": task.enrollment_id,
                "program_id": participation.program_id,
                "due_on": task.due_on,
                "reason": reason,
            },
        )
    )
    uow.commit()
    return task
