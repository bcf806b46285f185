"""A page of a query, and the checks and small listings every view shares."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from services.needs.models import Employee, RecomputeRun
from shared.db import on_postgresql
from shared.errors import Forbidden
from shared.identity import Identity


def page(session: Session, query: Select, page: int, page_size: int, entities: bool = False) -> tuple[list[Any], int]:
    """One page of ``query`` (rows, or ORM objects with ``entities``) and the total number of results."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    result = session.execute(query.limit(page_size).offset((page - 1) * page_size))
    return (result.scalars().all() if entities else result.all()), total


def _least(session: Session):
    return func.least if on_postgresql(session) else func.min


def check_may_see(session: Session, who: Identity, nip: str) -> None:
    """BKPSDM sees everyone; an employee only themself; a supervisor themself and the ASN they supervise; an OPD user
    the ASN of its own unit."""
    if who.has_role("admin") or who.subject == nip:
        return
    employee = session.get(Employee, nip) if who.has_role("supervisor", "opd") else None
    if employee is not None and who.has_role("supervisor") and employee.supervisor_nip == who.subject:
        return
    if employee is not None and who.has_role("opd") and employee.unit_code == who.unit_code:
        return
    raise Forbidden("You may see only your own record (or, as a supervisor, those of the ASN you supervise).")


def recompute_runs(session: Session, limit: int = 50) -> list[RecomputeRun]:
    return list(session.scalars(select(RecomputeRun).order_by(RecomputeRun.created_at.desc()).limit(limit)))
