"""The 20-JP ledger: who served where in a year, what they realised, compliance by OPD and those behind."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from services.needs import domain
from services.needs.config import NeedsSettings, jp_rules
from services.needs.models import Employee, JpCredit, ServiceYear
from services.needs.views.paging import page


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
    """Per OPD of the year (where each ASN served then): how many reached their kind's target; and of its ASN under
    a JP cap (the PPPK's 24 JP), how many and how much room their caps leave."""
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
    units = [
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
    capped = {row["unit_code"]: row for row in _cap_room(session, settings, year)}
    empty = {"employees": 0, "compliant": 0, "behind": 0, "compliance_rate": None, "average_jp": 0.0}
    for row in units:
        row.update(capped.pop(row["unit_code"], {"capped": 0, "capped_room": 0, "at_cap": 0}))
    units.extend({**empty, **row} for row in capped.values())  # an OPD of PPPK alone
    return sorted(units, key=lambda row: row["unit_code"] or "")


def _cap_room(session: Session, settings: NeedsSettings, year: int) -> list[dict[str, Any]]:
    """Per OPD: its ASN whose kind has a JP cap, the JP their caps still leave, and how many reached theirs."""
    caps = {kind: cap for kind, (_, cap) in jp_rules(settings).items() if cap > 0}
    if not caps:
        return []
    realised, served = _realised_by_employee(year), served_in(settings, year)
    cap = case(*[(served.c.employment_status == kind, value) for kind, value in caps.items()], else_=0)
    jp = func.coalesce(realised.c.jp, 0)
    rows = session.execute(
        select(
            served.c.unit_code,
            func.max(served.c.unit_name).label("unit_name"),
            func.count().label("capped"),
            func.sum(case((jp < cap, cap - jp), else_=0)).label("room"),
            func.sum(case((jp >= cap, 1), else_=0)).label("at_cap"),
        )
        .outerjoin(realised, realised.c.nip == served.c.nip)
        .where(served.c.employment_status.in_(list(caps)))
        .group_by(served.c.unit_code)
    ).all()
    return [
        {
            "unit_code": r.unit_code,
            "unit_name": r.unit_name,
            "capped": r.capped,
            "capped_room": int(r.room or 0),
            "at_cap": int(r.at_cap or 0),
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
