"""Routes of nomination: the candidates of a batch, enrolling them, withdrawing one."""

from __future__ import annotations

from flask.views import MethodView

from services.training import handlers, schemas, views
from services.training.api.blueprint import blp, scope
from shared.identity import own_unit
from shared.web import caller, context, read_session


@blp.route("/batches/<batch_id>/candidates")
class Candidates(MethodView):
    @blp.arguments(schemas.CandidateQuery, location="query")
    @blp.response(200, schemas.CandidateSchema(many=True))
    def get(self, args, batch_id):
        """Employees whose open needs the program addresses, by priority; those busy elsewhere at the time are left out."""
        with read_session() as session:
            return views.candidates(session, batch_id, args["limit"])


@blp.route("/batches/<batch_id>/enrollments")
class Enrollments(MethodView):
    @blp.response(200, schemas.RosterEntrySchema(many=True))
    def get(self, batch_id):
        """The roster, with each participant's attendance share so far (an OPD user's: its own unit's people)."""
        unit_code = own_unit(caller(), {}).get("unit_code")
        with read_session() as session:
            return views.roster(session, batch_id, scope(), unit_code)

    @blp.arguments(schemas.EnrolSchema)
    @blp.response(201, schemas.EnrollmentSchema(many=True))
    def post(self, data, batch_id):
        """Enrol employees: all or none (capacity, overlapping batches, known active employees)."""
        with context().uow() as uow:
            return handlers.enrol(uow, batch_id, data["nips"])


@blp.route("/batches/<batch_id>/enrollments/<nip>/withdrawal")
class Withdrawal(MethodView):
    @blp.arguments(schemas.WithdrawalSchema)
    @blp.response(200, schemas.EnrollmentSchema(many=True))
    def post(self, data, batch_id, nip):
        """Withdraw a participant before the batch starts, with a reason (ParticipantWithdrawn: their needs go back
        to the candidates); with ``replacement_nip``, another ASN takes the place (enrolled by the same rules, all or
        nothing). Answers the withdrawn enrolment (and the new one). 409 once the batch has started."""
        with context().uow() as uow:
            return handlers.withdraw(
                uow, context().settings, batch_id, nip, data["reason"], data.get("replacement_nip")
            )
