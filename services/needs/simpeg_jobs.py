"""SIMPEG use-cases of the needs service: the employee sync and file import, the training-history
sender, retries and the reconciliation (docs/simpeg.md).

Employees go through the same path as the bulk upsert (``handlers.upsert_employees``), a chunk per
transaction, so a sync emits ``EmployeeSynced`` only for what changed and recomputes gaps when a
position or status changes. One employee job runs at a time: the queued or running row of
``simpeg_sync_runs`` is the lock (a partial unique index), released when the run ends and taken
over when its heartbeat is older than the lease (a crashed run).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from services.needs import exports, handlers, simpeg
from services.needs.config import NeedsSettings
from services.needs.models import Employee, JpCredit, Outbox, Position, SimpegHistory, SimpegSyncRun
from services.needs.schemas import EmployeeSchema
from services.needs.simpeg_client import SimpegClient, SimpegError, SimpegRejected
from shared.db import Database, UnitOfWork, utcnow
from shared.errors import Conflict, Invalid

log = logging.getLogger(__name__)

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
) -> SimpegSyncRun:
    """Take the lock with a new run (running now, or queued for the worker); SyncBusy when another holds it."""
    session = uow.session
    stale = utcnow() - dt.timedelta(seconds=settings.simpeg_sync_lease_seconds)
    session.execute(
        update(SimpegSyncRun)
        .where(
            SimpegSyncRun.status.in_(("queued", "running")),
            func.coalesce(SimpegSyncRun.heartbeat_at, SimpegSyncRun.created_at) < stale,
        )
        .values(status="abandoned", finished_at=utcnow(), error="No sign of life within the lease; taken over.")
    )
    now = utcnow()
    run = SimpegSyncRun(
        id=str(uuid.uuid4()),
        job="employees",
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
    )
    session.add(run)
    try:
        uow.commit()
    except IntegrityError:
        uow.rollback()
        active = session.scalars(select(SimpegSyncRun).where(SimpegSyncRun.status.in_(("queued", "running")))).first()
        detail = (
            f"run {active.id} ({active.source}, {active.status} since {active.created_at:%Y-%m-%d %H:%M} UTC)"
            if active
            else "another run"
        )
        raise SyncBusy(
            f"An employee sync or import is already in progress: {detail}. Wait for it to finish, then try again.",
            errors=[{"field": "run", "message": "Another employee job holds the lock."}],
        ) from None
    return run


def claim_queued_run(database: Database) -> str | None:
    """The worker's side: the oldest queued run becomes running (None when nothing waits)."""
    with database.sessions() as session:
        run_id = session.scalar(
            select(SimpegSyncRun.id).where(SimpegSyncRun.status == "queued").order_by(SimpegSyncRun.created_at)
        )
        if run_id is None:
            return None
        claimed = session.execute(
            update(SimpegSyncRun)
            .where(SimpegSyncRun.id == run_id, SimpegSyncRun.status == "queued")
            .values(status="running", started_at=utcnow(), heartbeat_at=utcnow())
        ).rowcount
        session.commit()
        return run_id if claimed else None


def _heartbeat(database: Database, run_id: str, done: int, total: int | None) -> None:
    with database.sessions() as session:
        session.execute(
            update(SimpegSyncRun)
            .where(SimpegSyncRun.id == run_id)
            .values(done=done, total=total, heartbeat_at=utcnow())
        )
        session.commit()


def _finish(database: Database, run_id: str, report: dict[str, Any] | None, error: str | None = None) -> None:
    with database.sessions() as session:
        session.execute(
            update(SimpegSyncRun)
            .where(SimpegSyncRun.id == run_id)
            .values(status="failed" if error else "succeeded", report=report, error=error, finished_at=utcnow())
        )
        session.commit()


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
        mapped = simpeg.map_employee(record, today)
        if mapped.nip in report.seen:
            mapped.errors.setdefault("nipBaru", []).append(f"Listed twice: first at row {report.seen[mapped.nip]}.")
        elif mapped.nip:
            report.seen[mapped.nip] = number
        if mapped.errors:
            report.rejected.append(_rejection(number, mapped.nip, mapped.errors))
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
    for rejection in result["rejected"]:
        errors = [{**e, "field": _SIASN_FIELD.get(e["field"], e["field"])} for e in rejection["errors"]]
        report.rejected.append({"row": row_numbers[rejection["row"]], "nip": rejection["nip"], "errors": errors})


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


def _rejection(row: int, nip: str | None, errors: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "row": row,
        "nip": nip,
        "errors": [{"field": name, "message": message} for name, messages in errors.items() for message in messages],
    }


def deactivate_missing(
    uow: UnitOfWork, settings: NeedsSettings, report: SyncReport, unit_id: str | None, allow_mass: bool
) -> None:
    """Deactivate the active employees (of the unit, when one was synced) that the source no longer lists."""
    query = select(Employee.nip).where(Employee.active.is_(True))
    if unit_id:
        query = query.where(Employee.unit_code == unit_id)
    active = list(uow.session.scalars(query))
    missing = simpeg.to_deactivate(active, report.seen)
    if not missing:
        return
    if not allow_mass and not simpeg.deactivation_allowed(
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


def _uow(database: Database, settings: NeedsSettings) -> UnitOfWork:
    return UnitOfWork(database, Outbox, settings.kafka_topic_prefix)


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
    uow = _uow(database, settings)
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
            _heartbeat(database, run_id, report.received, total)
            if progress:
                progress(report.received, total)
        deactivate_missing(uow, settings, report, unit_id, allow_mass)
    except Exception as exc:
        error = str(exc) if isinstance(exc, SimpegError) else f"{type(exc).__name__}: {exc}"
        log.exception("SIMPEG sync failed", extra={"run_id": run_id})
        _finish(database, run_id, report.as_dict(), f"{error} (nobody was deactivated; run the sync again)")
        raise
    result = report.as_dict()
    _finish(database, run_id, result)
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
    uow = _uow(database, settings)
    with database.sessions() as session:
        allow_mass = session.get(SimpegSyncRun, run_id).allow_mass_deactivation
    try:
        for chunk in _chunks(numbered, settings.simpeg_chunk_size):
            with uow:
                apply_records(uow, settings, chunk, report)
            _heartbeat(database, run_id, report.received, len(numbered))
            if progress:
                progress(report.received, len(numbered))
        if deactivate:
            deactivate_missing(uow, settings, report, None, allow_mass)
    except Exception as exc:
        _finish(database, run_id, report.as_dict(), f"{type(exc).__name__}: {exc}")
        raise
    result = report.as_dict()
    _finish(database, run_id, result)
    return result


def run_queued(database: Database, settings: NeedsSettings, client: SimpegClient) -> str | None:
    """Run the oldest sync queued through the API (the worker calls this periodically)."""
    run_id = claim_queued_run(database)
    if run_id is not None:
        with contextlib.suppress(Exception):  # logged and recorded on the run; the worker goes on
            run_sync(database, settings, client, run_id)
    return run_id


# --- export files -----------------------------------------------------------------------------


def read_export(content: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a SIMPEG export (XLSX: first sheet; CSV: comma or semicolon), numbered as the
    spreadsheet numbers them (the header is row 1). Raises Invalid when the file cannot be used at all."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith(".csv"):
        rows = _csv_rows(content)
    else:
        raise Invalid(
            "The file must be an Excel workbook (.xlsx) or a CSV file (.csv) exported from SIMPEG.",
            errors=[{"field": "file", "message": f"Unsupported file type: {filename}."}],
        )
    try:
        header = next(rows)
    except StopIteration:
        raise Invalid("The file is empty.", errors=[{"field": "file", "message": "No header row."}]) from None
    columns = [str(c).strip() if c is not None else "" for c in header]
    if "nipBaru" not in columns:
        raise Invalid(
            "Row 1 must hold the SIMPEG column names (nipBaru, nama, statusPegawai, …); nipBaru was not found.",
            errors=[{"field": "file", "message": "Missing column nipBaru in row 1."}],
        )
    numbered = []
    for number, values in enumerate(rows, start=2):
        record = {col: _cell(v) for col, v in zip(columns, values, strict=False) if col}
        if all(v in (None, "") for v in record.values()):
            continue  # blank line
        numbered.append((number, record))
    return numbered


def _xlsx_rows(content: bytes) -> Iterator[Sequence[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file problem
        raise Invalid(
            "The Excel file cannot be read; save it again as .xlsx and retry.",
            errors=[{"field": "file", "message": f"Unreadable workbook: {type(exc).__name__}."}],
        ) from None
    return iter(list(workbook.worksheets[0].iter_rows(values_only=True)))


def _csv_rows(content: bytes) -> Iterator[Sequence[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")
    return iter(list(csv.reader(io.StringIO(text), delimiter=exports.delimiter_of(text))))


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def check_numeric_nips(numbered: Sequence[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Rows whose NIP (or supervisor's NIP) is a number cell: Excel keeps 15 significant digits, so an
    18-digit NIP stored as a number has lost its last digits and must not be trusted."""
    rejected = []
    for number, record in numbered:
        problems = {
            column: [
                "The cell is a number; Excel keeps only 15 digits, so the NIP has lost its last digits. "
                "Format the column as Text in SIMPEG's export and export again."
            ]
            for column in ("nipBaru", "nipAtasan")
            if isinstance(record.get(column), int | float) and not isinstance(record.get(column), bool)
        }
        if problems:
            rejected.append(_rejection(number, str(record.get("nipBaru")), problems))
    return rejected


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
    """Read, check and apply an export file under the employee lock; the report keeps row numbers."""
    numbered = read_export(content, filename)
    numeric = check_numeric_nips(numbered)
    bad_rows = {r["row"] for r in numeric}
    usable = [(n, r) for n, r in numbered if n not in bad_rows]
    uow = _uow(database, settings)
    with uow:
        run = start_run(
            uow,
            settings,
            source=f"file:{filename}"[:200],
            trigger=trigger,
            requested_by=requested_by,
            allow_mass_deactivation=allow_mass_deactivation,
        )
        run_id = run.id
    skip_deactivation = deactivate and bool(numeric)  # an unreadable NIP must not look like a missing employee
    result = run_import(database, settings, run_id, usable, deactivate and not skip_deactivation, progress)
    if numeric:
        result["received"] += len(numeric)
        result["rejected"] = sorted(result["rejected"] + numeric, key=lambda r: r["row"])
        if skip_deactivation:
            result["warnings"].append("Nobody was deactivated because some NIPs could not be read.")
        _finish(database, run_id, result)
    return {"run_id": run_id, **result}


# --- training history: Bangkom → SIMPEG -----------------------------------------------------------


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
    with database.sessions() as session:
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
        session.commit()
    for enrollment_id, nip, record, attempts in claimed:
        outcome = _send_one(client, enrollment_id, nip, record, attempts)
        with database.sessions() as session:
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
                    seconds=simpeg.retry_delay(attempts, settings.simpeg_history_retry_seconds)
                )
                counts["retrying"] += 1
            session.commit()
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


def reconcile(
    database: Database,
    settings: NeedsSettings,
    client: SimpegClient,
    year: int | None = None,
    queue_missing: bool = False,
    progress: Progress | None = None,
) -> list[simpeg.Difference]:
    """Compare Bangkom's completed trainings (of a year, or all) with SIMPEG's history, employee by employee.

    ``queue_missing`` makes every completed training SIMPEG lacks pending again, queuing a record for
    those Bangkom never queued (for example trainings completed before the adapter existed).
    """
    with database.sessions() as session:
        query = select(JpCredit)
        if year:
            query = query.where(JpCredit.year == year)
        credits = list(session.scalars(query.order_by(JpCredit.nip)))
        queued = {
            h.enrollment_id: h
            for h in session.scalars(
                select(SimpegHistory).where(SimpegHistory.enrollment_id.in_([c.enrollment_id for c in credits]))
            )
        }
        ours: dict[str, list[dict]] = {}
        for credit in credits:
            history = queued.get(credit.enrollment_id)
            record = dict(history.record) if history else simpeg.history_record(_credit_fields(credit))
            ours.setdefault(credit.nip, []).append(record)
        session.expunge_all()
    differences: list[simpeg.Difference] = []
    for done, (nip, records) in enumerate(ours.items(), start=1):
        theirs = client.training_history(nip)
        if year:
            theirs = [r for r in theirs if str(r.get("tahunKursus")) == str(year)]
        differences += simpeg.reconcile(nip, records, theirs)
        if progress:
            progress(done, len(ours))
    if queue_missing:
        missing = {d.enrollment_id for d in differences if d.kind == "missing_in_simpeg"}
        by_id = {c.enrollment_id: c for c in credits}
        with database.sessions() as session:
            for enrollment_id in missing:
                row = session.get(SimpegHistory, enrollment_id)
                if row is None:
                    credit = by_id[enrollment_id]
                    record = simpeg.history_record(_credit_fields(credit))
                    session.add(SimpegHistory(enrollment_id=enrollment_id, nip=credit.nip, record=record))
                elif row.status != "pending":  # sent once but lost in SIMPEG since, or failed
                    row.status, row.attempts, row.next_attempt_at = "pending", 0, utcnow()
            session.commit()
    return differences


def _credit_fields(credit: JpCredit) -> dict[str, Any]:
    return {
        "enrollment_id": credit.enrollment_id,
        "nip": credit.nip,
        "program_title": credit.program_title,
        "form": credit.form,
        "jp": credit.jp,
        "completed_on": credit.completed_on,
    }


def latest_runs(session, limit: int = 20) -> list[SimpegSyncRun]:
    return list(session.scalars(select(SimpegSyncRun).order_by(SimpegSyncRun.created_at.desc()).limit(limit)))
