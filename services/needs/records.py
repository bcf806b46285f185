"""The employee record as the needs service accepts it, from every entry point: the API, a file, SIMPEG.

Its validation is not the HTTP layer's: the SIMPEG sync and the bulk upsert apply it as well.
"""

from __future__ import annotations

from marshmallow import Schema, validate

from services.needs import domain
from shared import fields, nip

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$", error="Use 1-40 letters, digits, '.', '_' or '-'.")
NIP = nip.FORMAT


class EmployeeSchema(Schema):
    nip = fields.String(required=True, validate=NIP)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    position_code = fields.String(load_default=None, allow_none=True, validate=CODE)
    unit_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    unit_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    rank = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    employment_status = fields.String(required=True, validate=validate.OneOf(domain.EMPLOYMENT_STATUSES))
    supervisor_nip = fields.String(load_default=None, allow_none=True, validate=NIP)
    active = fields.Boolean(load_default=True)
    updated_at = fields.DateTime(dump_only=True)
