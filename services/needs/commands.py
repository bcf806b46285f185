"""What the needs handlers are asked to do, typed: the HTTP layer's schemas make these (``post_load``), so the two agree
by type, not by the keys of a dict. Pure data: no Flask, SQLAlchemy or Kafka. (Employee records arrive as raw rows on
purpose: each row is validated on its own, and a bad one is reported, not the whole request refused.)"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class CompetencyChange:
    """A competency of the dictionary as BKPSDM edits it: five level descriptors, level 1 first."""

    name: str
    group: str
    level_descriptors: tuple[str, ...]
    description: str = ""
    active: bool = True

    def columns(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "level_descriptors": list(self.level_descriptors)}


@dataclass(frozen=True, kw_only=True)
class CompetencyDetails(CompetencyChange):
    """A new competency: its code too."""

    code: str


@dataclass(frozen=True, kw_only=True)
class PriorityTarget:
    """A level a theme asks of a competency, for the positions of a class, of an OPD, one position (or, none of them
    named, every ASN)."""

    competency_code: str
    level: int
    position_class: str | None = None
    unit_code: str | None = None
    position_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class Priority:
    """A theme of the year's vision and mission, the competencies it weighs (0 to 1) and the levels it asks."""

    code: str
    name: str
    weight: float
    competencies: tuple[str, ...]
    description: str = ""
    targets: tuple[PriorityTarget, ...] = ()


@dataclass(frozen=True, kw_only=True)
class StandardLevel:
    """A competency a standard requires, at a level (a position's override may say 0: not required)."""

    competency_code: str
    required_level: int


@dataclass(frozen=True, kw_only=True)
class PositionChange:
    """A position (jabatan) as BKPSDM edits it."""

    name: str
    position_class: str


@dataclass(frozen=True, kw_only=True)
class PositionDetails(PositionChange):
    """A new position: its code too."""

    code: str


@dataclass(frozen=True, kw_only=True)
class Assessment:
    """A level an ASN was assessed at, by a source (``domain.SOURCES``), on a day, with its evidence."""

    competency_code: str
    level: int
    source: str
    assessed_on: dt.date
    evidence: str = ""
    assessor_nip: str | None = None


@dataclass(frozen=True, kw_only=True)
class ProposalDetails:
    """A proposed development (usulan) for one ASN in a plan year: the form, the competency, its JP and what it will
    probably cost (Rupiah)."""

    year: int
    nip: str
    competency_code: str
    form: str
    jp: int | None  # None: counted from ``quantity`` by the JP conversion table
    quantity: int | None = None  # the length in the form's unit, where it is not counted in JP
    estimated_cost: int | None = None  # None: by the year's standard cost table (SBU)
    month: int | None = None  # when in the year (1–12), for the plan's calendar
    note: str = ""
