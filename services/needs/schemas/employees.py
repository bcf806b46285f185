"""Schemas of the employees: records (one or in bulk), queries, assessments, profiles."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, post_load, validate

from services.needs import commands, domain
from services.needs.records import CODE, NIP, EmployeeSchema
from services.needs.schemas.common import LEVEL
from services.needs.schemas.ledger import JpSummarySchema
from shared import fields

# --- employees ----------------------------------------------------------------------------------


class EmployeeBodySchema(EmployeeSchema):
    """One employee, the NIP given in the path."""

    class Meta:
        exclude = ("nip",)


class EmployeeBulkSchema(Schema):
    employees = fields.List(fields.Raw(), required=True, metadata={"description": "Rows shaped like Employee"})


class RejectedRow(Schema):
    row = fields.Integer(metadata={"description": "0-based index of the row in the request"})
    nip = fields.String(allow_none=True)
    errors = fields.FieldErrors()


class UpsertReportSchema(Schema):
    received = fields.Integer()
    added = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    rejected = fields.List(fields.Nested(RejectedRow))


class EmployeeQuery(Schema):
    unit_code = fields.String()
    position_code = fields.String()
    employment_status = fields.String(validate=validate.OneOf(domain.EMPLOYMENT_STATUSES))
    active = fields.Boolean()
    q = fields.String(validate=validate.Length(max=100))
    sort = fields.String(
        load_default="name",
        validate=validate.OneOf([f"{d}{c}" for c in domain.EMPLOYEE_SORTS for d in ("", "-")]),
        metadata={"description": "Column to sort by (name, nip, unit_name, position_code); '-' first for descending"},
    )


class EmployeeExportQuery(EmployeeQuery):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(["xlsx", "csv"]))


# --- assessments --------------------------------------------------------------------------------


class AssessmentSchema(Schema):
    id = fields.String(dump_only=True)
    competency_code = fields.String(required=True, validate=CODE)
    level = fields.Integer(required=True, validate=LEVEL)
    source = fields.String(
        required=True,
        validate=validate.OneOf(domain.RECORDED_SOURCES),
        metadata={"description": "Recorded here: assessment_centre, competency_test, supervisor, self; listed: any"},
    )
    assessed_on = fields.Date(required=True)
    evidence = fields.String(load_default="", validate=validate.Length(max=4000))
    assessor_nip = fields.String(load_default=None, allow_none=True, validate=NIP)
    program_id = fields.String(dump_only=True, allow_none=True)
    recorded_at = fields.DateTime(dump_only=True)

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.Assessment:
        return commands.Assessment(**data)


class AssessmentFileSchema(Schema):
    file = Upload(
        required=True,
        metadata={
            "description": "Assessment results: .xlsx (first sheet) or .csv, header in row 1: NIP, Kode Kompetensi, "
            "Level, Tanggal, Sumber (Assessment center or Uji kompetensi; empty: Assessment center), Keterangan"
        },
    )


class AssessmentRowResult(Schema):
    row = fields.Integer(metadata={"description": "The row number in the spreadsheet (the header is row 1)"})
    nip = fields.String(allow_none=True)
    competency_code = fields.String()
    outcome = fields.String(
        metadata={
            "description": "accepted (new), updated (a corrected level of a result imported before), duplicate "
            "(imported before, unchanged) or invalid (nothing recorded)",
            "enum": ["accepted", "updated", "duplicate", "invalid"],
        }
    )
    field = fields.String(metadata={"description": "The column with the problem (invalid rows)"})
    message = fields.Message(metadata={"description": "What is wrong and what to do (invalid rows)"})


class AssessmentImportSchema(Schema):
    received = fields.Integer(metadata={"description": "Rows read (blank lines left out)"})
    accepted = fields.Integer()
    updated = fields.Integer()
    duplicate = fields.Integer()
    invalid = fields.Integer()
    results = fields.List(fields.Nested(AssessmentRowResult))


class ProfileCompetency(Schema):
    competency_code = fields.String()
    competency_name = fields.String()
    competency_group = fields.String()
    required_level = fields.Integer()
    current_level = fields.Integer(allow_none=True, metadata={"description": "None: unassessed"})
    assessed = fields.Boolean()
    gap = fields.Integer()
    priority_score = fields.Float()


class ProfileSchema(Schema):
    employee = fields.Nested(EmployeeSchema)
    year = fields.Integer()
    job_person_match = fields.Float(allow_none=True)
    competencies = fields.List(fields.Nested(ProfileCompetency))
    assessments = fields.List(fields.Nested(AssessmentSchema))
    jp = fields.Nested(JpSummarySchema)
