"""Set-based queries of the employees: who is concerned, who holds a competency, their JP and records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import Session

from services.needs import domain
from services.needs.models import (
    Employee,
    Gap,
    JpCredit,
    Need,
    ServiceYear,
)
from services.needs.repository.standards import standard_cte
from shared.db import among, upsert_insert


def active_employee_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Employee).where(Employee.active.is_(True)))


def all_concerned_nips(session: Session) -> list[str]:
    """Everyone a recompute of the whole city concerns: the employees, and whoever still holds an active need."""
    with_needs = select(Need.nip).where(Need.status != "closed")
    return sorted(session.scalars(union(select(Employee.nip), with_needs)))


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
