"""The yearly AKPK between people: proposals (usulan) of development, and every step each one took."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.needs.models.base import Base
from shared.db import UTCDateTime, utcnow


class Proposal(Base):
    """A proposed development for one ASN in a plan year: by the ASN (their own plan, agreed by the supervisor) or by
    their OPD; submitted by the OPD, validated or returned with a reason by BKPSDM (``domain.PROPOSAL_ACTIONS``)."""

    __tablename__ = "proposals"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    nip: Mapped[str] = mapped_column(String(18), index=True)
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)  # the ASN's OPD when proposed
    origin: Mapped[str] = mapped_column(String(10))  # employee, opd
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    form: Mapped[str] = mapped_column(String(40))
    jp: Mapped[int] = mapped_column(Integer)
    estimated_cost: Mapped[int] = mapped_column(Integer, default=0)  # Rupiah
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="draft")
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # the last return's or withdrawal's
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    __table_args__ = (Index("ix_proposals_year_unit_status", "year", "unit_code", "status"),)


class ProposalStep(Base):
    """Who did what to a proposal, when, and why: its history, never changed."""

    __tablename__ = "proposal_steps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(12))  # propose, agree, submit, validate, return, withdraw
    from_status: Mapped[str | None] = mapped_column(String(12), nullable=True)
    to_status: Mapped[str] = mapped_column(String(12))
    by: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
