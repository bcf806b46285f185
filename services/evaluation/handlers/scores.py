"""L2 from the training service: the pre- and post-test scores its partner or BKPSDM enter there answer the learning
task (``LearningTestRecorded``); a score entered again corrects it, audited like a correction by BKPSDM."""

from __future__ import annotations

from sqlalchemy import select

from services.evaluation.commands import LearningScores
from services.evaluation.config import EvaluationSettings
from services.evaluation.handlers.batches import close_batch_if_done
from services.evaluation.handlers.submissions import assessments_of, submitted_event
from services.evaluation.models import Correction, Participation, Task, TestScore
from shared.db import UnitOfWork, utcnow
from shared.events import Event

ENTERED_BY = "training"  # the submitter of a learning task answered by the scores entered in the training service


def on_learning_test_recorded(event: Event, uow: UnitOfWork, settings: EvaluationSettings) -> None:
    """Keep the score (the latest wins), then let the scores answer the participant's learning task."""
    data = event.load_data()
    score = uow.session.get(TestScore, (data["enrollment_id"], data["test"]))
    if score is None:
        uow.session.add(TestScore(enrollment_id=data["enrollment_id"], test=data["test"], score=data["score"]))
    else:
        score.score, score.recorded_at = data["score"], utcnow()
    uow.session.flush()
    apply_test_scores(uow, settings, data["enrollment_id"])


def apply_test_scores(uow: UnitOfWork, settings: EvaluationSettings, enrollment_id: str) -> None:
    """With a post-test known, the learning task is answered (open or expired: a late answer counts) or, answered
    already with other scores, corrected; without a task yet (the training not completed) the scores wait for it."""
    session = uow.session
    with session.no_autoflush:  # the callers flushed their scores before: nothing pending changes them
        scores = dict(
            session.execute(
                select(TestScore.test, TestScore.score).where(TestScore.enrollment_id == enrollment_id)
            ).all()
        )
    if "post" not in scores:  # most completions: no post-test entered early
        return
    task = session.scalar(select(Task).where(Task.enrollment_id == enrollment_id, Task.kind == "learning"))
    if task is None or task.status == "cancelled":
        return  # (a task opening later, of a batch closed before its last meeting, is answered all the same)
    submission = LearningScores(post_score=scores["post"], pre_score=scores.get("pre"))
    if task.submission == submission.stored():
        return
    participation = session.get(Participation, enrollment_id)
    if task.status == "submitted":
        session.add(
            Correction(
                task_id=task.id,
                previous=task.submission,
                corrected=submission.stored(),
                corrected_by=ENTERED_BY,
                reason="The test score was entered again in the training service.",
            )
        )
    else:
        task.status, task.submitted_by, task.submitted_at = "submitted", ENTERED_BY, utcnow()
        uow.publish(submitted_event(task, participation))
    task.submission = submission.stored()
    uow.publish_all(assessments_of(task, participation, submission, ENTERED_BY, settings))
    close_batch_if_done(uow, settings, task.batch_id)
