"""Submissions: a task answered once by its assignee, corrected by BKPSDM with a reason, and the levels they assess."""

from __future__ import annotations

import uuid

from services.evaluation import domain
from services.evaluation.commands import LearningScores, ProjectAssessment, Submission
from services.evaluation.config import EvaluationSettings
from services.evaluation.handlers.batches import close_batch_if_done
from services.evaluation.models import Correction, Participation, Task
from shared.db import UnitOfWork, utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.events import Event, new_event
from shared.identity import Identity


def _may_submit(task: Task, participation: Participation, caller: Identity) -> bool:
    if caller.has_role("admin"):
        return task.kind != "reaction"  # BKPSDM enters test scores and stands in for a missing supervisor
    if task.kind == "reaction":
        return caller.has_role("employee") and caller.subject == task.nip
    if task.kind == "learning":
        return caller.has_role("partner") and caller.partner_code == task.assignee_partner
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
    uow.publish(submitted_event(task, participation))
    uow.publish_all(assessments_of(task, participation, submission, caller.subject, settings))
    close_batch_if_done(uow, settings, task.batch_id)
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
    uow.publish_all(assessments_of(task, participation, submission, caller.subject, settings))
    close_batch_if_done(uow, settings, task.batch_id)  # an evaluated batch is evaluated again with the correction
    uow.commit()
    return task


def submitted_event(task: Task, participation: Participation) -> Event:
    return new_event(
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


def assessments_of(
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
