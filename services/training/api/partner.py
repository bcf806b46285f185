"""The partner's own routes: its batches, their rosters and post-test scores (its own batches only)."""

from __future__ import annotations

from flask.views import MethodView

from services.training import handlers, schemas, views
from services.training.api.blueprint import blp, partner_code_of_caller
from shared.web import context, read_session


@blp.route("/partner/batches")
class PartnerBatches(MethodView):
    @blp.response(200, schemas.BatchSchema(many=True))
    def get(self):
        """The calling partner's batches."""
        partner_code = partner_code_of_caller()
        with read_session() as session:
            return views.partner_batches(session, partner_code)


@blp.route("/partner/batches/<batch_id>/enrollments")
class PartnerRoster(MethodView):
    @blp.response(200, schemas.RosterEntrySchema(many=True))
    def get(self, batch_id):
        """A partner's own batch: its participants and their attendance so far."""
        partner_code = partner_code_of_caller()
        with read_session() as session:
            return views.roster(session, batch_id, partner_code)


@blp.route("/partner/batches/<batch_id>/enrollments/<nip>/post-test")
class PartnerPostTest(MethodView):
    @blp.arguments(schemas.PostTestSchema)
    @blp.response(200, schemas.EnrollmentSchema)
    def put(self, data, batch_id, nip):
        """The partner enters a participant's post-test score (0–100)."""
        partner_code = partner_code_of_caller()
        with context().uow() as uow:
            return handlers.set_post_test(uow, batch_id, nip, data["score"], partner_code)
