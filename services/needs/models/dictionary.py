"""What the region asks: the competency dictionary, the standards of classes and positions, the year's themes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.needs.models.base import Base
from shared.db import UTCDateTime, utcnow


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
