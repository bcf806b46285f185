"""Routes of the yearly AKPK's plan: the forms and their JP conversion, the SBU of a year, the approved plan's
versions (approve, list, one, compare, export), its realisation per OPD and its calendar."""

from __future__ import annotations

from flask.views import MethodView

from services.needs import exports, handlers, schemas, views
from services.needs.api.blueprint import blp
from shared import sheets
from shared.identity import own_unit
from shared.sheets import EXPORT_DOC, file_response
from shared.web import caller, context, read_session


@blp.route("/forms")
class Forms(MethodView):
    @blp.response(200, schemas.FormsTableSchema)
    def get(self):
        """The forms of development (Perlan LAN 10/2018), how each one's length becomes JP (the conversion table in
        force, its version and source), the evaluation levels that apply and the evidence that completes it."""
        return views.forms_table(context().settings.jp_conversion)


@blp.route("/sbu/<int:year>")
class StandardCosts(MethodView):
    @blp.response(200, schemas.StandardCostSchema(many=True))
    def get(self, year):
        """The year's standard cost table (SBU): Rupiah per participant or per JP of each form."""
        with read_session() as session:
            return views.standard_costs(session, year)

    @blp.arguments(schemas.StandardCostsSchema)
    @blp.response(200, schemas.StandardCostSchema(many=True))
    def put(self, data, year):
        """Replace the year's SBU (a form left out has no standard cost that year)."""
        with context().uow() as uow:
            handlers.replace_standard_costs(uow, caller(), year, data["costs"])
        with read_session() as session:
            return views.standard_costs(session, year)


@blp.route("/plans/<int:year>/versions")
class PlanVersions(MethodView):
    @blp.arguments(schemas.UnitQuery, location="query")
    @blp.response(200, schemas.PlanVersionSchema(many=True))
    def get(self, args, year):
        """The approved versions of the year's plan, the latest first (an OPD user's totals: its own lines)."""
        with read_session() as session:
            return views.versions(session, year, own_unit(caller(), args).get("unit_code"))

    @blp.arguments(schemas.PlanApprovalSchema)
    @blp.response(201, schemas.PlanVersionSchema)
    @blp.alt_response(409, response="CONFLICT")
    def post(self, data, year):
        """Approve the year's plan as it stands (every validated proposal) as its next version, never changed
        after; from the second version on, say why (409 when nothing changed or nothing is validated)."""
        with context().uow() as uow:
            approved = handlers.approve_plan(uow, caller(), year, data["reason"])
            number = approved.number
        with read_session() as session:
            return next(found for found in views.versions(session, year, None) if found["number"] == number)


@blp.route("/plans/<int:year>/versions/<int:number>")
class PlanVersionItem(MethodView):
    @blp.arguments(schemas.UnitQuery, location="query")
    @blp.response(200, schemas.PlanVersionDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, year, number):
        """One approved version: its lines and its Rupiah per OPD, competency and form (an OPD user's: its own)."""
        with read_session() as session:
            return views.version(session, year, number, own_unit(caller(), args).get("unit_code"))


@blp.route("/plans/<int:year>/compare")
class PlanCompare(MethodView):
    @blp.arguments(schemas.CompareQuery, location="query")
    @blp.response(200, schemas.CompareSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, year):
        """Two approved versions side by side: the lines added, removed and changed."""
        with read_session() as session:
            return views.compare(
                session, year, args["before"], args["after"], own_unit(caller(), args).get("unit_code")
            )


@blp.route("/plans/<int:year>/realisation")
class PlanRealisation(MethodView):
    @blp.arguments(schemas.UnitQuery, location="query")
    @blp.response(200, schemas.RealisationSchema)
    def get(self, args, year):
        """Per OPD: the approved plan's lines, JP and Rupiah against the JP delivered (completions and verified
        outside development) and their Rupiah at the year's SBU; which OPDs are behind."""
        with read_session() as session:
            return views.realisation(session, year, own_unit(caller(), args).get("unit_code"), _month_now(year))


@blp.route("/plans/<int:year>/calendar")
class PlanCalendar(MethodView):
    @blp.response(200, schemas.CalendarSchema)
    def get(self, year):
        """Per month: what the approved plan expects, the programs scheduled, the JP delivered; the OPDs behind."""
        with read_session() as session:
            return views.calendar(session, year, _month_now(year))


@blp.route("/exports/plans/<int:year>/versions/<int:number>")
class PlanVersionExport(MethodView):
    @blp.arguments(schemas.VersionExportQuery, location="query")
    @blp.doc(**EXPORT_DOC)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args, year, number):
        """An approved version as XLSX or CSV: ``akpk`` a line per ASN, ``anggaran`` Rupiah per OPD and form."""
        args = own_unit(caller(), args)
        with read_session() as session:
            lines = views.version(session, year, number, args.get("unit_code"))["lines"]
        lines = [{**line, "kind": exports.KIND_WORDS.get(line["kind"], line["kind"])} for line in lines]
        if args["shape"] == "anggaran":
            rows, columns, title = exports.budget_rows(lines), exports.BUDGET_COLUMNS, "Anggaran"
        else:
            rows, columns, title = lines, exports.AKPK_COLUMNS, "AKPK"
        content = sheets.render(rows, columns, args["format"], f"{title} {year} v{number}")
        return file_response(content, args["format"], f"{args['shape']}-{year}-v{number}")


@blp.route("/exports/plans/<int:year>/realisation")
class PlanRealisationExport(MethodView):
    @blp.arguments(schemas.RealisationExportQuery, location="query")
    @blp.doc(**EXPORT_DOC)
    def get(self, args, year):
        """The realisation per OPD as XLSX or CSV (planned and delivered participants, JP and Rupiah)."""
        args = own_unit(caller(), args)
        with read_session() as session:
            found = views.realisation(session, year, args.get("unit_code"), _month_now(year))
        rows = [
            {
                **row,
                "year": year,
                "version": found["version"],
                "jp_percent": exports.percent(row["jp_share"]),
                "cost_percent": exports.percent(row["cost_share"]),
            }
            for row in found["units"]
        ]
        content = sheets.render(rows, exports.REALISATION_COLUMNS, args["format"], f"Realisasi {year}")
        return file_response(content, args["format"], f"realisasi-{year}")


def _month_now(year: int) -> int:
    """The month the plan of ``year`` stands in: this month this year, 13 for a year gone by, 1 for one to come."""
    today = context().settings.today()
    return today.month if today.year == year else (13 if today.year > year else 1)
