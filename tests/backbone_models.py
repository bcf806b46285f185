"""The tables of the event backbone's own tests and bench (not of any service): an outbox, the processed
events and one effect, JP credited per enrolment, so that a double count shows."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.outbox import OutboxMixin
from shared.positions import ConsumerPositionMixin, ProcessedEventMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class ConsumerPosition(ConsumerPositionMixin, Base):
    pass


class JpCredit(Base):
    """The effect under test: one row per handled TrainingCompleted (so a double count shows)."""

    __tablename__ = "jp_credit"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    nip: Mapped[str] = mapped_column(String(18))
    enrollment_id: Mapped[str] = mapped_column(String(100), index=True)
    jp: Mapped[int]
