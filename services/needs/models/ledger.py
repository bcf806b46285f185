"""The JP ledger: credits, development outside Bangkom claimed and verified, the history owed to SIMPEG."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Date,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.needs.models.base import Base
from shared.db import UTCDateTime, utcnow
from shared.due import DueWorkMixin


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
    certificate_number: Mapped[str | None] = mapped_column(String(100), nullable=True)  # counted once per ASN
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    __table_args__ = (
        Index("ix_jp_credits_year_nip", "year", "nip"),
        Index("ix_jp_credits_nip_certificate", "nip", "certificate_number"),
    )


class ExternalDevelopment(Base):
    """Development outside Bangkom, claimed with a certificate: submitted → verified (ExternalDevelopmentVerified
    credits it, with the JP and levels BKPSDM set) or rejected; verified → withdrawn (its JP and levels taken back)."""

    __tablename__ = "external_development"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), index=True)
    form: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    organiser: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    jp: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the length the JP was converted from
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
    claimed_jp: Mapped[int | None] = mapped_column(Integer, nullable=True)  # what the ASN claimed, when BKPSDM
    claimed_competencies: Mapped[list | None] = mapped_column(JSON, nullable=True)  # verified other values
    certificate_ref: Mapped[str | None] = mapped_column(String(260), nullable=True, index=True)  # number@issuer
    duplicate_of: Mapped[str | None] = mapped_column(String(80), nullable=True)  # a claim or credit of that certificate
    withdrawn_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (Index("ix_external_development_status", "status", "submitted_at"),)


class SimpegHistory(DueWorkMixin, Base):
    """A completed training owed to SIMPEG's training history, and whether it went through."""

    __tablename__ = "simpeg_history"
    enrollment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18))
    record: Mapped[dict] = mapped_column(JSON)  # the rw-kursus or rw-diklat record, SIASN field names
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, sent, failed
    simpeg_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    __table_args__ = (
        Index("ix_simpeg_history_nip", "nip"),
        Index("ix_simpeg_history_due", "status", "next_attempt_at"),
    )
