"""Schemas of the yearly AKPK's plan: the forms and their JP conversion, the SBU, the approved plan's versions,
what a version changed, the realisation per OPD and the calendar."""

from __future__ import annotations

from marshmallow import Schema, validate

from services.needs import akpk
from shared import fields
from shared import forms as development_forms
from shared.catalogue import FORMS


class FormSchema(Schema):
    form = fields.String()
    kind = fields.String(metadata={"enum": list(development_forms.KINDS)})
    unit = fields.String(metadata={"enum": list(development_forms.UNITS), "description": "What its length is in"})
    jp = fields.Integer(metadata={"description": "JP per `per` units"})
    per = fields.Integer()
    levels = fields.List(fields.String(), metadata={"description": "The evaluation levels that apply"})
    evidence = fields.String(metadata={"enum": list(development_forms.EVIDENCE)})
    coach = fields.Boolean(metadata={"description": "Guided by a coach or mentor, a person the program names"})


class FormsTableSchema(Schema):
    version = fields.String()
    source = fields.String(metadata={"description": "Where the conversion comes from"})
    forms = fields.List(fields.Nested(FormSchema))


class StandardCostSchema(Schema):
    form = fields.String(required=True, validate=validate.OneOf(FORMS))
    basis = fields.String(
        required=True,
        validate=validate.OneOf(akpk.SBU_BASES),
        metadata={"description": "participant: Rupiah per participant; jp: Rupiah per JP"},
    )
    rupiah = fields.Integer(required=True, validate=validate.Range(min=0, max=10**12))
    updated_by = fields.String(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class StandardCostsSchema(Schema):
    costs = fields.List(fields.Nested(StandardCostSchema), required=True, validate=validate.Length(max=100))


class PlanApprovalSchema(Schema):
    reason = fields.String(
        load_default=None,
        validate=validate.Length(max=2000),
        metadata={"description": "Why the approved plan changes (required from the second version on)"},
    )


class PlanVersionSchema(Schema):
    year = fields.Integer()
    number = fields.Integer()
    reason = fields.String()
    approved_by = fields.String()
    approved_at = fields.DateTime()
    sbu_missing = fields.List(fields.String(), metadata={"description": "Forms the year's SBU has no cost for"})
    line_count = fields.Integer(metadata={"description": "Its lines (an OPD user's: its own)"})
    jp = fields.Integer()
    cost = fields.Integer(metadata={"description": "Rupiah"})


class ApprovedLineSchema(Schema):
    proposal_id = fields.String()
    nip = fields.String()
    name = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    competency_code = fields.String()
    competency_name = fields.String()
    form = fields.String()
    kind = fields.String(allow_none=True)
    jp = fields.Integer()
    cost = fields.Integer(metadata={"description": "Rupiah"})
    month = fields.Integer(allow_none=True)


class TotalSchema(Schema):
    key = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    lines = fields.Integer()
    jp = fields.Integer()
    cost = fields.Integer()


class PlanVersionDetailSchema(PlanVersionSchema):
    lines = fields.List(fields.Nested(ApprovedLineSchema))
    by_unit = fields.List(fields.Nested(TotalSchema))
    by_competency = fields.List(fields.Nested(TotalSchema))
    by_form = fields.List(fields.Nested(TotalSchema))


class CompareQuery(Schema):
    before = fields.Integer(required=True, validate=validate.Range(min=1))
    after = fields.Integer(required=True, validate=validate.Range(min=1))
    unit_code = fields.String()


class ChangeSchema(Schema):
    proposal_id = fields.String()
    change = fields.String(metadata={"enum": ["added", "removed", "changed"]})
    before = fields.Nested(ApprovedLineSchema, allow_none=True)
    after = fields.Nested(ApprovedLineSchema, allow_none=True)


class CompareSchema(Schema):
    year = fields.Integer()
    before = fields.Nested(PlanVersionSchema)
    after = fields.Nested(PlanVersionSchema)
    changes = fields.List(fields.Nested(ChangeSchema))


class UnitQuery(Schema):
    unit_code = fields.String()


class RealisationRowSchema(Schema):
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    planned_lines = fields.Integer()
    planned_jp = fields.Integer()
    planned_cost = fields.Integer()
    due_jp = fields.Integer(metadata={"description": "The JP of its lines of the months gone by"})
    realised_lines = fields.Integer(metadata={"description": "Lines whose ASN got JP for their competency"})
    delivered_jp = fields.Integer()
    delivered_cost = fields.Integer(metadata={"description": "Rupiah, the delivered JP valued at the year's SBU"})
    jp_share = fields.Float(allow_none=True)
    cost_share = fields.Float(allow_none=True)
    behind = fields.Boolean(metadata={"description": "Delivered less JP than its lines of the months gone by"})


class RealisationSchema(Schema):
    year = fields.Integer()
    version = fields.Integer(allow_none=True, metadata={"description": "The approved version it compares with"})
    units = fields.List(fields.Nested(RealisationRowSchema))
    sbu_missing = fields.List(fields.String())


class MonthSchema(Schema):
    month = fields.Integer()
    planned_lines = fields.Integer()
    planned_jp = fields.Integer()
    scheduled_programs = fields.Integer()
    delivered_jp = fields.Integer()
    past = fields.Boolean()


class CalendarSchema(Schema):
    year = fields.Integer()
    version = fields.Integer(allow_none=True)
    months = fields.List(fields.Nested(MonthSchema))
    undated = fields.Dict(metadata={"description": "The lines with no month: planned_lines, planned_jp"})
    behind = fields.List(fields.Nested(RealisationRowSchema))


class VersionExportQuery(Schema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(["xlsx", "csv"]))
    shape = fields.String(
        load_default="akpk",
        validate=validate.OneOf(["akpk", "anggaran"]),
        metadata={"description": "akpk: a line per ASN (the AKPK report); anggaran: Rupiah per OPD and form"},
    )
    unit_code = fields.String()


class RealisationExportQuery(Schema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(["xlsx", "csv"]))
    unit_code = fields.String()
