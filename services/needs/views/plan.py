"""Development needs and the year's plan (what to train, whom, how many JP), and the OPDs to choose from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.needs import domain
from services.needs.config import NeedsSettings, jp_rules
from services.needs.models import Competency, Employee, Gap, Need, Position
from services.needs.views.gaps import _names
from services.needs.views.ledger import _realised_by_employee
from services.needs.views.paging import page


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
    """The annual plan: per OPD, competency and suggested form, the ASN in need and the JP to budget (``develop``:
    assessed gaps only); beside it, per OPD and competency, the ASN nobody assessed yet (``assess_first``).

    Nobody is planned beyond their cap (PPPK: 24 JP a contract year): an ASN's needs take the JP left
    under the cap in order of priority; a need with no room left is counted in ``over_cap``, not planned.
    """
    rules = jp_rules(settings)
    lines: dict[tuple, dict[str, Any]] = {}
    room: dict[str, int | None] = {}  # the JP an ASN may still be planned this year (None: no cap)
    for need in session.execute(_planned_needs(year, unit_code)):
        form, jp = domain.suggested_form(need.competency_group, need.gap)
        line = lines.setdefault((need.unit_code, need.competency_code, form), _new_line(need, form, jp))
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
    found = list(lines.values()) + _assess_first(session, year, unit_code)
    units, names = _names(session, "unit"), _names(session, "competency")
    for line in found:
        line["unit_name"] = units.get(line["unit_code"])
        line["competency_name"] = names.get(line["competency_code"])
    return sorted(
        found, key=lambda x: (x["unit_code"] or "", x["step"] != "develop", -x["jp_budget"], x["competency_code"])
    )


def _assess_first(session: Session, year: int, unit_code: str | None) -> list[dict[str, Any]]:
    """Per OPD and competency, the ASN whose level nobody has assessed: no gap is known, no JP is budgeted."""
    query = (
        select(Gap.unit_code, Gap.competency_code, Gap.competency_group, func.count())
        .where(Gap.year == year, Gap.assessed.is_(False))
        .group_by(Gap.unit_code, Gap.competency_code, Gap.competency_group)
    )
    if unit_code:
        query = query.where(Gap.unit_code == unit_code)
    return [
        {
            "step": "assess_first",
            "unit_code": unit,
            "competency_code": code,
            "competency_group": group,
            "form": None,
            "jp_per_person": 0,
            "employees": count,
            "jp_budget": 0,
            "over_cap": 0,
            "gap_min": None,
            "gap_max": None,
        }
        for unit, code, group, count in session.execute(query)
    ]


def _new_line(need: Any, form: str, jp: int) -> dict[str, Any]:
    """A line of the plan: an OPD, a competency, a form; its counts start at none."""
    return {
        "step": "develop",
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
    }


def _planned_needs(year: int, unit_code: str | None):
    """The open and planned needs of ``year`` (of one OPD), each with its ASN's status, position class and the JP
    realised, by ASN and priority."""
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
    return query
