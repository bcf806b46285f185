"""Tables of the notifications service (its own database): the people and programs it speaks of (read models), their
preferences, the messages (its own outbox of mail), the outbox and processed events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, Text, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, utcnow
from shared.due import DueWorkMixin
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


class Person(Base):
    """Read model of the needs service's employees (EmployeeSynced): whom to write to, and how."""

    __tablename__ = "people"
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    supervisor_nip: Mapped[str | None] = mapped_column(String(18), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    unit_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    jp_target: Mapped[int | None] = mapped_column(Integer, nullable=True)  # JP owed a year (None: not known yet)


class ProgramView(Base):
    """Read model of the training service's programs (ProgramPublished): what a message calls a program."""

    __tablename__ = "programs"
    program_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    ends_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    partner_code: Mapped[str | None] = mapped_column(String(40), nullable=True)  # who runs it: a partner's scope


class Preference(Base):
    """A person's choices: their language and the optional kinds they muted (mandatory ones always go)."""

    __tablename__ = "preferences"
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), default="id")
    muted: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Message(DueWorkMixin, Base):
    """One message to one person, written in the transaction of the event that caused it (its id is the event, kind
    and person: a redelivered event writes nothing new), then written in the person's words and sent by the worker:
    ``queued`` → ``sent``, or retried with backoff and ``failed`` for good after ``MAIL_MAX_ATTEMPTS``;
    ``no_address`` when the person has no e-mail (or was never heard of)."""

    __tablename__ = "messages"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20), default="email")
    nip: Mapped[str] = mapped_column(String(18), index=True)
    values: Mapped[dict] = mapped_column(JSON, default=dict)  # what the text says, besides the person
    address: Mapped[str | None] = mapped_column(String(254), nullable=True)  # these three: when it is sent
    subject: Mapped[str | None] = mapped_column(String(300), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    __table_args__ = (Index("ix_messages_due", "status", "next_attempt_at"),)


class BatchView(Base):
    """Read model of the training service's batches (BatchScheduled): the meetings in the calendars."""

    __tablename__ = "batches"
    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    program_id: Mapped[str] = mapped_column(String(64), index=True)
    number: Mapped[int] = mapped_column(Integer)
    meetings: Mapped[list] = mapped_column(JSON)  # as in the event


class EnrollmentView(Base):
    """Who takes part in which batch (ParticipantEnrolled / Withdrawn): whom a moved meeting concerns."""

    __tablename__ = "enrollments"
    enrollment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), index=True)
    batch_id: Mapped[str] = mapped_column(String(64), index=True)
    program_id: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # a reopened batch revoked this enrolment's completion: the next completion is a correction, not a new success
    completion_revoked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class TaskView(Base):
    """The evaluation tasks (EvaluationTaskCreated, then Submitted, Expired or revoked): reminders and due dates."""

    __tablename__ = "tasks"
    task_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    nip: Mapped[str] = mapped_column(String(18), index=True)
    assignee_nip: Mapped[str | None] = mapped_column(String(18), nullable=True, index=True)
    enrollment_id: Mapped[str] = mapped_column(String(64), index=True)
    program_id: Mapped[str] = mapped_column(String(64))
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, submitted, expired, cancelled
    __table_args__ = (Index("ix_tasks_open_due", "status", "due_on"),)


class JpYear(Base):
    """An ASN's JP in the ledger for a year (JpCredited.year_total): who is behind at the checkpoints."""

    __tablename__ = "jp_years"
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    total: Mapped[int] = mapped_column(Integer)


class JpCheckpoint(Base):
    """A checkpoint of the year whose JP-behind messages and digests are written (once)."""

    __tablename__ = "jp_checkpoints"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    checkpoint: Mapped[str] = mapped_column(String(10), primary_key=True)  # mid_year, q4
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    messages: Mapped[int] = mapped_column(Integer, default=0)


class CalendarFeed(Base):
    """A calendar subscription (iCalendar) of a person or a batch, at a secret address: only the secret's hash is
    kept; revoking it (or making a new one) ends the old address."""

    __tablename__ = "calendar_feeds"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(10))  # person, batch
    owner: Mapped[str] = mapped_column(String(64))  # the NIP or the batch id
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    __table_args__ = (Index("ix_calendar_feeds_owner", "owner_kind", "owner"),)
