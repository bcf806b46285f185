"""Routes of the employees: their records (one or in bulk), profiles, JP and assessments."""

from __future__ import annotations

from flask.views import MethodView

from services.needs import handlers, schemas, views
from services.needs.api.blueprint import blp, may_see, year_of
from shared.edge import body_limit
from shared.errors import Forbidden, Invalid
from shared.identity import own_unit
from shared.web import caller, context, paged, read_session


def _upsert(rows: list) -> dict:
    settings = context().settings
    if len(rows) > settings.max_bulk_rows:
        raise Invalid(
            f"At most {settings.max_bulk_rows} employees per request; split the list.",
            errors=[{"field": "employees", "message": f"{len(rows)} rows, over {settings.max_bulk_rows}."}],
        )
    with context().uow() as uow:
        report = handlers.upsert_employees(uow, settings, rows, schemas.EmployeeSchema().load)
    if rows and len(report["rejected"]) == len(rows):
        raise Invalid(
            "No row was valid; nothing was saved. See `rejected` for each row's problems.",
            errors=[
                {**e, "field": f"employees.{r['row']}.{e['field']}"} for r in report["rejected"] for e in r["errors"]
            ],
            rejected=report["rejected"],
        )
    return report


@blp.route("/employees")
class Employees(MethodView):
    @blp.arguments(schemas.EmployeeQuery, location="query")
    @blp.response(200, schemas.EmployeeSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Employees (filter by OPD, position, status, active, name or NIP); an OPD user's own unit only."""
        args = own_unit(caller(), args)
        return paged(pagination_parameters, lambda s, page, size: views.employees(s, args, page, size))

    @blp.arguments(schemas.EmployeeBulkSchema)
    @blp.response(200, schemas.UpsertReportSchema)
    def put(self, data):
        """Bulk upsert: valid rows are applied together in one transaction, invalid rows are reported by
        index with each field's problem. Added or changed employees emit EmployeeSynced."""
        return _upsert(data["employees"])


@blp.route("/employees/<nip>")
class EmployeeItem(MethodView):
    @blp.response(200, schemas.EmployeeSchema)
    def get(self, nip):
        """One employee's record (BKPSDM, the employee, or their supervisor)."""
        may_see(nip)
        with read_session() as session:
            return views.employee(session, nip)

    @blp.arguments(schemas.EmployeeBodySchema)
    @blp.response(200, schemas.UpsertReportSchema)
    def put(self, data, nip):
        """Insert or update one employee."""
        return _upsert([{**schemas.EmployeeBodySchema().dump(data), "nip": nip}])


@blp.route("/employees/<nip>/profile")
class Profile(MethodView):
    @blp.arguments(schemas.YearQuery, location="query")
    @blp.response(200, schemas.ProfileSchema)
    def get(self, args, nip):
        """Levels against the position's standard, job-person match, assessments and JP of the year."""
        may_see(nip)
        with read_session() as session:
            return views.profile(session, context().settings, nip, year_of(args))


@blp.route("/employees/<nip>/jp")
class EmployeeJp(MethodView):
    @blp.arguments(schemas.YearQuery, location="query")
    @blp.response(200, schemas.JpSummarySchema)
    def get(self, args, nip):
        """The employee's realised JP in a year against their target."""
        may_see(nip)
        with read_session() as session:
            return views.jp_of(session, context().settings, views.employee(session, nip), year_of(args))


@blp.route("/employees/<nip>/assessments")
class Assessments(MethodView):
    @blp.response(200, schemas.AssessmentSchema(many=True))
    def get(self, nip):
        """An employee's competency assessments, newest first."""
        may_see(nip)
        with read_session() as session:
            return views.profile(session, context().settings, nip, context().settings.today().year)["assessments"]

    @blp.arguments(schemas.AssessmentSchema)
    @blp.response(201, schemas.AssessmentSchema)
    def post(self, data, nip):
        """Record a level from a source; the employee's gaps and needs are recomputed. An employee records
        only their own self-assessment, a supervisor only a supervisor assessment of the ASN they supervise."""
        may_see(nip)
        who = caller()
        allowed = None if who.has_role("admin") else ("self" if who.subject == nip else "supervisor")
        if allowed and data.source != allowed:
            raise Forbidden(f"You may record only a {allowed} assessment for this employee.")
        with context().uow() as uow:
            return handlers.record_assessment(uow, context().settings, nip, data)


@blp.route("/my/team")
class MyTeam(MethodView):
    @blp.arguments(schemas.EmployeeQuery, location="query")
    @blp.response(200, schemas.EmployeeSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """The active ASN the signed-in supervisor supervises (as SIMPEG says), by name: whom they assess."""
        team = {**args, "supervisor_nip": caller().subject, "active": True}
        return paged(pagination_parameters, lambda s, page, size: views.employees(s, team, page, size))


@blp.route("/assessments/imports")
class AssessmentImports(MethodView):
    @body_limit("max_assessment_import_bytes")
    @blp.arguments(schemas.AssessmentFileSchema, location="files")
    @blp.response(200, schemas.AssessmentImportSchema)
    def post(self, files):
        """Import the results of an assessment centre or a competency test (XLSX or CSV), row by row: valid rows are
        recorded and their ASN's gaps and needs recomputed; each invalid row is reported with its row number, column
        and reason. The same file imported again records nothing twice; a corrected level replaces the earlier one."""
        upload = files["file"]
        with context().uow() as uow:
            return handlers.import_assessments(
                uow, context().settings, upload.read(), upload.filename or "hasil-asesmen.csv"
            )
