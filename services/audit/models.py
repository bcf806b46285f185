"""Tables of the audit service (its own database): the entries, one per event, never changed or deleted (PostgreSQL
refuses it: migration 0001), the objects each names, and the consumer's bookkeeping."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, utcnow
from shared.outbox import OutboxMixin
from shared.positions import ConsumerPositionMixin, ProcessedEventMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    """Every service has one; the audit service publishes nothing of its own (its reads change nothing)."""


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class ConsumerPosition(ConsumerPositionMixin, Base):
    pass


class AuditEntry(Base):
    """One event as it was published: who caused it, in which request, when, what it says. ``action`` is the event's
    name, or for a ``ChangeMade`` the operation (``PUT /api/v1/needs/employees/<nip>``)."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_occurred_at", "occurred_at"),
        Index("ix_audit_entries_actor", "actor", "occurred_at"),
        Index("ix_audit_entries_request_id", "request_id"),
        Index("ix_audit_entries_subject", "name", "subject", "occurred_at"),
    )
    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # the event's id
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # the event's time
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    service: Mapped[str] = mapped_column(String(40))  # the service that published it
    name: Mapped[str] = mapped_column(String(80))  # the event's name, e.g. TrainingCompleted, ChangeMade
    event_type: Mapped[str] = mapped_column(String(160))  # its CloudEvents type, with the version
    action: Mapped[str] = mapped_column(String(400))
    actor: Mapped[str] = mapped_column(String(200), default="")  # person:…, partner:…/…, system:…; "" unknown
    request_id: Mapped[str] = mapped_column(String(100), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")  # the record key: a NIP, a program or batch id
    data: Mapped[dict] = mapped_column(JSON)


class AuditObject(Base):
    """An object an entry names (a NIP, a batch, a task, a code), found in its data or its path: searching by object
    finds every entry about it, whichever field named it."""

    __tablename__ = "audit_objects"
    object: Mapped[str] = mapped_column(String(300), primary_key=True)
    entry_id: Mapped[str] = mapped_column(
        String(100), ForeignKey("audit_entries.id", ondelete="RESTRICT"), primary_key=True
    )
