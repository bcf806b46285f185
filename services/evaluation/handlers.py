"""Application use-cases of the evaluation service: one function per command or event.

Each takes its input and a unit of work, changes state through ``uow.session``, publishes events
through the outbox and commits once, so a failure writes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, or_, select, update

from services.evaluation import domain, views
from services.evaluation.commands import LearningScores, ProjectAssessment, Submission
from services.evaluation.config import EvaluationSettings
from services.evaluation.models import BatchEvaluation, Correction, EmployeeView, Participation, Task
from shared.consumer import Handler, bind
from shared.db import UnitOfWork, utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.events import Event, new_event
from shared.identity import Identity

# Topics whose events this service's worker consumes; types without a handler are skipped.
TOPICS = ["bangkom.needs.v1", "bangkom.training.v1"]


def schedule(settings: EvaluationSettings) -> domain.Schedule:
    return domain.Schedule(
        settings.reaction_due_days,
        settings.learning_due_days,
        settings.behavior_opens_after_days,
        settings.behavior_due_weeks,
    )


# --- tasks from events --------------------------------------------------------------------------


def on_training_completed(event: Event, uow: UnitOfWork, settings: EvaluationSettings) -> None:
    """The participant's three tasks: reaction (the participant), learning (partner or BKPSDM),
    behaviour (the supervisor, or BKPSDM and flagged when no supervisor is known)."""
    data = event.load_data()
    session = uow.session
    known = session.get(Participation, data["enrollment_id"])
    if known is not None:
        # completed again after its batch was reopened: the tasks cancelled then are open again, with new dates;
        # a task answered before stays answered. (Otherwise the same completion again: its tasks exist.)
        _reopen_cancelled(uow, settings, known, data)
        return
    employee = session.get(EmployeeView, data["nip"])
    session.add(
        Participation(
            enrollment_id=data["enrollment_id"],
            nip=data["nip"],
            program_id=data["program_id"],
            batch_id=data["batch_id"],
            program_title=data["program_title"],
            partner_code=data["partner_code"],
            jp=data["jp"],
            competencies=data["competencies"],
            completed_on=data["completed_on"],
            unit_code=employee.unit_code if employee else None,
        )
    )
    session.flush()
    supervisor = employee.supervisor_nip if employee else None
    assignees = {"reaction": data["nip"], "learning": None, "behavior": supervisor}
    events = []
    for plan in domain.plan_tasks(data["completed_on"], schedule(settings), created_on=settings.today()):
        task = Task(
            id=str(uuid.uuid4()),
            kind=plan.kind,
            enrollment_id=data["enrollment_id"],
            nip=data["nip"],
            batch_id=data["batch_id"],
            assignee_nip=assignees[plan.kind],
            flagged=plan.kind == "behavior" and supervisor is None,
            opens_on=plan.opens_on,
            due_on=plan.due_on,
            status="open",
        )
        session.add(task)
        events.append(task_created_event(task, data["program_id"]))
    uow.publish_all(events)


def task_created_event(task: Task, program_id: str) -> Event:
    return new_event(
        "EvaluationTaskCreated",
        {
            "task_id": task.id,
            "kind": task.kind,
            "nip": task.nip,
            "assignee_nip": task.assignee_nip,
            "enrollment_id": task.enrollment_id,
            "program_id": program_id,
            "due_on": task.due_on,
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
    for plan in domain.plan_tasks(data["completed_on"], schedule(settings), created_on=settings.today()):
        task = cancelled.get(plan.kind)
        if task is None:
            continue
        task.status, task.opens_on, task.due_on = "open", plan.opens_on, plan.due_on
        events.append(task_created_event(task, data["program_id"]))
    uow.publish_all(events)


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
}


def event_handlers(settings: EvaluationSettings) -> dict[str, Handler]:
    return bind(EVENT_HANDLERS, settings)


# --- submissions --------------------------------------------------------------------------------


def _may_submit(task: Task, participation: Participation, caller: Identity) -> bool:
    if caller.has_role("admin"):
        return task.kind != "reaction"  # BKPSDM enters test scores and stands in for a missing supervisor
    if task.kind == "reaction":
        return caller.has_role("employee") and caller.subject == task.nip
    if task.kind == "learning":
        return caller.has_role("partner") and caller.partner_code == participation.partner_code
    return caller.has_role("supervisor") and task.assignee_nip is not None and caller.subject == task.assignee_nip


def _validate(task: Task, participation: Participation, submission: Submission) -> None:
    if task.kind == "behavior":
        targets = {c["code"]: c["target_level"] for c in participation.competencies}
        errors = domain.rubric_errors(submission.stored()["rubric"], targets)
        if errors:
            raise Invalid(
                "The rubric names competencies the program does not target.",
                errors=[{"field": f"rubric.{i}.competency_code", "message": m} for i, m in errors],
            )


def submit(
    uow: UnitOfWork, settings: EvaluationSettings, task_id: str, submission: Submission, caller: Identity
) -> Task:
    """Submit a task once, as its assignee; closing the loop for behaviour (and, if configured, learning)."""
    session = uow.session
    task = session.get(Task, task_id, with_for_update=True)
    if task is None:
        raise NotFound(f"No task {task_id}.")
    participation = session.get(Participation, task.enrollment_id)
    if not _may_submit(task, participation, caller):
        raise Forbidden("Only the task's assignee may submit it.")
    if task.status != "open":
        raise Conflict(
            f"This task is already {task.status}; a submission is final (BKPSDM can correct it with a reason).",
            errors=[{"field": "task", "message": f"Already {task.status}."}],
        )
    if settings.today() < task.opens_on:
        raise Conflict(f"This task opens on {task.opens_on.isoformat()}.")
    _validate(task, participation, submission)
    task.submission, task.status = submission.stored(), "submitted"
    task.submitted_by, task.submitted_at = caller.subject, utcnow()
    uow.publish(
        new_event(
            "EvaluationTaskSubmitted",
            {
                "task_id": task.id,
                "kind": task.kind,
                "nip": task.nip,
                "assignee_nip": task.assignee_nip,
                "enrollment_id": task.enrollment_id,
                "program_id": participation.program_id,
                "submitted_at": task.submitted_at,
            },
        )
    )
    uow.publish_all(_assessments(task, participation, submission, caller.subject, settings))
    _close_batch_if_done(uow, settings, task.batch_id)
    uow.commit()
    return task


def correct(
    uow: UnitOfWork,
    settings: EvaluationSettings,
    task_id: str,
    submission: Submission,
    reason: str,
    caller: Identity,
) -> Task:
    """BKPSDM corrects a submitted task; the change is audited and a behaviour correction re-assesses."""
    if not caller.has_role("admin"):
        raise Forbidden("Only BKPSDM may correct a submitted task.")
    session = uow.session
    task = session.get(Task, task_id, with_for_update=True)
    if task is None:
        raise NotFound(f"No task {task_id}.")
    if task.status != "submitted":
        raise Conflict("Only a submitted task can be corrected; submit it first.")
    participation = session.get(Participation, task.enrollment_id)
    _validate(task, participation, submission)
    session.add(
        Correction(
            task_id=task.id,
            previous=task.submission,
            corrected=submission.stored(),
            corrected_by=caller.subject,
            reason=reason,
        )
    )
    task.submission = submission.stored()
    uow.publish_all(_assessments(task, participation, submission, caller.subject, settings))
    uow.commit()
    return task


def _assessments(
    task: Task, participation: Participation, submission: Submission, assessor: str, settings: EvaluationSettings
) -> list[Event]:
    """CompetencyAssessed per competency: the rubric levels of a behaviour task; for a passed post-test,
    the target levels, when LEARNING_ASSESSES_COMPETENCY is on."""
    if isinstance(submission, ProjectAssessment):
        levels = {line.competency_code: line.level for line in submission.rubric}
    elif isinstance(submission, LearningScores) and settings.learning_assesses_competency:
        if submission.post_score < settings.learning_pass_score:
            return []
        levels = {c["code"]: c["target_level"] for c in participation.competencies}
    else:
        return []
    assessor_nip = assessor if assessor.isdigit() and len(assessor) == 18 else None
    return [
        new_event(
            "CompetencyAssessed",
            {
                "assessment_id": str(uuid.uuid4()),
                "nip": task.nip,
                "competency_code": code,
                "level": level,
                "source": "post_training",
                "enrollment_id": task.enrollment_id,
                "program_id": participation.program_id,
                "assessed_on": settings.today(),
                "assessor_nip": assessor_nip,
            },
        )
        for code, level in sorted(levels.items())
    ]


# --- closing a batch's evaluation ---------------------------------------------------------------


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
    behavior = [row for row in expired if row.kind == "behavior"]
    participations = {
        p.enrollment_id: p
        for p in session.scalars(
            select(Participation).where(Participation.enrollment_id.in_([row.enrollment_id for row in behavior]))
        )
    }
    uow.publish_all(
        [
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
    )
    for batch_id in sorted({row.batch_id for row in expired}):
        _close_batch_if_done(uow, settings, batch_id)
    uow.commit()
    return len(expired)


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
    task.status, task.due_on = "open", due_on
    uow.commit()
    return task


def _close_batch_if_done(uow: UnitOfWork, settings: EvaluationSettings, batch_id: str) -> None:
    session = uow.session
    session.flush()
    still_open = session.scalar(select(func.count()).where(Task.batch_id == batch_id, Task.status == "open"))
    if still_open or session.get(BatchEvaluation, batch_id) is not None:
        return
    figures = views.batch_figures(session, batch_id, min_response_rate=settings.min_response_rate)
    program_id = session.scalar(select(Participation.program_id).where(Participation.batch_id == batch_id).limit(1))
    session.add(BatchEvaluation(batch_id=batch_id, program_id=program_id, figures=figures))
    uow.publish(
        new_event(
            "ProgramEvaluated",
            {
                "program_id": program_id,
                "batch_id": batch_id,
                "participants": figures["participants"],
                "reaction_mean": figures["reaction"]["mean"],
                "learning_gain": figures["learning"]["mean_gain"],
                "p_value": figures["learning"]["p_value"],
                "behavior_pass_rate": figures["behavior_pass_rate"],
                "recommendation": figures["recommendation"],
            },
        )
    )
