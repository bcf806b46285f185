"""CloudEvents 1.0 envelope (structured JSON mode): creating and parsing Bangkom events.

The event types and their data schemas are the catalogue's (``shared/catalogue.py``, which owns the
registry; this module only reads it). :func:`new_event` validates the payload when the
event is created; :func:`parse_event` validates an incoming record and raises :class:`InvalidEvent`
(with the offending field) or :class:`UnknownEventType`.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import itertools
import json
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from shared import catalogue  # noqa: F401 - importing the catalogue registers every event type
from shared.logging import actor as current_actor
from shared.logging import correlation_id as current_correlation_id
from shared.logging import request_id as current_request_id
from shared.registry import EventType, event_types, find

__all__ = [
    "Event",
    "EventType",
    "InvalidEvent",
    "UnknownEventType",
    "event_types",
    "lookup",
    "new_event",
    "parse_event",
]

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"


class InvalidEvent(ValueError):
    """A record is not a valid Bangkom event; ``errors`` maps each bad field to its reasons."""

    def __init__(self, message: str, errors: Mapping[str, Any] | None = None) -> None:
        self.errors = dict(errors or {})
        super().__init__(f"{message}: {json.dumps(self.errors, sort_keys=True)}" if self.errors else message)


class UnknownEventType(InvalidEvent):
    """The ``type`` attribute names no registered event type."""


def lookup(type_or_name: str) -> EventType:
    """Find an event type by its full CloudEvents type, or by its short name (latest version)."""
    found = find(type_or_name)
    if found is None:
        raise UnknownEventType(f"unknown event type {type_or_name!r}", {"type": [f"unknown: {type_or_name}"]})
    return found


@dataclasses.dataclass(frozen=True)
class Event:
    """One CloudEvent. ``data`` holds the payload as JSON-ready values (dates as ISO strings)."""

    id: str
    type: str
    source: str
    time: str
    subject: str
    data: dict[str, Any]
    correlationid: str
    specversion: str = SPEC_VERSION
    datacontenttype: str = "application/json"
    # who caused it and in which request (extension attributes, for the audit trail): person:<NIP or user name>,
    # partner:<code>/<key id>, or system:<service>[/<job>]; the request id of the HTTP request it came from, if any
    actor: str = ""
    requestid: str = ""

    @property
    def event_type(self) -> EventType:
        return lookup(self.type)

    @property
    def name(self) -> str:
        return self.event_type.name

    @property
    def key(self) -> str:
        return str(self.data[self.event_type.key_field])

    @property
    def topic(self) -> str:
        return self.event_type.topic

    def handling(self) -> dict[str, str | None]:
        """While it is handled: its ids for the logs, and who caused it for every event it causes in turn."""
        cause = {"actor": self.actor or None, "request_id": self.requestid or None}
        return {"event_id": self.id, "correlation_id": self.correlationid, **cause}

    def load_data(self) -> dict[str, Any]:
        """The payload deserialised by its schema (dates as dates, …)."""
        return self.event_type.reader.load(self.data)

    def to_dict(self) -> dict[str, Any]:
        """The attributes; the extension attributes only when set (CloudEvents allows no empty attribute)."""
        return {field: value for field in _ATTRIBUTES if (value := getattr(self, field)) != "" or field in _REQUIRED}

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False).encode()


_cause: contextvars.ContextVar[tuple[str, itertools.count] | None] = contextvars.ContextVar("cause", default=None)
_DERIVED = uuid.UUID("6f1d3c1e-5b7a-4c59-9a63-0c2f3e8f1b20")  # the namespace of ids derived from a cause


@contextlib.contextmanager
def caused_by(cause: str) -> Iterator[None]:
    """While an event is handled: the ids made for what it causes (events, rows) derive from ``cause`` — the handling
    service and the event's id (two services handling one event must not make the same ids) — in order, so that
    handling it again (a database restored to an earlier point re-reads it) makes the very same ids and whoever
    received them the first time recognises them."""
    token = _cause.set((cause, itertools.count()))
    try:
        yield
    finally:
        _cause.reset(token)


def derived_id() -> str:
    """A new id: the next one derived from the event being handled (:func:`caused_by`), else a random one."""
    cause = _cause.get()
    if cause is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(_DERIVED, f"{cause[0]}/{next(cause[1])}"))


def derived_prefix() -> str | None:
    """While an event is handled (:func:`caused_by`): the next slot of its ids, for a statement that makes many ids at
    once (``shared.outbox.events_from_rows``: each row's id derives from it and the row's content); None otherwise."""
    cause = _cause.get()
    return None if cause is None else f"{cause[0]}/{next(cause[1])}"


def new_event(
    type_or_name: str,
    data: Mapping[str, Any],
    *,
    subject: str | None = None,
    correlation_id: str | None = None,
    validate: bool = True,
) -> Event:
    """Create an event. ``data`` may hold Python values (dates, …); they are serialised by the schema.

    ``validate=False`` skips the schema check, for set-based commands that turn thousands of typed
    database rows into events at once (consumers validate every event they receive all the same).
    """
    event_type = lookup(type_or_name)
    payload = event_type.writer.dump(data)  # JSON-ready values: dates become ISO strings
    if validate:
        try:
            event_type.writer.load(payload)
        except ValidationError as exc:
            raise InvalidEvent(f"invalid data for {event_type.type}", {"data": exc.messages}) from None
    return Event(
        id=derived_id(),
        type=event_type.type,
        source=event_type.source,
        time=dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        subject=subject or str(payload[event_type.key_field]),
        data=payload,
        correlationid=correlation_id or current_correlation_id.get() or str(uuid.uuid4()),
        actor=current_actor.get() or f"system:{event_type.service}",
        requestid=current_request_id.get() or "",
    )


_ATTRIBUTES = tuple(f.name for f in dataclasses.fields(Event))
_REQUIRED = frozenset(_ATTRIBUTES) - {"actor", "requestid"}


class _EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # CloudEvents extension attributes are allowed

    specversion = fields.String(required=True, validate=validate.Equal(SPEC_VERSION))
    id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    type = fields.String(required=True, validate=validate.Length(min=1))
    source = fields.String(required=True, validate=validate.Length(min=1))
    time = fields.AwareDateTime(required=True)
    subject = fields.String(required=True)
    correlationid = fields.String(required=True, validate=validate.Length(min=1, max=100))
    datacontenttype = fields.String(load_default="application/json", validate=validate.Equal("application/json"))
    actor = fields.String(validate=validate.Length(max=200))
    requestid = fields.String(validate=validate.Length(max=100))
    data = fields.Dict(required=True)


_ENVELOPE = _EnvelopeSchema()  # one instance: making a schema cost more than loading the envelope with it


def parse_event(raw: bytes | str) -> Event:
    """Validate a record value: JSON, the envelope, a known type, and the data against its schema."""
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidEvent("the record is not JSON", {"value": [str(exc)]}) from None
    if not isinstance(document, dict):
        raise InvalidEvent("the record is not a JSON object", {"value": ["expected an object"]})
    try:
        _ENVELOPE.load(document)
    except ValidationError as exc:
        raise InvalidEvent("invalid CloudEvents envelope", exc.normalized_messages()) from None
    event_type = lookup(document["type"])
    try:
        event_type.reader.load(document["data"])  # tolerant reader: extra fields pass
    except ValidationError as exc:
        raise InvalidEvent(f"invalid data for {event_type.type}", {"data": exc.messages}) from None
    return Event(**{k: v for k, v in document.items() if k in _ATTRIBUTES})
