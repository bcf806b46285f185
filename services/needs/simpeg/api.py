"""HTTP layer of the SIMPEG integration: sync runs, file imports, the training history owed to SIMPEG."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from services.needs.models import SimpegSyncRun
from services.needs.simpeg import history, runs, views
from services.needs.simpeg import schemas as simpeg_schemas
from shared.edge import body_limit
from shared.errors import AppError, Invalid, NotFound
from shared.web import access_rules, caller, context, paged, read_session

blp = Blueprint(
    "simpeg",
    __name__,
    url_prefix="/api/v1/needs",
    description="SIMPEG: employees in (sync, file import), training history out (docs/simpeg.md).",
)

ADMIN = ("admin",)
ACCESS = access_rules(
    blp.url_prefix,
    {
        "GET /simpeg/status": ADMIN,
        "GET /simpeg/sync-runs": ADMIN,
        "POST /simpeg/sync-runs": ADMIN,
        "GET /simpeg/sync-runs/<run_id>": ADMIN,
        "POST /simpeg/imports": ADMIN,
        "POST /simpeg/import-runs": ADMIN,
        "POST /simpeg/history-imports": ADMIN,
        "GET /simpeg/history": ADMIN,
        "POST /simpeg/history/retry": ADMIN,
    },
)


class SimpegNotConfigured(AppError):
    """A sync asked of a service that has no SIMPEG connection: a state to change, not a server failure."""

    status = 409
    slug = "simpeg-not-configured"
    title = "SIMPEG is not configured"


def _configured():
    """The settings, when SIMPEG is configured; otherwise 409 saying how to configure it (or to import a file)."""
    settings = context().settings
    if not settings.simpeg_base_url:
        raise SimpegNotConfigured(
            "SIMPEG is not configured: set SIMPEG_BASE_URL, SIMPEG_CLIENT_ID and SIMPEG_CLIENT_SECRET for the "
            "needs service and its worker, or import an export file at /simpeg/imports."
        )
    return settings


@blp.route("/simpeg/status")
class SimpegStatus(MethodView):
    @blp.response(200, simpeg_schemas.SimpegStatusSchema)
    def get(self):
        """Whether SIMPEG is configured, the last sync and the training-history records by status."""
        with read_session() as session:
            return views.status(session, bool(context().settings.simpeg_base_url))


@blp.route("/simpeg/sync-runs")
class SyncRuns(MethodView):
    @blp.response(200, simpeg_schemas.SyncRunSchema(many=True))
    def get(self):
        """The latest 20 syncs and imports, newest first."""
        with read_session() as session:
            return views.latest_runs(session)

    @blp.arguments(simpeg_schemas.SyncRequestSchema)
    @blp.response(202, simpeg_schemas.SyncRunSchema)
    def post(self, data):
        """Queue a sync of employees from SIMPEG; the needs worker runs it. Follow its progress at
        /simpeg/sync-runs/{id}. 409 while another sync or import is queued or running, or when SIMPEG is not
        configured."""
        settings = _configured()
        with context().uow() as uow:
            run = runs.start_run(
                uow,
                settings,
                source="simpeg",
                trigger="api",
                requested_by=caller().subject,
                unit_id=data["unit_id"],
                allow_mass_deactivation=data["allow_mass_deactivation"],
                queued=True,
            )
            return run


@blp.route("/simpeg/history-imports")
class HistoryImports(MethodView):
    @blp.arguments(simpeg_schemas.HistoryImportRequestSchema)
    @blp.response(202, simpeg_schemas.SyncRunSchema)
    def post(self, data):
        """Queue an import of the training history entered in SIMPEG by hand (every active employee, or one OPD's):
        each record is credited once; what Bangkom wrote there itself is not. Follow it at /simpeg/sync-runs/{id}.
        409 while another history import runs, or when SIMPEG is not configured."""
        settings = _configured()
        with context().uow() as uow:
            return runs.start_run(
                uow,
                settings,
                source="simpeg",
                trigger="api",
                requested_by=caller().subject,
                unit_id=data["unit_id"],
                queued=True,
                job="history",
            )


@blp.route("/simpeg/sync-runs/<run_id>")
class SyncRunItem(MethodView):
    @blp.response(200, simpeg_schemas.SyncRunSchema)
    def get(self, run_id):
        """A sync or import: status, progress (done of total) and, once finished, its report."""
        with read_session() as session:
            run = session.get(SimpegSyncRun, run_id)
            if run is None:
                raise NotFound(f"No sync run {run_id}.")
            return run


@blp.route("/simpeg/imports")
class SimpegImports(MethodView):
    @body_limit("simpeg_max_import_bytes")
    @blp.arguments(simpeg_schemas.ImportQuery, location="query")
    @blp.arguments(simpeg_schemas.ImportFormSchema, location="files")
    @blp.response(200, simpeg_schemas.ImportResultSchema)
    def post(self, args, files):
        """Import employees from a SIMPEG export file (XLSX or CSV, SIASN column names in row 1). Valid rows
        are applied; every rejected row is reported with its spreadsheet row number, field and reason."""
        settings = context().settings
        return runs.import_file(
            context().database,
            settings,
            _upload(files["file"], settings),
            files["file"].filename or "upload.csv",
            trigger="api",
            requested_by=caller().subject,
            deactivate=args["deactivate_missing"],
            allow_mass_deactivation=args["allow_mass_deactivation"],
        )


@blp.route("/simpeg/import-runs")
class SimpegImportRuns(MethodView):
    @body_limit("simpeg_max_import_bytes")
    @blp.arguments(simpeg_schemas.ImportQuery, location="query")
    @blp.arguments(simpeg_schemas.ImportFormSchema, location="files")
    @blp.response(202, simpeg_schemas.SyncRunSchema)
    def post(self, args, files):
        """Queue the import of an export file for the needs worker and answer at once: follow its progress (done of
        total) and, once finished, each rejected row at /simpeg/sync-runs/{id}. The web UI imports this way. 409
        while another sync or import is queued or running."""
        settings = context().settings
        return runs.queue_file(
            context().database,
            settings,
            _upload(files["file"], settings),
            files["file"].filename or "upload.csv",
            requested_by=caller().subject,
            deactivate=args["deactivate_missing"],
            allow_mass_deactivation=args["allow_mass_deactivation"],
        )


@blp.route("/simpeg/history")
class SimpegHistoryList(MethodView):
    @blp.arguments(simpeg_schemas.HistoryQuery, location="query")
    @blp.response(200, simpeg_schemas.HistoryRecordSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Training-history records owed to SIMPEG, oldest first: pending, sent, or failed with the reason."""
        return paged(pagination_parameters, lambda s, page, size: views.history(s, args, page, size))


@blp.route("/simpeg/history/retry")
class SimpegHistoryRetry(MethodView):
    @blp.arguments(simpeg_schemas.RetryRequestSchema)
    @blp.response(200, simpeg_schemas.RetryResultSchema)
    def post(self, data):
        """Send failed records again (all, or the ones named); the worker picks them up at once."""
        with context().uow() as uow:
            return {"retried": history.retry_failed(uow, data["enrollment_ids"])}


def _upload(upload, settings) -> bytes:
    content = upload.read(settings.simpeg_max_import_bytes + 1)
    if len(content) > settings.simpeg_max_import_bytes:
        raise Invalid(
            f"The file is larger than {settings.simpeg_max_import_bytes // 1_000_000} MB; import it with "
            "`bangkom simpeg import` on the server instead.",
            errors=[{"field": "file", "message": "Too large."}],
        )
    return content
