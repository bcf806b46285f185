"""The needs in line with the gaps: updated, closed with their reason, opened; their events."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    UUID,
    String,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from services.needs import domain
from services.needs.models import (
    Employee,
    Gap,
    Need,
)
from shared.db import UnitOfWork, UTCDateTime, among, on_postgresql, upsert_insert, utcnow
from shared.events import Event, derived_prefix, new_event
from shared.outbox import publish_rows


def _within(session: Session, nip_column, competency_column, nips, competencies) -> list:
    """The conditions that keep a statement to ``nips`` and ``competencies`` (``None``: all)."""
    conditions = []
    if nips is not None:
        conditions.append(among(session, nip_column, nips))
    if competencies is not None:
        conditions.append(among(session, competency_column, competencies))
    return conditions


@dataclasses.dataclass
class RecomputeReport:
    year: int
    employees: int | None  # None: all
    gap_rows: int = 0
    needs_opened: int = 0
    needs_updated: int = 0
    needs_closed: dict[str, int] = dataclasses.field(default_factory=dict)


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
    ``standard_removed``), one whose gap is 0 as ``gap_closed``, one whose level no counted source gives any more
    (only a self-assessment: assess first) as ``unassessed``; a gap without an active need opens one.
    """
    in_scope = [
        Need.year == year,
        Need.status != "closed",
        *_within(session, Need.nip, Need.competency_code, nips, competencies),
    ]
    gaps_in_scope = _within(session, Gap.nip, Gap.competency_code, nips, competencies)
    now = utcnow()
    report.needs_updated, events = _update_needs(session, in_scope, gaps_in_scope, outbox, now)
    events += _close_needs(session, in_scope, nips, report, left_standard, outbox, now)
    if outbox is not None:
        outbox.publish_all(events)  # SQLite's closed, before the opened
        events = []
    events += _open_needs(session, year, gaps_in_scope, report, outbox, now)
    if on_postgresql(session) and report.needs_opened > 10_000:
        # fresh statistics for what was just filled, or the next recompute of a few ASN plans for an empty table
        # (scanning every need of the year instead of probing the ASN's own: seen at 1,000 holders, 0.6 s → …)
        session.execute(text("ANALYZE needs"))
    return events


def _update_needs(session: Session, in_scope: list, gaps_in_scope: list, outbox, now) -> tuple[int, list[Event]]:
    """Active needs take their gap row's new figures; only what changed is written, each change announced with
    ``DevelopmentNeedUpdated`` (so that the training service's pool ranks by today's figures). Returns how many, and
    the events not yet published (without ``outbox``, or off PostgreSQL)."""
    # the gaps probed by their key (``gaps_in_scope``), not all of the year's joined
    same_gap = [
        Gap.year == Need.year,
        Gap.nip == Need.nip,
        Gap.competency_code == Need.competency_code,
        Gap.assessed.is_(True),  # an unassessed row closes its need (below) and gives it no figures
        *gaps_in_scope,
    ]
    changed = or_(
        Need.required_level.is_distinct_from(Gap.required_level),
        Need.current_level.is_distinct_from(Gap.current_level),
        Need.gap.is_distinct_from(Gap.gap),
        Need.priority_score.is_distinct_from(Gap.priority_score),
        Need.unit_code.is_distinct_from(Gap.unit_code),
        Need.priority_code.is_distinct_from(Gap.priority_code),
    )
    updating = (
        update(Need)
        .where(*in_scope, *same_gap, changed)
        .values(
            required_level=Gap.required_level,
            current_level=Gap.current_level,
            gap=Gap.gap,
            priority_score=Gap.priority_score,
            unit_code=Gap.unit_code,
            priority_code=Gap.priority_code,
            updated_at=now,
        )
        .returning(Need.id, Need.nip, Need.competency_code, Need.status, Need.gap, Need.priority_score, Need.year)
        .execution_options(synchronize_session=False)
    )
    if outbox is not None and on_postgresql(session):
        rows = updating.cte("updated")
        data = {name: rows.c[name] for name in ("nip", "competency_code", "status", "gap", "priority_score")}
        count = publish_rows(
            outbox, "DevelopmentNeedUpdated", rows, {"need_id": rows.c.id, **data, "plan_year": rows.c.year}
        )
        return count, []
    updated = session.execute(updating).all()
    return len(updated), [need_updated_event(row._mapping, validate=False) for row in updated]


def _close_needs(session: Session, in_scope: list, nips, report, left_standard: str, outbox, now) -> list[Event]:
    """Close the needs that no longer hold, with the first reason that holds: the employee left (``cancelled``),
    the competency left the standard (``left_standard``), the gap is met (``gap_closed``), the level is no longer
    known (``unassessed``)."""
    if nips is None:
        active_employee = exists().where(Employee.nip == Need.nip, Employee.active.is_(True))
    else:  # the few who left, looked up first: as a subquery the planner hashes every employee of the city
        staying = set(session.scalars(select(Employee.nip).where(among(session, Employee.nip, nips), Employee.active)))
        active_employee = ~among(session, Need.nip, sorted(set(nips) - staying))
    gap_row = exists().where(Gap.year == Need.year, Gap.nip == Need.nip, Gap.competency_code == Need.competency_code)
    same_row = [Gap.year == Need.year, Gap.nip == Need.nip, Gap.competency_code == Need.competency_code]
    gap_met = exists().where(*same_row, Gap.gap == 0, Gap.assessed.is_(True))
    unassessed = exists().where(*same_row, Gap.assessed.is_(False))
    reason = case(
        (~active_employee, literal("cancelled")),
        (~gap_row, literal(left_standard)),
        (gap_met, literal("gap_closed")),
        (unassessed, literal("unassessed")),
    )
    closing = (
        update(Need)
        .where(*in_scope, or_(~active_employee, ~gap_row, gap_met, unassessed))
        .values(status="closed", closed_reason=reason, closed_at=now, updated_at=now)
        .returning(Need.id, Need.nip, Need.competency_code, Need.closed_reason)
        .execution_options(synchronize_session=False)
    )
    events: list[Event] = []
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
        events = [need_closed_event(row.id, row.nip, row.competency_code, row.closed_reason) for row in closed]
    report.needs_closed = {
        name: counts.get(name, 0) for name in ("cancelled", left_standard, "gap_closed", "unassessed")
    }
    return events


NEED_COLUMNS = (
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
    "priority_code",
    "opened_at",
    "updated_at",
)


def _opening(session: Session, year: int, gaps_in_scope: list, now):
    """The INSERT … SELECT that opens a need for every gap of ``year`` without an active need, returning them."""
    candidates = select(
        _new_need_id(session),
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
        Gap.priority_code,
        literal(now, UTCDateTime()),
        literal(now, UTCDateTime()),
    ).where(Gap.year == year, Gap.gap > 0, *gaps_in_scope)
    # A gap that already has an active need conflicts on the partial unique index uq_needs_active and
    # is skipped: one index probe per row, where a NOT EXISTS on the table being filled rescans it.
    return (
        upsert_insert(session)(Need)
        .from_select(list(NEED_COLUMNS), candidates)
        .on_conflict_do_nothing(
            index_elements=["nip", "competency_code", "year"], index_where=text("status <> 'closed'")
        )
        .returning(
            Need.id,
            Need.nip,
            Need.competency_code,
            Need.competency_group,
            Need.required_level,
            Need.current_level,
            Need.gap,
            Need.priority_score,
            Need.priority_code,
            Need.year,
        )
    )


def _open_needs(session: Session, year: int, gaps_in_scope: list, report, outbox, now) -> list[Event]:
    """Open the needs of the gaps without one; their events published through ``outbox``, else returned."""
    opening = _opening(session, year, gaps_in_scope, now)
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
                "priority_code": opened_rows.c.priority_code,
            },
        )
        return []
    opened = session.execute(opening).all()
    report.needs_opened = len(opened)
    events = [need_identified_event(row._mapping, validate=False) for row in opened]
    if outbox is not None:
        outbox.publish_all(events)
        return []
    return events


def _new_need_id(session: Session):
    """A new need's id, made by the database (a set-based insert): random; or, while an event is handled
    (``shared.events.caused_by``), derived from the cause and the need's key (NIP, competency, year), so that handling
    it again (a restored database re-reads it) opens the same need under the same id. SQLite (the demo): random."""
    if not on_postgresql(session):
        return func.lower(func.hex(func.randomblob(16)))
    prefix = derived_prefix()
    if prefix is None:
        return cast(func.gen_random_uuid(), String)
    seed = func.concat(literal(f"{prefix}/need/"), Gap.nip, literal("/"), Gap.competency_code, literal("/"), Gap.year)
    return cast(cast(func.md5(seed), UUID), String)


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
            "priority_code": get("priority_code"),
        },
        validate=validate,
    )


def need_updated_event(need: Any, validate: bool = True) -> Event:
    """An active need's state now: its status (planned, in training, awaiting evaluation) or its figures changed."""
    get = need.get if isinstance(need, Mapping) else lambda key: getattr(need, key)
    return new_event(
        "DevelopmentNeedUpdated",
        {
            "need_id": get("id"),
            "nip": get("nip"),
            "competency_code": get("competency_code"),
            "status": get("status"),
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
    uow: UnitOfWork, nip: str, competencies: Sequence[str], from_statuses: Sequence[str], to_status: str
) -> list[Need]:
    """Move the active needs of one employee for some competencies (any year) from some statuses to another, and say
    so: ``DevelopmentNeedIdentified`` (again, same id) for a need back in the pool, else ``DevelopmentNeedUpdated``."""
    needs = list(
        uow.session.scalars(
            select(Need).where(
                Need.nip == nip, Need.competency_code.in_(list(competencies)), Need.status.in_(list(from_statuses))
            )
        )
    )
    for need in needs:
        need.status = to_status
        need.updated_at = utcnow()
    uow.publish_all([need_identified_event(n) if to_status == "open" else need_updated_event(n) for n in needs])
    return needs
