"""CloudEvents 1.0 envelope (structured JSON mode) and the registry of event types.

An event type is registered with a marshmallow schema for its ``data`` and the field of ``data``
that is its Kafka record key (the ordering key). :func:`new_event` validates the payload when the
event is created; :func:`parse_event` validates an incoming record and raises :class:`InvalidEvent`
(with the offending field) or :class:`UnknownEventType`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import uuid
from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from shared.logging import correlation_id as current_correlation_id

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"
TYPE_PREFIX = "bangkom"


class InvalidEvent(ValueError):
    """A record is not a valid Bangkom event; ``errors`` maps each bad field to its reasons."""

    def __init__(self, message: str, errors: Mapping[str, Any] | None = None) -> None:
        self.errors = dict(errors or {})
        super().__init__(f"{message}: {json.dumps(self.errors, sort_keys=True)}" if self.errors else message)


class UnknownEventType(InvalidEvent):
    """The ``type`` attribute names no registered event type."""


@dataclasses.dataclass(frozen=True, eq=False)
class EventType:
    service: str  # the producing service: needs, training, evaluation
    name: str  # e.g. TrainingCompleted
    version: int
    schema: type[Schema]
    key_field: str  # the field of data that is the record key

    @property
    def type(self) -> str:
        return f"{TYPE_PREFIX}.{self.service}.{self.name}.v{self.version}"

    @functools.cached_property
    def writer(self) -> Schema:
        """A reusable schema instance that rejects unknown fields (for events we create)."""
        return self.schema()

    @functools.cached_property
    def reader(self) -> Schema:
        """A reusable schema instance that ignores unknown fields (for events we receive)."""
        return self.schema(unknown=EXCLUDE)

    @property
    def source(self) -> str:
        return f"/bangkom/{self.service}"

    @property
    def topic(self) -> str:
        return f"bangkom.{self.service}.v1"


_REGISTRY: dict[str, EventType] = {}
_LATEST: dict[str, EventType] = {}


def register(service: str, name: str, version: int, key_field: str):
    """Class decorator: register a marshmallow schema as the data of an event type."""

    def decorate(schema: type[Schema]) -> type[Schema]:
        event_type = EventType(service, name, version, schema, key_field)
        if event_type.type in _REGISTRY:
            raise ValueError(f"event type {event_type.type} is registered twice")
        _REGISTRY[event_type.type] = event_type
        if name not in _LATEST or _LATEST[name].version < version:
            _LATEST[name] = event_type
        return schema

    return decorate


def event_types() -> list[EventType]:
    _load_catalogue()
    return sorted(_REGISTRY.values(), key=lambda t: t.type)


def lookup(type_or_name: str) -> EventType:
    """Find an event type by its full CloudEvents type, or by its short name (latest version)."""
    _load_catalogue()
    found = _REGISTRY.get(type_or_name) or _LATEST.get(type_or_name)
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

    def load_data(self) -> dict[str, Any]:
        """The payload deserialised by its schema (dates as dates, …)."""
        return self.event_type.reader.load(self.data)

    def to_dict(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in _ATTRIBUTES}

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False).encode()


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
        id=str(uuid.uuid4()),
        type=event_type.type,
        source=event_type.source,
        time=dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        subject=subject or str(payload[event_type.key_field]),
        data=payload,
        correlationid=correlation_id or current_correlation_id.get() or str(uuid.uuid4()),
    )


_ATTRIBUTES = tuple(f.name for f in dataclasses.fields(Event))


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
    data = fields.Dict(required=True)


def parse_event(raw: bytes | str) -> Event:
    """Validate a record value: JSON, the envelope, a known type, and the data against its schema."""
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidEvent("the record is not JSON", {"value": [str(exc)]}) from None
    if not isinstance(document, dict):
        raise InvalidEvent("the record is not a JSON object", {"value": ["expected an object"]})
    try:
        _EnvelopeSchema().load(document)
    except ValidationError as exc:
        raise InvalidEvent("invalid CloudEvents envelope", exc.messages) from None
    event_type = lookup(document["type"])
    try:
        event_type.reader.load(document["data"])  # tolerant reader: extra fields pass
    except ValidationError as exc:
        raise InvalidEvent(f"invalid data for {event_type.type}", {"data": exc.messages}) from None
    return Event(**{k: v for k, v in document.items() if k in _ATTRIBUTES})


def _load_catalogue() -> None:
    # The catalogue registers itself on import; imported lazily to keep this module free of cycles.
    import shared.catalogue  # noqa: F401
