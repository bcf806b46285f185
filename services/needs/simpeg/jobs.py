"""The runs of the SIMPEG jobs (docs/simpeg.md): the lock that lets one job of a kind run at a time, a run's progress
(its heartbeat) and its outcome. ``runs`` (employees) and ``history`` (training history in) both record their runs
here; neither imports the other's work.

The queued or running row of ``simpeg_sync_runs`` is the lock (a partial unique index), released when the run ends and
taken over when its heartbeat is older than the lease (a crashed run).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from services.needs.config import NeedsSettings
from services.needs.models import Outbox, SimpegSyncRun
from shared.db import Database, UnitOfWork, utcnow
from shared.errors import Conflict
from shared.service import ServiceContext

Progress = Callable[[int, int | None], None]  # (records done, total when known)


class SyncBusy(Conflict):
    pass


# --- the lock: one employee job at a time -----------------------------------------------------


def start_run(
    uow: UnitOfWork,
    settings: NeedsSettings,
    *,
    source: str,
    trigger: str,
    requested_by: str | None = None,
    unit_id: str | None = None,
    allow_mass_deactivation: bool = False,
    queued: bool = False,
    job: str = "employees",
    upload: bytes | None = None,
    deactivate_missing: bool = False,
) -> SimpegSyncRun:
    """Take the lock of ``job`` (``employees``: syncs and imports; ``history``: the training history coming in)
    with a new run, running now or queued for the worker; SyncBusy when another run of the job holds it."""
    session = uow.session
    _abandon_stale(session, settings, job)
    now = utcnow()
    run = SimpegSyncRun(
        id=str(uuid.uuid4()),
        job=job,
        source=source,
        trigger=trigger,
        requested_by=requested_by,
        unit_id=unit_id,
        allow_mass_deactivation=allow_mass_deactivation,
        status="queued" if queued else "running",
        created_at=now,
        started_at=None if queued else now,
        heartbeat_at=now,
        done=0,
        upload=upload,
        deactivate_missing=deactivate_missing,
    )
    session.add(run)
    try:
        uow.commit()
    except IntegrityError:
        uow.rollback()
        raise _busy(session, job) from None
    return run


def _abandon_stale(session, settings: NeedsSettings, job: str) -> None:
    """A run of ``job`` with no sign of life within the lease (its worker died) gives the lock up."""
    stale = utcnow() - dt.timedelta(seconds=settings.simpeg_sync_lease_seconds)
    session.execute(
        update(SimpegSyncRun)
        .where(
            SimpegSyncRun.job == job,
            SimpegSyncRun.status.in_(("queued", "running")),
            func.coalesce(SimpegSyncRun.heartbeat_at, SimpegSyncRun.created_at) < stale,
        )
        .values(status="abandoned", finished_at=utcnow(), error="No sign of life within the lease; taken over.")
    )


def _busy(session, job: str) -> SyncBusy:
    """The refusal that names the run holding the lock of ``job``, and what to do."""
    active = session.scalars(
        select(SimpegSyncRun).where(SimpegSyncRun.job == job, SimpegSyncRun.status.in_(("queued", "running")))
    ).first()
    detail = (
        f"run {active.id} ({active.source}, {active.status} since {active.created_at:%Y-%m-%d %H:%M} UTC)"
        if active
        else "another run"
    )
    what = "An employee sync or import" if job == "employees" else "A training-history import"
    return SyncBusy(
        f"{what} is already in progress: {detail}. Wait for it to finish, then try again.",
        errors=[{"field": "run", "message": f"Another {job} job holds the lock."}],
    )


def claim_queued_run(database: Database, settings: NeedsSettings) -> tuple[str, str] | None:
    """The worker's side: the oldest queued run becomes running; its (id, job), or None when nothing waits."""
    with unit_of_work(database, settings) as uow:
        session = uow.session
        queued = session.execute(
            select(SimpegSyncRun.id, SimpegSyncRun.job)
            .where(SimpegSyncRun.status == "queued")
            .order_by(SimpegSyncRun.created_at)
        ).first()
        if queued is None:
            return None
        run_id, job = queued
        claimed = session.execute(
            update(SimpegSyncRun)
            .where(SimpegSyncRun.id == run_id, SimpegSyncRun.status == "queued")
            .values(status="running", started_at=utcnow(), heartbeat_at=utcnow())
        ).rowcount
        uow.commit()
        return (run_id, job) if claimed else None


def heartbeat(database: Database, settings: NeedsSettings, run_id: str, done: int, total: int | None) -> None:
    with unit_of_work(database, settings) as uow:
        uow.session.execute(
            update(SimpegSyncRun)
            .where(SimpegSyncRun.id == run_id)
            .values(done=done, total=total, heartbeat_at=utcnow())
        )
        uow.commit()


def finish_run(
    database: Database, settings: NeedsSettings, run_id: str, report: dict[str, Any] | None, error: str | None = None
) -> None:
    with unit_of_work(database, settings) as uow:
        uow.session.execute(
            update(SimpegSyncRun)
            .where(SimpegSyncRun.id == run_id)
            .values(status=outcome(report, error), report=report, error=error, finished_at=utcnow(), upload=None)
        )
        uow.commit()


def outcome(report: dict[str, Any] | None, error: str | None) -> str:
    """The truth of a finished run: ``partial`` when rows were rejected, ``failed`` when nothing could be applied."""
    if error:
        return "failed"
    rejected = len((report or {}).get("rejected") or [])
    if rejected and rejected >= (report or {}).get("received", 0):
        return "failed"
    return "partial" if rejected else "succeeded"


def unit_of_work(database: Database, settings: NeedsSettings) -> UnitOfWork:
    """The needs service's unit of work: every write of the integration goes through one."""
    return ServiceContext(settings, database, Outbox).uow()
