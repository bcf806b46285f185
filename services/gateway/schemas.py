"""marshmallow request and response schemas of the gateway's own routes (login, tokens, accounts)."""

from __future__ import annotations

from marshmallow import Schema, post_load, validate

from services.gateway import commands, domain
from shared import fields
from shared import nip as employee_number


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class RefreshSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=10, max=200))


class TokenSchema(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer(metadata={"description": "seconds"})
    refresh_token = fields.String()


class ActivateSchema(Schema):
    username = fields.String(
        required=True, validate=validate.Length(min=1, max=100), metadata={"description": "For an ASN: the NIP"}
    )
    code = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=8, max=40),
        metadata={
            "description": "The one-time code from the e-mail or the printed sheet (case and dashes do not matter)"
        },
    )
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class ResetRequestSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))


class ResetAnswerSchema(Schema):
    detail = fields.String()


class AccountSchema(Schema):
    username = fields.String(validate=validate.Length(min=1, max=100), required=True)
    roles = fields.List(
        fields.String(validate=validate.OneOf(domain.ROLES)), required=True, validate=validate.Length(min=1, max=5)
    )
    nip = employee_number.Field(load_default=None, allow_none=True)
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    partner_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "A partner user's institution (with the role partner alone): its batches only"},
    )
    status = fields.String(dump_only=True, metadata={"description": "pending (to activate), active or closed"})
    origin = fields.String(dump_only=True, metadata={"description": "employee (from the records) or manual"})
    unit_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=60),
        metadata={"description": "The OPD (with the role opd, required: its own unit only); an ASN's from the records"},
    )
    unit_name = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    activated_at = fields.DateTime(dump_only=True, allow_none=True)


class AccountQuery(Schema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "Part of the name or user name"})
    unit_code = fields.String(validate=validate.Length(max=60))
    status = fields.String(validate=validate.OneOf(domain.ACCOUNT_STATUSES))
    role = fields.String(validate=validate.OneOf(domain.ROLES))


class AccountChangeSchema(Schema):
    roles = fields.List(fields.String(validate=validate.OneOf(domain.ROLES)), validate=validate.Length(min=1, max=4))
    status = fields.String(validate=validate.OneOf(["active", "closed"]))

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.AccountChange:
        roles = data.get("roles")
        return commands.AccountChange(roles=None if roles is None else tuple(roles), status=data.get("status"))


class PrintedCodesRequestSchema(Schema):
    unit_code = fields.String(required=True, validate=validate.Length(min=1, max=60))


class PrintedCodeSchema(Schema):
    username = fields.String()
    name = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    code = fields.String(metadata={"description": "Shown once; only its digest is kept"})
    expires_at = fields.DateTime()
