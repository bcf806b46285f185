"""What the worker consumes: tasks made from a training completed, cancelled with a revoked decision, given to the supervisor of now."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, bindparam, exists, or_, select, update

from services.evaluation import domain
from services.evaluation.config import EvaluationSettings
from services.evaluation.handlers.scores import apply_test_scores, on_learning_test_recorded
from services.evaluation.models import EmployeeView, Participation, Task, TestScore
from shared.consumer import Handler, bind
from shared.db import UnitOfWork, hot_insert, hot_rows, utcnow
from shared.events import Event, derived_id, new_event

TOPICS = ["bangkom.needs.v1", "bangkom.training.v1"]  # what its worker consumes; types without a handler skipped


def schedule(settings: EvaluationSettings) -> domain.Schedule:
    return domain.Schedule(
        settings.reaction_due_days,
        settings.learning_due_days,
        settings.behavior_opens_after_days,
        settings.behavior_due_weeks,
    )


@functools.cache
def _known(dialect: str) -> Select:
    """Whether the participation is known, the participant's OPD and supervisor, and whether a post-test waits: one
    statement per completion (built once per dialect; a batch closing sends a completion per participant)."""
    enrollment, nip = bindparam("enrollment_id"), bindparam("nip")
    return select(
        select(Participation.enrollment_id).where(Participation.enrollment_id == enrollment).scalar_subquery(),
        select(EmployeeView.unit_code).where(EmployeeView.nip == nip).scalar_subquery(),
        select(EmployeeView.supervisor_nip).where(EmployeeView.nip == nip).scalar_subquery(),
        exists().where(TestScore.enrollment_id == enrollment, TestScore.test == bindparam("test")),
    )


def on_training_completed(event: Event, uow: UnitOfWork, settings: EvaluationSettings) -> None:
    """The participant's three tasks: reaction (the participant), learning (the program's partner, or BKPSDM),
    behaviour (the supervisor, or BKPSDM and flagged when no supervisor is known)."""
    data = event.load_data()
    session = uow.session
    [(known, unit_code, supervisor, post_test)] = hot_rows(
        session,
        _known(session.get_bind().dialect.name),
        {"enrollment_id": data["enrollment_id"], "nip": data["nip"], "test": "post"},
    )
    if known is not None:
        # completed again after its batch was reopened: the tasks cancelled then are open again, with new dates;
        # a task answered before stays answered. (Otherwise the same completion again: its tasks exist.)
        _reopen_cancelled(uow, settings, session.get(Participation, data["enrollment_id"]), data)
        return
    session.add(
        Participation(
            enrollment_id=data["enrollment_id"],
            nip=data["nip"],
            program_id=data["program_id"],
            batch_id=data["batch_id"],
            program_title=data["program_title"],
            form=data["form"],
            partner_code=data["partner_code"],
            jp=data["jp"],
            competencies=data["competencies"],
            completed_on=data["completed_on"],
            unit_code=unit_code,
        )
    )
    session.flush()  # before its tasks, which refer to it
    assignees = {"reaction": data["nip"], "learning": None, "behavior": supervisor}  # learning: the partner
    tasks = [
        {
            "id": derived_id(),  # the same again should the completion be handled again after a restore
            "kind": plan.kind,
            "enrollment_id": data["enrollment_id"],
            "nip": data["nip"],
            "batch_id": data["batch_id"],
            "assignee_nip": assignees[plan.kind],
            "assignee_partner": data["partner_code"] if plan.kind == "learning" else None,
            "flagged": plan.kind == "behavior" and supervisor is None,
            "opens_on": plan.opens_on,
            "due_on": plan.due_on,
            "status": "open",
            "created_at": utcnow(),
        }
        for plan in domain.plan_tasks(
            data["completed_on"], schedule(settings), settings.today(), settings.levels_of(data["form"])
        )
    ]
    hot_insert(session, Task.__table__, tasks)
    uow.publish_all([task_created_event(task, data["program_id"]) for task in tasks])
    if post_test:  # a post-test entered before the batch closed
        apply_test_scores(uow, settings, data["enrollment_id"])


def task_created_event(task: Task | Mapping[str, Any], program_id: str) -> Event:
    """``EvaluationTaskCreated`` of a task (an object, or the row just written)."""
    field = task.get if isinstance(task, Mapping) else lambda name: getattr(task, name)
    return new_event(
        "EvaluationTaskCreated",
        {
            "task_id": field("id"),
            "kind": field("kind"),
            "nip": field("nip"),
            "assignee_nip": field("assignee_nip"),
            "enrollment_id": field("enrollment_id"),
            "program_id": program_id,
            "due_on": field("due_on"),
        },
    )


def _reopen_cancelled(uow: UnitOfWork, settings: EvaluationSettings, participation: Participation, data) -> None:
    cancelled = {
        t.kind: t
        for t in uow.session.scalars(
            select(Task).where(Task.enrollment_id == participation.enrollment_id, Task.status == "cancelled")
        )
    }
    if not cancelled:
        return
    participation.completed_on = data["completed_on"]
    events = []
    levels = settings.levels_of(participation.form)
    for plan in domain.plan_tasks(data["completed_on"], schedule(settings), settings.today(), levels):
        task = cancelled.get(plan.kind)
        if task is None:
            continue
        task.status, task.opens_on, task.due_on = "open", plan.opens_on, plan.due_on
        events.append(task_created_event(task, data["program_id"]))
    uow.publish_all(events)
    apply_test_scores(uow, settings, participation.enrollment_id)


def on_training_decision_revoked(event: Event, uow: UnitOfWork, settings: EvaluationSettings) -> None:
    """A reopened batch revoked a completion: the participant's open tasks are cancelled (answers given stay)."""
    data = event.load_data()
    if data["revoked"] != "completed":
        return
    uow.session.execute(
        update(Task)
        .where(Task.enrollment_id == data["enrollment_id"], Task.status == "open")
        .values(status="cancelled")
    )


def on_employee_synced(event: Event, uow: UnitOfWork, settings: EvaluationSettings) -> None:
    data = event.load_data()
    employee = uow.session.get(EmployeeView, data["nip"]) or EmployeeView(nip=data["nip"])
    employee.name, employee.unit_code, employee.unit_name = data["name"], data["unit_code"], data["unit_name"]
    employee.supervisor_nip, employee.active = data["supervisor_nip"], data["active"]
    uow.session.add(employee)
    if data["supervisor_nip"]:
        # the supervisor of now assesses the open projects (L3): a flagged one (nobody was known) or one of a former
        # supervisor, who can no longer submit it
        uow.session.execute(
            update(Task)
            .where(
                Task.nip == data["nip"],
                Task.kind == "behavior",
                Task.status == "open",
                or_(Task.assignee_nip.is_(None), Task.assignee_nip != data["supervisor_nip"]),
            )
            .values(assignee_nip=data["supervisor_nip"], flagged=False)
        )


EVENT_HANDLERS = {
    "TrainingCompleted": on_training_completed,
    "TrainingDecisionRevoked": on_training_decision_revoked,
    "EmployeeSynced": on_employee_synced,
    "LearningTestRecorded": on_learning_test_recorded,
}


def event_handlers(settings: EvaluationSettings) -> dict[str, Handler]:
    return bind(EVENT_HANDLERS, settings)
