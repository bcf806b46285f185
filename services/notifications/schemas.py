"""Request and response schemas of the notifications service (marshmallow; documented in its OpenAPI)."""

from __future__ import annotations

from marshmallow import Schema, validate

from services.notifications import domain
from shared import fields

OPTIONAL = sorted(set(domain.KINDS) - domain.MANDATORY)


class KindSchema(Schema):
    kind = fields.String()
    mandatory = fields.Boolean(metadata={"description": "Mandatory messages (call-up, due evaluation) cannot be muted"})


class PreferenceSchema(Schema):
    language = fields.String(load_default="id", validate=validate.OneOf(domain.LANGUAGES))
    muted = fields.List(
        fields.String(validate=validate.OneOf(OPTIONAL)),
        load_default=list,
        validate=validate.Length(max=len(OPTIONAL)),
        metadata={"description": f"Optional kinds not to receive: {', '.join(OPTIONAL)}"},
    )
    kinds = fields.List(fields.Nested(KindSchema), dump_only=True)


class MessageSchema(Schema):
    id = fields.String()
    kind = fields.String()
    channel = fields.String()
    nip = fields.String()
    address = fields.String(allow_none=True)
    subject = fields.String(allow_none=True, metadata={"description": "Written when the message is sent"})
    status = fields.String(metadata={"description": "queued, sent, failed (for good) or no_address"})
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)


class MessageQuery(Schema):
    status = fields.String(validate=validate.OneOf(["queued", "sent", "failed", "no_address"]))
    nip = fields.String(validate=validate.Length(max=18))
    kind = fields.String(validate=validate.OneOf(domain.KINDS))


class CalendarFeedSchema(Schema):
    subscribed = fields.Boolean(metadata={"description": "whether a subscription address works now"})
    created_at = fields.DateTime(allow_none=True)
    token = fields.String(allow_none=True, metadata={"description": "the secret, only in the answer that made it"})
    path = fields.String(allow_none=True, metadata={"description": "the address at the gateway: /kalender/<token>.ics"})


class FeedQuery(Schema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=100))
