"""Development needs and the year's plan (what to train, whom, how many JP), and the OPDs to choose from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, select
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
    PostgreSQL (or SQLite) adds it up: the page reads a few hundred lines, not every need of the city.
    """
    found = [
        {
            "step": "develop",
            **row._asdict(),
            "employees": int(row.employees),
            "jp_budget": int(row.jp_budget or 0),
            "over_cap": int(row.over_cap),
        }
        for row in session.execute(_develop_lines(settings, year, unit_code))
    ] + _assess_first(session, year, unit_code)
    units, names = _names(session, "unit"), _names(session, "competency")
    for line in found:
        line["unit_name"] = units.get(line["unit_code"])
        line["competency_name"] = names.get(line["competency_code"])
    return sorted(
        found,
        key=lambda x: (
            x["unit_code"] or "",
            x["step"] != "develop",
            -x["jp_budget"],
            x["competency_code"],
            x["form"] or "",
        ),
    )


def _develop_lines(settings: NeedsSettings, year: int, unit_code: str | None):
    """Per OPD, competency and suggested form: the ASN planned, the JP budgeted, those over their cap, the gaps.

    An ASN's room before a need is their cap less the JP realised and the JP of their needs of higher priority
    (the order the plan fills a cap in); the need takes ``least(jp, room)``, or none and counts as over the cap.
    """
    needs = _planned_needs(settings, year, unit_code).subquery("planned")
    room = needs.c.cap - needs.c.realised - func.coalesce(needs.c.before, 0)
    capped = needs.c.cap.is_not(None)
    over = and_(capped, room <= 0)
    planned = case((over, 0), (capped & (room < needs.c.jp), room), else_=needs.c.jp)
    return select(
        needs.c.unit_code,
        needs.c.competency_code,
        needs.c.competency_group,
        needs.c.form,
        needs.c.jp.label("jp_per_person"),
        func.sum(case((over, 0), else_=1)).label("employees"),
        func.sum(planned).label("jp_budget"),
        func.sum(case((over, 1), else_=0)).label("over_cap"),
        func.min(needs.c.gap).label("gap_min"),
        func.max(needs.c.gap).label("gap_max"),
    ).group_by(needs.c.unit_code, needs.c.competency_code, needs.c.competency_group, needs.c.form, needs.c.jp)


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


def _planned_needs(settings: NeedsSettings, year: int, unit_code: str | None):
    """The open and planned needs of ``year`` (of one OPD), each with its suggested form and JP (the first of
    ``domain.FORM_RULES`` that applies, as ``domain.suggested_form`` chooses), its ASN's cap (``domain.jp_rule``)
    and JP realised, and the JP of that ASN's needs of higher priority."""
    realised = _realised_by_employee(year)
    rules = [
        ((Need.competency_group == group) & (Need.gap >= minimum), form, jp)
        for group, minimum, form, jp in domain.FORM_RULES
    ]
    jp = case(*[(applies, value) for applies, _, value in rules])
    caps = {kind: cap for kind, (_, cap) in jp_rules(settings).items() if cap > 0}
    cap = case(
        (Position.position_class.in_(domain.CAP_EXEMPT_CLASSES), None),
        *[(Employee.employment_status == kind, value) for kind, value in caps.items()],
        else_=None,
    )
    query = (
        select(
            Need.unit_code,
            Need.competency_code,
            Need.competency_group,
            Need.gap,
            case(*[(applies, form) for applies, form, _ in rules]).label("form"),
            jp.label("jp"),
            cap.label("cap"),
            func.coalesce(realised.c.jp, 0).label("realised"),
            func.sum(jp)
            .over(
                partition_by=Need.nip,
                order_by=(Need.priority_score.desc(), Need.competency_code),
                rows=(None, -1),
            )
            .label("before"),
        )
        .join(Employee, Employee.nip == Need.nip)
        .outerjoin(Position, Position.code == Employee.position_code)
        .outerjoin(realised, realised.c.nip == Need.nip)
        .where(Need.year == year, Need.status.in_(PLANNED_STATUSES))
    )
    if unit_code:
        query = query.where(Need.unit_code == unit_code)
    return query
