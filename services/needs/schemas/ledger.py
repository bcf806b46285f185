"""Schemas of the 20-JP ledger: credits, a person's JP, compliance by OPD, who is behind."""

from __future__ import annotations

from marshmallow import Schema, validate

from services.needs.schemas.common import YearQuery
from shared import fields


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


class ComplianceSchema(Schema):
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    employees = fields.Integer()
    compliant = fields.Integer()
    behind = fields.Integer()
    compliance_rate = fields.Float(allow_none=True)
    average_jp = fields.Float()
    capped = fields.Integer(metadata={"description": "Its ASN under a yearly JP cap (the PPPK's 24 JP)"})
    capped_room = fields.Integer(metadata={"description": "The JP their caps still leave, together"})
    at_cap = fields.Integer(metadata={"description": "How many of them reached their cap"})


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
