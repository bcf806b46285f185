"""A batch's evaluation: once its tasks are all done, its figures, and the program's verdict over its evaluated batches
(ProgramEvaluated); evaluated again when a late answer or a correction changes them."""

from __future__ import annotations

from sqlalchemy import func, select

from services.evaluation import views
from services.evaluation.config import EvaluationSettings
from services.evaluation.models import BatchEvaluation, Participation, Task
from shared.db import UnitOfWork, utcnow
from shared.events import new_event


def close_batch_if_done(uow: UnitOfWork, settings: EvaluationSettings, batch_id: str) -> None:
    """When every task of the batch is answered or expired: its figures stored, and ``ProgramEvaluated`` with the
    program's figures over all its evaluated batches (so the training service's badge shows the program, not the last
    batch). A late answer (a reopened task) or a correction that changes the figures evaluates it again; the same
    figures again change nothing and tell nothing."""
    session = uow.session
    session.flush()
    still_open = session.scalar(select(func.count()).where(Task.batch_id == batch_id, Task.status == "open"))
    if still_open:
        return
    minimums = {
        "min_response_rate": settings.min_response_rate,
        "min_behavior_assessments": settings.min_behavior_assessments,
        "levels_of": settings.levels_of,
    }
    figures = views.batch_figures(session, batch_id, **minimums)
    evaluation = session.get(BatchEvaluation, batch_id)
    if evaluation is not None and evaluation.figures == figures:
        return
    program_id = session.scalar(select(Participation.program_id).where(Participation.batch_id == batch_id).limit(1))
    if evaluation is None:
        session.add(BatchEvaluation(batch_id=batch_id, program_id=program_id, figures=figures))
    else:
        evaluation.figures, evaluation.evaluated_at = figures, utcnow()
    session.flush()
    program = views.batch_figures(session, program_id=program_id, **minimums)
    uow.publish(
        new_event(
            "ProgramEvaluated",
            {
                "program_id": program_id,
                "batch_id": batch_id,
                "participants": program["participants"],
                "reaction_mean": program["reaction"]["mean"],
                "learning_gain": program["learning"]["mean_gain"],
                "p_value": program["learning"]["p_value"],
                "behavior_pass_rate": program["behavior_pass_rate"],
                "recommendation": program["recommendation"],
            },
        )
    )
