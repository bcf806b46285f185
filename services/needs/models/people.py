"""What the ASN hold and lack: employees and where they served, assessments, gaps, needs; the programs' read model."""

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
    select,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column

from services.needs.models.base import Base
from services.needs.models.dictionary import Position
from shared.db import UTCDateTime, utcnow


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
    # a PPPK's contract start (TMT) when SIMPEG gives it: their JP ledger counts contract years (``shared.forms.jp_year``)
    contract_start: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
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
