"""The yearly AKPK as people read it: the forms and their JP conversion, the SBU, the approved plan's versions (their
lines and Rupiah per OPD, competency and form; what a version changed), the realisation per OPD, the calendar."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from services.needs import akpk
from services.needs.models import Competency, Employee, JpCredit, PlanLine, PlanVersion, Program, StandardCost
from shared import forms
from shared.errors import NotFound

COUNTED_SOURCES = ("bangkom", "external")  # realisation: the city's completions and verified outside development


def forms_table(table: forms.ConversionTable) -> dict[str, Any]:
    return {
        "version": table.version,
        "source": table.source,
        "forms": [
            {"form": code, "kind": forms.KIND_OF[code], "coach": code in forms.GUIDED, **vars(table.of(code))}
            for code in forms.FORMS
        ],
    }


def standard_costs(session: Session, year: int) -> list[StandardCost]:
    return list(session.scalars(select(StandardCost).where(StandardCost.year == year).order_by(StandardCost.form)))


def versions(session: Session, year: int, unit_code: str | None) -> list[dict[str, Any]]:
    """Every approved version of the year, the latest first, with its totals (an OPD's: its own lines')."""
    joined = (PlanLine.year == PlanVersion.year) & (PlanLine.number == PlanVersion.number)
    if unit_code is not None:
        joined &= PlanLine.unit_code == unit_code
    query = (
        select(PlanVersion, func.count(PlanLine.proposal_id), func.sum(PlanLine.jp), func.sum(PlanLine.cost))
        .outerjoin(PlanLine, joined)
        .where(PlanVersion.year == year)
        .group_by(PlanVersion.year, PlanVersion.number)
        .order_by(PlanVersion.number.desc())
    )
    return [
        {**_version(found), "line_count": count, "jp": jp or 0, "cost": cost or 0}
        for found, count, jp, cost in session.execute(query)
    ]


def version(session: Session, year: int, number: int, unit_code: str | None) -> dict[str, Any]:
    """One version: its lines (an OPD's: its own) with the names people read, and its Rupiah per OPD, competency and
    form."""
    found = session.get(PlanVersion, (year, number))
    if found is None:
        raise NotFound(f"No approved version {number} of the plan of {year}.")
    lines = lines_of(session, year, number, unit_code)
    return {
        **_version(found),
        "lines": lines,
        "line_count": len(lines),
        "by_unit": _totals(lines, "unit_code", "unit_name"),
        "by_competency": _totals(lines, "competency_code", "competency_name"),
        "by_form": _totals(lines, "form", "form"),
        "jp": sum(line["jp"] for line in lines),
        "cost": sum(line["cost"] for line in lines),
    }


def latest_number(session: Session, year: int) -> int | None:
    return session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.year == year))


def lines_of(session: Session, year: int, number: int, unit_code: str | None) -> list[dict[str, Any]]:
    query = (
        select(PlanLine, Employee.name, Employee.unit_name, Competency.name)
        .outerjoin(Employee, Employee.nip == PlanLine.nip)
        .outerjoin(Competency, Competency.code == PlanLine.competency_code)
        .where(PlanLine.year == year, PlanLine.number == number)
        .order_by(PlanLine.unit_code, PlanLine.nip, PlanLine.competency_code)
    )
    if unit_code is not None:
        query = query.where(PlanLine.unit_code == unit_code)
    return [
        {
            **{c.key: getattr(line, c.key) for c in PlanLine.__table__.columns},
            "name": name,
            "unit_name": unit_name or line.unit_code,
            "competency_name": competency_name or line.competency_code,
            "kind": forms.KIND_OF.get(line.form),
        }
        for line, name, unit_name, competency_name in session.execute(query)
    ]


def compare(session: Session, year: int, before: int, after: int, unit_code: str | None) -> dict[str, Any]:
    """What version ``after`` changed against ``before``, line by line, side by side."""
    old, new = (version(session, year, number, unit_code) for number in (before, after))
    keyed = {n: {line["proposal_id"]: line for line in v["lines"]} for n, v in ((before, old), (after, new))}
    changes = akpk.compare(keyed[before], keyed[after])
    return {
        "year": year,
        "before": {key: old[key] for key in ("number", "reason", "approved_at", "jp", "cost")},
        "after": {key: new[key] for key in ("number", "reason", "approved_at", "jp", "cost")},
        "changes": [vars(change) for change in changes],
    }


def realisation(session: Session, year: int, unit_code: str | None, month_now: int) -> dict[str, Any]:
    """Per OPD: the latest approved version's lines, JP and Rupiah against what was delivered in the year (JP
    credited from completions and verified outside development, valued at the year's SBU), and whether the OPD is
    behind (delivered less JP than its lines of the months gone by)."""
    number = latest_number(session, year)
    lines = lines_of(session, year, number, unit_code) if number else []
    sbu = {row.form: (row.basis, row.rupiah) for row in standard_costs(session, year)}
    credits = _credits(session, year, unit_code)
    developed = competencies_developed(session, {line["nip"] for line in lines})
    units: dict[str | None, dict[str, Any]] = {}
    for line in lines:
        row = units.setdefault(line["unit_code"], _unit_row(line["unit_code"], line["unit_name"]))
        row["planned_lines"] += 1
        row["planned_jp"] += line["jp"]
        row["planned_cost"] += line["cost"]
        row["due_jp"] += line["jp"] if line["month"] and line["month"] < month_now else 0
        row["realised_lines"] += akpk.realised(line["competency_code"], developed.get((line["nip"], year), []))
    for credit in credits:
        row = units.setdefault(credit.unit_code, _unit_row(credit.unit_code, credit.unit_name))
        row["delivered_jp"] += credit.jp
        row["delivered_cost"] += akpk.cost_of_many(*sbu.get(credit.form, (None, None)), credit.jp, credit.credits)
    rows = sorted(units.values(), key=lambda r: r["unit_name"] or r["unit_code"] or "")
    for row in rows:
        row["jp_share"] = akpk.share(row["delivered_jp"], row["planned_jp"])
        row["cost_share"] = akpk.share(row["delivered_cost"], row["planned_cost"])
        row["behind"] = row["delivered_jp"] < row["due_jp"]
    unpriced = {credit.form for credit in credits} | {line["form"] for line in lines}
    return {"year": year, "version": number, "units": rows, "sbu_missing": sorted(unpriced - set(sbu))}


def calendar(session: Session, year: int, month_now: int) -> dict[str, Any]:
    """Per month of the year: what the latest approved version expects (lines, JP), what is scheduled (programs
    starting), what was delivered (JP credited); the lines with no month; the OPDs behind by now."""
    number = latest_number(session, year)
    planned = defaultdict(lambda: [0, 0])
    for month, jp in session.execute(
        select(PlanLine.month, PlanLine.jp).where(PlanLine.year == year, PlanLine.number == (number or 0))
    ):
        planned[month][0] += 1
        planned[month][1] += jp
    scheduled = dict(
        session.execute(
            select(extract("month", Program.starts_on), func.count())
            .where(extract("year", Program.starts_on) == year)
            .group_by(extract("month", Program.starts_on))
        ).all()
    )
    delivered = dict(
        session.execute(
            select(extract("month", JpCredit.completed_on), func.sum(JpCredit.jp))
            .where(JpCredit.year == year, JpCredit.source.in_(COUNTED_SOURCES))
            .group_by(extract("month", JpCredit.completed_on))
        ).all()
    )
    behind = [row for row in realisation(session, year, None, month_now)["units"] if row["behind"]]
    months = [
        {
            "month": month,
            "planned_lines": planned[month][0],
            "planned_jp": planned[month][1],
            "scheduled_programs": int(scheduled.get(month, 0)),
            "delivered_jp": int(delivered.get(month) or 0),
            "past": month < month_now,
        }
        for month in range(1, 13)
    ]
    undated = {"planned_lines": planned[None][0], "planned_jp": planned[None][1]}
    return {"year": year, "version": number, "months": months, "undated": undated, "behind": behind}


def competencies_developed(session: Session, nips: set[str]) -> dict[tuple[str, int], list[list[str]]]:
    """(NIP, year) → the competencies of each of their JP credits of the city's delivery (what realises a plan line,
    wherever the ASN served when they got it)."""
    developed: dict[tuple[str, int], list[list[str]]] = defaultdict(list)
    if nips:
        for nip, year, competencies in session.execute(
            select(JpCredit.nip, JpCredit.year, JpCredit.competencies).where(
                JpCredit.nip.in_(nips), JpCredit.source.in_(COUNTED_SOURCES)
            )
        ):
            developed[(nip, year)].append([c.get("code") for c in competencies or []])
    return developed


def _credits(session: Session, year: int, unit_code: str | None) -> list[Any]:
    """The year's counted JP per OPD and form, summed by PostgreSQL (a year holds thousands of credits): ``jp`` and
    how many ``credits`` (a cost per participant counts each)."""
    query = (
        select(
            JpCredit.unit_code,
            func.max(JpCredit.unit_name).label("unit_name"),
            JpCredit.form,
            func.sum(JpCredit.jp).label("jp"),
            func.count().label("credits"),
        )
        .where(JpCredit.year == year, JpCredit.source.in_(COUNTED_SOURCES))
        .group_by(JpCredit.unit_code, JpCredit.form)
    )
    if unit_code is not None:
        query = query.where(JpCredit.unit_code == unit_code)
    return list(session.execute(query))


def _unit_row(unit_code: str | None, unit_name: str | None) -> dict[str, Any]:
    return {
        "unit_code": unit_code,
        "unit_name": unit_name or unit_code,
        "planned_lines": 0,
        "planned_jp": 0,
        "planned_cost": 0,
        "due_jp": 0,
        "realised_lines": 0,
        "delivered_jp": 0,
        "delivered_cost": 0,
    }


def _version(found: PlanVersion) -> dict[str, Any]:
    return {c.key: getattr(found, c.key) for c in PlanVersion.__table__.columns}


def _totals(lines: list[dict[str, Any]], key: str, name: str) -> list[dict[str, Any]]:
    totals: dict[Any, dict[str, Any]] = {}
    for line in lines:
        row = totals.setdefault(line[key], {"key": line[key], "name": line[name], "lines": 0, "jp": 0, "cost": 0})
        row["lines"] += 1
        row["jp"] += line["jp"]
        row["cost"] += line["cost"]
    return sorted(totals.values(), key=lambda row: (-row["cost"], str(row["key"])))
