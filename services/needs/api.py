"""HTTP layer of the needs service: parse with schemas, call a handler or a view, dump with schemas."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from services.needs import exports, external, handlers, objectstore, schemas, views
from services.needs.domain import POSITION_CLASSES
from services.needs.models import RecomputeRun
from services.needs.simpeg import api as simpeg_api
from shared import sheets
from shared.edge import body_limit
from shared.errors import Forbidden, Invalid, NotFound
from shared.web import access_rules, caller, context, paged, read_session

blp = Blueprint(
    "needs",
    __name__,
    url_prefix="/api/v1/needs",
    description="Needs assessment (AKPK): competencies, standards, employees, assessments, gaps, needs, plan, JP.",
)


ADMIN, PEOPLE = ("admin",), ("admin", "supervisor", "employee")
# Who may call what (docs/access.md). Routes of one employee also check that the caller is that
# employee, their supervisor, or BKPSDM (``_may_see``).
ACCESS = simpeg_api.ACCESS | access_rules(
    blp.url_prefix,
    {
        "GET /competencies": PEOPLE,
        "POST /competencies": ADMIN,
        "GET /competencies/<code>": PEOPLE,
        "PUT /competencies/<code>": ADMIN,
        "GET /priorities/<int:year>": PEOPLE,
        "PUT /priorities/<int:year>": ADMIN,
        "GET /position-classes/<position_class>/standard": PEOPLE,
        "PUT /position-classes/<position_class>/standard": ADMIN,
        "GET /positions": PEOPLE,
        "POST /positions": ADMIN,
        "GET /positions/<code>": PEOPLE,
        "PUT /positions/<code>": ADMIN,
        "PUT /positions/<code>/standard": ADMIN,
        "GET /employees": ADMIN,
        "PUT /employees": ADMIN,
        "GET /employees/<nip>": PEOPLE,
        "PUT /employees/<nip>": ADMIN,
        "GET /employees/<nip>/profile": PEOPLE,
        "GET /employees/<nip>/jp": PEOPLE,
        "GET /employees/<nip>/assessments": PEOPLE,
        "POST /employees/<nip>/assessments": PEOPLE,
        "GET /gaps": ADMIN,
        "GET /gaps/by-unit": ADMIN,
        "GET /gaps/by-competency": ADMIN,
        "GET /match": ADMIN,
        "GET /needs": ADMIN,
        "PATCH /needs/<need_id>": ADMIN,
        "GET /plan": ADMIN,
        "POST /recompute": ADMIN,
        "GET /recompute-runs": ADMIN,
        "GET /recompute-runs/<run_id>": ADMIN,
        "GET /jp/compliance": ADMIN,
        "GET /units": ADMIN,
        "GET /jp/behind": ADMIN,
        "GET /exports/gaps": ADMIN,
        "GET /exports/plan": ADMIN,
        "GET /ledger": ADMIN,
        "GET /exports/ledger": ADMIN,
        "GET /exports/employees": ADMIN,
        "GET /external-development": PEOPLE,
        "POST /employees/<nip>/external-development": PEOPLE,
        "GET /external-development/<record_id>": PEOPLE,
        "PUT /external-development/<record_id>/certificate": PEOPLE,
        "GET /external-development/<record_id>/certificate": PEOPLE,
        "POST /external-development/<record_id>/verify": ADMIN,
        "POST /external-development/<record_id>/reject": ADMIN,
    },
)


def _may_see(nip: str) -> None:
    with read_session() as session:
        views.check_may_see(session, caller(), nip)


def _year(args: dict) -> int:
    return args.get("year") or context().settings.today().year


# --- competency dictionary ----------------------------------------------------------------------


@blp.route("/competencies")
class Competencies(MethodView):
    @blp.arguments(schemas.CompetencyQuery, location="query")
    @blp.response(200, schemas.CompetencySchema(many=True))
    def get(self, args):
        """The competency dictionary (filter by group, text, active)."""
        with read_session() as session:
            return views.competencies(session, args.get("group"), args.get("q"), args.get("active"))

    @blp.arguments(schemas.CompetencySchema)
    @blp.response(201, schemas.CompetencySchema)
    def post(self, data):
        """Add a competency (BKPSDM manages the technical ones)."""
        with context().uow() as uow:
            return handlers.create_competency(uow, data)


@blp.route("/competencies/<code>")
class CompetencyItem(MethodView):
    @blp.response(200, schemas.CompetencySchema)
    def get(self, code):
        """One competency of the dictionary, with its five level descriptors."""
        with read_session() as session:
            return views.competency(session, code)

    @blp.arguments(schemas.CompetencyUpdateSchema)
    @blp.response(200, schemas.CompetencySchema)
    def put(self, data, code):
        """Replace a competency's name, group, description, descriptors and active flag."""
        with context().uow() as uow:
            return handlers.update_competency(uow, context().settings, code, data)


# --- strategic priorities -----------------------------------------------------------------------


@blp.route("/priorities/<int:year>")
class Priorities(MethodView):
    @blp.response(200, schemas.PrioritiesSchema)
    def get(self, year):
        """The region's vision/mission themes for a plan year, with weights and competencies."""
        with read_session() as session:
            return {"year": year, "items": views.priorities(session, year)}

    @blp.arguments(schemas.PrioritiesSchema)
    @blp.response(200, schemas.PrioritiesSchema)
    def put(self, data, year):
        """Replace the themes of a plan year; gaps and needs of that year are recomputed."""
        with context().uow() as uow:
            handlers.replace_priorities(uow, context().settings, year, data["items"])
        with read_session() as session:
            return {"year": year, "items": views.priorities(session, year)}


# --- standards ----------------------------------------------------------------------------------


def _check_class(position_class: str) -> None:
    if position_class not in POSITION_CLASSES:
        raise NotFound(f"No position class {position_class}; use one of {', '.join(POSITION_CLASSES)}.")


@blp.route("/position-classes/<position_class>/standard")
class ClassStandard(MethodView):
    @blp.response(200, schemas.ClassStandardSchema)
    def get(self, position_class):
        """The default standard of every position of a class (JPT, administrator, pengawas, pelaksana, fungsional)."""
        _check_class(position_class)
        with read_session() as session:
            return {"position_class": position_class, "items": views.class_standard(session, position_class)}

    @blp.arguments(schemas.ClassStandardSchema)
    @blp.response(200, schemas.ClassStandardSchema)
    def put(self, data, position_class):
        """Replace a class's default standard; its employees' gaps are recomputed."""
        _check_class(position_class)
        with context().uow() as uow:
            handlers.replace_class_standard(uow, context().settings, position_class, data["items"])
        with read_session() as session:
            return {"position_class": position_class, "items": views.class_standard(session, position_class)}


@blp.route("/positions")
class Positions(MethodView):
    @blp.arguments(schemas.PositionQuery, location="query")
    @blp.response(200, schemas.PositionSchema(many=True))
    def get(self, args):
        """The positions (jabatan), optionally of one position class."""
        with read_session() as session:
            return views.positions(session, args.get("position_class"))

    @blp.arguments(schemas.PositionSchema)
    @blp.response(201, schemas.PositionDetailSchema)
    def post(self, data):
        """Add a position (jabatan)."""
        with context().uow() as uow:
            handlers.save_position(uow, context().settings, data["code"], data, create=True)
        with read_session() as session:
            return views.position(session, data["code"])


@blp.route("/positions/<code>")
class PositionItem(MethodView):
    @blp.response(200, schemas.PositionDetailSchema)
    def get(self, code):
        """A position with its own overrides and its effective standard."""
        with read_session() as session:
            return views.position(session, code)

    @blp.arguments(schemas.PositionUpdateSchema)
    @blp.response(200, schemas.PositionDetailSchema)
    def put(self, data, code):
        """Change a position's name, class or unit."""
        with context().uow() as uow:
            handlers.save_position(uow, context().settings, code, data, create=False)
        with read_session() as session:
            return views.position(session, code)


@blp.route("/positions/<code>/standard")
class PositionStandard(MethodView):
    @blp.arguments(schemas.PositionStandardSchema)
    @blp.response(200, schemas.PositionDetailSchema)
    def put(self, data, code):
        """Replace a position's overrides of its class standard (level 0 removes a competency)."""
        with context().uow() as uow:
            handlers.replace_position_standard(uow, context().settings, code, data["items"])
        with read_session() as session:
            return views.position(session, code)


# --- employees ----------------------------------------------------------------------------------


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
        """Employees (filter by OPD, position, status, active, name or NIP)."""
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
        _may_see(nip)
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
        _may_see(nip)
        with read_session() as session:
            return views.profile(session, context().settings, nip, _year(args))


@blp.route("/employees/<nip>/jp")
class EmployeeJp(MethodView):
    @blp.arguments(schemas.YearQuery, location="query")
    @blp.response(200, schemas.JpSummarySchema)
    def get(self, args, nip):
        """The employee's realised JP in a year against their target."""
        _may_see(nip)
        with read_session() as session:
            return views.jp_of(session, context().settings, views.employee(session, nip), _year(args))


@blp.route("/employees/<nip>/assessments")
class Assessments(MethodView):
    @blp.response(200, schemas.AssessmentSchema(many=True))
    def get(self, nip):
        """An employee's competency assessments, newest first."""
        _may_see(nip)
        with read_session() as session:
            return views.profile(session, context().settings, nip, context().settings.today().year)["assessments"]

    @blp.arguments(schemas.AssessmentSchema)
    @blp.response(201, schemas.AssessmentSchema)
    def post(self, data, nip):
        """Record a level from a source; the employee's gaps and needs are recomputed. An employee records
        only their own self-assessment, a supervisor only a supervisor assessment of the ASN they supervise."""
        _may_see(nip)
        who = caller()
        allowed = None if who.has_role("admin") else ("self" if who.subject == nip else "supervisor")
        if allowed and data["source"] != allowed:
            raise Forbidden(f"You may record only a {allowed} assessment for this employee.")
        with context().uow() as uow:
            return handlers.record_assessment(uow, context().settings, nip, data)


# --- gaps, match, needs, plan --------------------------------------------------------------------


@blp.route("/gaps")
class Gaps(MethodView):
    @blp.arguments(schemas.GapQuery, location="query")
    @blp.response(200, schemas.GapSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Gaps ranked by priority (filter by OPD, competency, group, NIP, minimum gap)."""
        return paged(pagination_parameters, lambda s, page, size: views.gaps(s, _year(args), args, page, size))


@blp.route("/gaps/by-unit")
class GapsByUnit(MethodView):
    @blp.arguments(schemas.YearQuery, location="query")
    @blp.response(200, schemas.GapAggregateSchema(many=True))
    def get(self, args):
        """Gaps per OPD, ranked by total priority, with the OPD's job-person match."""
        with read_session() as session:
            return views.gaps_by(session, _year(args), "unit")


@blp.route("/gaps/by-competency")
class GapsByCompetency(MethodView):
    @blp.arguments(schemas.YearQuery, location="query")
    @blp.response(200, schemas.GapAggregateSchema(many=True))
    def get(self, args):
        """Gaps per competency, ranked by total priority."""
        with read_session() as session:
            return views.gaps_by(session, _year(args), "competency")


@blp.route("/match")
class Match(MethodView):
    @blp.arguments(schemas.MatchQuery, location="query")
    @blp.response(200, schemas.MatchSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Job-person match per employee, lowest first."""
        return paged(
            pagination_parameters,
            lambda s, page, size: views.job_person_match(s, _year(args), args.get("unit_code"), page, size),
        )


@blp.route("/needs")
class Needs(MethodView):
    @blp.arguments(schemas.NeedQuery, location="query")
    @blp.response(200, schemas.NeedSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Development needs (filter by year, status, OPD, competency, NIP), highest priority first."""
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
        """The annual plan: per OPD and competency, the ASN in need, the suggested form and the JP to budget."""
        with read_session() as session:
            return views.plan(session, context().settings, _year(args), args.get("unit_code"))


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


# --- the 20-JP ledger ---------------------------------------------------------------------------


@blp.route("/units")
class Units(MethodView):
    @blp.response(200, schemas.UnitSchema(many=True))
    def get(self):
        """The OPDs (unit kerja) of the active employees, with how many ASN each has: for choosing one."""
        with read_session() as session:
            return views.units(session)


@blp.route("/jp/compliance")
class JpCompliance(MethodView):
    @blp.arguments(schemas.YearQuery, location="query")
    @blp.response(200, schemas.ComplianceSchema(many=True))
    def get(self, args):
        """Per OPD: how many ASN reached the annual JP target."""
        with read_session() as session:
            return views.jp_compliance(session, context().settings, _year(args))


@blp.route("/jp/behind")
class JpBehind(MethodView):
    @blp.arguments(schemas.BehindQuery, location="query")
    @blp.response(200, schemas.BehindSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Who is below the JP target, furthest behind first, with the days left in the year."""
        settings = context().settings
        return paged(
            pagination_parameters,
            lambda s, page, size: views.jp_behind(s, settings, _year(args), args.get("unit_code"), page, size),
        )


@blp.route("/ledger")
class Ledger(MethodView):
    @blp.arguments(schemas.LedgerQuery, location="query")
    @blp.response(200, schemas.LedgerFigureSchema(many=True))
    def get(self, args):
        """JP credited in a year from every source, by OPD (where each ASN served when credited), employment
        kind, form or source: a move after the credit changes no past figure."""
        with read_session() as session:
            return views.ledger_figures(session, _year(args), args["by"])


# --- development outside Bangkom ------------------------------------------------------------------


def _store():
    return objectstore.from_settings(context().settings)


def _own_record(record_id: str):
    """The record, when the caller may see it (BKPSDM, the ASN, their supervisor); else 403/404."""
    with read_session() as session:
        record = views.external_record(session, caller(), record_id)
        session.expunge(record)
        return record


@blp.route("/external-development")
class ExternalDevelopmentList(MethodView):
    @blp.arguments(schemas.ExternalQuery, location="query")
    @blp.response(200, schemas.ExternalDevelopmentSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Development outside Bangkom, oldest first (BKPSDM's queue: ``status=submitted``). An employee sees
        only their own records."""
        who = caller()
        if not who.has_role("admin"):
            if args.get("nip") not in (None, who.subject):
                raise Forbidden("You may see only your own records.")
            args = {**args, "nip": who.subject}
        return paged(pagination_parameters, lambda s, page, size: views.external_records(s, args, page, size))


@blp.route("/employees/<nip>/external-development")
class ExternalDevelopmentClaim(MethodView):
    @blp.arguments(schemas.ExternalDevelopmentSchema)
    @blp.response(201, schemas.ExternalDevelopmentSchema)
    def post(self, data, nip):
        """Claim development outside Bangkom (an ASN for themself, or BKPSDM for them); attach the certificate
        next (PUT …/certificate), then BKPSDM verifies it and its JP count in the ledger."""
        who = caller()
        if not who.has_role("admin") and who.subject != nip:
            raise Forbidden("You may claim development only for yourself.")
        with context().uow() as uow:
            return external.submit(uow, context().settings, nip, data, who.subject)


@blp.route("/external-development/<record_id>")
class ExternalDevelopmentItem(MethodView):
    @blp.response(200, schemas.ExternalDevelopmentSchema)
    def get(self, record_id):
        """One record and where it stands."""
        return _own_record(record_id)


@blp.route("/external-development/<record_id>/certificate")
class ExternalDevelopmentCertificate(MethodView):
    @body_limit("certificate_max_bytes")
    @blp.arguments(schemas.CertificateFormSchema, location="files")
    @blp.response(200, schemas.ExternalDevelopmentSchema)
    def put(self, files, record_id):
        """Attach (or replace, until it is decided) the certificate file: PDF, PNG or JPEG, judged by its
        content, at most CERTIFICATE_MAX_BYTES."""
        record = _own_record(record_id)
        who = caller()
        if not who.has_role("admin") and who.subject != record.nip:
            raise Forbidden("Only the ASN or BKPSDM may attach the certificate.")
        settings = context().settings
        content = files["file"].read(settings.certificate_max_bytes + 1)
        with context().uow() as uow:
            return external.attach_certificate(uow, settings, _store(), record_id, content)

    @blp.doc(
        responses={
            "200": {
                "description": "The certificate file",
                "content": {
                    media: {"schema": {"type": "string", "format": "binary"}}
                    for media in ("application/pdf", "image/png", "image/jpeg")
                },
            }
        }
    )
    def get(self, record_id):
        """The certificate file as it was uploaded."""
        record = _own_record(record_id)
        if record.certificate_key is None:
            raise NotFound("No certificate file has been attached to this record yet.")
        return Response(_store().get(record.certificate_key), mimetype=record.certificate_type)


@blp.route("/external-development/<record_id>/verify")
class ExternalDevelopmentVerify(MethodView):
    @blp.response(200, schemas.ExternalDevelopmentSchema)
    def post(self, record_id):
        """Verify the record against its certificate: ExternalDevelopmentVerified is published and the needs
        worker credits the JP, takes the claimed levels and owes SIMPEG the training-history record."""
        with context().uow() as uow:
            return external.decide(uow, record_id, True, caller().subject)


@blp.route("/external-development/<record_id>/reject")
class ExternalDevelopmentReject(MethodView):
    @blp.arguments(schemas.RejectionSchema)
    @blp.response(200, schemas.ExternalDevelopmentSchema)
    def post(self, data, record_id):
        """Reject the record with a reason the ASN will read (ExternalDevelopmentRejected)."""
        with context().uow() as uow:
            return external.decide(uow, record_id, False, caller().subject, data["reason"])


# --- exports ------------------------------------------------------------------------------------

EXPORT_DOC = {
    "responses": {
        "200": {
            "description": "An XLSX or CSV file with Indonesian column headers",
            "content": {
                media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                for media in sheets.CONTENT_TYPES.values()
            },
        }
    }
}


def _file(content: bytes, file_format: str, name: str) -> Response:
    return Response(
        content,
        mimetype=sheets.CONTENT_TYPES[file_format].split(";")[0],
        headers={
            "Content-Type": sheets.CONTENT_TYPES[file_format],
            "Content-Disposition": f'attachment; filename="{name}.{file_format}"',
        },
    )


@blp.route("/exports/gaps")
class GapExport(MethodView):
    @blp.arguments(schemas.ExportQuery, location="query")
    @blp.doc(**EXPORT_DOC)
    def get(self, args):
        """The gap report (every gap of the year, ranked) as XLSX or CSV."""
        year = _year(args)
        with read_session() as session:
            rows, _ = views.gaps(session, year, {"unit_code": args.get("unit_code")}, 1, 10**7)
        content = sheets.render(rows, exports.GAP_COLUMNS, args["format"], f"Kesenjangan {year}")
        return _file(content, args["format"], f"kesenjangan-kompetensi-{year}")


@blp.route("/exports/plan")
class PlanExport(MethodView):
    @blp.arguments(schemas.ExportQuery, location="query")
    @blp.doc(**EXPORT_DOC)
    def get(self, args):
        """The annual plan as XLSX or CSV."""
        year = _year(args)
        with read_session() as session:
            rows = views.plan(session, context().settings, year, args.get("unit_code"))
        content = sheets.render(rows, exports.PLAN_COLUMNS, args["format"], f"Rencana {year}")
        return _file(content, args["format"], f"rencana-pengembangan-{year}")


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
        return _file(content, args["format"], "pegawai")


@blp.route("/exports/ledger")
class LedgerExport(MethodView):
    @blp.arguments(schemas.ExportQuery, location="query")
    @blp.doc(**EXPORT_DOC)
    def get(self, args):
        """Every JP credit of a year (all sources) as XLSX or CSV; NIPs stay text in Excel."""
        year = _year(args)
        with read_session() as session:
            rows = views.ledger_lines(session, year, args.get("unit_code"))
        content = sheets.render(rows, exports.LEDGER_COLUMNS, args["format"], f"Buku JP {year}")
        return _file(content, args["format"], f"buku-jp-{year}")
