"""The declarative base of the needs service's tables (its own database), the outbox and the events handled."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.outbox import OutboxMixin
from shared.positions import ConsumerPositionMixin, ProcessedEventMixin
from shared.schedule import ScheduledJobMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class ConsumerPosition(ConsumerPositionMixin, Base):
    pass


class ScheduledJob(ScheduledJobMixin, Base):
    """The periodic jobs its worker runs itself (shared.schedule)."""
