"""Competency gaps: listed, by OPD or competency, and the job-person match."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from services.needs.models import Competency, Employee, Gap
from services.needs.views.paging import _least, page


def gaps(session: Session, year: int, filters: dict[str, Any], page_no: int, page_size: int):
    query = (
        select(Gap, Employee.name, Employee.unit_name, Competency.name.label("competency_name"))
        .join(Employee, Employee.nip == Gap.nip)
        .join(Competency, Competency.code == Gap.competency_code)
        .where(Gap.year == year, Gap.gap >= filters.get("min_gap", 1))
        .order_by(Gap.priority_score.desc(), Gap.nip, Gap.competency_code)
    )
    for field in ("unit_code", "competency_code", "nip", "competency_group"):
        if filters.get(field):
            query = query.where(getattr(Gap, field) == filters[field])
    rows, total = page(session, query, page_no, page_size)
    return [_gap_row(g, name, unit_name, competency_name) for g, name, unit_name, competency_name in rows], total


def _gap_row(g: Gap, name: str, unit_name: str | None, competency_name: str) -> dict[str, Any]:
    return {
        "nip": g.nip,
        "name": name,
        "unit_code": g.unit_code,
        "unit_name": unit_name,
        "competency_code": g.competency_code,
        "competency_name": competency_name,
        "competency_group": g.competency_group,
        "required_level": g.required_level,
        "current_level": g.current_level,
        "assessed": g.assessed,
        "gap": g.gap,
        "strategic_weight": g.strategic_weight,
        "jp_shortfall": g.jp_shortfall,
        "priority_score": g.priority_score,
        "priority_code": g.priority_code,
    }


def gaps_by(session: Session, year: int, dimension: str) -> list[dict[str, Any]]:
    """Gaps aggregated per OPD (``unit``) or per competency, ranked by total priority; the competencies nobody has
    assessed yet are counted apart (``unassessed``) and left out of the job-person match."""
    key = Gap.unit_code if dimension == "unit" else Gap.competency_code
    with_gap = case((Gap.gap > 0, 1), else_=0)
    assessed_required = case((Gap.assessed, Gap.required_level), else_=0)
    rows = session.execute(
        select(
            key.label("key"),
            func.count(func.distinct(Gap.nip)).label("employees"),
            func.count(func.distinct(case((Gap.gap > 0, Gap.nip)))).label("employees_with_gap"),
            func.sum(with_gap).label("gaps"),
            func.avg(Gap.gap).label("average_gap"),
            func.sum(Gap.priority_score).label("total_priority"),
            func.count(func.distinct(case((Gap.assessed.is_(False), Gap.nip)))).label("employees_unassessed"),
            func.sum(case((Gap.assessed.is_(False), 1), else_=0)).label("unassessed"),
            func.sum(_least(session)(func.coalesce(Gap.current_level, 0), Gap.required_level)).label("held"),
            func.sum(assessed_required).label("required"),
        )
        .where(Gap.year == year)
        .group_by(key)
        .order_by(func.sum(Gap.priority_score).desc(), key)
    ).all()
    names = _names(session, dimension)
    return [
        {
            dimension if dimension == "unit" else "competency": {"code": r.key, "name": names.get(r.key)},
            "employees": r.employees,
            "employees_with_gap": r.employees_with_gap,
            "gaps": int(r.gaps or 0),
            "employees_unassessed": r.employees_unassessed,
            "unassessed": int(r.unassessed or 0),
            "average_gap": round(float(r.average_gap or 0), 2),
            "total_priority": round(float(r.total_priority or 0), 2),
            "job_person_match": round(100.0 * r.held / r.required, 1) if r.required else None,
        }
        for r in rows
    ]


def _names(session: Session, dimension: str) -> dict[str, str]:
    if dimension == "unit":
        return dict(
            session.execute(select(Employee.unit_code, func.max(Employee.unit_name)).group_by(Employee.unit_code)).all()
        )
    return dict(session.execute(select(Competency.code, Competency.name)).all())


def job_person_match(session: Session, year: int, unit_code: str | None, page_no: int, page_size: int):
    """Job-person match per employee over the competencies assessed (an ASN nobody assessed has none yet)."""
    held = func.sum(_least(session)(Gap.current_level, Gap.required_level))
    required = func.sum(Gap.required_level)
    query = (
        select(Gap.nip, Employee.name, Gap.unit_code, (100.0 * held / required).label("match"))
        .join(Employee, Employee.nip == Gap.nip)
        .where(Gap.year == year, Gap.assessed.is_(True))
        .group_by(Gap.nip, Employee.name, Gap.unit_code)
        .order_by((100.0 * held / required).asc(), Gap.nip)
    )
    if unit_code:
        query = query.where(Gap.unit_code == unit_code)
    rows, total = page(session, query, page_no, page_size)
    return [
        {"nip": r.nip, "name": r.name, "unit_code": r.unit_code, "job_person_match": round(float(r.match), 1)}
        for r in rows
    ], total
