"""marshmallow request and response schemas of the needs service's HTTP API."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, validate

from services.needs import domain
from services.needs.records import CODE, NIP, EmployeeSchema
from shared import fields
from shared import nip as employee_number
from shared.catalogue import EXTERNAL_FORMS

LEVEL = validate.Range(min=1, max=5, error="Level must be between 1 and 5.")
YEAR = validate.Range(min=domain.PLAN_YEARS.start, max=domain.PLAN_YEARS.stop - 1)


def unique(values: list) -> None:
    repeated = sorted({value for value in values if values.count(value) > 1})
    if repeated:
        raise ValidationError(f"List each one once; repeated: {', '.join(map(str, repeated))}.")


class YearQuery(Schema):
    year = fields.Integer(validate=YEAR, metadata={"description": "Plan year (default: this year, WIB)"})


# --- competencies -------------------------------------------------------------------------------


class CompetencySchema(Schema):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    group = fields.String(required=True, validate=validate.OneOf(domain.GROUPS))
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    level_descriptors = fields.List(
        fields.String(validate=validate.Length(min=1, max=1000)),
        required=True,
        validate=validate.Length(equal=5, error="Give exactly five descriptors, level 1 first."),
    )
    active = fields.Boolean(load_default=True)


class CompetencyUpdateSchema(CompetencySchema):
    class Meta:
        exclude = ("code",)


class CompetencyQuery(Schema):
    group = fields.String(validate=validate.OneOf(domain.GROUPS))
    q = fields.String(validate=validate.Length(max=100))
    active = fields.Boolean()


# --- priorities and standards -------------------------------------------------------------------


class PrioritySchema(Schema):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    weight = fields.Float(required=True, validate=validate.Range(min=0, max=1, error="Weight must be between 0 and 1."))
    competencies = fields.List(fields.String(validate=CODE), required=True, validate=[validate.Length(min=1), unique])


class PrioritiesSchema(Schema):
    year = fields.Integer(dump_only=True)
    items = fields.List(fields.Nested(PrioritySchema), required=True)


class StandardEntry(Schema):
    competency_code = fields.String(required=True, validate=CODE)
    required_level = fields.Integer(required=True, validate=LEVEL)


class OverrideEntry(StandardEntry):
    required_level = fields.Integer(
        required=True,
        validate=validate.Range(min=0, max=5, error="Level must be between 0 (not required) and 5."),
    )


class ClassStandardSchema(Schema):
    position_class = fields.String(dump_only=True)
    items = fields.List(fields.Nested(StandardEntry), required=True)


class PositionSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    position_class = fields.String(required=True, validate=validate.OneOf(domain.POSITION_CLASSES))


class PositionUpdateSchema(PositionSchema):
    class Meta:
        exclude = ("code",)


class PositionDetailSchema(PositionSchema):
    overrides = fields.List(fields.Nested(OverrideEntry))
    standard = fields.List(fields.Nested(StandardEntry))


class PositionStandardSchema(Schema):
    items = fields.List(fields.Nested(OverrideEntry), required=True)


class PositionQuery(Schema):
    position_class = fields.String(validate=validate.OneOf(domain.POSITION_CLASSES))


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
    source = fields.String(required=True, validate=validate.OneOf(domain.SOURCES))
    assessed_on = fields.Date(required=True)
    evidence = fields.String(load_default="", validate=validate.Length(max=4000))
    assessor_nip = fields.String(load_default=None, allow_none=True, validate=NIP)
    program_id = fields.String(dump_only=True, allow_none=True)
    recorded_at = fields.DateTime(dump_only=True)


# --- gaps, match, needs, plan, JP ---------------------------------------------------------------


class GapQuery(YearQuery):
    unit_code = fields.String()
    competency_code = fields.String()
    competency_group = fields.String(validate=validate.OneOf(domain.GROUPS))
    nip = fields.String(validate=NIP)
    min_gap = fields.Integer(load_default=1, validate=validate.Range(min=0, max=5))


class GapSchema(Schema):
    nip = fields.String()
    name = fields.String()
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    competency_code = fields.String()
    competency_name = fields.String()
    competency_group = fields.String()
    required_level = fields.Integer()
    current_level = fields.Integer()
    assessed = fields.Boolean(metadata={"description": "False: the current level is the assumed default"})
    gap = fields.Integer()
    strategic_weight = fields.Float()
    jp_shortfall = fields.Integer()
    priority_score = fields.Float()


class CodeName(Schema):
    code = fields.String(allow_none=True)
    name = fields.String(allow_none=True)


class GapAggregateSchema(Schema):
    unit = fields.Nested(CodeName)
    competency = fields.Nested(CodeName)
    employees = fields.Integer()
    employees_with_gap = fields.Integer()
    gaps = fields.Integer()
    average_gap = fields.Float()
    total_priority = fields.Float()
    job_person_match = fields.Float(allow_none=True)


class MatchQuery(YearQuery):
    unit_code = fields.String()


class MatchSchema(Schema):
    nip = fields.String()
    name = fields.String()
    unit_code = fields.String(allow_none=True)
    job_person_match = fields.Float()


class UnitSchema(Schema):
    unit_code = fields.String()
    unit_name = fields.String(allow_none=True)
    employees = fields.Integer(metadata={"description": "Active ASN in the OPD"})


class NeedSchema(Schema):
    id = fields.String()
    nip = fields.String()
    name = fields.String(allow_none=True, metadata={"description": "The ASN's name (in listings)"})
    unit_name = fields.String(allow_none=True, metadata={"description": "The OPD's name (in listings)"})
    competency_code = fields.String()
    competency_name = fields.String(allow_none=True, metadata={"description": "In listings"})
    competency_group = fields.String()
    year = fields.Integer()
    status = fields.String()
    unit_code = fields.String(allow_none=True)
    required_level = fields.Integer()
    current_level = fields.Integer()
    gap = fields.Integer()
    priority_score = fields.Float()
    opened_at = fields.DateTime()
    updated_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    closed_reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True, metadata={"description": "BKPSDM's note on a change made by hand"})


class NeedQuery(Schema):
    year = fields.Integer(validate=YEAR)
    status = fields.String(validate=validate.OneOf(domain.NEED_STATUSES))
    unit_code = fields.String()
    competency_code = fields.String()
    nip = fields.String(validate=NIP)


class NeedStatusSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["open", "planned", "closed"]))
    note = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=3, max=1000),
        metadata={"description": "Why (required to close a need awaiting an evaluation that will not come)"},
    )


class PlanLineSchema(Schema):
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    competency_code = fields.String()
    competency_name = fields.String(allow_none=True)
    competency_group = fields.String()
    form = fields.String()
    jp_per_person = fields.Integer()
    employees = fields.Integer()
    jp_budget = fields.Integer(metadata={"description": "JP to budget; nobody beyond their cap (PPPK)"})
    over_cap = fields.Integer(metadata={"description": "Needs left out: the ASN has no JP left under their cap"})
    gap_min = fields.Integer(metadata={"description": "The smallest gap on this line: the form follows the gap size"})
    gap_max = fields.Integer(metadata={"description": "The largest gap on this line"})


class PlanQuery(YearQuery):
    unit_code = fields.String()


class ExportQuery(YearQuery):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(["xlsx", "csv"]))
    unit_code = fields.String()


class JpCreditSchema(Schema):
    credit_id = fields.String(
        metadata={"description": "The enrolment id (Bangkom), external:<id> (outside development), simpeg:<id>"}
    )
    source = fields.String(metadata={"description": "bangkom, external or simpeg"})
    program_id = fields.String(allow_none=True)
    program_title = fields.String()
    organiser = fields.String(allow_none=True)
    form = fields.String()
    jp = fields.Integer()
    completed_on = fields.Date()
    unit_code = fields.String(allow_none=True, metadata={"description": "The OPD when it was credited"})
    unit_name = fields.String(allow_none=True)
    employment_status = fields.String(allow_none=True)


class JpSummarySchema(Schema):
    year = fields.Integer()
    employment_status = fields.String()
    target = fields.Integer(metadata={"description": "JP owed this year (by employment kind)"})
    cap = fields.Integer(allow_none=True, metadata={"description": "JP allowed this year at most (PPPK); null: none"})
    realised = fields.Integer()
    shortfall = fields.Integer()
    room = fields.Integer(allow_none=True, metadata={"description": "JP left under the cap; null when no cap"})
    trainings = fields.List(fields.Nested(JpCreditSchema))


class LedgerQuery(YearQuery):
    by = fields.String(
        load_default="unit",
        validate=validate.OneOf(["unit", "kind", "form", "source"]),
        metadata={"description": "unit (the OPD of each credit's moment), kind (PNS/PPPK), form or source"},
    )


class LedgerFigureSchema(Schema):
    key = fields.String(allow_none=True)
    label = fields.String(allow_none=True)
    credits = fields.Integer()
    employees = fields.Integer()
    jp = fields.Integer()


class ClaimedCompetencySchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    level = fields.Integer(required=True, validate=validate.Range(min=1, max=5))


class ExternalDevelopmentSchema(Schema):
    id = fields.String(dump_only=True)
    nip = fields.String(dump_only=True)
    form = fields.String(required=True, validate=validate.OneOf(EXTERNAL_FORMS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    organiser = fields.String(
        required=True, validate=validate.Length(min=1, max=300), metadata={"description": "e.g. BPSDM Aceh, LAN RI"}
    )
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    jp = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    competencies = fields.List(
        fields.Nested(ClaimedCompetencySchema),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "Competencies and the levels claimed (taken as the ASN's once verified)"},
    )
    certificate_number = fields.String(required=True, validate=validate.Length(min=1, max=100))
    certificate_type = fields.String(dump_only=True, allow_none=True)
    certificate_size = fields.Integer(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, metadata={"description": "submitted, verified or rejected"})
    submitted_by = fields.String(dump_only=True)
    submitted_at = fields.DateTime(dump_only=True)
    decided_by = fields.String(dump_only=True, allow_none=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)
    reason = fields.String(dump_only=True, allow_none=True)


class ExternalQuery(Schema):
    status = fields.String(validate=validate.OneOf(["submitted", "verified", "rejected"]))
    nip = employee_number.Field()
    unit_code = fields.String(validate=validate.Length(max=60))


class CertificateFormSchema(Schema):
    file = Upload(required=True, metadata={"description": "The certificate: PDF, PNG or JPEG"})


class RejectionSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class ComplianceSchema(Schema):
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    employees = fields.Integer()
    compliant = fields.Integer()
    behind = fields.Integer()
    compliance_rate = fields.Float(allow_none=True)
    average_jp = fields.Float()


class BehindSchema(Schema):
    nip = fields.String()
    name = fields.String()
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    realised_jp = fields.Integer()
    shortfall = fields.Integer()
    days_left = fields.Integer()


class BehindQuery(YearQuery):
    unit_code = fields.String()


class ProfileCompetency(Schema):
    competency_code = fields.String()
    competency_name = fields.String()
    competency_group = fields.String()
    required_level = fields.Integer()
    current_level = fields.Integer()
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


class RecomputeSchema(Schema):
    year = fields.Integer(validate=YEAR, load_default=None)


class RecomputeRunSchema(Schema):
    id = fields.String()
    cause = fields.String(metadata={"description": "what changed, e.g. 'competency T-GIS made inactive'"})
    competencies = fields.List(
        fields.String(),
        allow_none=True,
        metadata={"description": "the competencies whose rows it recomputes; null: all"},
    )
    years = fields.List(fields.Integer(), allow_none=True, metadata={"description": "null: this year and the open"})
    status = fields.String(metadata={"description": "queued, running, succeeded or failed"})
    done = fields.Integer(metadata={"description": "ASN recomputed so far"})
    total = fields.Integer(allow_none=True, metadata={"description": "ASN to recompute (once counted)"})
    error = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True, metadata={"description": "the request that caused it (in the logs)"})
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class SeedReportSchema(Schema):
    competencies = fields.Integer()
    class_standards = fields.Integer()
