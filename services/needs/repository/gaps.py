"""The gap recompute: current levels (the current-level rule) and gaps with their priority, in one INSERT … SELECT."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import (
    Numeric,
    String,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from services.needs import domain
from services.needs.models import (
    AssessmentRecord,
    Competency,
    Employee,
    Gap,
    JpCredit,
    Position,
    PriorityCompetency,
    PriorityTarget,
    StrategicPriority,
)
from services.needs.repository.standards import standard_cte
from shared.db import among, on_postgresql, planned_for_its_values


@dataclasses.dataclass(frozen=True)
class GapPolicy:
    """The configurable parts of the gap rule (from NeedsSettings)."""

    jp_rules: Mapping[str, tuple[int, int]] = dataclasses.field(
        default_factory=lambda: {"PNS": (20, 0), "PPPK": (0, 24)}
    )  # employment kind → (annual JP target, cap)
    valid_since: dt.date | None = None  # assessments before this day give way to any recent one


def _sql_max_min(session: Session):
    if on_postgresql(session):
        return func.greatest, func.least
    return func.max, func.min  # SQLite's scalar max()/min() of several arguments


def priority_weights(session: Session, year: int) -> dict[str, float]:
    """competency → its weight in the year's strategic priorities (the largest of the themes naming it)."""
    rows = session.execute(
        select(PriorityCompetency.competency_code, func.max(StrategicPriority.weight))
        .join(StrategicPriority, StrategicPriority.id == PriorityCompetency.priority_id)
        .where(StrategicPriority.plan_year == year)
        .group_by(PriorityCompetency.competency_code)
    )
    return {code: float(weight) for code, weight in rows}


def priority_targets(session: Session, year: int) -> set[tuple]:
    """The target levels of the year's themes: (competency, level, class, OPD, position, theme) each."""
    rows = session.execute(
        select(
            PriorityTarget.competency_code,
            PriorityTarget.level,
            PriorityTarget.position_class,
            PriorityTarget.unit_code,
            PriorityTarget.position_code,
            StrategicPriority.code,
        )
        .join(StrategicPriority, StrategicPriority.id == PriorityTarget.priority_id)
        .where(StrategicPriority.plan_year == year)
    )
    return {tuple(row) for row in rows}


def current_level_cte(
    session: Session,
    nips: Sequence[str] | None = None,
    competencies: Sequence[str] | None = None,
    valid_since: dt.date | None = None,
):
    """The level that counts per (employee, competency), by the current-level rule (``domain.current_level``):
    recent first, then the stronger source, then the most recent; self-assessments never count."""
    rank = case(domain.SOURCE_RANK, value=AssessmentRecord.source, else_=99)
    order = [rank, AssessmentRecord.assessed_on.desc(), AssessmentRecord.recorded_at.desc()]
    if valid_since is not None:
        order.insert(0, case((AssessmentRecord.assessed_on >= valid_since, 0), else_=1))
    ranked = select(
        AssessmentRecord.nip,
        AssessmentRecord.competency_code,
        AssessmentRecord.level,
        func.row_number()
        .over(partition_by=(AssessmentRecord.nip, AssessmentRecord.competency_code), order_by=order)
        .label("rn"),
    ).where(AssessmentRecord.source.in_(domain.COUNTED_SOURCES))
    if nips is not None:
        ranked = ranked.where(among(session, AssessmentRecord.nip, nips))
    if competencies is not None:
        ranked = ranked.where(among(session, AssessmentRecord.competency_code, competencies))
    ranked = ranked.cte("ranked")
    return select(ranked.c.nip, ranked.c.competency_code, ranked.c.level).where(ranked.c.rn == 1).cte("current")


def _weights_cte(year: int):
    """Each competency's strategic weight in ``year``: the highest of the priorities that name it."""
    return (
        select(PriorityCompetency.competency_code, func.max(StrategicPriority.weight).label("weight"))
        .join(StrategicPriority, StrategicPriority.id == PriorityCompetency.priority_id)
        .where(StrategicPriority.plan_year == year)
        .group_by(PriorityCompetency.competency_code)
        .cte("weights")
    )


def _realised_cte(session: Session, year: int, nips: Sequence[str] | None):
    """The JP each employee (of ``nips``) has realised in ``year``."""
    realised = (
        select(JpCredit.nip, func.sum(JpCredit.jp).label("jp")).where(JpCredit.year == year).group_by(JpCredit.nip)
    )
    if nips is not None:
        realised = realised.where(among(session, JpCredit.nip, nips))
    return realised.cte("realised")


def required_cte(
    session: Session, year: int, nips: Sequence[str] | None = None, competencies: Sequence[str] | None = None
):
    """What each active employee is measured against in ``year``, per competency: the higher of their position's
    effective standard and the targets of the year's themes that name them (by class, OPD, position, or all); on a
    tie the standard. ``priority_code`` names the theme when its target is the higher."""
    standard = standard_cte()
    from_standard = select(
        Employee.nip,
        standard.c.competency_code,
        standard.c.required_level.label("level"),
        literal(None, String).label("priority_code"),
    ).join(standard, standard.c.position_code == Employee.position_code)
    applies = and_(
        or_(PriorityTarget.position_class.is_(None), PriorityTarget.position_class == Position.position_class),
        or_(PriorityTarget.unit_code.is_(None), PriorityTarget.unit_code == Employee.unit_code),
        or_(PriorityTarget.position_code.is_(None), PriorityTarget.position_code == Employee.position_code),
    )
    from_themes = (
        select(Employee.nip, PriorityTarget.competency_code, PriorityTarget.level, StrategicPriority.code)
        .join(Position, Position.code == Employee.position_code)
        .join(PriorityTarget, applies)
        .join(StrategicPriority, StrategicPriority.id == PriorityTarget.priority_id)
        .where(StrategicPriority.plan_year == year)
    )
    parts = []
    for part, competency in (
        (from_standard, standard.c.competency_code),
        (from_themes, PriorityTarget.competency_code),
    ):
        part = part.where(Employee.active.is_(True))
        if nips is not None:
            part = part.where(among(session, Employee.nip, nips))
        if competencies is not None:
            part = part.where(among(session, competency, competencies))
        parts.append(part)
    levels = union_all(*parts).cte("levels")
    ranked = select(
        levels,
        func.row_number()
        .over(
            partition_by=(levels.c.nip, levels.c.competency_code),
            order_by=(levels.c.level.desc(), levels.c.priority_code.asc().nulls_first()),
        )
        .label("rn"),
    ).cte("ranked_levels")
    return (
        select(ranked.c.nip, ranked.c.competency_code, ranked.c.level.label("required_level"), ranked.c.priority_code)
        .where(ranked.c.rn == 1)
        .cte("required")
    )


def gap_query(
    session: Session,
    year: int,
    policy: GapPolicy,
    nips: Sequence[str] | None = None,
    competencies: Sequence[str] | None = None,
):
    """One row per active employee and competency they are measured against (``required_cte``), with gap and
    priority (of ``competencies`` only, when given: a row depends on its own competency alone)."""
    maximum, _ = _sql_max_min(session)
    required = required_cte(session, year, nips, competencies)
    current = current_level_cte(session, nips, competencies, policy.valid_since)
    weights, realised = _weights_cte(year), _realised_cte(session, year, nips)
    current_level = current.c.level  # NULL: unassessed; its gap is unknown, counted as 0 (assess first)
    target = case(*[(Employee.employment_status == kind, rule[0]) for kind, rule in policy.jp_rules.items()], else_=0)
    gap = func.coalesce(domain.gap(required.c.required_level, current_level, maximum), 0)
    shortfall = domain.jp_shortfall(func.coalesce(realised.c.jp, 0), target, maximum)
    weight = func.coalesce(weights.c.weight, 0.0)
    priority = func.round(
        cast(domain.priority_score(gap, weight, shortfall, domain.priority_scale(policy.jp_rules)), Numeric), 2
    )
    return (
        select(
            literal(year).label("year"),
            Employee.nip,
            required.c.competency_code,
            Employee.unit_code,
            Competency.group.label("competency_group"),
            required.c.required_level,
            current_level.label("current_level"),
            current.c.level.is_not(None).label("assessed"),
            gap.label("gap"),
            weight.label("strategic_weight"),
            shortfall.label("jp_shortfall"),
            priority.label("priority_score"),
            required.c.priority_code,
        )
        .select_from(required)
        .join(Employee, Employee.nip == required.c.nip)
        .join(Competency, Competency.code == required.c.competency_code)
        .outerjoin(
            current, and_(current.c.nip == Employee.nip, current.c.competency_code == required.c.competency_code)
        )
        .outerjoin(weights, weights.c.competency_code == required.c.competency_code)
        .outerjoin(realised, realised.c.nip == Employee.nip)
        .where(Competency.active.is_(True))
    )


GAP_COLUMNS = [
    "year",
    "nip",
    "competency_code",
    "unit_code",
    "competency_group",
    "required_level",
    "current_level",
    "assessed",
    "gap",
    "strategic_weight",
    "jp_shortfall",
    "priority_score",
    "priority_code",
]


def rebuild_gaps(
    session: Session,
    year: int,
    policy: GapPolicy,
    nips: Sequence[str] | None = None,
    competencies: Sequence[str] | None = None,
    analyze: bool | None = None,
) -> int:
    """Replace the gap rows of ``year`` (for ``nips`` or everyone; of ``competencies`` or all) by a fresh
    computation: one INSERT … SELECT. Returns the rows written. ``analyze`` (default: for more than 1,000 ASN)
    refreshes the planner's statistics afterwards; a run in chunks asks it of its first chunk only."""
    planned_for_its_values(session)  # its statements and the needs' that follow, each chunk of a run alike
    wipe = delete(Gap).where(Gap.year == year)
    if nips is not None:
        wipe = wipe.where(among(session, Gap.nip, nips))
    if competencies is not None:
        wipe = wipe.where(among(session, Gap.competency_code, competencies))
    session.execute(wipe)
    written = session.execute(
        insert(Gap)
        .from_select(GAP_COLUMNS, gap_query(session, year, policy, nips, competencies))
        .execution_options(preserve_rowcount=True)
    ).rowcount
    if analyze if analyze is not None else (nips is None or len(nips) > 1000):
        refresh_statistics(session)
    return written


def refresh_statistics(session: Session) -> None:
    """Fresh statistics of gaps and needs, or the planner takes a freshly filled table for empty (nested loops over
    millions). A few hundred milliseconds at 100,000 ASN: after a big fill, not after every chunk of one."""
    if on_postgresql(session):
        session.execute(text("ANALYZE gaps"))
        session.execute(text("ANALYZE needs"))
