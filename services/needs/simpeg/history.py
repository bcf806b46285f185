"""Training history both ways (docs/simpeg.md), both of SIASN's histories (rw-kursus, rw-diklat): Bangkom → SIMPEG,
sending what is due exactly once, to the history of its kind, and retrying what failed; SIMPEG → Bangkom, crediting
the records entered there by hand, exactly once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update

from services.needs import domain, handlers
from services.needs.config import NeedsSettings
from services.needs.models import Employee, JpCredit, SimpegHistory, SimpegSyncRun
from services.needs.simpeg import mapping
from services.needs.simpeg.client import SimpegClient, SimpegError, SimpegRejected
from services.needs.simpeg.files import rejection
from services.needs.simpeg.jobs import Progress, finish_run, heartbeat, unit_of_work
from shared import due
from shared.db import Database, UnitOfWork, utcnow

log = logging.getLogger(__name__)


def queue(settings: NeedsSettings) -> due.Queue:
    return due.Queue(
        name="simpeg_history",
        model=SimpegHistory,
        waiting="pending",
        max_attempts=settings.simpeg_history_max_attempts,
        retry_seconds=settings.simpeg_history_retry_seconds,
        lease_seconds=max(60.0, settings.simpeg_timeout_seconds * (settings.simpeg_retries + 2)),
    )


def send_due_history(
    database: Database, settings: NeedsSettings, client: SimpegClient, limit: int = 50
) -> dict[str, int]:
    """Send the training-history records that are due (``shared.due``); each outcome is committed on its own.

    A record that was tried before is looked up in SIMPEG first (a write may have succeeded although its answer was
    lost); the write itself carries the enrolment id as ``Idempotency-Key`` and ``idSumber``. Never a duplicate in
    SIMPEG either way.
    """

    def prepare(_session, row: SimpegHistory):
        return row.enrollment_id, row.nip, dict(row.record), row.attempts

    def attempt(work) -> due.Outcome:
        outcome, detail = _send_one(client, *work)
        if outcome == "sent":
            return due.Outcome("sent", values={"simpeg_id": detail})
        return due.Outcome("failed" if outcome == "rejected" else "retrying", detail)

    return due.send_due(database, queue(settings), prepare, attempt, limit)


def _send_one(client: SimpegClient, enrollment_id: str, nip: str, record: dict, attempts: int) -> tuple[str, str]:
    """("sent", SIMPEG's id) | ("rejected", reason) | ("retry", reason). A leadership training goes to rw-diklat, the
    rest to rw-kursus (``domain.history_of_record``)."""
    history = domain.history_of_record(record)
    try:
        if attempts > 1:
            found = _find(client, nip, enrollment_id, history)
            if found is not None:
                return "sent", found
        try:
            saved = client.save_training(record, idempotency_key=enrollment_id, history=history)
        except SimpegRejected as exc:
            if exc.status == 409:  # SIMPEG says it holds this record already
                found = _find(client, nip, enrollment_id, history)
                if found is not None:
                    return "sent", found
            reasons = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
            return "rejected", f"{exc}" + (f" ({reasons})" if reasons else "")
        return "sent", str(saved.get("id") or saved.get("data", {}).get("id") or "")
    except SimpegRejected as exc:
        return "rejected", str(exc)
    except SimpegError as exc:
        return "retry", str(exc)


def _find(client: SimpegClient, nip: str, enrollment_id: str, history: str) -> str | None:
    for record in client.training_history(nip, history):
        if str(record.get("idSumber")) == enrollment_id:
            return str(record.get("id") or "")
    return None


def retry_failed(uow: UnitOfWork, enrollment_ids: Sequence[str] | None = None) -> int:
    """Failed records (all, or the given ones) are pending again, to be sent at once."""
    query = (
        update(SimpegHistory)
        .where(SimpegHistory.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=utcnow())
    )
    if enrollment_ids:
        query = query.where(SimpegHistory.enrollment_id.in_(list(enrollment_ids)))
    count = uow.session.execute(query).rowcount
    uow.commit()
    return count


# --- SIMPEG → Bangkom: what was entered there by hand ---------------------------------------------


def import_history(
    database: Database, settings: NeedsSettings, client: SimpegClient, run_id: str, progress: Progress | None = None
) -> dict[str, Any]:
    """Credit the training history SIMPEG holds for every active employee (of the run's unit), once.

    A record Bangkom wrote itself (its ``idSumber``, or SIMPEG's id of a record we sent) is already in the
    ledger and is counted as ``ours``; a record imported before is ``already_counted``; the rest are
    credited (source ``simpeg``) with the employee's OPD of today. One transaction per chunk of employees.
    """
    with database.sessions() as session:
        run = session.get(SimpegSyncRun, run_id)
        query = select(Employee.nip).where(Employee.active.is_(True)).order_by(Employee.nip)
        if run.unit_id:
            query = query.where(Employee.unit_code == run.unit_id)
        nips = list(session.scalars(query))
    report: dict[str, Any] = {"received": 0, "credited": 0, "already_counted": 0, "ours": 0, "rejected": []}
    uow = unit_of_work(database, settings)
    size = max(1, settings.simpeg_chunk_size // 10)  # one SIMPEG call per employee
    try:
        for start in range(0, len(nips), size):
            fetched = {nip: client.full_history(nip) for nip in nips[start : start + size]}
            with uow:
                _credit_history(uow, settings, fetched, report)
                uow.commit()
            heartbeat(database, settings, run_id, min(start + size, len(nips)), len(nips))
            if progress:
                progress(min(start + size, len(nips)), len(nips))
    except Exception as exc:
        error = str(exc) if isinstance(exc, SimpegError) else f"{type(exc).__name__}: {exc}"
        log.exception("SIMPEG history import failed", extra={"run_id": run_id})
        finish_run(database, settings, run_id, report, f"{error} (what was credited stays; run it again)")
        raise
    finish_run(database, settings, run_id, report)
    return report


def _credit_history(
    uow: UnitOfWork,
    settings: NeedsSettings,
    fetched: dict[str, list[tuple[str, dict[str, Any]]]],
    report: dict[str, Any],
) -> None:
    session = uow.session
    nips = list(fetched)
    ours_ids = set(session.scalars(select(JpCredit.credit_id).where(JpCredit.nip.in_(nips))))
    sent_ids = set(
        session.scalars(
            select(SimpegHistory.simpeg_id).where(SimpegHistory.nip.in_(nips), SimpegHistory.simpeg_id.is_not(None))
        )
    )
    for nip, records in fetched.items():
        for history, record in records:
            report["received"] += 1
            source_id = str(record.get("idSumber") or "")
            if source_id or str(record.get("id") or "") in sent_ids:
                report["ours"] += 1  # written by Bangkom: already in the ledger under its own credit
                continue
            credit, errors = mapping.incoming_credit(nip, record, history)
            if errors:
                report["rejected"].append(rejection(report["received"], nip, errors))
            elif credit["credit_id"] in ours_ids or not handlers.credit_jp(uow, settings, credit):
                report["already_counted"] += 1
            else:
                ours_ids.add(credit["credit_id"])
                handlers.recompute_after_credit(uow, settings, nip, credit["completed_on"])
                report["credited"] += 1
