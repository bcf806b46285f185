"""marshmallow request and response schemas of the training service's HTTP API."""

from __future__ import annotations

import datetime as dt

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, post_load, validate, validates

from services.training import commands, domain
from shared import fields, nip
from shared.db import utcnow
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


class ProgramSchema(Schema):
    id = fields.String(dump_only=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,59}$"))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    form = fields.String(required=True, validate=validate.OneOf(domain.FORMS))
    delivery = fields.String(required=True, validate=validate.OneOf(domain.DELIVERIES))
    jp = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=1000),
        metadata={"description": "For a form counted in JP; else counted from quantity (GET /api/v1/needs/forms)"},
    )
    quantity = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=100000),
        metadata={"description": "The length in the form's unit (days, sessions, minutes, semesters), converted to JP"},
    )
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


class CandidateSchema(Schema):
    nip = fields.String()
    name = fields.String()
    unit_code = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True)
    matched_needs = fields.Integer()
    priority = fields.Float()
    largest_gap = fields.Integer()
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
    certificate_number = fields.String(allow_none=True)


class AttendanceRecordSchema(Schema):
    event_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "The partner's own id of this record: replays are recognised"},
    )
    batch_id = fields.String(required=True, validate=UUID)
    nip = fields.String(required=True, validate=NIP)
    meeting_no = fields.Integer(required=True, validate=validate.Range(min=1))
    status = fields.String(required=True, validate=validate.OneOf(domain.ATTENDANCE_STATUSES))
    recorded_at = fields.AwareDateTime(required=True)

    @validates("recorded_at")
    def _not_ahead(self, value: dt.datetime, **_kwargs) -> None:
        allowance = context().settings.attendance_clock_skew_seconds
        if value > utcnow() + dt.timedelta(seconds=allowance):
            raise ValidationError(
                f"Lies more than {allowance} s ahead of the server's clock; send the time the attendance was taken "
                "(with its time zone) and check the sending system's clock."
            )

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.AttendanceRecord:
        return commands.AttendanceRecord(**data)


class AttendanceBatchSchema(Schema):
    records = fields.List(fields.Nested(AttendanceRecordSchema), required=True, validate=validate.Length(min=1))


class AttendanceResultSchema(Schema):
    event_id = fields.String()
    outcome = fields.String(metadata={"description": "accepted, superseded, duplicate, conflict, not_found, closed"})
    field = fields.String()


class AttendanceReportSchema(Schema):
    results = fields.List(fields.Nested(AttendanceResultSchema))
    accepted = fields.Integer()


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


class RosterMarkSchema(Schema):
    nip = fields.String(required=True, validate=NIP)
    status = fields.String(required=True, validate=validate.OneOf(domain.ATTENDANCE_STATUSES))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    event_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Optional: an id of this mark, so that sending it again changes nothing"},
    )

    @post_load
    def _command(self, data: dict, **_kwargs) -> commands.RosterMark:
        return commands.RosterMark(**data)


class RosterAttendanceSchema(Schema):
    records = fields.List(fields.Nested(RosterMarkSchema), required=True, validate=validate.Length(min=1, max=1000))


class MeetingAttendanceSchema(Schema):
    nip = fields.String()
    name = fields.String(allow_none=True)
    enrollment_status = fields.String()
    status = fields.String(allow_none=True, metadata={"description": "present, absent, excused; null: not recorded"})
    source = fields.String(allow_none=True, metadata={"description": "partner, roster, sheet or check_in"})
    note = fields.String(allow_none=True)
    recorded_at = fields.DateTime(allow_none=True)


class RosterResultSchema(AttendanceResultSchema):
    nip = fields.String()


class RosterReportSchema(Schema):
    results = fields.List(fields.Nested(RosterResultSchema))
    accepted = fields.Integer()


class SheetFormSchema(Schema):
    file = Upload(
        required=True, metadata={"description": "The attendance sheet: .xlsx or .csv (the template's columns)"}
    )


class SheetQuery(Schema):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(["xlsx", "csv"]))


class SheetRowResultSchema(Schema):
    row = fields.Integer(metadata={"description": "The spreadsheet's row number"})
    nip = fields.String(allow_none=True)
    meeting_no = fields.Integer()
    event_id = fields.String()
    outcome = fields.String(
        metadata={"description": "accepted, superseded, duplicate, conflict, not_found, closed, invalid"}
    )
    field = fields.String()
    message = fields.Message()


class SheetReportSchema(Schema):
    received = fields.Integer()
    accepted = fields.Integer()
    duplicate = fields.Integer()
    invalid = fields.Integer()
    results = fields.List(fields.Nested(SheetRowResultSchema))


class CheckInCodeSchema(Schema):
    code = fields.String(metadata={"description": "The signed code of this meeting now; show it as a QR code"})
    path = fields.String(metadata={"description": "Where a participant opens it (the web UI's /hadir page)"})
    valid_until = fields.DateTime(
        metadata={"description": "When the next code takes over (this one works one period more)"}
    )
    rotate_seconds = fields.Integer()


class CheckInSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=10, max=200))


class CheckInResultSchema(Schema):
    batch_id = fields.String()
    meeting_no = fields.Integer()
    status = fields.String()
    recorded_at = fields.DateTime()


class TestScoreSchema(Schema):
    score = fields.Float(required=True, validate=validate.Range(min=0, max=100))


class KeyCheckSchema(Schema):
    key_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    secret = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class KeyCheckResultSchema(Schema):
    partner_code = fields.String()


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
