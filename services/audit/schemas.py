"""Request and response schemas of the audit service (marshmallow; documented in its OpenAPI)."""

from __future__ import annotations

from marshmallow import Schema, validate

from shared import fields

SERVICES = ["needs", "training", "evaluation", "notifications", "gateway"]


class EntryQuery(Schema):
    actor = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "Who: a user name or NIP, a partner's code, `system`, or a whole actor (person:…)"},
    )
    object = fields.String(
        validate=validate.Length(min=1, max=300),
        metadata={"description": "An object the entry names: a NIP, a batch, task or program id, a code"},
    )
    action = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "Part of the action: an event's name (TrainingCompleted) or an operation (POST, /batches)"
        },
    )
    service = fields.String(validate=validate.OneOf(SERVICES))
    name = fields.String(validate=validate.Length(min=1, max=80), metadata={"description": "The event's exact name"})
    request_id = fields.String(validate=validate.Length(min=1, max=100))
    since = fields.Date(metadata={"description": "From this day (the instansi's time zone)"})
    until = fields.Date(metadata={"description": "To this day, included"})


class ExportQuery(EntryQuery):
    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))


class EntrySchema(Schema):
    id = fields.String(metadata={"description": "The event's id"})
    occurred_at = fields.DateTime(metadata={"description": "When the event happened (UTC)"})
    recorded_at = fields.DateTime(metadata={"description": "When the audit store received it"})
    service = fields.String()
    name = fields.String()
    event_type = fields.String()
    action = fields.String()
    actor = fields.String(
        metadata={"description": "person:<user name or NIP>, partner:<code>/<key>, system:<service>/<job>"}
    )
    request_id = fields.String()
    subject = fields.String(metadata={"description": "The event's record key (a NIP, a program or batch id)"})
    data = fields.Dict(metadata={"description": "The event's data as published"})


class ChangeSchema(Schema):
    field = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
    changed = fields.Boolean()


class EntryDetailSchema(EntrySchema):
    before_id = fields.String(
        allow_none=True, metadata={"description": "The entry before it about the same object (same event, same key)"}
    )
    changes = fields.List(fields.Nested(ChangeSchema), metadata={"description": "Field by field against that entry"})
    related = fields.List(fields.Nested(EntrySchema), metadata={"description": "The other entries of its request"})
