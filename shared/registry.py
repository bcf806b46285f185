"""The registry of event types: each type's producer, name, version, data schema and record key, and how to find
one by its CloudEvents type or short name. The schemas themselves are the catalogue (``shared/catalogue.py``), which
registers each one here."""

from __future__ import annotations

import dataclasses
import functools

from marshmallow import EXCLUDE, Schema

TYPE_PREFIX = "bangkom"


@dataclasses.dataclass(frozen=True, eq=False)
class EventType:
    service: str  # the producing service: needs, training, evaluation
    name: str  # e.g. TrainingCompleted
    version: int
    schema: type[Schema]
    key_field: str  # the field of data that is the record key
    audit: bool = False  # a record for the audit trail: on the service's audit topic, which no service consumes

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
        return f"bangkom.{self.service}.audit.v1" if self.audit else f"bangkom.{self.service}.v1"


_REGISTRY: dict[str, EventType] = {}
_LATEST: dict[str, EventType] = {}


def register(service: str, name: str, version: int, key_field: str, audit: bool = False):
    """Class decorator: register a marshmallow schema as the data of an event type."""

    def decorate(schema: type[Schema]) -> type[Schema]:
        event_type = EventType(service, name, version, schema, key_field, audit)
        if event_type.type in _REGISTRY:
            raise ValueError(f"event type {event_type.type} is registered twice")
        _REGISTRY[event_type.type] = event_type
        if name not in _LATEST or _LATEST[name].version < version:
            _LATEST[name] = event_type
        return schema

    return decorate


def event_types() -> list[EventType]:
    return sorted(_REGISTRY.values(), key=lambda t: t.type)


def find(type_or_name: str) -> EventType | None:
    """An event type by its full CloudEvents type, or by its short name (latest version)."""
    return _REGISTRY.get(type_or_name) or _LATEST.get(type_or_name)
