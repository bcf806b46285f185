"""The yearly AKPK between people: proposals (usulan) of development, and every step each one took."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.needs.models.base import Base
from shared.db import UTCDateTime, utcnow


class Proposal(Base):
    """A proposed development for one ASN in a plan year: by the ASN (their own plan, agreed by the supervisor) or by
    their OPD; submitted by the OPD, validated or returned with a reason by BKPSDM (``akpk.PROPOSAL_ACTIONS``)."""

    __tablename__ = "proposals"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    nip: Mapped[str] = mapped_column(String(18), index=True)
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)  # the ASN's OPD when proposed
    origin: Mapped[str] = mapped_column(String(10))  # employee, opd
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    form: Mapped[str] = mapped_column(String(40))
    jp: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the length the JP was converted from
    estimated_cost: Mapped[int] = mapped_column(Integer, default=0)  # Rupiah
    month: Mapped[int | None] = mapped_column(Integer, nullable=True)  # when in the year it is to take place
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


class StandardCost(Base):
    """The standard cost table (SBU, standar biaya umum) of a year: what a form of development costs, in Rupiah per
    participant or per JP. Set by BKPSDM with the budget team each year."""

    __tablename__ = "standard_costs"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    form: Mapped[str] = mapped_column(String(40), primary_key=True)
    basis: Mapped[str] = mapped_column(String(12))  # participant, jp
    rupiah: Mapped[int] = mapped_column(BigInteger)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class PlanVersion(Base):
    """The year's plan as approved: version 1 the first approval, each later one a change with its reason. Its lines
    are copied when it is approved and never change."""

    __tablename__ = "plan_versions"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(100))
    approved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sbu_missing: Mapped[list] = mapped_column(JSON, default=list)  # forms the year's SBU had no cost for


class PlanLine(Base):
    """One development in an approved version: a validated proposal as it stood, with its Rupiah."""

    __tablename__ = "plan_lines"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18))
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    competency_code: Mapped[str] = mapped_column(String(40))
    form: Mapped[str] = mapped_column(String(40))
    jp: Mapped[int] = mapped_column(Integer)
    cost: Mapped[int] = mapped_column(BigInteger)  # Rupiah
    month: Mapped[int | None] = mapped_column(Integer, nullable=True)
    __table_args__ = (
        ForeignKeyConstraint(["year", "number"], ["plan_versions.year", "plan_versions.number"]),
        Index("ix_plan_lines_unit", "year", "number", "unit_code"),
    )
