"""Read side of the needs service: listings and aggregates, straight from SQL (no domain objects)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, undefer

from services.needs import domain
from services.needs.config import NeedsSettings, jp_rules
from services.needs.models import (
    AssessmentRecord,
    ClassStandard,
    Competency,
    Employee,
    ExternalDevelopment,
    Gap,
    JpCredit,
    Need,
    Position,
    PositionStandard,
    PriorityCompetency,
    RecomputeRun,
    ServiceYear,
    StrategicPriority,
)
from shared.db import on_postgresql
from shared.errors import Forbidden, NotFound
from shared.identity import Identity


def page(session: Session, query: Select, page: int, page_size: int, entities: bool = False) -> tuple[list[Any], int]:
    """One page of ``query`` (rows, or ORM objects with ``entities``) and the total number of results."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    result = session.execute(query.limit(page_size).offset((page - 1) * page_size))
    return (result.scalars().all() if entities else result.all()), total


def _least(session: Session):
    return func.least if on_postgresql(session) else func.min


# --- dictionary, priorities, standards -----------------------------------------------------------


def competencies(session: Session, group: str | None, q: str | None, active: bool | None) -> list[Competency]:
    query = select(Competency).order_by(Competency.group, Competency.code)
    if group:
        query = query.where(Competency.group == group)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(func.lower(Competency.name).like(like) | func.lower(Competency.code).like(like))
    if active is not None:
        query = query.where(Competency.active.is_(active))
    return list(session.scalars(query))


def competency(session: Session, code: str) -> Competency:
    found = session.get(Competency, code)
    if found is None:
        raise NotFound(f"No competency {code}.")
    return found


def priorities(session: Session, year: int) -> list[dict[str, Any]]:
    themes = session.scalars(
        select(StrategicPriority).where(StrategicPriority.plan_year == year).order_by(StrategicPriority.weight.desc())
    ).all()
    links = defaultdict(list)
    for priority_id, code in session.execute(
        select(PriorityCompetency.priority_id, PriorityCompetency.competency_code).order_by(
            PriorityCompetency.competency_code
        )
    ):
        links[priority_id].append(code)
    return [
        {
            "code": t.code,
            "name": t.name,
            "description": t.description,
            "weight": t.weight,
            "competencies": links[t.id],
        }
        for t in themes
    ]


def class_standard(session: Session, position_class: str) -> list[dict[str, Any]]:
    rows = session.execute(
        select(ClassStandard.competency_code, ClassStandard.required_level)
        .where(ClassStandard.position_class == position_class)
        .order_by(ClassStandard.competency_code)
    )
    return [{"competency_code": code, "required_level": level} for code, level in rows]


def position(session: Session, code: str) -> dict[str, Any]:
    found = session.get(Position, code)
    if found is None:
        raise NotFound(f"No position {code}.")
    default = dict(
        session.execute(
            select(ClassStandard.competency_code, ClassStandard.required_level).where(
                ClassStandard.position_class == found.position_class
            )
        ).all()
    )
    overrides = dict(
        session.execute(
            select(PositionStandard.competency_code, PositionStandard.required_level).where(
                PositionStandard.position_code == code
            )
        ).all()
    )
    effective = domain.effective_standard(default, overrides)
    return {
        "code": found.code,
        "name": found.name,
        "position_class": found.position_class,
        "overrides": [{"competency_code": c, "required_level": lvl} for c, lvl in sorted(overrides.items())],
        "standard": [{"competency_code": c, "required_level": lvl} for c, lvl in sorted(effective.items())],
    }


def positions(session: Session, position_class: str | None) -> list[Position]:
    query = select(Position).order_by(Position.code)
    if position_class:
        query = query.where(Position.position_class == position_class)
    return list(session.scalars(query))


# --- employees ----------------------------------------------------------------------------------


def employees(session: Session, filters: dict[str, Any], page_no: int, page_size: int):
    """A page of employees, filtered and sorted on the server (``sort``: a column, ``-`` first for descending)."""
    sort = filters.get("sort") or "nip"  # one of domain.EMPLOYEE_SORTS, checked by the schema
    column = getattr(Employee, sort.lstrip("-"))
    query = select(Employee).options(undefer(Employee.position_name))
    query = query.order_by(column.desc() if sort.startswith("-") else column.asc(), Employee.nip)
    for field in ("unit_code", "position_code", "employment_status", "active"):
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
        "job_person_match": domain.job_person_match((g.required_level, g.current_level) for g, _ in gaps),
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


# --- gaps ---------------------------------------------------------------------------------------


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
    }


def gaps_by(session: Session, year: int, dimension: str) -> list[dict[str, Any]]:
    """Gaps aggregated per OPD (``unit``) or per competency, ranked by total priority."""
    key = Gap.unit_code if dimension == "unit" else Gap.competency_code
    with_gap = case((Gap.gap > 0, 1), else_=0)
    rows = session.execute(
        select(
            key.label("key"),
            func.count(func.distinct(Gap.nip)).label("employees"),
            func.count(func.distinct(case((Gap.gap > 0, Gap.nip)))).label("employees_with_gap"),
            func.sum(with_gap).label("gaps"),
            func.avg(Gap.gap).label("average_gap"),
            func.sum(Gap.priority_score).label("total_priority"),
            func.sum(_least(session)(Gap.current_level, Gap.required_level)).label("held"),
            func.sum(Gap.required_level).label("required"),
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
    held = func.sum(_least(session)(Gap.current_level, Gap.required_level))
    required = func.sum(Gap.required_level)
    query = (
        select(Gap.nip, Employee.name, Gap.unit_code, (100.0 * held / required).label("match"))
        .join(Employee, Employee.nip == Gap.nip)
        .where(Gap.year == year)
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


# --- needs and the plan -------------------------------------------------------------------------


def units(session: Session) -> list[dict[str, Any]]:
    """The OPDs of the active employees, by name (one grouped query, not the compliance figures)."""
    rows = session.execute(
        select(Employee.unit_code, func.max(Employee.unit_name), func.count())
        .where(Employee.active.is_(True), Employee.unit_code.is_not(None))
        .group_by(Employee.unit_code)
        .order_by(func.max(Employee.unit_name), Employee.unit_code)
    ).all()
    return [{"unit_code": code, "unit_name": name, "employees": count} for code, name, count in rows]


def needs(session: Session, filters: dict[str, Any], page_no: int, page_size: int):
    """A page of needs, highest priority first, each with the names a person reads (ASN, OPD, competency)."""
    query = (
        select(Need, Employee.name, Employee.unit_name, Competency.name.label("competency_name"))
        .outerjoin(Employee, Employee.nip == Need.nip)
        .outerjoin(Competency, Competency.code == Need.competency_code)
        .order_by(Need.priority_score.desc(), Need.nip, Need.competency_code)
    )
    for field in ("year", "status", "unit_code", "competency_code", "nip"):
        if filters.get(field) is not None:
            query = query.where(getattr(Need, field) == filters[field])
    rows, total = page(session, query, page_no, page_size)
    return [
        {
            **{c.key: getattr(need, c.key) for c in Need.__table__.columns},
            "name": name,
            "unit_name": unit_name,
            "competency_name": competency_name,
        }
        for need, name, unit_name, competency_name in rows
    ], total


PLANNED_STATUSES = ("open", "planned")


def plan(session: Session, settings: NeedsSettings, year: int, unit_code: str | None = None) -> list[dict[str, Any]]:
    """The annual plan: per OPD, competency and suggested form, the ASN in need and the JP to budget.

    Nobody is planned beyond their cap (PPPK: 24 JP a contract year): an ASN's needs take the JP left
    under the cap in order of priority; a need with no room left is counted in ``over_cap``, not planned.
    """
    realised = _realised_by_employee(year)
    query = (
        select(
            Need.nip,
            Need.unit_code,
            Need.competency_code,
            Need.competency_group,
            Need.gap,
            Employee.employment_status,
            Position.position_class,
            func.coalesce(realised.c.jp, 0).label("realised"),
        )
        .join(Employee, Employee.nip == Need.nip)
        .outerjoin(Position, Position.code == Employee.position_code)
        .outerjoin(realised, realised.c.nip == Need.nip)
        .where(Need.year == year, Need.status.in_(PLANNED_STATUSES))
        .order_by(Need.nip, Need.priority_score.desc(), Need.competency_code)
    )
    if unit_code:
        query = query.where(Need.unit_code == unit_code)
    rules = jp_rules(settings)
    lines: dict[tuple, dict[str, Any]] = {}
    room: dict[str, int | None] = {}
    for need in session.execute(query):
        form, jp = domain.suggested_form(need.competency_group, need.gap)
        line = lines.setdefault(
            (need.unit_code, need.competency_code, form),
            {
                "unit_code": need.unit_code,
                "competency_code": need.competency_code,
                "competency_group": need.competency_group,
                "form": form,
                "jp_per_person": jp,
                "employees": 0,
                "jp_budget": 0,
                "over_cap": 0,
                "gap_min": need.gap,
                "gap_max": need.gap,
            },
        )
        line["gap_min"], line["gap_max"] = min(line["gap_min"], need.gap), max(line["gap_max"], need.gap)
        if need.nip not in room:
            cap = domain.jp_rule(need.employment_status, need.position_class, rules).cap
            room[need.nip] = None if cap is None else max(0, cap - int(need.realised))
        left = room[need.nip]
        if left is not None and left <= 0:
            line["over_cap"] += 1
            continue
        planned = jp if left is None else min(jp, left)
        if left is not None:
            room[need.nip] = left - planned
        line["employees"] += 1
        line["jp_budget"] += planned
    units, names = _names(session, "unit"), _names(session, "competency")
    for line in lines.values():
        line["unit_name"] = units.get(line["unit_code"])
        line["competency_name"] = names.get(line["competency_code"])
    return sorted(lines.values(), key=lambda x: (x["unit_code"] or "", -x["jp_budget"], x["competency_code"]))


# --- the 20-JP ledger ---------------------------------------------------------------------------


def _realised_by_employee(year: int):
    return (
        select(JpCredit.nip, func.sum(JpCredit.jp).label("jp"))
        .where(JpCredit.year == year)
        .group_by(JpCredit.nip)
        .subquery()
    )


def served_in(settings: NeedsSettings, year: int):
    """Who served in ``year``, with the OPD, position and kind of that year (``service_years``); for the
    current year also the active employees not loaded since it began (their line of today)."""
    lines = select(
        ServiceYear.nip,
        ServiceYear.unit_code,
        ServiceYear.unit_name,
        ServiceYear.position_code,
        ServiceYear.employment_status,
        ServiceYear.active,
    ).where(ServiceYear.year == year)
    if year == settings.today().year:
        seen = select(ServiceYear.nip).where(ServiceYear.year == year)
        lines = lines.union_all(
            select(
                Employee.nip,
                Employee.unit_code,
                Employee.unit_name,
                Employee.position_code,
                Employee.employment_status,
                Employee.active,
            ).where(Employee.active.is_(True), Employee.nip.not_in(seen))
        )
    return lines.subquery("served")


def _targeted(settings: NeedsSettings, served) -> Any:
    """The condition on ``served`` rows of the ASN who owe the annual target (their kind has one)."""
    kinds = [kind for kind, (target, _) in jp_rules(settings).items() if target > 0]
    return served.c.employment_status.in_(kinds)


def _target_of(settings: NeedsSettings, served) -> Any:
    return case(*[(served.c.employment_status == k, t) for k, (t, _) in jp_rules(settings).items()], else_=0)


def jp_compliance(session: Session, settings: NeedsSettings, year: int) -> list[dict[str, Any]]:
    """Per OPD of the year (where each ASN served then): how many reached their kind's target."""
    realised = _realised_by_employee(year)
    served = served_in(settings, year)
    jp = func.coalesce(realised.c.jp, 0)
    compliant = case((jp >= _target_of(settings, served), 1), else_=0)
    rows = session.execute(
        select(
            served.c.unit_code,
            func.max(served.c.unit_name).label("unit_name"),
            func.count().label("employees"),
            func.sum(compliant).label("compliant"),
            func.avg(jp).label("average_jp"),
        )
        .outerjoin(realised, realised.c.nip == served.c.nip)
        .where(_targeted(settings, served))
        .group_by(served.c.unit_code)
        .order_by(served.c.unit_code)
    ).all()
    return [
        {
            "unit_code": r.unit_code,
            "unit_name": r.unit_name,
            "employees": r.employees,
            "compliant": int(r.compliant or 0),
            "behind": r.employees - int(r.compliant or 0),
            "compliance_rate": round(int(r.compliant or 0) / r.employees, 3) if r.employees else None,
            "average_jp": round(float(r.average_jp or 0), 1),
        }
        for r in rows
    ]


def jp_behind(
    session: Session, settings: NeedsSettings, year: int, unit_code: str | None, page_no: int, page_size: int
):
    realised = _realised_by_employee(year)
    served = served_in(settings, year)
    jp = func.coalesce(realised.c.jp, 0)
    target = _target_of(settings, served)
    query = (
        select(
            served.c.nip, Employee.name, served.c.unit_code, served.c.unit_name, jp.label("jp"), target.label("target")
        )
        .join(Employee, Employee.nip == served.c.nip)
        .outerjoin(realised, realised.c.nip == served.c.nip)
        .where(_targeted(settings, served), served.c.active.is_(True), jp < target)
        .order_by(jp.asc(), served.c.nip)
    )
    if unit_code:
        query = query.where(served.c.unit_code == unit_code)
    rows, total = page(session, query, page_no, page_size)
    days_left = domain.days_left(year, settings.today())
    return [
        {
            "nip": r.nip,
            "name": r.name,
            "unit_code": r.unit_code,
            "unit_name": r.unit_name,
            "realised_jp": int(r.jp),
            "shortfall": int(r.target) - int(r.jp),
            "days_left": days_left,
        }
        for r in rows
    ], total


LEDGER_DIMENSIONS = {"unit": "unit_code", "kind": "employment_status", "form": "form", "source": "source"}


def ledger_figures(session: Session, year: int, by: str) -> list[dict[str, Any]]:
    """JP credited in a year grouped by OPD (of the moment of each credit), employment kind, form or source."""
    column = getattr(JpCredit, LEDGER_DIMENSIONS[by])
    label = func.max(JpCredit.unit_name) if by == "unit" else func.max(column)
    rows = session.execute(
        select(
            column.label("key"),
            label.label("label"),
            func.count().label("credits"),
            func.count(func.distinct(JpCredit.nip)).label("employees"),
            func.sum(JpCredit.jp).label("jp"),
        )
        .where(JpCredit.year == year)
        .group_by(column)
        .order_by(column)
    ).all()
    return [
        {"key": r.key, "label": r.label, "credits": r.credits, "employees": r.employees, "jp": int(r.jp or 0)}
        for r in rows
    ]


def ledger_lines(session: Session, year: int, unit_code: str | None = None) -> list[dict[str, Any]]:
    """Every credit of a year with the person's name, for the XLSX/CSV export."""
    query = (
        select(JpCredit, Employee.name)
        .outerjoin(Employee, Employee.nip == JpCredit.nip)
        .where(JpCredit.year == year)
        .order_by(JpCredit.unit_code, JpCredit.nip, JpCredit.completed_on)
    )
    if unit_code:
        query = query.where(JpCredit.unit_code == unit_code)
    return [
        {
            "nip": c.nip,
            "name": name,
            "unit_name": c.unit_name,
            "employment_status": c.employment_status,
            "title": c.program_title,
            "organiser": c.organiser,
            "form": c.form,
            "source": c.source,
            "completed_on": c.completed_on,
            "jp": c.jp,
        }
        for c, name in session.execute(query)
    ]


# --- development outside Bangkom ------------------------------------------------------------------


def external_records(session: Session, filters: dict[str, Any], page_no: int, page_size: int):
    query = select(ExternalDevelopment).order_by(ExternalDevelopment.submitted_at, ExternalDevelopment.id)
    for field in ("status", "nip"):
        if filters.get(field):
            query = query.where(getattr(ExternalDevelopment, field) == filters[field])
    if filters.get("unit_code"):
        query = query.join(Employee, Employee.nip == ExternalDevelopment.nip).where(
            Employee.unit_code == filters["unit_code"]
        )
    return page(session, query, page_no, page_size, entities=True)


def external_record(session: Session, who: Identity, record_id: str) -> ExternalDevelopment:
    record = session.get(ExternalDevelopment, record_id)
    if record is None:
        raise NotFound(f"No external development record {record_id}.")
    check_may_see(session, who, record.nip)
    return record


# --- SIMPEG -------------------------------------------------------------------------------------


def check_may_see(session: Session, who: Identity, nip: str) -> None:
    """BKPSDM sees everyone; an employee only themself; a supervisor themself and the ASN they supervise."""
    if who.has_role("admin") or who.subject == nip:
        return
    if who.has_role("supervisor"):
        employee = session.get(Employee, nip)
        if employee is not None and employee.supervisor_nip == who.subject:
            return
    raise Forbidden("You may see only your own record (or, as a supervisor, those of the ASN you supervise).")


def recompute_runs(session: Session, limit: int = 50) -> list[RecomputeRun]:
    return list(session.scalars(select(RecomputeRun).order_by(RecomputeRun.created_at.desc()).limit(limit)))
