"""Employees as SIMPEG and BKPSDM give them: the bulk upsert (each row checked), deactivation, the years they served
where, and the ``EmployeeSynced`` they cause."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import insert, update

from services.needs import domain, repository
from services.needs.config import NeedsSettings, jp_rules, pppk_codes
from services.needs.handlers.recompute import recompute
from services.needs.models import Employee, Position
from shared import nip as employee_number
from shared.db import UnitOfWork, utcnow
from shared.errors import flatten_errors
from shared.events import Event, new_event

GAP_FIELDS = {"position_code", "employment_status", "active", "unit_code"}


def upsert_employees(
    uow: UnitOfWork, settings: NeedsSettings, rows: Sequence[Mapping[str, Any]], load_row: Callable[[Any], dict]
) -> dict[str, Any]:
    """Insert or update employees; valid rows are applied together, invalid ones reported by row.

    ``load_row`` validates one raw row (a marshmallow ``load``) and raises ValidationError.
    Each added or changed employee emits ``EmployeeSynced``; an unchanged one emits nothing.
    """
    session = uow.session
    report: dict[str, Any] = {"received": len(rows), "added": 0, "updated": 0, "unchanged": 0, "rejected": []}
    valid = _valid_rows(session, settings, rows, load_row, report["rejected"])
    known_positions = {row["position_code"] for _, row in valid.values() if row.get("position_code")}

    # compared as plain rows, written in two statements: a sync of 10,000 unchanged employees builds no objects
    existing = repository.employee_records(session, list(valid))
    positions = repository.positions_by_code(session, known_positions)
    events: list[Event] = []
    recompute_nips, added, updated = [], [], []
    for nip, (_, row) in valid.items():
        before = existing.get(nip)
        changes = domain.employee_changes(before, {"active": True, **row} if before is None else row)
        if not changes:
            report["unchanged"] += 1
            continue
        (added if before is None else updated).append({"nip": nip, **changes})
        if before is None or GAP_FIELDS & set(changes):
            recompute_nips.append(nip)
        after = {**(before or {}), **changes, "nip": nip}
        events.append(employee_synced_event(after, positions.get(after["position_code"]), settings))
    now = utcnow()
    if added:
        session.execute(insert(Employee), [{**row, "updated_at": now} for row in added])
    if updated:  # by primary key, each with the fields it changes
        session.execute(update(Employee), [{**row, "updated_at": now} for row in updated])
    report["added"], report["updated"] = len(added), len(updated)
    session.flush()
    record_service_years(uow, settings, list(valid))  # the unchanged too: the year may have turned
    uow.publish_all(events)
    if recompute_nips:
        recompute(uow, settings, nips=recompute_nips)
    uow.commit()
    report["rejected"].sort(key=lambda r: r["row"])
    return report


def _valid_rows(
    session, settings: NeedsSettings, rows: Sequence[Mapping[str, Any]], load_row: Callable[[Any], dict], rejected: list
) -> dict[str, tuple[int, dict]]:
    """The rows that pass: each valid by its schema, its NIP by the NIP rule (PNS or PPPK), not its own supervisor,
    not twice in the request, its position known. The others go to ``rejected`` with their problems by field."""
    today = settings.today()
    valid: dict[str, tuple[int, dict]] = {}
    for index, raw in enumerate(rows):
        try:
            row = load_row(raw)
        except ValidationError as exc:
            rejected.append(_rejection(index, raw, exc.messages))
            continue
        problems = {}
        kind = employee_number.PPPK if row["employment_status"] == "PPPK" else employee_number.PNS
        if errors := employee_number.errors(
            row["nip"], today, kind=kind, pppk_codes=pppk_codes(settings), min_age=settings.min_appointment_age
        ):
            problems["nip"] = errors
        if row.get("supervisor_nip") and row["supervisor_nip"] == row["nip"]:
            problems["supervisor_nip"] = ["An employee cannot be their own supervisor."]
        if row["nip"] in valid:
            problems["nip"] = [f"Duplicate of row {valid[row['nip']][0]} in this request."]
        if problems:
            rejected.append(_rejection(index, raw, problems))
            continue
        valid[row["nip"]] = (index, row)
    known_positions = repository.existing_codes(
        session, Position.code, (row.get("position_code") for _, row in valid.values())
    )
    for nip, (index, row) in list(valid.items()):
        if row.get("position_code") and row["position_code"] not in known_positions:
            rejected.append(
                _rejection(
                    index, row, {"position_code": [f"Unknown position {row['position_code']}; create it first."]}
                )
            )
            del valid[nip]
    return valid


def deactivate_employees(uow: UnitOfWork, settings: NeedsSettings, nips: Sequence[str]) -> int:
    """Mark employees inactive (SIMPEG no longer lists them): EmployeeSynced each, gaps and needs recomputed."""
    session = uow.session
    employees = [e for e in repository.employees_by_nip(session, nips).values() if e.active]
    if not employees:
        return 0
    positions = repository.positions_by_code(session, {e.position_code for e in employees if e.position_code})
    for employee in employees:
        employee.active = False
    session.flush()
    record_service_years(uow, settings, [e.nip for e in employees])
    records = [{"nip": e.nip, **{field: getattr(e, field) for field in domain.EMPLOYEE_FIELDS}} for e in employees]
    uow.publish_all([employee_synced_event(r, positions.get(r["position_code"]), settings) for r in records])
    recompute(uow, settings, nips=[e.nip for e in employees])
    uow.commit()
    return len(employees)


def _rejection(index: int, raw: Any, messages: Mapping[str, Any]) -> dict[str, Any]:
    nip = raw.get("nip") if isinstance(raw, Mapping) else None
    return {"row": index, "nip": nip, "errors": flatten_errors(messages)}


def record_service_years(uow: UnitOfWork, settings: NeedsSettings, nips: Sequence[str]) -> None:
    """This year's line of each employee's service (OPD, position, kind, active), for the year's figures."""
    repository.record_service_years(uow.session, settings.today().year, nips)


def employee_synced_event(employee: Mapping[str, Any], position: Position | None, settings: NeedsSettings) -> Event:
    """``employee``: the employee's record as a mapping (nip and ``domain.EMPLOYEE_FIELDS``)."""
    rule = domain.jp_rule(
        employee["employment_status"], position.position_class if position else None, jp_rules(settings)
    )
    return new_event(
        "EmployeeSynced",
        {
            "nip": employee["nip"],
            "name": employee["name"],
            "position_code": employee["position_code"],
            "position_name": position.name if position else None,
            "email": employee["email"],
            "jp_cap": rule.cap,
            "jp_target": rule.target,
            "unit_code": employee["unit_code"],
            "unit_name": employee["unit_name"],
            "rank": employee["rank"],
            "supervisor_nip": employee["supervisor_nip"],
            "employment_status": employee["employment_status"],
            "contract_start": employee.get("contract_start"),
            "active": employee["active"],
        },
        validate=False,  # typed rows of our own table, thousands at once in a sync (consumers validate)
    )
