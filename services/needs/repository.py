"""Set-based queries of the needs service: the gap recompute and the read models behind the API.

Everything here works on many employees at once in SQL (PostgreSQL in production and tests, SQLite
for the embedded demo). The arithmetic comes from ``domain`` so that SQL and Python agree.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Numeric,
    String,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from services.needs import domain
from services.needs.models import (
    AssessmentRecord,
    ClassStandard,
    Competency,
    Employee,
    Gap,
    JpCredit,
    Need,
    Position,
    PositionStandard,
    PriorityCompetency,
    ServiceYear,
    StrategicPriority,
)
from shared.db import UnitOfWork, UTCDateTime, among, on_postgresql, upsert_insert, utcnow
from shared.events import Event, new_event
from shared.outbox import publish_rows


@dataclasses.dataclass(frozen=True)
class GapPolicy:
    """The configurable parts of the gap rule (from NeedsSettings)."""

    jp_rules: Mapping[str, tuple[int, int]] = dataclasses.field(
        default_factory=lambda: {"PNS": (20, 0), "PPPK": (0, 24)}
    )  # employment kind → (annual JP target, cap)
    missing_assessment_level: int = 1


def _sql_max_min(session: Session):
    if on_postgresql(session):
        return func.greatest, func.least
    return func.max, func.min  # SQLite's scalar max()/min() of several arguments


def standard_cte():
    """The effective standard of every position: its class default, overridden by its own entries."""
    overridden = exists().where(
        PositionStandard.position_code == Position.code,
        PositionStandard.competency_code == ClassStandard.competency_code,
    )
    from_class = (
        select(
            Position.code.label("position_code"),
            ClassStandard.competency_code.label("competency_code"),
            ClassStandard.required_level.label("required_level"),
        )
        .join(ClassStandard, ClassStandard.position_class == Position.position_class)
        .where(~overridden)
    )
    own = select(
        PositionStandard.position_code, PositionStandard.competency_code, PositionStandard.required_level
    ).where(PositionStandard.required_level > 0)
    return union_all(from_class, own).cte("standard")


def effective_standard(session: Session, position_codes: Iterable[str]) -> dict[tuple[str, str], int]:
    """(position, competency) → required level, of the given positions' effective standards."""
    standard = standard_cte()
    rows = session.execute(
        select(standard.c.position_code, standard.c.competency_code, standard.c.required_level).where(
            standard.c.position_code.in_(list(position_codes))
        )
    )
    return {(row.position_code, row.competency_code): row.required_level for row in rows}


def changed_competencies(before: Mapping[tuple[str, str], int], after: Mapping[tuple[str, str], int]) -> list[str]:
    """The competencies whose required level differs (added, removed or changed) between two standards."""
    return sorted({key[1] for key in set(before) | set(after) if before.get(key) != after.get(key)})


def active_employee_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Employee).where(Employee.active.is_(True)))


def all_concerned_nips(session: Session) -> list[str]:
    """Everyone a recompute of the whole city concerns: the employees, and whoever still holds an active need."""
    with_needs = select(Need.nip).where(Need.status != "closed")
    return sorted(session.scalars(union(select(Employee.nip), with_needs)))


def priority_weights(session: Session, year: int) -> dict[str, float]:
    """competency → its weight in the year's strategic priorities (the largest of the themes naming it)."""
    rows = session.execute(
        select(PriorityCompetency.competency_code, func.max(StrategicPriority.weight))
        .join(StrategicPriority, StrategicPriority.id == PriorityCompetency.priority_id)
        .where(StrategicPriority.plan_year == year)
        .group_by(PriorityCompetency.competency_code)
    )
    return {code: float(weight) for code, weight in rows}


def holders_of_competency(session: Session, code: str, limit: int | None = None) -> list[str]:
    """The employees a change of one competency concerns: whose position's standard names it, or who hold a gap in
    it (computed while it was in their standard); with ``limit``, all of them if fewer, else at least ``limit``
    (enough to know there are more)."""
    standard = standard_cte()
    by_standard = (
        select(Employee.nip)
        .join(standard, standard.c.position_code == Employee.position_code)
        .where(standard.c.competency_code == code)
    )
    by_gap = select(Gap.nip).where(Gap.competency_code == code)
    if limit is None:
        return list(session.scalars(union(by_standard, by_gap)))
    # UNION ALL stops at its limit where UNION must first read everyone to drop the doubles; a NIP appears at most
    # twice, so 2·limit rows read without reaching the end mean more than ``limit`` distinct employees
    return list(dict.fromkeys(session.scalars(union_all(by_standard, by_gap).limit(2 * limit))))


def current_level_cte(session: Session, nips: Sequence[str] | None = None, competencies: Sequence[str] | None = None):
    """The level that counts per (employee, competency): best source rank, then the most recent."""
    rank = case(domain.SOURCE_RANK, value=AssessmentRecord.source, else_=99)
    ranked = select(
        AssessmentRecord.nip,
        AssessmentRecord.competency_code,
        AssessmentRecord.level,
        func.row_number()
        .over(
            partition_by=(AssessmentRecord.nip, AssessmentRecord.competency_code),
            order_by=(rank, AssessmentRecord.assessed_on.desc(), AssessmentRecord.recorded_at.desc()),
        )
        .label("rn"),
    )
    if nips is not None:
        ranked = ranked.where(among(session, AssessmentRecord.nip, nips))
    if competencies is not None:
        ranked = ranked.where(among(session, AssessmentRecord.competency_code, competencies))
    ranked = ranked.cte("ranked")
    return select(ranked.c.nip, ranked.c.competency_code, ranked.c.level).where(ranked.c.rn == 1).cte("current")


def gap_query(
    session: Session,
    year: int,
    policy: GapPolicy,
    nips: Sequence[str] | None = None,
    competencies: Sequence[str] | None = None,
):
    """One row per active employee and competency of their position's standard, with gap and priority (of
    ``competencies`` only, when given: a row depends on its own competency alone)."""
    maximum, _ = _sql_max_min(session)
    standard = standard_cte()
    current = current_level_cte(session, nips, competencies)
    weights = (
        select(PriorityCompetency.competency_code, func.max(StrategicPriority.weight).label("weight"))
        .join(StrategicPriority, StrategicPriority.id == PriorityCompetency.priority_id)
        .where(StrategicPriority.plan_year == year)
        .group_by(PriorityCompetency.competency_code)
        .cte("weights")
    )
    realised = (
        select(JpCredit.nip, func.sum(JpCredit.jp).label("jp")).where(JpCredit.year == year).group_by(JpCredit.nip)
    )
    if nips is not None:
        realised = realised.where(among(session, JpCredit.nip, nips))
    realised = realised.cte("realised")

    current_level = func.coalesce(current.c.level, policy.missing_assessment_level)
    target = case(*[(Employee.employment_status == kind, rule[0]) for kind, rule in policy.jp_rules.items()], else_=0)
    gap = domain.gap(standard.c.required_level, current_level, maximum)
    shortfall = domain.jp_shortfall(func.coalesce(realised.c.jp, 0), target, maximum)
    weight = func.coalesce(weights.c.weight, 0.0)
    priority = func.round(
        cast(domain.priority_score(gap, weight, shortfall, domain.priority_scale(policy.jp_rules)), Numeric), 2
    )
    query = (
        select(
            literal(year).label("year"),
            Employee.nip,
            standard.c.competency_code,
            Employee.unit_code,
            Competency.group.label("competency_group"),
            standard.c.required_level,
            current_level.label("current_level"),
            current.c.level.is_not(None).label("assessed"),
            gap.label("gap"),
            weight.label("strategic_weight"),
            shortfall.label("jp_shortfall"),
            priority.label("priority_score"),
        )
        .join(standard, standard.c.position_code == Employee.position_code)
        .join(Competency, Competency.code == standard.c.competency_code)
        .outerjoin(
            current, and_(current.c.nip == Employee.nip, current.c.competency_code == standard.c.competency_code)
        )
        .outerjoin(weights, weights.c.competency_code == standard.c.competency_code)
        .outerjoin(realised, realised.c.nip == Employee.nip)
        .where(Employee.active.is_(True), Competency.active.is_(True))
    )
    if nips is not None:
        query = query.where(among(session, Employee.nip, nips))
    if competencies is not None:
        query = query.where(among(session, standard.c.competency_code, competencies))
    return query


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
]


@dataclasses.dataclass
class RecomputeReport:
    year: int
    employees: int | None  # None: all
    gap_rows: int = 0
    needs_opened: int = 0
    needs_updated: int = 0
    needs_closed: dict[str, int] = dataclasses.field(default_factory=dict)


def rebuild_gaps(
    session: Session,
    year: int,
    policy: GapPolicy,
    nips: Sequence[str] | None = None,
    competencies: Sequence[str] | None = None,
) -> int:
    """Replace the gap rows of ``year`` (for ``nips`` or everyone; of ``competencies`` or all) by a fresh
    computation: one INSERT … SELECT. Returns the rows written."""
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
    if on_postgresql(session) and (nips is None or len(nips) > 1000):
        # fresh statistics, or the planner takes the freshly filled table for empty (nested loops over millions)
        session.execute(text("ANALYZE gaps"))
        session.execute(text("ANALYZE needs"))
    return written


def sync_needs(
    session: Session,
    year: int,
    nips: Sequence[str] | None,
    report: RecomputeReport,
    left_standard: str = "position_changed",
    outbox: UnitOfWork | None = None,
    competencies: Sequence[str] | None = None,
) -> list[Event]:
    """Bring the needs of ``year`` in line with its gap rows; return the events to publish.

    With ``outbox`` (the command's unit of work) the events are published through it instead, in order (the
    closed, then the opened), and on PostgreSQL the events of the needs opened are written by the database in the
    statement that opens them (``shared.outbox.publish_rows``): a need opened then costs no Python object.

    Active needs take the new figures; a need whose employee left or became inactive is closed as
    ``cancelled``, one whose competency left the standard as ``left_standard`` (``position_changed`` or
    ``standard_removed``), one whose gap is 0 as ``gap_closed``; a gap without an active need opens one.
    """
    in_scope = [Need.year == year, Need.status != "closed"]
    if nips is not None:
        in_scope.append(among(session, Need.nip, nips))
    if competencies is not None:
        in_scope.append(among(session, Need.competency_code, competencies))
    events: list[Event] = []
    now = utcnow()

    same_gap = [Gap.year == Need.year, Gap.nip == Need.nip, Gap.competency_code == Need.competency_code]
    if nips is not None:
        same_gap.append(among(session, Gap.nip, nips))  # the gaps probed by their key, not all of the year's joined
    if competencies is not None:
        same_gap.append(among(session, Gap.competency_code, competencies))
    changed = or_(
        Need.required_level.is_distinct_from(Gap.required_level),
        Need.current_level.is_distinct_from(Gap.current_level),
        Need.gap.is_distinct_from(Gap.gap),
        Need.priority_score.is_distinct_from(Gap.priority_score),
        Need.unit_code.is_distinct_from(Gap.unit_code),
    )
    updated = session.execute(
        update(Need)
        .where(*in_scope, *same_gap, changed)  # only what changed is written
        .values(
            required_level=Gap.required_level,
            current_level=Gap.current_level,
            gap=Gap.gap,
            priority_score=Gap.priority_score,
            unit_code=Gap.unit_code,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    report.needs_updated = updated.rowcount

    if nips is None:
        active_employee = exists().where(Employee.nip == Need.nip, Employee.active.is_(True))
    else:  # the few who left, looked up first: as a subquery the planner hashes every employee of the city
        staying = set(session.scalars(select(Employee.nip).where(among(session, Employee.nip, nips), Employee.active)))
        active_employee = ~among(session, Need.nip, sorted(set(nips) - staying))
    gap_row = exists().where(Gap.year == Need.year, Gap.nip == Need.nip, Gap.competency_code == Need.competency_code)
    gap_met = exists().where(
        Gap.year == Need.year, Gap.nip == Need.nip, Gap.competency_code == Need.competency_code, Gap.gap == 0
    )
    # one UPDATE for the three reasons, the first that holds (in this order) named
    reason = case(
        (~active_employee, literal("cancelled")), (~gap_row, literal(left_standard)), (gap_met, literal("gap_closed"))
    )
    closing = (
        update(Need)
        .where(*in_scope, or_(~active_employee, ~gap_row, gap_met))
        .values(status="closed", closed_reason=reason, closed_at=now, updated_at=now)
        .returning(Need.id, Need.nip, Need.competency_code, Need.closed_reason)
        .execution_options(synchronize_session=False)
    )
    if outbox is not None and on_postgresql(session):
        closed_rows = closing.cte("closed")
        counts = publish_rows(
            outbox,
            "DevelopmentNeedClosed",
            closed_rows,
            {
                "need_id": closed_rows.c.id,
                "nip": closed_rows.c.nip,
                "competency_code": closed_rows.c.competency_code,
                "reason": closed_rows.c.closed_reason,
            },
            count_by=closed_rows.c.closed_reason,
        )
    else:
        closed = session.execute(closing).all()
        counts = Counter(row.closed_reason for row in closed)
        events.extend(need_closed_event(row.id, row.nip, row.competency_code, row.closed_reason) for row in closed)
    report.needs_closed = {name: counts.get(name, 0) for name in ("cancelled", left_standard, "gap_closed")}

    opened_columns = (
        Need.id,
        Need.nip,
        Need.competency_code,
        Need.competency_group,
        Need.required_level,
        Need.current_level,
        Need.gap,
        Need.priority_score,
        Need.year,
    )
    candidates = select(
        _new_uuid(session),
        Gap.nip,
        Gap.competency_code,
        Gap.year,
        literal("open"),
        Gap.unit_code,
        Gap.competency_group,
        Gap.required_level,
        Gap.current_level,
        Gap.gap,
        Gap.priority_score,
        literal(now, UTCDateTime()),
        literal(now, UTCDateTime()),
    ).where(Gap.year == year, Gap.gap > 0)
    if nips is not None:
        candidates = candidates.where(among(session, Gap.nip, nips))
    if competencies is not None:
        candidates = candidates.where(among(session, Gap.competency_code, competencies))
    # A gap that already has an active need conflicts on the partial unique index uq_needs_active and
    # is skipped: one index probe per row, where a NOT EXISTS on the table being filled rescans it.
    opening = (
        upsert_insert(session)(Need)
        .from_select(
            [
                "id",
                "nip",
                "competency_code",
                "year",
                "status",
                "unit_code",
                "competency_group",
                "required_level",
                "current_level",
                "gap",
                "priority_score",
                "opened_at",
                "updated_at",
            ],
            candidates,
        )
        .on_conflict_do_nothing(
            index_elements=["nip", "competency_code", "year"], index_where=text("status <> 'closed'")
        )
        .returning(*opened_columns)
    )
    if outbox is not None:
        outbox.publish_all(events)  # SQLite's closed, before the opened
        events = []
    if outbox is not None and on_postgresql(session):
        opened_rows = opening.cte("opened")
        report.needs_opened = publish_rows(
            outbox,
            "DevelopmentNeedIdentified",
            opened_rows,
            {
                "need_id": opened_rows.c.id,
                "nip": opened_rows.c.nip,
                "competency_code": opened_rows.c.competency_code,
                "competency_type": opened_rows.c.competency_group,
                "required_level": opened_rows.c.required_level,
                "current_level": opened_rows.c.current_level,
                "gap": opened_rows.c.gap,
                "priority_score": opened_rows.c.priority_score,
                "plan_year": opened_rows.c.year,
            },
        )
    else:
        opened = session.execute(opening).all()
        opened_events = [need_identified_event(row._mapping, validate=False) for row in opened]
        if outbox is not None:
            outbox.publish_all(opened_events)
        else:
            events.extend(opened_events)
        report.needs_opened = len(opened)
    if on_postgresql(session) and report.needs_opened > 10_000:
        # fresh statistics for what was just filled, or the next recompute of a few ASN plans for an empty table
        # (scanning every need of the year instead of probing the ASN's own: seen at 1,000 holders, 0.6 s → …)
        session.execute(text("ANALYZE needs"))
    return events


def _new_uuid(session: Session):
    """A random id made by the database, for set-based inserts."""
    if on_postgresql(session):
        return cast(func.gen_random_uuid(), String)
    return func.lower(func.hex(func.randomblob(16)))


def need_identified_event(need: Any, validate: bool = True) -> Event:
    get = need.get if isinstance(need, Mapping) else lambda key: getattr(need, key)
    return new_event(
        "DevelopmentNeedIdentified",
        {
            "need_id": get("id"),
            "nip": get("nip"),
            "competency_code": get("competency_code"),
            "competency_type": get("competency_group"),
            "required_level": get("required_level"),
            "current_level": get("current_level"),
            "gap": get("gap"),
            "priority_score": get("priority_score"),
            "plan_year": get("year"),
        },
        validate=validate,
    )


def need_closed_event(need_id: str, nip: str, competency_code: str, reason: str) -> Event:
    return new_event(
        "DevelopmentNeedClosed",
        {"need_id": need_id, "nip": nip, "competency_code": competency_code, "reason": reason},
    )


def years_with_active_needs(
    session: Session, nips: Iterable[str], competencies: Sequence[str] | None = None
) -> set[int]:
    query = select(Need.year).where(among(session, Need.nip, nips), Need.status.in_(domain.ACTIVE_NEED_STATUSES))
    if competencies is not None:
        query = query.where(among(session, Need.competency_code, competencies))
    return set(session.scalars(query.distinct()))


def set_need_status(
    session: Session, nip: str, competencies: Sequence[str], from_statuses: Sequence[str], to_status: str
) -> list[Need]:
    """Move the active needs of one employee for some competencies (any year) from some statuses to another."""
    needs = list(
        session.scalars(
            select(Need).where(
                Need.nip == nip, Need.competency_code.in_(list(competencies)), Need.status.in_(list(from_statuses))
            )
        )
    )
    for need in needs:
        need.status = to_status
        need.updated_at = utcnow()
    return needs


def positions_by_code(session: Session, codes: Iterable[str]) -> dict[str, Position]:
    return {p.code: p for p in session.scalars(select(Position).where(Position.code.in_(list(codes))))}


def credited_jp(session: Session, nip: str, year: int) -> int:
    """The JP in an employee's ledger for a year, from every source."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(JpCredit.jp), 0)).where(JpCredit.nip == nip, JpCredit.year == year)
        )
    )


def record_service_years(session: Session, year: int, nips: Sequence[str]) -> None:
    """Insert or overwrite the (year, nip) lines of service from the employees' records: the last state seen in a
    year is that year's. One statement; a line that is already so is not written again."""
    if not nips:
        return
    columns = ("unit_code", "unit_name", "position_code", "employment_status", "active")
    statement = upsert_insert(session)(ServiceYear).from_select(
        ["year", "nip", *columns],
        select(literal(year), Employee.nip, *(getattr(Employee, c) for c in columns)).where(
            among(session, Employee.nip, nips)
        ),
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["year", "nip"],
            set_={c: getattr(statement.excluded, c) for c in columns},
            where=or_(*(getattr(ServiceYear, c).is_distinct_from(getattr(statement.excluded, c)) for c in columns)),
        )
    )


def employee_records(session: Session, nips: Sequence[str]) -> dict[str, dict[str, Any]]:
    """nip → the employee's fields (``domain.EMPLOYEE_FIELDS``) as a plain dict, of those that exist."""
    columns = [getattr(Employee, field) for field in domain.EMPLOYEE_FIELDS]
    rows = session.execute(select(Employee.nip, *columns).where(among(session, Employee.nip, nips)))
    return {row.nip: {field: getattr(row, field) for field in domain.EMPLOYEE_FIELDS} for row in rows}


def employees_by_nip(session: Session, nips: Sequence[str]) -> dict[str, Employee]:
    return {e.nip: e for e in session.scalars(select(Employee).where(Employee.nip.in_(list(nips))))}


def existing_codes(session: Session, column, values: Iterable[str]) -> set[str]:
    values = {v for v in values if v is not None}
    if not values:
        return set()
    return set(session.scalars(select(column).where(column.in_(values))))
