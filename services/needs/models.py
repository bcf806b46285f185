"""Tables of the needs service (its own database): domain tables, the outbox, processed events."""

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
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column

from shared.consumer import ProcessedEventMixin
from shared.db import UTCDateTime, utcnow
from shared.due import DueWorkMixin
from shared.outbox import OutboxMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class Competency(Base):
    """An entry of the competency dictionary (Permenpan RB 38/2017): five level descriptors."""

    __tablename__ = "competencies"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    group: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    level_descriptors: Mapped[list] = mapped_column(JSON)  # five strings, level 1 first
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ClassStandard(Base):
    """The default required level of a competency for every position of a class (JPT, pengawas, …)."""

    __tablename__ = "class_standards"
    position_class: Mapped[str] = mapped_column(String(20), primary_key=True)
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"), primary_key=True)
    required_level: Mapped[int] = mapped_column(Integer)
    __table_args__ = (CheckConstraint("required_level BETWEEN 1 AND 5", name="ck_class_level"),)


class Position(Base):
    """A jabatan."""

    __tablename__ = "positions"
    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    position_class: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class PositionStandard(Base):
    """A position's own required level for a competency; 0 removes a competency of the class default."""

    __tablename__ = "position_standards"
    position_code: Mapped[str] = mapped_column(ForeignKey("positions.code", ondelete="CASCADE"), primary_key=True)
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"), primary_key=True)
    required_level: Mapped[int] = mapped_column(Integer)
    __table_args__ = (CheckConstraint("required_level BETWEEN 0 AND 5", name="ck_position_level"),)


class StrategicPriority(Base):
    """A theme of the region's vision and mission (RPJMD) for a plan year, with its weight."""

    __tablename__ = "strategic_priorities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(Float)
    __table_args__ = (UniqueConstraint("plan_year", "code", name="uq_priority_year_code"),)


class PriorityCompetency(Base):
    __tablename__ = "priority_competencies"
    priority_id: Mapped[int] = mapped_column(
        ForeignKey("strategic_priorities.id", ondelete="CASCADE"), primary_key=True
    )
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"), primary_key=True)


class PriorityTarget(Base):
    """A level a theme of the year asks of a competency, for a class, an OPD, one position or (none named) every ASN;
    above the position's standard, the ASN is measured against it and the need names the theme (``priority_code``)."""

    __tablename__ = "priority_targets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("strategic_priorities.id", ondelete="CASCADE"), index=True)
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    level: Mapped[int] = mapped_column(Integer)
    position_class: Mapped[str | None] = mapped_column(String(20), nullable=True)
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    position_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="ck_priority_target_level"),)


class Employee(Base):
    """An ASN, as SIMPEG knows them."""

    __tablename__ = "employees"
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position_code: Mapped[str | None] = mapped_column(ForeignKey("positions.code"), nullable=True)
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    unit_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    rank: Mapped[str | None] = mapped_column(String(40), nullable=True)
    employment_status: Mapped[str] = mapped_column(String(4))
    supervisor_nip: Mapped[str | None] = mapped_column(String(18), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # the jabatan's name, for people (read with the record where it is shown: views.employee and employees)
    position_name: Mapped[str | None] = column_property(
        select(Position.name).where(Position.code == position_code).scalar_subquery(), deferred=True
    )


class ServiceYear(Base):
    """Where an ASN served in a year (OPD, position, employment kind as last seen that year), written whenever an
    employee is loaded: a year's figures read it, so a move changes the year it happens in and never the years before.
    """

    __tablename__ = "service_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    unit_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    position_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    employment_status: Mapped[str] = mapped_column(String(4))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (Index("ix_service_years_year_unit", "year", "unit_code"),)


class AssessmentRecord(Base):
    """An employee's level in a competency, from one source, on one date."""

    __tablename__ = "assessments"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nip: Mapped[str] = mapped_column(ForeignKey("employees.nip"))
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    level: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    assessor_nip: Mapped[str | None] = mapped_column(String(18), nullable=True)
    enrollment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    program_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 5", name="ck_assessment_level"),
        Index("ix_assessments_nip_competency", "nip", "competency_code"),
    )


class JpCredit(Base):
    """One line of the JP ledger: development an employee completed, counted once.

    ``credit_id`` is the enrolment id for a Bangkom training, ``external:<id>`` for verified development
    outside Bangkom and ``simpeg:<id>`` for a record entered in SIMPEG by hand. A credit keeps the OPD,
    position and employment kind of its moment: a later move rewrites no past year.
    """

    __tablename__ = "jp_credits"
    credit_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    source: Mapped[str] = mapped_column(String(10), default="bangkom", server_default="bangkom")  # or external, simpeg
    nip: Mapped[str] = mapped_column(String(18))
    year: Mapped[int] = mapped_column(Integer)
    jp: Mapped[int] = mapped_column(Integer)
    program_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    program_title: Mapped[str] = mapped_column(String(300))
    organiser: Mapped[str | None] = mapped_column(String(300), nullable=True)
    form: Mapped[str] = mapped_column(String(40))
    completed_on: Mapped[dt.date] = mapped_column(Date)
    competencies: Mapped[list] = mapped_column(JSON)
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    unit_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    position_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    employment_status: Mapped[str | None] = mapped_column(String(4), nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    __table_args__ = (Index("ix_jp_credits_year_nip", "year", "nip"),)


class ExternalDevelopment(Base):
    """Development outside Bangkom (BPSDM, e-learning, a university course, a seminar), claimed with a certificate.

    submitted → verified (credits JP through ExternalDevelopmentVerified) or rejected (with a reason).
    """

    __tablename__ = "external_development"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), index=True)
    form: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    organiser: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    jp: Mapped[int] = mapped_column(Integer)
    competencies: Mapped[list] = mapped_column(JSON)  # [{"code", "level"}]: the levels claimed
    certificate_number: Mapped[str] = mapped_column(String(100))
    certificate_key: Mapped[str | None] = mapped_column(String(200), nullable=True)  # in the object store
    certificate_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    certificate_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    certificate_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="submitted")  # submitted, verified, rejected
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (Index("ix_external_development_status", "status", "submitted_at"),)


class Program(Base):
    """Read model of the training service's published programs (which competencies each one targets)."""

    __tablename__ = "programs"
    program_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    form: Mapped[str] = mapped_column(String(40))
    jp: Mapped[int] = mapped_column(Integer)
    competencies: Mapped[list] = mapped_column(JSON)
    starts_on: Mapped[dt.date] = mapped_column(Date)


class Gap(Base):
    """The computed gap of an employee in one competency of their standard, for a plan year.

    Rebuilt set-based by the recompute (see repository.recompute); rows with gap 0 are kept so
    that the job-person match can be read from this table.
    """

    __tablename__ = "gaps"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    competency_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    competency_group: Mapped[str] = mapped_column(String(20))
    required_level: Mapped[int] = mapped_column(Integer)
    current_level: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: unassessed (assess first)
    assessed: Mapped[bool] = mapped_column(Boolean)
    priority_code: Mapped[str | None] = mapped_column(String(40), nullable=True)  # the theme that set the level
    gap: Mapped[int] = mapped_column(Integer)
    strategic_weight: Mapped[float] = mapped_column(Float)
    jp_shortfall: Mapped[int] = mapped_column(Integer)
    priority_score: Mapped[float] = mapped_column(Float)
    __table_args__ = (
        Index("ix_gaps_year_priority", "year", "priority_score"),
        Index("ix_gaps_year_unit", "year", "unit_code"),
        Index("ix_gaps_year_competency", "year", "competency_code"),
    )


class Need(Base):
    """A development need: an employee, a competency, a plan year, and where it stands."""

    __tablename__ = "needs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18))
    competency_code: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="open")
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    competency_group: Mapped[str] = mapped_column(String(20))
    required_level: Mapped[int] = mapped_column(Integer)
    current_level: Mapped[int] = mapped_column(Integer)
    gap: Mapped[int] = mapped_column(Integer)
    priority_score: Mapped[float] = mapped_column(Float)
    priority_code: Mapped[str | None] = mapped_column(String(40), nullable=True)  # a theme's target opened it
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)  # BKPSDM's word on a change made by hand
    __table_args__ = (
        # at most one need per employee, competency and year that is not closed
        Index(
            "uq_needs_active",
            "nip",
            "competency_code",
            "year",
            unique=True,
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
        Index("ix_needs_year_status", "year", "status"),
    )


class SimpegHistory(DueWorkMixin, Base):
    """A completed training owed to SIMPEG's training history, and whether it went through."""

    __tablename__ = "simpeg_history"
    enrollment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18))
    record: Mapped[dict] = mapped_column(JSON)  # the rw-kursus record, SIASN field names
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, sent, failed
    simpeg_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    __table_args__ = (
        Index("ix_simpeg_history_nip", "nip"),
        Index("ix_simpeg_history_due", "status", "next_attempt_at"),
    )


class SimpegSyncRun(Base):
    """One sync of employees from SIMPEG (or import of its export file): progress, then the report.

    A run that is queued or running is the lock: the partial unique index admits one at a time.
    """

    __tablename__ = "simpeg_sync_runs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    job: Mapped[str] = mapped_column(String(20), default="employees")  # the lock's name: one employee job at a time
    source: Mapped[str] = mapped_column(String(200))  # "simpeg" or "file:<name>"
    trigger: Mapped[str] = mapped_column(String(20))  # cli, api
    requested_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    unit_id: Mapped[str | None] = mapped_column(String(60), nullable=True)
    allow_mass_deactivation: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # a file queued through the API (web UI) waits here for the worker and is dropped when the run ends
    upload: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    deactivate_missing: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (
        Index(
            "uq_simpeg_sync_active",
            "job",
            unique=True,
            postgresql_where=text("status IN ('queued', 'running')"),
            sqlite_where=text("status IN ('queued', 'running')"),
        ),
        Index("ix_simpeg_sync_created", "created_at"),
    )


class RecomputeRun(Base):
    """A recompute too large for the request that caused it (a change concerning more than ``RECOMPUTE_INLINE_MAX``
    ASN), queued with the change and run by the worker in chunks, its progress here. One at a time (a partial unique
    index); a run silent for the lease is taken over (chunks are idempotent)."""

    __tablename__ = "recompute_runs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cause: Mapped[str] = mapped_column(String(300))  # what changed, in words: "competency K-01 made inactive"
    competencies: Mapped[list | None] = mapped_column(JSON, nullable=True)  # the rows concerned; None: all
    left_standard: Mapped[str] = mapped_column(String(20), default="standard_removed")
    years: Mapped[list | None] = mapped_column(JSON, nullable=True)  # the plan years; None: this one and the open
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the request that caused it (logs)
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued, running, succeeded, failed
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)  # ASN to recompute, once counted
    done: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    __table_args__ = (
        Index(
            "uq_recompute_running",
            "status",
            unique=True,
            postgresql_where=text("status = 'running'"),
            sqlite_where=text("status = 'running'"),
        ),
        Index("ix_recompute_runs_created", "created_at"),
    )
