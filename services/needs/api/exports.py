"""Routes of the spreadsheet and CSV exports (gaps, plan, employees, ledger)."""

from __future__ import annotations

from flask.views import MethodView

from services.needs import exports, schemas, views
from services.needs.api.blueprint import blp, year_of
from shared import sheets
from shared.identity import own_unit
from shared.sheets import EXPORT_DOC, file_response
from shared.web import caller, context, read_session


@blp.route("/exports/gaps")
class GapExport(MethodView):
    @blp.arguments(schemas.ExportQuery, location="query")
    @blp.doc(**EXPORT_DOC)
    def get(self, args):
        """The gap report (every gap of the year, ranked) as XLSX or CSV; an OPD user's own unit."""
        args, year = own_unit(caller(), args), year_of(args)
        with read_session() as session:
            rows, _ = views.gaps(session, year, {"unit_code": args.get("unit_code")}, 1, 10**7)
        content = sheets.render(rows, exports.GAP_COLUMNS, args["format"], f"Kesenjangan {year}")
        return file_response(content, args["format"], f"kesenjangan-kompetensi-{year}")


@blp.route("/exports/plan")
class PlanExport(MethodView):
    @blp.arguments(schemas.ExportQuery, location="query")
    @blp.doc(**EXPORT_DOC)
    def get(self, args):
        """The annual plan as XLSX or CSV: the development lines, then per OPD and competency the ASN to assess
        first (column Langkah); an OPD user's own unit's part."""
        args, year = own_unit(caller(), args), year_of(args)
        with read_session() as session:
            rows = views.plan(session, context().settings, year, args.get("unit_code"))
        rows = [{**row, "step": exports.PLAN_STEPS[row["step"]]} for row in rows]
        content = sheets.render(rows, exports.PLAN_COLUMNS, args["format"], f"Rencana {year}")
        return file_response(content, args["format"], f"rencana-pengembangan-{year}")


@blp.route("/exports/employees")
class EmployeeExport(MethodView):
    @blp.arguments(schemas.EmployeeExportQuery, location="query")
    @blp.doc(**EXPORT_DOC)
    def get(self, args):
        """The employees of a search (the same filters and order as GET /employees) as XLSX or CSV."""
        with read_session() as session:
            found, _ = views.employees(session, args, 1, 10**7)
            rows = [{column: getattr(e, column) for column, _ in exports.EMPLOYEE_COLUMNS} for e in found]
        content = sheets.render(rows, exports.EMPLOYEE_COLUMNS, args["format"], "Pegawai")
        return file_response(content, args["format"], "pegawai")


@blp.route("/exports/ledger")
class LedgerExport(MethodView):
    @blp.arguments(schemas.ExportQuery, location="query")
    @blp.doc(**EXPORT_DOC)
    def get(self, args):
        """Every JP credit of a year (all sources) as XLSX or CSV; NIPs stay text in Excel."""
        year = year_of(args)
        with read_session() as session:
            rows = views.ledger_lines(session, year, args.get("unit_code"))
        content = sheets.render(rows, exports.LEDGER_COLUMNS, args["format"], f"Buku JP {year}")
        return file_response(content, args["format"], f"buku-jp-{year}")
