"""The partner's own routes: its batches, their rosters and pre- and post-test scores (its own batches only)."""

from __future__ import annotations

from flask.views import MethodView

from services.training import schemas, views
from services.training.api.blueprint import blp, partner_code_of_caller
from services.training.api.completion import evidence, test_score
from shared.web import read_session


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


@blp.route("/partner/batches/<batch_id>/enrollments/<nip>/pre-test")
class PartnerPreTest(MethodView):
    @blp.arguments(schemas.TestScoreSchema)
    @blp.response(200, schemas.EnrollmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def put(self, data, batch_id, nip):
        """The partner enters a participant's pre-test score (0–100) in its own batch, by the end of the first
        meeting."""
        return test_score(batch_id, nip, "pre", data["score"], partner_code_of_caller())


@blp.route("/partner/batches/<batch_id>/enrollments/<nip>/evidence")
class PartnerEvidence(MethodView):
    @blp.arguments(schemas.EvidenceSchema)
    @blp.response(200, schemas.EnrollmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def put(self, data, batch_id, nip):
        """The partner records the report or product a participant handed in, in its own batch."""
        return evidence(batch_id, nip, data["evidence"], partner_code_of_caller())


@blp.route("/partner/batches/<batch_id>/enrollments/<nip>/post-test")
class PartnerPostTest(MethodView):
    @blp.arguments(schemas.TestScoreSchema)
    @blp.response(200, schemas.EnrollmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def put(self, data, batch_id, nip):
        """The partner enters a participant's post-test score (0–100) in its own batch."""
        return test_score(batch_id, nip, "post", data["score"], partner_code_of_caller())
