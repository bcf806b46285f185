"""Employees: the records, a person's profile against their position's standard, and their JP."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from services.needs import domain
from services.needs.config import NeedsSettings, jp_rules
from services.needs.models import AssessmentRecord, Competency, Employee, Gap, JpCredit, Position
from services.needs.views.paging import page
from shared.errors import NotFound


def employees(session: Session, filters: dict[str, Any], page_no: int, page_size: int):
    """A page of employees, filtered and sorted on the server (``sort``: a column, ``-`` first for descending)."""
    sort = filters.get("sort") or "nip"  # one of domain.EMPLOYEE_SORTS, checked by the schema
    column = getattr(Employee, sort.lstrip("-"))
    query = select(Employee).options(undefer(Employee.position_name))
    query = query.order_by(column.desc() if sort.startswith("-") else column.asc(), Employee.nip)
    for field in ("unit_code", "position_code", "employment_status", "active", "supervisor_nip"):
        if filters.get(field) is not None:
            query = query.where(getattr(Employee, field) == filters[field])
    if filters.get("q"):
        like = f"%{filters['q'].lower()}%"
        query = query.where(func.lower(Employee.name).like(like) | Employee.nip.like(like))
    return page(session, query, page_no, page_size, entities=True)


def employee(session: Session, nip: str) -> Employee:
    found = session.get(Employee, nip, options=[undefer(Employee.position_name)])
    if found is None:
        raise NotFound(f"No employee with NIP {nip}.")
    return found


def profile(session: Session, settings: NeedsSettings, nip: str, year: int) -> dict[str, Any]:
    """An employee's levels against their position's standard, their assessments and JP this year."""
    person = employee(session, nip)
    gaps = session.execute(
        select(Gap, Competency.name)
        .join(Competency, Competency.code == Gap.competency_code)
        .where(Gap.year == year, Gap.nip == nip)
        .order_by(Gap.priority_score.desc(), Gap.competency_code)
    ).all()
    assessments = session.scalars(
        select(AssessmentRecord)
        .where(AssessmentRecord.nip == nip)
        .order_by(AssessmentRecord.assessed_on.desc(), AssessmentRecord.recorded_at.desc())
    ).all()
    return {
        "employee": person,
        "year": year,
        "job_person_match": domain.job_person_match(
            (g.required_level, g.current_level) for g, _ in gaps if g.current_level is not None
        ),
        "competencies": [
            {
                "competency_code": g.competency_code,
                "competency_name": name,
                "competency_group": g.competency_group,
                "required_level": g.required_level,
                "current_level": g.current_level,
                "assessed": g.assessed,
                "gap": g.gap,
                "priority_score": g.priority_score,
            }
            for g, name in gaps
        ],
        "assessments": assessments,
        "jp": jp_of(session, settings, person, year),
    }


def jp_of(session: Session, settings: NeedsSettings, person: Employee, year: int) -> dict[str, Any]:
    credits = session.scalars(
        select(JpCredit).where(JpCredit.nip == person.nip, JpCredit.year == year).order_by(JpCredit.completed_on)
    ).all()
    realised = sum(c.jp for c in credits)
    rule = domain.jp_rule(person.employment_status, position_class_of(session, person), jp_rules(settings))
    return {
        "year": year,
        "employment_status": person.employment_status,
        "target": rule.target,
        "cap": rule.cap,
        "realised": realised,
        "shortfall": domain.jp_shortfall(realised, rule.target),
        "room": None if rule.cap is None else max(0, rule.cap - realised),
        "trainings": credits,
    }


def position_class_of(session: Session, person: Employee) -> str | None:
    return session.scalar(select(Position.position_class).where(Position.code == person.position_code))
