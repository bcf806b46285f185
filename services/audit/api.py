"""HTTP layer of the audit service: BKPSDM and auditors search the audit trail, read one entry with what it changed,
and export what they found. Nothing here changes anything: an auditor reads, and so does everyone else here."""

from __future__ import annotations

import json

from flask.views import MethodView
from flask_smorest import Blueprint

from services.audit import domain, schemas, views
from shared import sheets
from shared.errors import Invalid
from shared.web import access_rules, context, paged, read_session

blp = Blueprint(
    "audit",
    __name__,
    url_prefix="/api/v1/audit",
    description="The audit trail: who changed what, when, in which request (every service's events, append-only).",
)

READERS = ("admin", "auditor")
ACCESS = access_rules(
    blp.url_prefix,
    {
        "GET /entries": READERS,
        "GET /entries/<entry_id>": READERS,
        "GET /exports/entries": READERS,
    },
)


def _filters(args: dict) -> dict:
    """The query as the views take it: its days as moments in the instansi's time zone."""
    since, until = domain.day_bounds(args.get("since"), args.get("until"), context().settings.timezone)
    if since and until and until <= since:
        raise Invalid(
            "The period ends before it begins.",
            errors=[{"field": "until", "message": "Must be the same day as since or later."}],
        )
    return {**args, "since": since, "until": until}


@blp.route("/entries")
class Entries(MethodView):
    @blp.arguments(schemas.EntryQuery, location="query")
    @blp.response(200, schemas.EntrySchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """The entries found, newest first: by person (``actor``), object, action, service, event, request and days."""
        filters = _filters(args)
        return paged(pagination_parameters, lambda s, page, size: views.entries(s, filters, page, size))


@blp.route("/entries/<entry_id>")
class Entry(MethodView):
    @blp.response(200, schemas.EntryDetailSchema)
    def get(self, entry_id):
        """One entry; against the entry before it about the same object, what changed; the other entries of its
        request (the operation called and the events it caused)."""
        with read_session() as session:
            return views.entry(session, entry_id)


@blp.route("/exports/entries")
class EntryExport(MethodView):
    @blp.arguments(schemas.ExportQuery, location="query")
    @blp.doc(**sheets.EXPORT_DOC)
    def get(self, args):
        """The entries found, oldest first, as CSV (default) or XLSX, each event's data as JSON; at most
        ``EXPORT_MAX_ROWS`` (a search that finds more is refused: narrow it)."""
        filters, limit = _filters(args), context().settings.export_max_rows
        with read_session() as session:
            _, total = views.entries(session, filters, 1, 1)
            if total > limit:
                raise Invalid(
                    f"{total} entries match; an export holds at most {limit}. Narrow the search.",
                    errors=[{"field": "since", "message": "Choose a shorter period, a person or an object."}],
                )
            rows = [
                {
                    **row,
                    "occurred_at": row["occurred_at"].isoformat(),
                    "data": json.dumps(row["data"], ensure_ascii=False),
                }
                for row in views.export_rows(session, filters, limit)
            ]
        content = sheets.render(rows, domain.EXPORT_COLUMNS, args["format"], "Jejak audit")
        return sheets.file_response(content, args["format"], "jejak-audit")
