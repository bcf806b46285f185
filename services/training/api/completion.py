"""Routes of completion: pre- and post-test scores, closing a batch (the completion rules decide), reopening it."""

from __future__ import annotations

from flask.views import MethodView

from services.training import handlers, schemas, views
from services.training.api.blueprint import blp, scope
from shared.web import context, read_session


def test_score(batch_id: str, nip: str, test: str, score: float, partner_code: str | None):
    with context().uow() as uow:
        return handlers.set_test_score(uow, context().settings, batch_id, nip, test, score, partner_code)


@blp.route("/batches/<batch_id>/enrollments/<nip>/pre-test")
class PreTest(MethodView):
    @blp.arguments(schemas.TestScoreSchema)
    @blp.response(200, schemas.EnrollmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def put(self, data, batch_id, nip):
        """BKPSDM (or the batch's partner) enters a participant's pre-test score (0–100): taken before the training,
        entered by the end of the first meeting (409 after it, and once the batch is closed)."""
        return test_score(batch_id, nip, "pre", data["score"], scope())


@blp.route("/batches/<batch_id>/enrollments/<nip>/post-test")
class PostTest(MethodView):
    @blp.arguments(schemas.TestScoreSchema)
    @blp.response(200, schemas.EnrollmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def put(self, data, batch_id, nip):
        """BKPSDM (or the batch's partner) enters a participant's post-test score (0–100); 409 once the batch is
        closed."""
        return test_score(batch_id, nip, "post", data["score"], scope())


def evidence(batch_id: str, nip: str, received: str | None, partner_code: str | None):
    with context().uow() as uow:
        return handlers.record_evidence(uow, context().settings, batch_id, nip, received, partner_code)


@blp.route("/batches/<batch_id>/enrollments/<nip>/evidence")
class Evidence(MethodView):
    @blp.arguments(schemas.EvidenceSchema)
    @blp.response(200, schemas.EnrollmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def put(self, data, batch_id, nip):
        """BKPSDM (or the batch's partner) records the report or product a participant handed in, which a magang, a
        workshop or a coaching asks for besides attendance (the forms' table); 409 for a form that asks for none and
        once the batch is closed."""
        return evidence(batch_id, nip, data["evidence"], scope())


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
