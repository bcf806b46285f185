"""Use-cases of the audit service: every event of every service in, one entry each (``record``, run by the worker in
the event's transaction: a redelivered event is recognised by the consumer and writes nothing twice)."""

from __future__ import annotations

import datetime as dt

from services.audit import domain
from services.audit.config import AuditSettings
from services.audit.models import AuditEntry, AuditObject
from shared.consumer import Handler, bind
from shared.db import UnitOfWork, utcnow
from shared.events import Event, event_types

# every topic of the plan that carries events: each service's own and its audit topic
TOPICS = sorted({event_type.topic for event_type in event_types()})


def record(event: Event, uow: UnitOfWork, settings: AuditSettings) -> None:
    """The event as an entry: who, which request, when, what, about which objects."""
    event_type = event.event_type
    subject = event.subject or str(event.data.get(event_type.key_field, ""))
    uow.session.add(
        AuditEntry(
            id=event.id,
            occurred_at=_moment(event.time),
            recorded_at=utcnow(),
            service=event_type.service,
            name=event_type.name,
            event_type=event.type,
            action=domain.action_of(event_type.name, event.data)[:400],
            actor=event.actor[:200],
            request_id=event.requestid[:100],
            subject=subject[:300],
            data=event.data,
        )
    )
    uow.session.flush()  # the entry before the objects that refer to it
    uow.session.add_all(
        AuditObject(object=name, entry_id=event.id) for name in domain.objects_of(event_type.name, event.data, subject)
    )


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def event_handlers(settings: AuditSettings) -> dict[str, Handler]:
    """``record`` for every event name of the catalogue (the consumer finds a handler by the name)."""
    return bind({event_type.name: record for event_type in event_types()}, settings)


__all__ = ["TOPICS", "event_handlers", "record"]
