"""Schemas of what the gateway verifies: a partner's key, a certificate's number."""

from __future__ import annotations

from marshmallow import Schema, validate

from shared import fields


class KeyCheckSchema(Schema):
    key_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    secret = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class KeyCheckResultSchema(Schema):
    partner_code = fields.String()


class KeyIdSchema(Schema):
    key_id = fields.String(required=True, validate=validate.Length(min=1, max=40))


class SigningSecretSchema(Schema):
    partner_code = fields.String()
    secret = fields.String(metadata={"description": "the partner's secret: the gateway checks signatures with it"})


class CertificateQuery(Schema):
    number = fields.String(required=True, validate=validate.Length(min=1, max=120))


class CertificateCheckSchema(Schema):
    number = fields.String()
    status = fields.String(metadata={"description": "valid, or revoked (the batch was reopened)"})
    revoked_on = fields.Date(allow_none=True)
    participant_name = fields.String()
    nip = fields.String(metadata={"description": "masked but for its last four digits"})
    program_title = fields.String()
    form = fields.String()
    partner_name = fields.String()
    started_on = fields.Date()
    completed_on = fields.Date()
    jp = fields.Integer()
    competencies = fields.List(fields.Dict())
    issued_on = fields.Date()
