"""Schemas of partners, programs (with their form's JP and coach), batches and their meetings."""

from __future__ import annotations

from marshmallow import Schema, post_load, validate

from services.training import commands, domain
from shared import fields, nip
from shared.web import context

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$", error="Use 1-40 letters, digits, '.', '_' or '-'.")
NIP = nip.FORMAT
UUID = validate.Regexp(r"^[0-9a-f-]{36}$", error="Not a valid id.")


class PartnerSchema(Schema):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    kind = fields.String(required=True, validate=validate.OneOf(domain.PARTNER_KINDS))
    contact_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    contact_email = fields.Email(load_default=None, allow_none=True)
    contact_phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    active = fields.Boolean(dump_only=True)

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.PartnerDetails:
        return commands.PartnerDetails(**data)


class CredentialSchema(Schema):
    key_id = fields.String()
    secret = fields.String(metadata={"description": "Shown once: store it now; Bangkom keeps only its hash."})


class PartnerCreatedSchema(Schema):
    partner = fields.Nested(PartnerSchema)
    credential = fields.Nested(CredentialSchema)


class KeySchema(Schema):
    key_id = fields.String()
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


class CompetencyTarget(Schema):
    code = fields.String(required=True, validate=CODE)
    target_level = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    name = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The competency's name in the dictionary, printed on certificates (else the code)"},
    )

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.CompetencyTarget:
        return commands.CompetencyTarget(**data)


class ProgramSchema(fields.ActivityLength):
    id = fields.String(dump_only=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,59}$"))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    form = fields.String(required=True, validate=validate.OneOf(domain.FORMS))
    delivery = fields.String(required=True, validate=validate.OneOf(domain.DELIVERIES))
    coach_name = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The coach of a coaching, the mentor of a mentoring (required for those forms)"},
    )
    coach_nip = fields.String(
        load_default=None, allow_none=True, validate=NIP, metadata={"description": "When the coach is an ASN"}
    )
    partner_code = fields.String(required=True, validate=CODE)
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=10000))
    min_attendance = fields.Float(
        load_default=None, validate=validate.Range(min=0, max=1), metadata={"description": "Default from configuration"}
    )
    post_test_required = fields.Boolean(load_default=False)
    passing_score = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=100))
    competencies = fields.List(fields.Nested(CompetencyTarget), required=True, validate=validate.Length(min=1))
    status = fields.String(dump_only=True)
    evidence = fields.Function(
        lambda program: context().settings.jp_conversion.of(program.form).evidence,
        dump_only=True,
        metadata={"description": "What completes it besides attendance: certificate, report or product"},
    )
    recommendation = fields.Dict(dump_only=True, allow_none=True)

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.ProgramDetails:
        return commands.ProgramDetails(**{**data, "competencies": tuple(data["competencies"])})


class ProgramQuery(Schema):
    status = fields.String(validate=validate.OneOf(domain.PROGRAM_STATUSES))
    partner_code = fields.String()
    competency_code = fields.String()
    starts_from = fields.Date(metadata={"description": "Programs with a meeting on or after this date"})
    starts_until = fields.Date(metadata={"description": "Programs with a meeting on or before this date"})


class StatusSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["published", "running", "closed"]))


class MeetingSchema(Schema):
    meeting_no = fields.Integer(dump_only=True)
    date = fields.Date(required=True)
    starts_at = fields.Time(required=True)
    ends_at = fields.Time(required=True)
    place = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    online = fields.Boolean(load_default=False)

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.MeetingTimes:
        return commands.MeetingTimes(**data)


class BatchSchema(Schema):
    id = fields.String(dump_only=True)
    program_id = fields.String(dump_only=True)
    number = fields.Integer(dump_only=True)
    closed_at = fields.DateTime(dump_only=True, allow_none=True)
    close_reason = fields.String(dump_only=True, allow_none=True)
    reopened_at = fields.DateTime(dump_only=True, allow_none=True)
    reopen_reason = fields.String(dump_only=True, allow_none=True)
    meetings = fields.List(fields.Nested(MeetingSchema), required=True, validate=validate.Length(min=1, max=400))
    program_title = fields.String(dump_only=True, metadata={"description": "In a partner's list of its batches"})
    jp_warning = fields.Message(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The program's JP and the meetings' hours (MINUTES_PER_JP) disagree by more than 10%"},
    )


class BatchWindowQuery(Schema):
    meets_from = fields.Date(required=True, metadata={"description": "Batches with a meeting on or after this date"})
    meets_until = fields.Date(required=True, metadata={"description": "… and on or before this date"})
