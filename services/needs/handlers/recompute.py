"""Recomputing gaps and needs: the policy of the settings, in the request up to ``RECOMPUTE_INLINE_MAX`` ASN, else a
run queued for the worker (progress and outcome recorded)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from services.needs import domain, repository
from services.needs.config import NeedsSettings, jp_rules
from services.needs.models import Need, Outbox, RecomputeRun
from shared.db import Database, UnitOfWork, utcnow
from shared.events import derived_id
from shared.logging import request_id as current_request_id
from shared.service import ServiceContext

log = logging.getLogger(__name__)


def policy(settings: NeedsSettings) -> repository.GapPolicy:
    return repository.GapPolicy(
        jp_rules=jp_rules(settings),
        valid_since=domain.valid_since(settings.today(), settings.assessment_valid_years),
    )


# --- recompute ----------------------------------------------------------------------------------


def recompute(
    uow: UnitOfWork,
    settings: NeedsSettings,
    years: Iterable[int] | None = None,
    nips: Sequence[str] | None = None,
    left_standard: str = "position_changed",
    competencies: Sequence[str] | None = None,
    analyze: bool | None = None,
) -> list[repository.RecomputeReport]:
    """Recompute gaps and needs for some employees (or all) in the given years; publishes the need events.
    ``competencies`` narrows it to what a change concerns (a standard's changed entries, one competency);
    ``analyze``: see ``repository.rebuild_gaps``.

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
        report.gap_rows = repository.rebuild_gaps(session, year, policy(settings), nips, competencies, analyze)
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
        id=derived_id(),
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
                recompute(
                    uow,
                    settings,
                    years,
                    nips=chunk,
                    left_standard=left_standard,
                    competencies=competencies,
                    analyze=start == 0,
                )
                uow.session.execute(
                    update(RecomputeRun)
                    .where(RecomputeRun.id == run_id)
                    .values(done=start + len(chunk), heartbeat_at=utcnow())
                )
                uow.commit()
        with UnitOfWork(database, None) as uow:
            repository.refresh_statistics(uow.session)
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


def request_recompute(
    uow: UnitOfWork, settings: NeedsSettings, year: int | None, cause: str | None = None
) -> RecomputeRun:
    """``POST /recompute`` (and the nightly job): everyone, recorded as a run: done at once in a city of at most
    ``RECOMPUTE_INLINE_MAX`` ASN (status ``succeeded``), else queued for the worker like any large change."""
    years = [year] if year else None
    cause = cause or f"recompute of {year if year else 'this year and the years with active needs'} requested"
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
