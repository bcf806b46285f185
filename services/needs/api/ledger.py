"""Routes of the 20-JP ledger: compliance by OPD, who is behind, the ledger itself."""

from __future__ import annotations

from flask.views import MethodView

from services.needs import schemas, views
from services.needs.api.blueprint import blp, year_of
from shared.identity import own_unit
from shared.web import caller, context, paged, read_session


@blp.route("/units")
class Units(MethodView):
    @blp.response(200, schemas.UnitSchema(many=True))
    def get(self):
        """The OPDs (unit kerja) of the active employees, with how many ASN each has: for choosing one (an OPD user:
        its own)."""
        unit = own_unit(caller(), {}).get("unit_code")
        with read_session() as session:
            return [u for u in views.units(session) if unit is None or u["unit_code"] == unit]


@blp.route("/jp/compliance")
class JpCompliance(MethodView):
    @blp.arguments(schemas.YearQuery, location="query")
    @blp.response(200, schemas.ComplianceSchema(many=True))
    def get(self, args):
        """Per OPD: how many ASN reached the annual JP target (an OPD user: its own unit's line)."""
        unit = own_unit(caller(), {}).get("unit_code")
        with read_session() as session:
            lines = views.jp_compliance(session, context().settings, year_of(args))
        return [line for line in lines if unit is None or line["unit_code"] == unit]


@blp.route("/jp/behind")
class JpBehind(MethodView):
    @blp.arguments(schemas.BehindQuery, location="query")
    @blp.response(200, schemas.BehindSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Who is below the JP target, furthest behind first, with the days left in the year; an OPD user's own unit."""
        args, settings = own_unit(caller(), args), context().settings
        return paged(
            pagination_parameters,
            lambda s, page, size: views.jp_behind(s, settings, year_of(args), args.get("unit_code"), page, size),
        )


@blp.route("/ledger")
class Ledger(MethodView):
    @blp.arguments(schemas.LedgerQuery, location="query")
    @blp.response(200, schemas.LedgerFigureSchema(many=True))
    def get(self, args):
        """JP credited in a year from every source, by OPD (where each ASN served when credited), employment
        kind, form or source: a move after the credit changes no past figure."""
        with read_session() as session:
            return views.ledger_figures(session, year_of(args), args["by"])
