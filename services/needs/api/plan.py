"""Routes of the gaps, the job-person match, the needs, the year's plan and their recomputation."""

from __future__ import annotations

from flask.views import MethodView

from services.needs import handlers, schemas, views
from services.needs.api.blueprint import blp, year_of
from services.needs.models import RecomputeRun
from shared.errors import NotFound
from shared.identity import own_unit
from shared.web import caller, context, paged, read_session


@blp.route("/gaps")
class Gaps(MethodView):
    @blp.arguments(schemas.GapQuery, location="query")
    @blp.response(200, schemas.GapSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Gaps ranked by priority (filter by OPD, competency, group, NIP, minimum gap); an OPD user's own unit."""
        args = own_unit(caller(), args)
        return paged(pagination_parameters, lambda s, page, size: views.gaps(s, year_of(args), args, page, size))


@blp.route("/gaps/by-unit")
class GapsByUnit(MethodView):
    @blp.arguments(schemas.YearQuery, location="query")
    @blp.response(200, schemas.GapAggregateSchema(many=True))
    def get(self, args):
        """Gaps per OPD, ranked by total priority, with the OPD's job-person match."""
        with read_session() as session:
            return views.gaps_by(session, year_of(args), "unit")


@blp.route("/gaps/by-competency")
class GapsByCompetency(MethodView):
    @blp.arguments(schemas.YearQuery, location="query")
    @blp.response(200, schemas.GapAggregateSchema(many=True))
    def get(self, args):
        """Gaps per competency, ranked by total priority."""
        with read_session() as session:
            return views.gaps_by(session, year_of(args), "competency")


@blp.route("/match")
class Match(MethodView):
    @blp.arguments(schemas.MatchQuery, location="query")
    @blp.response(200, schemas.MatchSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Job-person match per employee, lowest first."""
        return paged(
            pagination_parameters,
            lambda s, page, size: views.job_person_match(s, year_of(args), args.get("unit_code"), page, size),
        )


@blp.route("/needs")
class Needs(MethodView):
    @blp.arguments(schemas.NeedQuery, location="query")
    @blp.response(200, schemas.NeedSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Development needs (filter by year, status, OPD, competency, NIP), highest priority first; an OPD user's own
        unit."""
        args = own_unit(caller(), args)
        return paged(pagination_parameters, lambda s, page, size: views.needs(s, args, page, size))


@blp.route("/needs/<need_id>")
class NeedItem(MethodView):
    @blp.arguments(schemas.NeedStatusSchema)
    @blp.response(200, schemas.NeedSchema)
    def patch(self, data, need_id):
        """Plan a need, put it back to open, or cancel it (closing emits DevelopmentNeedClosed)."""
        with context().uow() as uow:
            return handlers.change_need_status(uow, need_id, data["status"], data["note"])


@blp.route("/plan")
class Plan(MethodView):
    @blp.arguments(schemas.PlanQuery, location="query")
    @blp.response(200, schemas.PlanLineSchema(many=True))
    def get(self, args):
        """The annual plan: per OPD and competency, the ASN in need, the suggested form and the JP to budget (an OPD
        user's own unit's part)."""
        args = own_unit(caller(), args)
        with read_session() as session:
            return views.plan(session, context().settings, year_of(args), args.get("unit_code"))


@blp.route("/recompute")
class Recompute(MethodView):
    @blp.arguments(schemas.RecomputeSchema)
    @blp.response(
        200,
        schemas.RecomputeRunSchema,
        description="Done in the request (a city of at most RECOMPUTE_INLINE_MAX ASN): the run, status succeeded.",
    )
    @blp.alt_response(
        202,
        schema=schemas.RecomputeRunSchema,
        description="Queued for the worker: the run, status queued; its progress at /recompute-runs/{id}.",
    )
    def post(self, data):
        """Recompute every gap and need of a year (default: this year and years with active needs); in the request
        when the city has at most RECOMPUTE_INLINE_MAX active ASN, otherwise in the worker."""
        with context().uow() as uow:
            run = handlers.request_recompute(uow, context().settings, data.get("year"))
            return (run, 200) if run.status == "succeeded" else (run, 202)


@blp.route("/recompute-runs")
class RecomputeRuns(MethodView):
    @blp.response(200, schemas.RecomputeRunSchema(many=True))
    def get(self):
        """The latest recomputes too large for the request that caused them (a change to the dictionary, a standard or
        the priorities concerning more than RECOMPUTE_INLINE_MAX ASN), newest first: the worker's progress."""
        with read_session() as session:
            return views.recompute_runs(session)


@blp.route("/recompute-runs/<run_id>")
class RecomputeRunItem(MethodView):
    @blp.response(200, schemas.RecomputeRunSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, run_id):
        """One recompute: its cause, status and progress (ASN done of total)."""
        with read_session() as session:
            run = session.get(RecomputeRun, run_id)
            if run is None:
                raise NotFound(f"No recompute run {run_id}.")
            return run
