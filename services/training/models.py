"""Tables of the training service (its own database): partners, programs, batches, enrolments,
attendance, the read models fed by other services' events, the outbox and processed events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, utcnow
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


class Partner(Base):
    """A partner institution: a university, a training agency, a government body or a private provider."""

    __tablename__ = "partners"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    contact_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    contact_email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    contact_phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PartnerKey(Base):
    """An API credential of a partner: the key id, a hash of the secret, and the secret sealed (services/training/
    sealing.py) for the gateway to check signatures with; keys issued before sealing have none."""

    __tablename__ = "partner_keys"
    key_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    partner_code: Mapped[str] = mapped_column(ForeignKey("partners.code"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    secret_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Program(Base):
    __tablename__ = "programs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    form: Mapped[str] = mapped_column(String(40))
    delivery: Mapped[str] = mapped_column(String(20))
    jp: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int | None] = mapped_column(Integer, nullable=True)  # in the form's unit, when not counted in JP
    coach_name: Mapped[str | None] = mapped_column(
        String(200), nullable=True
    )  # a coaching's coach, a mentoring's mentor
    coach_nip: Mapped[str | None] = mapped_column(String(18), nullable=True)  # when the coach is an ASN
    partner_code: Mapped[str] = mapped_column(ForeignKey("partners.code"), index=True)
    capacity: Mapped[int] = mapped_column(Integer)  # participants per batch
    min_attendance: Mapped[float] = mapped_column(Float)
    post_test_required: Mapped[bool] = mapped_column(Boolean, default=False)
    passing_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    competencies: Mapped[list] = mapped_column(JSON)  # [{"code", "target_level"}]
    recommendation: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # the latest ProgramEvaluated
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    __table_args__ = (CheckConstraint("capacity > 0", name="ck_program_capacity"),)


class Batch(Base):
    """An angkatan of a program: open until closed (completion decided); reopened within a window to correct it."""

    __tablename__ = "batches"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    program_id: Mapped[str] = mapped_column(ForeignKey("programs.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    close_reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # why it was closed before its end
    reopened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reopen_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (UniqueConstraint("program_id", "number", name="uq_batch_number"),)


class Meeting(Base):
    __tablename__ = "meetings"
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True)
    meeting_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date)
    starts_at: Mapped[dt.time] = mapped_column(Time)
    ends_at: Mapped[dt.time] = mapped_column(Time)
    place: Mapped[str | None] = mapped_column(String(300), nullable=True)
    online: Mapped[bool] = mapped_column(Boolean, default=False)


class Enrollment(Base):
    __tablename__ = "enrollments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"))
    nip: Mapped[str] = mapped_column(String(18), index=True)
    status: Mapped[str] = mapped_column(String(20), default="enrolled")  # enrolled, completed, not_completed
    pre_test_score: Mapped[float | None] = mapped_column(Float, nullable=True)  # taken before the first meeting
    post_test_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    evidence: Mapped[str | None] = mapped_column(String(300), nullable=True)  # the report or product received
    attendance_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    certificate_number: Mapped[str | None] = mapped_column(String(120), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    __table_args__ = (UniqueConstraint("batch_id", "nip", name="uq_enrollment_batch_nip"),)


class Certificate(Base):
    """A certificate (sertifikat) issued when a participant completes: what it says is kept as issued, so the public
    verification (``/verifikasi/<number>``) shows exactly that; a reopened batch revokes it (a number is never given
    again: closing anew issues new numbers after the batch's last one)."""

    __tablename__ = "certificates"
    number: Mapped[str] = mapped_column(String(120), primary_key=True)
    enrollment_id: Mapped[str] = mapped_column(ForeignKey("enrollments.id"), index=True)
    batch_id: Mapped[str] = mapped_column(String(36), index=True)
    serial: Mapped[int] = mapped_column(Integer)
    nip: Mapped[str] = mapped_column(String(18))
    participant_name: Mapped[str] = mapped_column(String(200))
    program_id: Mapped[str] = mapped_column(String(36))
    program_title: Mapped[str] = mapped_column(String(300))
    form: Mapped[str] = mapped_column(String(40))
    partner_name: Mapped[str] = mapped_column(String(300))
    started_on: Mapped[dt.date] = mapped_column(Date)
    completed_on: Mapped[dt.date] = mapped_column(Date)
    jp: Mapped[int] = mapped_column(Integer)
    competencies: Mapped[list] = mapped_column(JSON)  # [{"code", "target_level"}]
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoke_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class Attendance(Base):
    """The current attendance of one participant at one meeting: the latest record wins, whatever its source."""

    __tablename__ = "attendance"
    enrollment_id: Mapped[str] = mapped_column(ForeignKey("enrollments.id"), primary_key=True)
    meeting_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    partner_event_id: Mapped[str] = mapped_column(String(100))  # the record's event id (partner's or Bangkom's)
    source: Mapped[str] = mapped_column(String(10), default="partner", server_default="partner")
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)


class AttendanceReceipt(Base):
    """Every attendance record received, by its event id within its sender (a partner's code; ``bkpsdm`` for the
    roster and sheets; ``check-in`` for the participants' own): replays are recognised."""

    __tablename__ = "attendance_receipts"
    partner_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    body_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EmployeeView(Base):
    """Read model of the needs service's employees (from EmployeeSynced)."""

    __tablename__ = "employees"
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    unit_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    position_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    supervisor_nip: Mapped[str | None] = mapped_column(String(18), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    jp_cap: Mapped[int | None] = mapped_column(Integer, nullable=True)  # JP a year at most (PPPK); None: no cap
    # a PPPK's contract start (TMT): their cap's year is the contract year (``shared.forms.jp_year``); None: the calendar's
    contract_start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class CreditedJp(Base):
    """Read model of the needs service's JP ledger (JpCredited): an employee's JP credited in a year."""

    __tablename__ = "credited_jp"
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    jp: Mapped[int] = mapped_column(Integer)


class OpenNeed(Base):
    """Read model of the active development needs (DevelopmentNeedIdentified / Updated / Closed): the candidate pool
    is made of those ``open`` or ``planned``; one in training or awaiting evaluation keeps its ASN out of it."""

    __tablename__ = "open_needs"
    need_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18))
    competency_code: Mapped[str] = mapped_column(String(40))
    gap: Mapped[int] = mapped_column(Integer)
    priority_score: Mapped[float] = mapped_column(Float)
    plan_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="open", server_default="open")
    __table_args__ = (Index("ix_open_needs_competency", "competency_code", "nip"),)
