"""Tables of the evaluation service (its own database): domain tables, the outbox, processed events."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.consumer import ProcessedEventMixin
from shared.outbox import OutboxMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass
