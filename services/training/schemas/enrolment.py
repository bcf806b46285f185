"""Schemas of nomination and completion: candidates, enrolment, rosters, test scores, evidence, closing and reopening."""

from __future__ import annotations

from marshmallow import Schema, validate

from services.training.schemas.programs import NIP
from shared import fields


class CandidateSchema(Schema):
    nip = fields.String()
    name = fields.String()
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    matched_needs = fields.Integer()
    priority = fields.Float()
    largest_gap = fields.Integer()
    in_plan = fields.Boolean(metadata={"description": "Named by the year's approved plan (ranked first)"})
    jp_cap = fields.Integer(allow_none=True, metadata={"description": "JP a year this ASN may take at most (PPPK)"})
    jp_room = fields.Integer(
        allow_none=True, metadata={"description": "JP left under the cap in the batch's year (credited and enrolled)"}
    )


class CandidateQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class EnrolSchema(Schema):
    nips = fields.List(fields.String(validate=NIP), required=True, validate=validate.Length(min=1, max=1000))


class EnrollmentSchema(Schema):
    id = fields.String()
    batch_id = fields.String()
    nip = fields.String()
    status = fields.String()
    pre_test_score = fields.Float(allow_none=True)
    post_test_score = fields.Float(allow_none=True)
    evidence = fields.String(allow_none=True, metadata={"description": "The report or product received"})
    attendance_rate = fields.Float(allow_none=True)
    certificate_number = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    warning = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "On enrolment: this training takes the ASN past their yearly JP cap (PPPK)"},
    )


class RosterEntrySchema(Schema):
    enrollment_id = fields.String()
    nip = fields.String()
    name = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    status = fields.String()
    present = fields.Integer()
    meetings = fields.Integer()
    attendance_share = fields.Float()
    pre_test_score = fields.Float(allow_none=True, metadata={"description": "None: no pre-test entered"})
    post_test_score = fields.Float(allow_none=True)
    evidence = fields.String(allow_none=True)
    certificate_number = fields.String(allow_none=True)


class EvidenceSchema(Schema):
    evidence = fields.String(
        required=True,
        allow_none=True,
        validate=validate.Length(min=1, max=300),
        metadata={"description": "The title of the report or product received; null takes it back"},
    )


class CloseSchema(Schema):
    force_reason = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=3, max=500),
        metadata={"description": "Required to close before the last meeting has ended: why it closes early"},
    )


class ReopenSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class WithdrawalSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))
    replacement_nip = fields.String(
        load_default=None, allow_none=True, validate=NIP, metadata={"description": "Who takes the place, if anyone"}
    )


class TestScoreSchema(Schema):
    score = fields.Float(required=True, validate=validate.Range(min=0, max=100))
