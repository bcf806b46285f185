"""Application use-cases of the needs service: one function per command or event.

Each takes its input and a unit of work, changes state through ``uow.session``, publishes events
through the outbox (``uow.publish``/``publish_all``) and commits once, so a failure writes nothing.
Whenever something that decides a gap changes (standards, priorities, an employee's position or
status, an assessment, realised JP), the affected employees' gaps and needs are recomputed in the
same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from services.needs import domain, repository, seed
from services.needs.config import NeedsSettings, jp_rules, pppk_codes
from services.needs.models import (
    AssessmentRecord,
    ClassStandard,
    Competency,
    Employee,
    JpCredit,
    Need,
    Outbox,
    Position,
    PositionStandard,
    PriorityCompetency,
    Program,
    RecomputeRun,
    SimpegHistory,
    StrategicPriority,
)
from services.needs.simpeg import mapping
from shared import nip as employee_number
from shared.consumer import Handler, bind
from shared.db import Database, UnitOfWork, utcnow
from shared.errors import Conflict, Invalid, NotFound, check_transition, flatten_errors
from shared.events import Event, new_event
from shared.logging import request_id as current_request_id
from shared.service import ServiceContext

# Topics whose events this service's worker consumes; types without a handler are skipped.
TOPICS = ["bangkom.training.v1", "bangkom.evaluation.v1", "bangkom.needs.v1"]  # its own: external development

log = logging.getLogger(__name__)


def policy(settings: NeedsSettings) -> repository.GapPolicy:
    return repository.GapPolicy(
        jp_rules=jp_rules(settings),
        missing_assessment_level=settings.missing_assessment_level,
    )


# --- recompute ----------------------------------------------------------------------------------


def recompute(
    uow: UnitOfWork,
    settings: NeedsSettings,
    years: Iterable[int] | None = None,
    nips: Sequence[str] | None = None,
    left_standard: str = "position_changed",
    competencies: Sequence[str] | None = None,
) -> list[repository.RecomputeReport]:
    """Recompute gaps and needs for some employees (or all) in the given years; publishes the need events.
    ``competencies`` narrows it to what a change concerns (a standard's changed entries, one competency).

    Default years: the current plan year and every year that still has active needs in scope. A need whose
    competency is no longer in the employee's standard is closed with ``left_standard``: the cause the caller knows
    (``standard_removed`` when a standard was edited, ``position_changed`` when the employee's position was).
    """
    session = uow.session
    session.flush()
    if years is None:
        years = {settings.today().year}
        years |= (
            repository.years_with_active_needs(session, nips, competencies)
            if nips is not None
            else set(session.scalars(select(Need.year).where(Need.status != "closed").distinct()))
        )
    reports = []
    for year in sorted(set(years)):
        report = repository.RecomputeReport(year=year, employees=len(nips) if nips is not None else None)
        report.gap_rows = repository.rebuild_gaps(session, year, policy(settings), nips, competencies)
        repository.sync_needs(session, year, nips, report, left_standard, outbox=uow, competencies=competencies)
        reports.append(report)
    return reports


def recompute_or_queue(
    uow: UnitOfWork,
    settings: NeedsSettings,
    *,
    cause: str,
    nips: Sequence[str] | None,
    competencies: Sequence[str] | None,
    years: Iterable[int] | None = None,
    left_standard: str = "standard_removed",
) -> RecomputeRun | None:
    """What a change to the dictionary, a standard or the priorities causes: recomputed now when it concerns at most
    ``RECOMPUTE_INLINE_MAX`` ASN (``nips``; None: everyone), else queued for the worker (``run_queued_recompute``),
    written in the change's transaction: the person's request never waits for a recompute of the whole city."""
    concerned = len(nips) if nips is not None else repository.active_employee_count(uow.session)
    if concerned <= settings.recompute_inline_max:
        recompute(uow, settings, years, nips=nips, left_standard=left_standard, competencies=competencies)
        return None
    run = _new_run(uow, cause, competencies, left_standard, years, status="queued", done=0)
    log.info("recompute queued for the worker", extra={"run_id": run.id, "employees": concerned, "cause": cause})
    return run


def _new_run(
    uow: UnitOfWork,
    cause: str,
    competencies: Sequence[str] | None,
    left_standard: str,
    years: Iterable[int] | None,
    **state: Any,
) -> RecomputeRun:
    """A recompute run recorded in the unit of work: what caused it, what it recomputes, and its ``state``."""
    run = RecomputeRun(
        id=str(uuid.uuid4()),
        cause=cause[:300],
        competencies=sorted(competencies) if competencies is not None else None,
        left_standard=left_standard,
        years=sorted(years) if years is not None else None,
        request_id=current_request_id.get(),
        created_at=utcnow(),
        **state,
    )
    uow.session.add(run)
    return run


def run_queued_recompute(database: Database, settings: NeedsSettings) -> str | None:
    """The worker's side of ``recompute_or_queue``: the oldest queued run, every ASN (those on the employee list and
    those with an active need) in chunks of ``RECOMPUTE_CHUNK_SIZE``, one transaction and one progress mark each.
    Re-running a chunk changes nothing, so a run taken over after a crash starts again from the beginning."""
    stale = utcnow() - dt.timedelta(seconds=settings.recompute_lease_seconds)
    with UnitOfWork(database, None) as uow:
        uow.session.execute(
            update(RecomputeRun)
            .where(RecomputeRun.status == "running", RecomputeRun.heartbeat_at < stale)
            .values(status="queued", done=0)
        )
        uow.commit()
    with UnitOfWork(database, None) as uow:
        run = uow.session.scalars(
            select(RecomputeRun).where(RecomputeRun.status == "queued").order_by(RecomputeRun.created_at).limit(1)
        ).first()
        if run is None:
            return None
        run.status, run.started_at, run.heartbeat_at = "running", utcnow(), utcnow()
        try:
            uow.commit()  # the partial unique index: one running at a time, whichever worker
        except IntegrityError:
            return None
        run_id, competencies, left_standard, years = run.id, run.competencies, run.left_standard, run.years
    try:
        with database.sessions() as session:
            nips = repository.all_concerned_nips(session)
        _mark_run(database, run_id, total=len(nips))
        for start in range(0, len(nips), settings.recompute_chunk_size):
            chunk = nips[start : start + settings.recompute_chunk_size]
            with ServiceContext(settings, database, Outbox).uow() as uow:
                recompute(uow, settings, years, nips=chunk, left_standard=left_standard, competencies=competencies)
                uow.session.execute(
                    update(RecomputeRun)
                    .where(RecomputeRun.id == run_id)
                    .values(done=start + len(chunk), heartbeat_at=utcnow())
                )
                uow.commit()
    except Exception as exc:
        log.exception("recompute failed", extra={"run_id": run_id})
        _mark_run(database, run_id, status="failed", error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=utcnow())
        return run_id
    _mark_run(database, run_id, status="succeeded", finished_at=utcnow())
    log.info("recompute finished", extra={"run_id": run_id, "employees": len(nips)})
    return run_id


def _mark_run(database: Database, run_id: str, **values: Any) -> None:
    """Record a recompute run's progress or outcome in a transaction of its own."""
    with UnitOfWork(database, None) as uow:
        uow.session.execute(update(RecomputeRun).where(RecomputeRun.id == run_id).values(**values))
        uow.commit()


def run_recompute(uow: UnitOfWork, settings: NeedsSettings, year: int | None) -> list[repository.RecomputeReport]:
    """Everyone, now (the command line and the demo's loader: no request waits on it)."""
    reports = recompute(uow, settings, [year] if year else None)
    uow.commit()
    return reports


def request_recompute(uow: UnitOfWork, settings: NeedsSettings, year: int | None) -> RecomputeRun:
    """``POST /recompute``: everyone, recorded as a run: done in the request in a city of at most
    ``RECOMPUTE_INLINE_MAX`` ASN (status ``succeeded``), else queued for the worker like any large change."""
    years = [year] if year else None
    cause = f"recompute of {year if year else 'this year and the years with active needs'} requested"
    run = recompute_or_queue(uow, settings, cause=cause, nips=None, competencies=None, years=years)
    if run is None:
        employees, now = repository.active_employee_count(uow.session), utcnow()
        run = _new_run(
            uow,
            cause,
            None,
            "standard_removed",
            years,
            status="succeeded",
            done=employees,
            total=employees,
            started_at=now,
            finished_at=now,
        )
    uow.commit()
    return run


# --- competency dictionary ----------------------------------------------------------------------


def seed_dictionary(uow: UnitOfWork) -> dict[str, int]:
    """Load (or refresh) the national managerial and socio-cultural competencies and the class defaults."""
    session = uow.session
    counts = {"competencies": 0, "class_standards": 0}
    for row in seed.competencies():
        competency = session.get(Competency, row["code"])
        if competency is None:
            session.add(Competency(**row, active=True))
        else:
            for key, value in row.items():
                setattr(competency, key, value)
        counts["competencies"] += 1
    session.flush()
    for row in seed.class_standards():
        if session.get(ClassStandard, (row["position_class"], row["competency_code"])) is None:
            session.add(ClassStandard(**row))
            counts["class_standards"] += 1
    uow.commit()
    return counts


def create_competency(uow: UnitOfWork, data: Mapping[str, Any]) -> Competency:
    if uow.session.get(Competency, data["code"]) is not None:
        raise Conflict(
            f"Competency code {data['code']} already exists; choose another code or update that competency.",
            errors=[{"field": "code", "message": "Already exists."}],
        )
    competency = Competency(**data)
    uow.session.add(competency)
    uow.commit()
    return competency


def update_competency(uow: UnitOfWork, settings: NeedsSettings, code: str, data: Mapping[str, Any]) -> Competency:
    competency = uow.get(Competency, code, "competency")
    was_active = competency.active
    for key, value in data.items():
        setattr(competency, key, value)
    if "active" in data and data["active"] != was_active:
        # an inactive competency leaves every standard (and comes back when active again): only the ASN whose
        # position's standard names it are recomputed, not the whole city
        holders = repository.holders_of_competency(uow.session, code, limit=settings.recompute_inline_max + 1)
        state = "active again" if competency.active else "inactive"
        recompute_or_queue(uow, settings, cause=f"competency {code} made {state}", nips=holders, competencies=[code])
    uow.commit()
    return competency


# --- strategic priorities -----------------------------------------------------------------------


def replace_priorities(
    uow: UnitOfWork, settings: NeedsSettings, year: int, items: Sequence[Mapping[str, Any]]
) -> list[StrategicPriority]:
    """The priority themes of a plan year, replaced as a whole (what BKPSDM edits is the year's list)."""
    if year not in domain.PLAN_YEARS:
        raise Invalid(
            f"Plan years run from {domain.PLAN_YEARS.start} to {domain.PLAN_YEARS.stop - 1}.",
            errors=[{"field": "year", "message": f"{year} is not a plan year."}],
        )
    codes = [item["code"] for item in items]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise Invalid(
            f"Theme codes must be unique within a year: {', '.join(duplicates)}.",
            errors=[{"field": f"items.{codes.index(c)}.code", "message": "Duplicate code."} for c in duplicates],
        )
    require_competencies(
        uow,
        {f"items.{i}.competencies.{j}": c for i, item in enumerate(items) for j, c in enumerate(item["competencies"])},
    )
    session = uow.session
    before = repository.priority_weights(session, year)
    session.execute(delete(StrategicPriority).where(StrategicPriority.plan_year == year))
    session.flush()
    priorities = []
    for item in items:
        priority = StrategicPriority(
            plan_year=year,
            code=item["code"],
            name=item["name"],
            description=item.get("description", ""),
            weight=item["weight"],
        )
        session.add(priority)
        session.flush()
        session.add_all(PriorityCompetency(priority_id=priority.id, competency_code=c) for c in item["competencies"])
        priorities.append(priority)
    after: dict[str, float] = {}
    for item in items:
        for code in item["competencies"]:
            after[code] = max(after.get(code, 0.0), item["weight"])
    changed = sorted(code for code in set(before) | set(after) if before.get(code) != after.get(code))
    if changed:  # a gap's priority depends on its competency's weight alone: only those competencies' rows
        recompute_or_queue(
            uow,
            settings,
            cause=f"strategic priorities of {year} changed",
            nips=None,
            competencies=changed,
            years=[year],
        )
    uow.commit()
    return priorities


# --- standards ----------------------------------------------------------------------------------


def replace_class_standard(
    uow: UnitOfWork, settings: NeedsSettings, position_class: str, items: Sequence[Mapping[str, Any]]
) -> None:
    require_unique([item["competency_code"] for item in items], "items", "competency_code")
    require_competencies(uow, {f"items.{i}.competency_code": item["competency_code"] for i, item in enumerate(items)})
    session = uow.session
    before = {
        ("", row.competency_code): row.required_level
        for row in session.scalars(select(ClassStandard).where(ClassStandard.position_class == position_class))
    }
    session.execute(delete(ClassStandard).where(ClassStandard.position_class == position_class))
    session.add_all(ClassStandard(position_class=position_class, **item) for item in items)
    changed = repository.changed_competencies(before, {("", i["competency_code"]): i["required_level"] for i in items})
    if changed:
        nips = session.scalars(
            select(Employee.nip)
            .join(Position, Position.code == Employee.position_code)
            .where(Position.position_class == position_class)
        ).all()
        recompute_or_queue(
            uow, settings, cause=f"class standard of {position_class} changed", nips=nips, competencies=changed
        )
    uow.commit()


def save_position(
    uow: UnitOfWork, settings: NeedsSettings, code: str, data: Mapping[str, Any], create: bool
) -> Position:
    session = uow.session
    position = session.get(Position, code)
    if create and position is not None:
        raise Conflict(
            f"Position code {code} already exists; update it instead.",
            errors=[{"field": "code", "message": "Already exists."}],
        )
    if position is None:
        if not create:
            raise NotFound(f"No position with code {code}.")
        position = Position(code=code)
        session.add(position)
    class_changed = position.position_class != data["position_class"]
    position.name = data["name"]
    position.position_class = data["position_class"]
    if class_changed and not create:
        recompute_or_queue(
            uow,
            settings,
            cause=f"position {code} moved to class {position.position_class}",
            nips=_nips_in_position(uow, code),
            competencies=None,
        )
    uow.commit()
    return position


def replace_position_standard(
    uow: UnitOfWork, settings: NeedsSettings, code: str, items: Sequence[Mapping[str, Any]]
) -> None:
    uow.get(Position, code, "position")
    require_unique([item["competency_code"] for item in items], "items", "competency_code")
    require_competencies(uow, {f"items.{i}.competency_code": item["competency_code"] for i, item in enumerate(items)})
    session = uow.session
    before = repository.effective_standard(session, [code])
    session.execute(delete(PositionStandard).where(PositionStandard.position_code == code))
    session.add_all(PositionStandard(position_code=code, **item) for item in items)
    session.flush()
    changed = repository.changed_competencies(before, repository.effective_standard(session, [code]))
    if changed:  # only the entries that changed: a gap row depends on its own competency alone
        recompute_or_queue(
            uow,
            settings,
            cause=f"standard of position {code} changed",
            nips=_nips_in_position(uow, code),
            competencies=changed,
        )
    uow.commit()


def _nips_in_position(uow: UnitOfWork, code: str) -> list[str]:
    return list(uow.session.scalars(select(Employee.nip).where(Employee.position_code == code)))


# --- employees ----------------------------------------------------------------------------------

GAP_FIELDS = {"position_code", "employment_status", "active", "unit_code"}


def upsert_employees(
    uow: UnitOfWork, settings: NeedsSettings, rows: Sequence[Mapping[str, Any]], load_row: Callable[[Any], dict]
) -> dict[str, Any]:
    """Insert or update employees; valid rows are applied together, invalid ones reported by row.

    ``load_row`` validates one raw row (a marshmallow ``load``) and raises ValidationError.
    Each added or changed employee emits ``EmployeeSynced``; an unchanged one emits nothing.
    """
    session = uow.session
    today = settings.today()
    report: dict[str, Any] = {"received": len(rows), "added": 0, "updated": 0, "unchanged": 0, "rejected": []}
    valid: dict[str, tuple[int, dict]] = {}
    for index, raw in enumerate(rows):
        try:
            row = load_row(raw)
        except ValidationError as exc:
            report["rejected"].append(_rejection(index, raw, exc.messages))
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
            report["rejected"].append(_rejection(index, raw, problems))
            continue
        valid[row["nip"]] = (index, row)

    known_positions = repository.existing_codes(
        session, Position.code, (row.get("position_code") for _, row in valid.values())
    )
    for nip, (index, row) in list(valid.items()):
        if row.get("position_code") and row["position_code"] not in known_positions:
            report["rejected"].append(
                _rejection(
                    index, row, {"position_code": [f"Unknown position {row['position_code']}; create it first."]}
                )
            )
            del valid[nip]

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
            "active": employee["active"],
        },
        validate=False,  # typed rows of our own table, thousands at once in a sync (consumers validate)
    )


# --- assessments --------------------------------------------------------------------------------


def record_assessment(uow: UnitOfWork, settings: NeedsSettings, nip: str, data: Mapping[str, Any]) -> AssessmentRecord:
    import uuid

    uow.get(Employee, nip, "employee")
    require_competencies(uow, {"competency_code": data["competency_code"]})
    if data["assessed_on"] > settings.today():
        raise Invalid(
            "The assessment date is in the future.",
            errors=[{"field": "assessed_on", "message": "Must not be after today."}],
        )
    assessment = AssessmentRecord(id=str(uuid.uuid4()), nip=nip, **data)
    uow.session.add(assessment)
    recompute(uow, settings, nips=[nip])
    uow.commit()
    return assessment


# --- needs --------------------------------------------------------------------------------------


def change_need_status(uow: UnitOfWork, need_id: str, status: str, note: str | None = None) -> Need:
    need = uow.get(Need, need_id, "need")
    check_transition(domain.MANUAL_TRANSITIONS, "need (changed by hand)", need.status, status)
    if status == "closed" and need.status in ("in_training", "awaiting_evaluation") and not note:
        raise Invalid(
            f"A need that is {need.status} is closed by hand only with a note saying why (for example: the "
            "evaluation will not come and the gap is accepted).",
            errors=[{"field": "note", "message": "Required to close this need."}],
        )
    need.status, need.note = status, note or need.note
    need.updated_at = utcnow()
    if status == "closed":
        need.closed_reason, need.closed_at = "cancelled", utcnow()
        uow.publish(repository.need_closed_event(need.id, need.nip, need.competency_code, "cancelled"))
    uow.commit()
    return need


# --- event handlers -----------------------------------------------------------------------------


def credit_jp(uow: UnitOfWork, settings: NeedsSettings, credit: Mapping[str, Any]) -> bool:
    """Put one completed development in the JP ledger, once; False when it was there already.

    The credit keeps the employee's OPD, position and kind of today. What Bangkom credits (its own
    trainings, verified outside development) is owed to SIMPEG's training history; what came from
    SIMPEG is not sent back. ``JpCredited`` tells the training service the year's total (the PPPK cap).
    """
    session = uow.session
    if session.get(JpCredit, credit["credit_id"]) is not None:
        return False
    employee = session.get(Employee, credit["nip"])
    session.add(
        JpCredit(
            credit_id=credit["credit_id"],
            source=credit["source"],
            nip=credit["nip"],
            year=domain.credit_year(credit["completed_on"]),
            jp=credit["jp"],
            program_id=credit.get("program_id"),
            program_title=credit["program_title"],
            organiser=credit.get("organiser"),
            form=credit["form"],
            completed_on=credit["completed_on"],
            competencies=credit["competencies"],
            unit_code=employee.unit_code if employee else None,
            unit_name=employee.unit_name if employee else None,
            position_code=employee.position_code if employee else None,
            employment_status=employee.employment_status if employee else None,
        )
    )
    if credit["source"] != "simpeg" and session.get(SimpegHistory, credit["credit_id"]) is None:
        record = mapping.history_record({**credit, "enrollment_id": credit["credit_id"]})
        session.add(SimpegHistory(enrollment_id=credit["credit_id"], nip=credit["nip"], record=record))
    session.flush()
    year = domain.credit_year(credit["completed_on"])
    total = repository.credited_jp(session, credit["nip"], year)
    uow.publish(
        new_event(
            "JpCredited",
            {
                "credit_id": credit["credit_id"],
                "nip": credit["nip"],
                "year": year,
                "jp": credit["jp"],
                "source": credit["source"],
                "year_total": total,
            },
        )
    )
    return True


def recompute_after_credit(uow: UnitOfWork, settings: NeedsSettings, nip: str, completed_on) -> None:
    """Realised JP changed the shortfall, so the ASN's priorities in that year and this one: recomputed once for every
    ASN the transaction credited, just before it commits (a poll of completions, a SIMPEG import)."""
    if uow.session.get(Employee, nip) is not None:
        credited = uow.gather("needs.recompute_after_credit", lambda pairs: _recompute_credited(uow, settings, pairs))
        credited.update((year, nip) for year in {domain.credit_year(completed_on), settings.today().year})


def _recompute_credited(uow: UnitOfWork, settings: NeedsSettings, pairs: set[tuple[int, str]]) -> None:
    for year in sorted({year for year, _ in pairs}):
        recompute(uow, settings, {year}, nips=sorted(nip for y, nip in pairs if y == year))


def on_training_completed(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """Credit the JP to the ASN's year; the needs the training addressed await evaluation."""
    data = event.load_data()
    session = uow.session
    credit_jp(uow, settings, {**data, "credit_id": data["enrollment_id"], "source": "bangkom"})
    # Kafka orders events per topic only: an evaluation of this enrolment may have been handled first.
    evaluated = set(
        session.scalars(
            select(AssessmentRecord.competency_code).where(AssessmentRecord.enrollment_id == data["enrollment_id"])
        )
    )
    codes = [c["code"] for c in data["competencies"] if c["code"] not in evaluated]
    repository.set_need_status(session, data["nip"], codes, ("open", "planned", "in_training"), "awaiting_evaluation")
    recompute_after_credit(uow, settings, data["nip"], data["completed_on"])


def on_training_not_completed(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """The needs go back to open: the ASN still needs development."""
    data = event.load_data()
    program = uow.session.get(Program, data["program_id"])
    if program is not None:
        codes = [c["code"] for c in program.competencies]
        repository.set_need_status(uow.session, data["nip"], codes, ("in_training",), "open")


def on_training_decision_revoked(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """A reopened batch revoked a decision: a completion's JP leave the ledger (and the record not yet sent to SIMPEG
    is withdrawn); the needs the program addresses are in training again until the batch closes again."""
    data = event.load_data()
    session = uow.session
    codes = [c["code"] for c in data["competencies"]]
    if data["revoked"] == "completed":
        credit = session.get(JpCredit, data["enrollment_id"])
        if credit is not None:
            year = credit.year
            session.delete(credit)
            session.flush()
            uow.publish(
                new_event(
                    "JpCredited",
                    {
                        "credit_id": credit.credit_id,
                        "nip": credit.nip,
                        "year": year,
                        "jp": -credit.jp,
                        "source": credit.source,
                        "year_total": repository.credited_jp(session, credit.nip, year),
                    },
                )
            )
            recompute_after_credit(uow, settings, credit.nip, credit.completed_on)
        history = session.get(SimpegHistory, data["enrollment_id"])
        if history is not None and history.status != "sent":
            session.delete(history)  # not in SIMPEG yet: nothing to send (closing again queues it anew)
        elif history is not None:
            history.last_error = "Revoked in Bangkom after it was sent (batch reopened): check SIMPEG's record."
        repository.set_need_status(session, data["nip"], codes, ("awaiting_evaluation",), "in_training")
    else:
        repository.set_need_status(session, data["nip"], codes, ("open", "planned"), "in_training")


def on_participant_withdrawn(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """The needs the program addresses go back to the candidate pool (open), as if never enrolled."""
    data = event.load_data()
    program = uow.session.get(Program, data["program_id"])
    if program is not None:
        codes = [c["code"] for c in program.competencies]
        reopened = repository.set_need_status(uow.session, data["nip"], codes, ("in_training",), "open")
        uow.publish_all([repository.need_identified_event(need) for need in reopened])


def on_competency_assessed(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """Record the level, recompute the gap; a need that is met closes, one that is not is open again."""
    data = event.load_data()
    session = uow.session
    if session.get(Employee, data["nip"]) is None or session.get(Competency, data["competency_code"]) is None:
        raise LookupError(f"unknown employee {data['nip']} or competency {data['competency_code']}")
    if session.get(AssessmentRecord, data["assessment_id"]) is None:
        session.add(
            AssessmentRecord(
                id=data["assessment_id"],
                nip=data["nip"],
                competency_code=data["competency_code"],
                level=data["level"],
                source=data["source"],
                assessed_on=data["assessed_on"],
                evidence=f"Evaluasi pasca pelatihan (program {data['program_id']})" if data["program_id"] else "",
                assessor_nip=data["assessor_nip"],
                enrollment_id=data["enrollment_id"],
                program_id=data["program_id"],
            )
        )
    recompute(uow, settings, nips=[data["nip"]])
    reopened = repository.set_need_status(
        session, data["nip"], [data["competency_code"]], ("awaiting_evaluation",), "open"
    )
    uow.publish_all([repository.need_identified_event(need) for need in reopened])


def on_evaluation_task_expired(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """The project assessment that would close the loop expired: the needs it awaited go back to the plan."""
    data = event.load_data()
    reopened = repository.set_need_status(
        uow.session, data["nip"], data["competency_codes"], ("awaiting_evaluation",), "open"
    )
    uow.publish_all([repository.need_identified_event(need) for need in reopened])


def on_program_published(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    data = event.load_data()
    program = uow.session.get(Program, data["program_id"]) or Program(program_id=data["program_id"])
    program.code, program.title, program.form = data["code"], data["title"], data["form"]
    program.jp, program.competencies, program.starts_on = data["jp"], data["competencies"], data["starts_on"]
    uow.session.add(program)


def on_participant_enrolled(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """The needs the program addresses are now in training (when the program is known here)."""
    data = event.load_data()
    program = uow.session.get(Program, data["program_id"])
    if program is not None:
        codes = [c["code"] for c in program.competencies]
        repository.set_need_status(uow.session, data["nip"], codes, ("open", "planned"), "in_training")


def on_external_development_verified(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """Credit the JP, owe SIMPEG the record, and take the verified levels as the ASN's (source ``certificate``)."""
    data = event.load_data()
    credit_id = f"external:{data['record_id']}"
    credit_jp(
        uow,
        settings,
        {
            "credit_id": credit_id,
            "source": "external",
            "nip": data["nip"],
            "jp": data["jp"],
            "program_title": data["title"],
            "organiser": data["organiser"],
            "partner_name": data["organiser"],
            "form": data["form"],
            "started_on": data["starts_on"],
            "completed_on": data["ends_on"],
            "competencies": [{"code": c["code"], "target_level": c["level"]} for c in data["competencies"]],
            "certificate_number": data["certificate_number"],
        },
    )
    session = uow.session
    for claimed in data["competencies"]:
        assessment_id = f"{credit_id}:{claimed['code']}"
        if session.get(AssessmentRecord, assessment_id) is None:
            session.add(
                AssessmentRecord(
                    id=assessment_id,
                    nip=data["nip"],
                    competency_code=claimed["code"],
                    level=claimed["level"],
                    source="certificate",
                    assessed_on=data["ends_on"],
                    evidence=f"{data['title']} ({data['organiser']}), sertifikat {data['certificate_number']}",
                    assessor_nip=None,
                )
            )
    recompute_after_credit(uow, settings, data["nip"], data["ends_on"])


EVENT_HANDLERS = {
    "TrainingCompleted": on_training_completed,
    "TrainingNotCompleted": on_training_not_completed,
    "CompetencyAssessed": on_competency_assessed,
    "EvaluationTaskExpired": on_evaluation_task_expired,
    "ProgramPublished": on_program_published,
    "ParticipantEnrolled": on_participant_enrolled,
    "ParticipantWithdrawn": on_participant_withdrawn,
    "TrainingDecisionRevoked": on_training_decision_revoked,
    "ExternalDevelopmentVerified": on_external_development_verified,
}


def event_handlers(settings: NeedsSettings) -> dict[str, Handler]:
    return bind(EVENT_HANDLERS, settings)


# --- helpers ------------------------------------------------------------------------------------


def require_competencies(uow: UnitOfWork, codes_at: Mapping[str, str]) -> None:
    """``codes_at`` maps each field path of the request to the competency code given there."""
    known = repository.existing_codes(uow.session, Competency.code, codes_at.values())
    unknown = {path: code for path, code in codes_at.items() if code not in known}
    if unknown:
        raise Invalid(
            f"Unknown competency code(s): {', '.join(sorted(set(unknown.values())))}. Add them to the dictionary first.",
            errors=[{"field": path, "message": f"Unknown competency {code}."} for path, code in unknown.items()],
        )


def require_unique(values: list[str], field: str, name: str) -> None:
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        raise Invalid(
            f"Each {name} may appear once: {', '.join(duplicates)}.",
            errors=[{"field": f"{field}.{values.index(v)}.{name}", "message": "Duplicate."} for v in duplicates],
        )
