"""Training history both ways (docs/simpeg.md): Bangkom → SIMPEG, sending what is due exactly once and
retrying what failed; SIMPEG → Bangkom, crediting the records entered there by hand, exactly once."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update

from services.needs import handlers
from services.needs.config import NeedsSettings
from services.needs.models import Employee, JpCredit, SimpegHistory, SimpegSyncRun
from services.needs.simpeg import mapping
from services.needs.simpeg.client import SimpegClient, SimpegError, SimpegRejected
from services.needs.simpeg.files import rejection
from services.needs.simpeg.jobs import Progress, finish_run, heartbeat, unit_of_work
from shared.db import Database, UnitOfWork, utcnow

log = logging.getLogger(__name__)


def send_due_history(
    database: Database, settings: NeedsSettings, client: SimpegClient, limit: int = 50
) -> dict[str, int]:
    """Send the training-history records that are due; each outcome is committed on its own.

    Records are claimed first (``FOR UPDATE SKIP LOCKED`` and a short lease), so several workers
    never send the same record at once. A record that was tried before is looked up in SIMPEG
    first (a write may have succeeded although its answer was lost); the write itself carries the
    enrolment id as ``Idempotency-Key`` and ``idSumber``. Never a duplicate in SIMPEG either way.
    """
    counts = {"sent": 0, "failed": 0, "retrying": 0}
    with unit_of_work(database, settings) as uow:
        session = uow.session
        due = list(
            session.scalars(
                select(SimpegHistory)
                .where(SimpegHistory.status == "pending", SimpegHistory.next_attempt_at <= utcnow())
                .order_by(SimpegHistory.next_attempt_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        lease = utcnow() + dt.timedelta(
            seconds=max(60.0, settings.simpeg_timeout_seconds * (settings.simpeg_retries + 2))
        )
        for row in due:
            row.attempts += 1
            row.next_attempt_at = lease
        claimed = [(r.enrollment_id, r.nip, dict(r.record), r.attempts) for r in due]
        uow.commit()
    for enrollment_id, nip, record, attempts in claimed:
        outcome = _send_one(client, enrollment_id, nip, record, attempts)
        with unit_of_work(database, settings) as uow:
            session = uow.session
            row = session.get(SimpegHistory, enrollment_id)
            if outcome[0] == "sent":
                row.status, row.simpeg_id, row.sent_at, row.last_error = "sent", outcome[1], utcnow(), None
                counts["sent"] += 1
            elif outcome[0] == "rejected" or attempts >= settings.simpeg_history_max_attempts:
                prefix = "" if outcome[0] == "rejected" else f"Gave up after {attempts} attempts: "
                row.status, row.last_error = "failed", prefix + outcome[1]
                counts["failed"] += 1
            else:
                row.last_error = outcome[1]
                row.next_attempt_at = utcnow() + dt.timedelta(
                    seconds=mapping.retry_delay(attempts, settings.simpeg_history_retry_seconds)
                )
                counts["retrying"] += 1
            uow.commit()
        log.info("SIMPEG history record %s", outcome[0], extra={"enrollment_id": enrollment_id, "attempt": attempts})
    return counts


def _send_one(client: SimpegClient, enrollment_id: str, nip: str, record: dict, attempts: int) -> tuple[str, str]:
    """("sent", SIMPEG's id) | ("rejected", reason) | ("retry", reason)."""
    try:
        if attempts > 1:
            found = _find(client, nip, enrollment_id)
            if found is not None:
                return "sent", found
        try:
            saved = client.save_training(record, idempotency_key=enrollment_id)
        except SimpegRejected as exc:
            if exc.status == 409:  # SIMPEG says it holds this record already
                found = _find(client, nip, enrollment_id)
                if found is not None:
                    return "sent", found
            reasons = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
            return "rejected", f"{exc}" + (f" ({reasons})" if reasons else "")
        return "sent", str(saved.get("id") or saved.get("data", {}).get("id") or "")
    except SimpegRejected as exc:
        return "rejected", str(exc)
    except SimpegError as exc:
        return "retry", str(exc)


def _find(client: SimpegClient, nip: str, enrollment_id: str) -> str | None:
    for record in client.training_history(nip):
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
            fetched = {nip: client.training_history(nip) for nip in nips[start : start + size]}
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
    uow: UnitOfWork, settings: NeedsSettings, fetched: dict[str, list[dict[str, Any]]], report: dict[str, Any]
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
        for record in records:
            report["received"] += 1
            source_id = str(record.get("idSumber") or "")
            if source_id or str(record.get("id") or "") in sent_ids:
                report["ours"] += 1  # written by Bangkom: already in the ledger under its own credit
                continue
            credit, errors = mapping.incoming_credit(nip, record)
            if errors:
                report["rejected"].append(rejection(report["received"], nip, errors))
            elif credit["credit_id"] in ours_ids or not handlers.credit_jp(uow, settings, credit):
                report["already_counted"] += 1
            else:
                ours_ids.add(credit["credit_id"])
                handlers.recompute_after_credit(uow, settings, nip, credit["completed_on"])
                report["credited"] += 1
