"""Schemas of attendance: a partner's records, BKPSDM's roster marks, the attendance sheet, check-in."""

from __future__ import annotations

import datetime as dt

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, post_load, validate, validates

from services.training import commands, domain
from services.training.schemas.programs import NIP, UUID
from shared import fields
from shared.db import utcnow
from shared.web import context


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
