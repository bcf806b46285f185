"""A batch's evaluation: once its tasks are all done, its figures and the program's verdict (ProgramEvaluated)."""

from __future__ import annotations

from sqlalchemy import func, select

from services.evaluation import views
from services.evaluation.config import EvaluationSettings
from services.evaluation.models import BatchEvaluation, Participation, Task
from shared.db import UnitOfWork
from shared.events import new_event


def close_batch_if_done(uow: UnitOfWork, settings: EvaluationSettings, batch_id: str) -> None:
    session = uow.session
    session.flush()
    still_open = session.scalar(select(func.count()).where(Task.batch_id == batch_id, Task.status == "open"))
    if still_open or session.get(BatchEvaluation, batch_id) is not None:
        return
    figures = views.batch_figures(
        session,
        batch_id,
        min_response_rate=settings.min_response_rate,
        min_behavior_assessments=settings.min_behavior_assessments,
    )
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
