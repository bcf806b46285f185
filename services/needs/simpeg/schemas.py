"""marshmallow schemas of the SIMPEG integration's HTTP API."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, validate

from shared import fields, nip

NIP = nip.FORMAT


class SyncRequestSchema(Schema):
    unit_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=60),
        metadata={"description": "Sync one OPD only (SIMPEG's unorIndukId); deactivation then stays inside it"},
    )
    allow_mass_deactivation = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Deactivate even when more than SIMPEG_MAX_DEACTIVATE_SHARE of the active are missing"
        },
    )


class SyncRejectedRow(Schema):
    row = fields.Integer(metadata={"description": "Position in SIMPEG's list, or the spreadsheet row (header = 1)"})
    nip = fields.String(allow_none=True)
    errors = fields.FieldErrors(metadata={"description": "SIASN field name and the reason"})


class SyncReportSchema(Schema):
    """The report of a run; an employee sync or import has added…positions_added, a history import
    credited, already_counted and ours."""

    received = fields.Integer()
    credited = fields.Integer(metadata={"description": "History import: records credited to the JP ledger"})
    already_counted = fields.Integer(metadata={"description": "History import: records credited before"})
    ours = fields.Integer(metadata={"description": "History import: records Bangkom wrote to SIMPEG itself"})
    added = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    deactivated = fields.Integer()
    positions_added = fields.Integer()
    rejected = fields.List(fields.Nested(SyncRejectedRow))
    warnings = fields.List(fields.Message())


class SyncRunSchema(Schema):
    id = fields.String()
    job = fields.String(metadata={"description": "employees (sync or file import) or history (training history in)"})
    source = fields.String(metadata={"description": "simpeg, or file:<name> for an import"})
    trigger = fields.String()
    requested_by = fields.String(allow_none=True)
    unit_id = fields.String(allow_none=True)
    status = fields.String(
        metadata={
            "description": "queued, running, succeeded, partial (some rows rejected: see report.rejected), failed (nothing applied) or abandoned"
        }
    )
    done = fields.Integer(metadata={"description": "Records processed so far"})
    total = fields.Integer(allow_none=True, metadata={"description": "Records SIMPEG announced (once known)"})
    report = fields.Nested(SyncReportSchema, allow_none=True)
    error = fields.Message(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class HistoryImportRequestSchema(Schema):
    unit_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))


class ImportFormSchema(Schema):
    file = Upload(
        required=True, metadata={"description": "SIMPEG export: .xlsx (first sheet) or .csv, header in row 1"}
    )


class ImportQuery(Schema):
    deactivate_missing = fields.Boolean(
        load_default=False, metadata={"description": "The file lists every employee: deactivate who is not in it"}
    )
    allow_mass_deactivation = fields.Boolean(load_default=False)


class ImportResultSchema(SyncReportSchema):
    run_id = fields.String()


class HistoryCountsSchema(Schema):
    pending = fields.Integer()
    sent = fields.Integer()
    failed = fields.Integer()


class SimpegStatusSchema(Schema):
    configured = fields.Boolean(metadata={"description": "Whether SIMPEG_BASE_URL is set"})
    last_run = fields.Nested(SyncRunSchema, allow_none=True)
    last_success = fields.Nested(SyncRunSchema, allow_none=True)
    history = fields.Nested(HistoryCountsSchema)


class HistoryQuery(Schema):
    status = fields.String(validate=validate.OneOf(("pending", "sent", "failed")))
    nip = fields.String(validate=NIP)


class HistoryRecordSchema(Schema):
    enrollment_id = fields.String()
    nip = fields.String()
    record = fields.Dict(
        metadata={"description": "The rw-kursus or rw-diklat record sent to SIMPEG (SIASN field names)"}
    )
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.DateTime()
    simpeg_id = fields.String(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)


class RetryRequestSchema(Schema):
    enrollment_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        load_default=None,
        metadata={"description": "Only these records (default: every failed one)"},
    )


class RetryResultSchema(Schema):
    retried = fields.Integer()
