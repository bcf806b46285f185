"""Schemas of the gaps, the job-person match, the needs, the year's plan and recomputation."""

from __future__ import annotations

from marshmallow import Schema, validate

from services.needs import domain
from services.needs.records import NIP
from services.needs.schemas.common import YEAR, YearQuery
from shared import fields

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
    current_level = fields.Integer(allow_none=True, metadata={"description": "None: unassessed (assess first)"})
    assessed = fields.Boolean(metadata={"description": "False: nobody assessed it yet; its gap is unknown (0)"})
    gap = fields.Integer()
    strategic_weight = fields.Float()
    jp_shortfall = fields.Integer()
    priority_score = fields.Float()
    priority_code = fields.String(
        allow_none=True, metadata={"description": "The year's theme whose target level is required; null: the standard"}
    )


class CodeName(Schema):
    code = fields.String(allow_none=True)
    name = fields.String(allow_none=True)


class GapAggregateSchema(Schema):
    unit = fields.Nested(CodeName)
    competency = fields.Nested(CodeName)
    employees = fields.Integer()
    employees_with_gap = fields.Integer()
    gaps = fields.Integer()
    employees_unassessed = fields.Integer(metadata={"description": "ASN with a competency of the standard unassessed"})
    unassessed = fields.Integer(metadata={"description": "Competency rows nobody assessed yet (assess first)"})
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
    priority_code = fields.String(
        allow_none=True, metadata={"description": "The year's theme whose target level opened it; null: the standard"}
    )
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
    step = fields.String(
        metadata={
            "description": "develop: ASN with an assessed gap, the form and JP to budget; assess_first: ASN whose level "
            "in the competency nobody assessed yet (no JP budgeted: assess them first)",
            "enum": ["develop", "assess_first"],
        }
    )
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    competency_code = fields.String()
    competency_name = fields.String(allow_none=True)
    competency_group = fields.String()
    form = fields.String(allow_none=True, metadata={"description": "None on an assess_first line"})
    jp_per_person = fields.Integer()
    employees = fields.Integer(metadata={"description": "ASN on the line: in need (develop) or unassessed"})
    jp_budget = fields.Integer(metadata={"description": "JP to budget; nobody beyond their cap (PPPK); 0 to assess"})
    over_cap = fields.Integer(metadata={"description": "Needs left out: the ASN has no JP left under their cap"})
    gap_min = fields.Integer(
        allow_none=True, metadata={"description": "The smallest gap on this line: the form follows the gap size"}
    )
    gap_max = fields.Integer(allow_none=True, metadata={"description": "The largest gap on this line"})


class PlanQuery(YearQuery):
    unit_code = fields.String()


class ExportQuery(YearQuery):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(["xlsx", "csv"]))
    unit_code = fields.String()


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
