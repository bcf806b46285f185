"""Schemas of development outside Bangkom: a claim, its certificate, BKPSDM's verification, rejection, withdrawal."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, validate

from shared import fields
from shared import nip as employee_number
from shared.catalogue import FORMS


class ClaimedCompetencySchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    level = fields.Integer(required=True, validate=validate.Range(min=1, max=5))


class ExternalDevelopmentSchema(fields.ActivityLength):
    id = fields.String(dump_only=True)
    nip = fields.String(dump_only=True)
    form = fields.String(required=True, validate=validate.OneOf(FORMS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    organiser = fields.String(
        required=True, validate=validate.Length(min=1, max=300), metadata={"description": "e.g. BPSDM Aceh, LAN RI"}
    )
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    competencies = fields.List(
        fields.Nested(ClaimedCompetencySchema),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "Competencies and the levels claimed (taken as the ASN's once verified)"},
    )
    certificate_number = fields.String(required=True, validate=validate.Length(min=1, max=100))
    certificate_type = fields.String(dump_only=True, allow_none=True)
    certificate_size = fields.Integer(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, metadata={"description": "submitted, verified, rejected or withdrawn"})
    submitted_by = fields.String(dump_only=True)
    submitted_at = fields.DateTime(dump_only=True)
    decided_by = fields.String(dump_only=True, allow_none=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)
    reason = fields.String(dump_only=True, allow_none=True)
    claimed_jp = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "The JP claimed, when BKPSDM verified other JP"}
    )
    claimed_competencies = fields.List(
        fields.Nested(ClaimedCompetencySchema),
        dump_only=True,
        allow_none=True,
        metadata={"description": "The levels claimed, when BKPSDM verified other levels"},
    )
    duplicate_of = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "A claim or JP credit of the same certificate: this claim is flagged as a duplicate"},
    )
    withdrawn_by = fields.String(dump_only=True, allow_none=True)
    withdrawn_at = fields.DateTime(dump_only=True, allow_none=True)
    withdrawn_reason = fields.String(dump_only=True, allow_none=True)


class ExternalQuery(Schema):
    status = fields.String(validate=validate.OneOf(["submitted", "verified", "rejected", "withdrawn"]))
    nip = employee_number.Field()
    unit_code = fields.String(validate=validate.Length(max=60))


class CertificateFormSchema(Schema):
    file = Upload(required=True, metadata={"description": "The certificate: PDF, PNG or JPEG"})


class RejectionSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000))


class VerificationSchema(Schema):
    """What BKPSDM found on the certificate, when it differs from the claim (both optional)."""

    jp = fields.Integer(validate=validate.Range(min=1, max=1000), metadata={"description": "The JP that count"})
    competencies = fields.List(
        fields.Nested(ClaimedCompetencySchema),
        validate=validate.Length(max=20),
        metadata={"description": "The levels that count (replacing the claimed ones; [] for none)"},
    )
