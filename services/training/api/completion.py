"""Routes of completion: a post-test score, closing a batch (the completion rules decide), reopening it."""

from __future__ import annotations

from flask.views import MethodView

from services.training import handlers, schemas, views
from services.training.api.blueprint import blp, scope
from shared.web import context, read_session


@blp.route("/batches/<batch_id>/enrollments/<nip>/post-test")
class PostTest(MethodView):
    @blp.arguments(schemas.PostTestSchema)
    @blp.response(200, schemas.EnrollmentSchema)
    def put(self, data, batch_id, nip):
        """BKPSDM enters a participant's post-test score (0–100)."""
        with context().uow() as uow:
            return handlers.set_post_test(uow, batch_id, nip, data["score"], scope())


@blp.route("/batches/<batch_id>/close")
class CloseBatch(MethodView):
    @blp.arguments(schemas.CloseSchema)
    @blp.response(200, schemas.EnrollmentSchema(many=True))
    def post(self, data, batch_id):
        """Decide every enrolment (TrainingCompleted / TrainingNotCompleted); closing again changes nothing. Before
        the last meeting has ended, 409 unless ``force_reason`` says why it closes early."""
        with context().uow() as uow:
            handlers.close_batch(uow, context().settings, batch_id, data.get("force_reason"))
        with read_session() as session:
            return views.roster_enrollments(session, batch_id)


@blp.route("/batches/<batch_id>/reopen")
class ReopenBatch(MethodView):
    @blp.arguments(schemas.ReopenSchema)
    @blp.response(200, schemas.BatchSchema)
    def post(self, data, batch_id):
        """Reopen a closed batch to correct it, within REOPEN_WINDOW_DAYS: every decision is revoked
        (TrainingDecisionRevoked: JP un-credited, open evaluation tasks cancelled) and the participants are enrolled
        again; close it again to decide afresh. 409 for an open batch or past the window."""
        with context().uow() as uow:
            handlers.reopen_batch(uow, context().settings, batch_id, data["reason"])
        with read_session() as session:
            return views.batch(session, batch_id, minutes_per_jp=context().settings.minutes_per_jp)
