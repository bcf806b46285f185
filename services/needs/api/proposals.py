"""Routes of the yearly AKPK's proposals (usulan): propose, list, one with its history, a step."""

from __future__ import annotations

from flask.views import MethodView

from services.needs import akpk, handlers, schemas, views
from services.needs.api.blueprint import blp
from shared.errors import NotFound
from shared.web import caller, context, paged, read_session


@blp.route("/proposals")
class Proposals(MethodView):
    @blp.arguments(schemas.ProposalQuery, location="query")
    @blp.response(200, schemas.ProposalSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """The proposals the caller may see (BKPSDM all; an OPD its own unit's; a supervisor their team's and their
        own; an employee their own), newest year first."""
        who = caller()
        this_year = context().settings.today().year
        return paged(pagination_parameters, lambda s, page, size: views.proposals(s, who, args, page, size, this_year))

    @blp.arguments(schemas.ProposalSchema)
    @blp.response(201, schemas.ProposalSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def post(self, data):
        """Propose a development for one ASN in a plan year (draft): an employee for themself (their supervisor
        agrees it next), an OPD for a person of its own unit, BKPSDM for anyone."""
        with context().uow() as uow:
            return handlers.propose(uow, context().settings, caller(), data)


@blp.route("/proposals/<proposal_id>")
class ProposalItem(MethodView):
    @blp.response(200, schemas.ProposalDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, proposal_id):
        """One proposal and every step it took (who, when, why); another unit's answers 404."""
        with read_session() as session:
            return views.proposal(session, caller(), proposal_id)


@blp.route("/proposals/<proposal_id>/<action>")
class ProposalAction(MethodView):
    @blp.arguments(schemas.ProposalActionSchema)
    @blp.response(200, schemas.ProposalSchema)
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, data, proposal_id, action):
        """A step: ``agree`` (the employee's own supervisor, an employee's own plan), ``submit`` (its OPD),
        ``validate`` and ``return`` with a reason (BKPSDM), ``withdraw`` with a reason. 409 when the step does not
        apply in the proposal's state, 403 for who may not take it, 404 for a step that does not exist."""
        if action not in akpk.PROPOSAL_ACTION_NAMES:
            raise NotFound(f"No step {action}: the steps are {', '.join(akpk.PROPOSAL_ACTION_NAMES)}.")
        with read_session() as session:
            views.proposal(session, caller(), proposal_id)  # one the caller cannot see is not found
        with context().uow() as uow:
            return handlers.act(uow, caller(), proposal_id, action, data["reason"])
