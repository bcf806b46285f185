"""SIMPEG use-cases of the needs service: the employee sync and file import, the training-history
sender, retries and the reconciliation (docs/simpeg.md).

Employees go through the same path as the bulk upsert (``handlers.upsert_employees``), a chunk per
transaction, so a sync emits ``EmployeeSynced`` only for what changed and recomputes gaps when a
position or status changes. One employee job runs at a time (the lock and the runs' records: ``jobs``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from services.needs import handlers
from services.needs.config import NeedsSettings
from services.needs.models import Employee, Position, SimpegSyncRun
from services.needs.records import EmployeeSchema
from services.needs.simpeg import mapping
from services.needs.simpeg.client import SimpegClient, SimpegError
from services.needs.simpeg.files import check_numeric_nips, read_export, rejection
from services.needs.simpeg.history import import_history
from services.needs.simpeg.jobs import (  # noqa: F401 - the runs' bookkeeping, read from here by the API and CLI
    Progress,
    SyncBusy,
    claim_queued_run,
    finish_run,
    heartbeat,
    outcome,
    start_run,
    unit_of_work,
)
from shared.db import Database, UnitOfWork

log = logging.getLogger(__name__)

# --- applying employee records ----------------------------------------------------------------


@dataclass
class SyncReport:
    received: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    positions_added: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # NIP → the row where the source first listed it

    @property
    def changes(self) -> int:
        return self.added + self.updated + self.deactivated + self.positions_added

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "positions_added": self.positions_added,
            "rejected": sorted(self.rejected, key=lambda r: r["row"]),
            "warnings": self.warnings,
        }


def apply_records(
    uow: UnitOfWork, settings: NeedsSettings, numbered: Sequence[tuple[int, dict[str, Any]]], report: SyncReport
) -> None:
    """One chunk of SIMPEG records (with their row numbers) in one transaction: unknown positions are
    created, employees upserted; rejections keep the row number and name the SIASN field."""
    session = uow.session
    today = settings.today()
    rows, row_numbers = [], []
    positions: dict[str, dict[str, str]] = {}
    for number, record in numbered:
        report.received += 1
        mapped = mapping.map_employee(record, today)
        if mapped.nip in report.seen:
            mapped.errors.setdefault("nipBaru", []).append(f"Listed twice: first at row {report.seen[mapped.nip]}.")
        elif mapped.nip:
            report.seen[mapped.nip] = number
        if mapped.errors:
            report.rejected.append(rejection(number, mapped.nip, mapped.errors))
            continue
        if mapped.position:
            positions.setdefault(mapped.position["code"], mapped.position)
        rows.append(mapped.employee)
        row_numbers.append(number)
    known = set(session.scalars(select(Position.code).where(Position.code.in_(list(positions)))))
    for code, position in positions.items():
        if code not in known:
            session.add(Position(**position))
            report.positions_added += 1
    session.flush()
    result = handlers.upsert_employees(uow, settings, rows, EmployeeSchema().load)  # commits
    for key in ("added", "updated", "unchanged"):
        setattr(report, key, getattr(report, key) + result[key])
    for refused in result["rejected"]:
        errors = [{**e, "field": _SIASN_FIELD.get(e["field"], e["field"])} for e in refused["errors"]]
        report.rejected.append({"row": row_numbers[refused["row"]], "nip": refused["nip"], "errors": errors})


_SIASN_FIELD = {
    "nip": "nipBaru",
    "name": "nama",
    "position_code": "jabatanId",
    "unit_code": "unorIndukId",
    "unit_name": "unorIndukNama",
    "rank": "golRuangAkhir",
    "employment_status": "statusPegawai",
    "supervisor_nip": "nipAtasan",
}


def deactivate_missing(
    uow: UnitOfWork, settings: NeedsSettings, report: SyncReport, unit_id: str | None, allow_mass: bool
) -> None:
    """Deactivate the active employees (of the unit, when one was synced) that the source no longer lists."""
    query = select(Employee.nip).where(Employee.active.is_(True))
    if unit_id:
        query = query.where(Employee.unit_code == unit_id)
    active = list(uow.session.scalars(query))
    missing = mapping.to_deactivate(active, report.seen)
    if not missing:
        return
    if not allow_mass and not mapping.deactivation_allowed(
        len(missing), len(active), settings.simpeg_max_deactivate_share
    ):
        report.warnings.append(
            f"{len(missing)} of {len(active)} active employees are missing from the source; that is more than "
            f"{settings.simpeg_max_deactivate_share:.0%}, so none were deactivated. If SIMPEG is right, run again "
            "allowing mass deactivation (--allow-mass-deactivation / allow_mass_deactivation: true)."
        )
        return
    for start in range(0, len(missing), settings.simpeg_chunk_size):
        with uow:
            report.deactivated += handlers.deactivate_employees(
                uow, settings, missing[start : start + settings.simpeg_chunk_size]
            )


def _chunks(numbered: Iterable[tuple[int, dict]], size: int) -> Iterator[list[tuple[int, dict]]]:
    chunk: list[tuple[int, dict]] = []
    for item in numbered:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_sync(
    database: Database,
    settings: NeedsSettings,
    client: SimpegClient,
    run_id: str,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Pull every employee from SIMPEG page by page and apply them; then deactivate who is gone.

    A failure part-way keeps what was applied (each chunk is whole and re-applying is harmless),
    deactivates nobody and marks the run failed with the reason.
    """
    with database.sessions() as session:
        run = session.get(SimpegSyncRun, run_id)
        unit_id, allow_mass = run.unit_id, run.allow_mass_deactivation
    report = SyncReport()
    uow = unit_of_work(database, settings)
    total: int | None = None

    def numbered() -> Iterator[tuple[int, dict]]:
        nonlocal total
        row = 0
        for page in client.employees(unit_id):
            total = page.total
            for record in page.records:
                row += 1
                yield row, record

    try:
        for chunk in _chunks(numbered(), settings.simpeg_chunk_size):
            with uow:
                apply_records(uow, settings, chunk, report)
            heartbeat(database, settings, run_id, report.received, total)
            if progress:
                progress(report.received, total)
        deactivate_missing(uow, settings, report, unit_id, allow_mass)
    except Exception as exc:
        error = str(exc) if isinstance(exc, SimpegError) else f"{type(exc).__name__}: {exc}"
        log.exception("SIMPEG sync failed", extra={"run_id": run_id})
        finish_run(
            database, settings, run_id, report.as_dict(), f"{error} (nobody was deactivated; run the sync again)"
        )
        raise
    result = report.as_dict()
    finish_run(database, settings, run_id, result)
    log.info("SIMPEG sync finished", extra={"run_id": run_id, **{k: v for k, v in result.items() if k != "rejected"}})
    return result


def run_import(
    database: Database,
    settings: NeedsSettings,
    run_id: str,
    numbered: Sequence[tuple[int, dict[str, Any]]],
    deactivate: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Apply the rows of a SIMPEG export file; deactivation only when asked (a file may be partial)."""
    report = SyncReport()
    uow = unit_of_work(database, settings)
    with database.sessions() as session:
        allow_mass = session.get(SimpegSyncRun, run_id).allow_mass_deactivation
    try:
        for chunk in _chunks(numbered, settings.simpeg_chunk_size):
            with uow:
                apply_records(uow, settings, chunk, report)
            heartbeat(database, settings, run_id, report.received, len(numbered))
            if progress:
                progress(report.received, len(numbered))
        if deactivate:
            deactivate_missing(uow, settings, report, None, allow_mass)
    except Exception as exc:
        finish_run(database, settings, run_id, report.as_dict(), f"{type(exc).__name__}: {exc}")
        raise
    result = report.as_dict()
    finish_run(database, settings, run_id, result)
    return result


def run_queued(database: Database, settings: NeedsSettings, client: SimpegClient | None) -> str | None:
    """Run the oldest sync, file import or history import queued through the API (the worker calls this
    periodically; without SIMPEG only file imports can run)."""
    claimed = claim_queued_run(database, settings)
    if claimed is None:
        return None
    run_id, job = claimed
    with database.sessions() as session:
        source = session.get(SimpegSyncRun, run_id).source
    with contextlib.suppress(Exception):  # logged and recorded on the run; the worker goes on
        if source.startswith("file:"):
            run_stored_import(database, settings, run_id)
        elif client is None:
            finish_run(database, settings, run_id, None, "SIMPEG is not configured (SIMPEG_BASE_URL).")
        else:
            (import_history if job == "history" else run_sync)(database, settings, client, run_id)
    return run_id


def import_file(
    database: Database,
    settings: NeedsSettings,
    content: bytes,
    filename: str,
    *,
    trigger: str,
    requested_by: str | None = None,
    deactivate: bool = False,
    allow_mass_deactivation: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Read, check and apply an export file now, under the employee lock; the report keeps row numbers."""
    numbered = read_export(content, filename)  # an unreadable file is refused before any run is recorded
    with unit_of_work(database, settings) as uow:
        run_id = start_run(
            uow,
            settings,
            source=f"file:{filename}"[:200],
            trigger=trigger,
            requested_by=requested_by,
            allow_mass_deactivation=allow_mass_deactivation,
        ).id
    return {"run_id": run_id, **_apply_file(database, settings, run_id, numbered, deactivate, progress)}


def queue_file(
    database: Database,
    settings: NeedsSettings,
    content: bytes,
    filename: str,
    *,
    requested_by: str | None,
    deactivate: bool = False,
    allow_mass_deactivation: bool = False,
) -> SimpegSyncRun:
    """Keep an export file with a queued run for the worker, so that the person sees its progress (web UI)."""
    read_export(content, filename)  # refused now, not later, when it cannot be read at all
    with unit_of_work(database, settings) as uow:
        run = start_run(
            uow,
            settings,
            source=f"file:{filename}"[:200],
            trigger="api",
            requested_by=requested_by,
            allow_mass_deactivation=allow_mass_deactivation,
            queued=True,
            upload=content,
            deactivate_missing=deactivate,
        )
        return run


def run_stored_import(database: Database, settings: NeedsSettings, run_id: str) -> dict[str, Any]:
    """The worker's side of ``queue_file``: the kept file applied like an import; the file is dropped at the end."""
    with database.sessions() as session:
        run = session.get(SimpegSyncRun, run_id)
        content, filename, deactivate = run.upload or b"", run.source.removeprefix("file:"), run.deactivate_missing
    try:
        numbered = read_export(content, filename)
    except Exception as exc:
        finish_run(database, settings, run_id, None, str(exc))
        raise
    return _apply_file(database, settings, run_id, numbered, deactivate, None)


def _apply_file(
    database: Database,
    settings: NeedsSettings,
    run_id: str,
    numbered: Sequence[tuple[int, dict[str, Any]]],
    deactivate: bool,
    progress: Progress | None,
) -> dict[str, Any]:
    numeric = check_numeric_nips(numbered)
    bad_rows = {r["row"] for r in numeric}
    usable = [(n, r) for n, r in numbered if n not in bad_rows]
    skip_deactivation = deactivate and bool(numeric)  # an unreadable NIP must not look like a missing employee
    result = run_import(database, settings, run_id, usable, deactivate and not skip_deactivation, progress)
    if numeric:
        result["received"] += len(numeric)
        result["rejected"] = sorted(result["rejected"] + numeric, key=lambda r: r["row"])
        if skip_deactivation:
            result["warnings"].append("Nobody was deactivated because some NIPs could not be read.")
        finish_run(database, settings, run_id, result)
    return result
