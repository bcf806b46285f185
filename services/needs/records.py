"""The employee record as the needs service accepts it, from every entry point: the API, a file, SIMPEG.

Its validation is not the HTTP layer's: the SIMPEG sync and the bulk upsert apply it as well.
"""

from __future__ import annotations

from marshmallow import Schema, validate

from services.needs import domain
from shared import fields
from shared import nip as employee_number

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$", error="Use 1-40 letters, digits, '.', '_' or '-'.")
NIP = employee_number.FORMAT


class EmployeeSchema(Schema):
    nip = employee_number.Field(
        required=True, metadata={"description": "NIP or NI PPPK; spaces, dots and dashes are dropped"}
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    position_code = fields.String(load_default=None, allow_none=True, validate=CODE)
    position_name = fields.String(dump_only=True, allow_none=True, metadata={"description": "The jabatan's name"})
    unit_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    unit_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    rank = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    employment_status = fields.String(required=True, validate=validate.OneOf(domain.EMPLOYMENT_STATUSES))
    contract_start = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "A PPPK's contract start (TMT): their 24-JP cap counts per contract year from it"},
    )
    supervisor_nip = employee_number.Field(load_default=None, allow_none=True)
    email = fields.Email(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=254),
        metadata={"description": "where the account's activation link and reminders go"},
    )
    active = fields.Boolean(load_default=True)
    updated_at = fields.DateTime(dump_only=True)
