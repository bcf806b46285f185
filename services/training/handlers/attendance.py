"""Attendance from every source (the partner API, BKPSDM's roster, an attendance sheet): one rule for duplicates,
corrections and closed batches."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from services.training import domain
from services.training.commands import AttendanceRecord, RosterMark
from services.training.models import Attendance, AttendanceReceipt, Batch, Enrollment, Meeting, Program
from shared import nip as employee_number
from shared import sheets
from shared.db import UnitOfWork, on_postgresql, utcnow
from shared.events import Event, new_event


def _body_hash(record: Mapping[str, Any]) -> str:
    """The hash a receipt keeps of a record's body: the same record sent again is a duplicate, another a conflict."""
    canonical = json.dumps(
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in sorted(record.items())}, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_attendance(uow: UnitOfWork, partner_code: str, records: Sequence[AttendanceRecord]) -> list[dict[str, Any]]:
    """Apply a partner's attendance records; one result per record, in order.

    Outcomes: ``accepted`` (the meeting's attendance changed: AttendanceRecorded emitted),
    ``superseded`` (kept as history, a later record of the same meeting already holds),
    ``duplicate`` (this event id was received before with the same body: nothing changes),
    ``conflict`` (this event id was received before with another body), ``not_found`` (no such batch
    of this partner, or no such participant or meeting), ``closed`` (the batch is closed).
    Everything accepted in one call commits together. The same records sent twice at once (a client's
    time-out and retry, two senders) give ``accepted`` once and ``duplicate`` to the other.
    """
    return apply_attendance(uow, records, sender=partner_code, source="partner", partner_code=partner_code)


RETRIES_ON_RACE = 3


def apply_attendance(
    uow: UnitOfWork,
    records: Sequence[AttendanceRecord],
    *,
    sender: str,
    source: str,
    partner_code: str | None = None,
) -> list[dict[str, Any]]:
    """Attendance records from any source (``domain.ATTENDANCE_SOURCES``), under the same rules: one outcome per
    record (see ``record_attendance``), receipts by event id within ``sender``, ``AttendanceRecorded`` for each
    accepted one, and the record keeps its source (and note). ``partner_code`` limits the batches to a partner's."""
    for attempt in range(1, RETRIES_ON_RACE + 1):
        try:
            return _apply_attendance(uow, records, sender, source, partner_code)
        except IntegrityError:  # the same event id stored by a concurrent request between our read and write
            uow.rollback()
            if attempt == RETRIES_ON_RACE:
                raise
    raise AssertionError("unreachable")


def _batch_lock(batch_id: str) -> str:
    return f"batch|{batch_id}"


def lock_batch_whole(session, batch_id: str) -> None:
    """The batch's lock alone (closing, reopening): waits for its attendance writers, keeps new ones waiting."""
    if on_postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": _batch_lock(batch_id)})


def _apply_attendance(
    uow: UnitOfWork, records: Sequence[AttendanceRecord], sender: str, source: str, partner_code: str | None
) -> list[dict[str, Any]]:
    """Apply attendance records (in order; each decided by ``domain.decide_attendance``) under the locks of their
    batches and of each participant and meeting; returns each record's outcome, and commits once."""
    session = uow.session
    batch_ids = sorted({r.batch_id for r in records})
    _lock_records(session, records, batch_ids)
    known = _Known.of(session, records, batch_ids, sender, partner_code)
    results, events = [], []
    for record in records:
        result, event = known.apply(session, record, sender, source)
        results.append(result)
        if event is not None:
            events.append(event)
    uow.publish_all(events)
    uow.commit()
    return results


def _lock_records(session, records: Sequence[AttendanceRecord], batch_ids: list[str]) -> None:
    """Writers of a batch side by side, closing it waits for them: the batch's lock in shared mode (an advisory lock,
    kept in memory: a row locked FOR SHARE by many writers at once is rewritten by each), then one writer per
    participant and meeting at a time (what the order of corrections is about); taken in one order by everyone, in
    one statement. SQLite has one writer."""
    if not on_postgresql(session):
        return
    pairs = sorted({f"attendance|{r.batch_id}|{r.nip}|{r.meeting_no}" for r in records})
    session.execute(
        text(
            "SELECT (SELECT count(pg_advisory_xact_lock_shared(hashtextextended(b, 0)))"
            " FROM unnest(CAST(:batches AS text[])) AS b),"
            " (SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM unnest(CAST(:pairs AS text[])) AS k)"
        ),
        {"batches": [_batch_lock(b) for b in batch_ids], "pairs": pairs},
    )


@dataclass
class _Known:
    """What the records of one request meet, read once under their locks: their batches (a partner's own only) and
    partners, the receipts of their event ids, the participants and meetings they name, the attendance held."""

    batches: dict[str, Batch]
    partner_of: dict[str, str]
    receipts: dict[str, str]
    enrollments: dict[tuple[str, str], Enrollment]
    meetings: set[tuple[str, int]]
    current: dict[tuple[str, int], Attendance]

    @classmethod
    def of(cls, session, records, batch_ids: list[str], sender: str, partner_code: str | None) -> _Known:
        query = select(Batch, Program.partner_code).join(Program, Program.id == Batch.program_id)
        query = query.where(Batch.id.in_(batch_ids)).order_by(Batch.id)
        if partner_code is not None:
            query = query.where(Program.partner_code == partner_code)
        found = session.execute(query).all()  # read under the locks: a batch closed meanwhile is seen closed
        batches = {b.id: b for b, _ in found}
        ids = [r.event_id for r in records]
        receipts = session.scalars(  # under the pairs' locks: a concurrent request with the same records committed
            select(AttendanceReceipt).where(
                AttendanceReceipt.partner_code == sender, AttendanceReceipt.event_id.in_(ids)
            )
        )
        nips = sorted({r.nip for r in records})  # only the participants and meetings this request names
        enrollments = {
            (e.batch_id, e.nip): e
            for e in session.scalars(
                select(Enrollment).where(Enrollment.batch_id.in_(list(batches)), Enrollment.nip.in_(nips))
            )
        }
        meetings = session.scalars(select(Meeting).where(Meeting.batch_id.in_(list(batches))))
        current = session.scalars(
            select(Attendance).where(
                Attendance.enrollment_id.in_([e.id for e in enrollments.values()]),
                Attendance.meeting_no.in_(sorted({r.meeting_no for r in records})),
            )
        )
        return cls(
            batches=batches,
            partner_of={b.id: code for b, code in found},
            receipts={r.event_id: r.body_hash for r in receipts},
            enrollments=enrollments,
            meetings={(m.batch_id, m.meeting_no) for m in meetings},
            current={(a.enrollment_id, a.meeting_no): a for a in current},
        )

    def apply(self, session, record: AttendanceRecord, sender: str, source: str) -> tuple[dict[str, Any], Event | None]:
        """One record: its outcome, and the event of the attendance it changed (``None`` when it changed none)."""
        digest = _body_hash(record.receipt_body(source))
        batch = self.batches.get(record.batch_id)
        enrollment = self.enrollments.get((record.batch_id, record.nip))
        key = (enrollment.id, record.meeting_no) if enrollment else None
        held = self.current.get(key) if key else None
        decision = domain.decide_attendance(
            seen_body=self.receipts.get(record.event_id),
            body=digest,
            batch_known=batch is not None,
            participant_known=enrollment is not None and enrollment.status != "withdrawn",  # withdrawn: no more
            meeting_known=(record.batch_id, record.meeting_no) in self.meetings,
            batch_closed=batch is not None and batch.closed_at is not None,
            recorded_at=record.recorded_at,
            held_recorded_at=held.recorded_at if held else None,
        )
        result = {"event_id": record.event_id, "outcome": decision.outcome}
        if decision.field:
            result["field"] = decision.field
        if decision.keeps_receipt:
            session.add(AttendanceReceipt(partner_code=sender, event_id=record.event_id, body_hash=digest))
            self.receipts[record.event_id] = digest
        if decision.outcome != "accepted":
            return result, None
        if held is None:
            held = self.current[key] = Attendance(enrollment_id=enrollment.id, meeting_no=record.meeting_no)
            session.add(held)
        held.status, held.recorded_at, held.partner_event_id = record.status, record.recorded_at, record.event_id
        held.source, held.note = source, record.note
        return result, new_event(
            "AttendanceRecorded",
            {
                "enrollment_id": enrollment.id,
                "nip": enrollment.nip,
                "batch_id": batch.id,
                "meeting_no": record.meeting_no,
                "status": record.status,
                "partner_code": self.partner_of[batch.id],
                "recorded_at": record.recorded_at,
                "source": source,
            },
            validate=False,
        )


def record_roster_attendance(
    uow: UnitOfWork, batch_id: str, meeting_no: int, entries: Sequence[RosterMark]
) -> list[dict[str, Any]]:
    """BKPSDM marks a meeting from the roster (present, absent, excused, with a note). Each entry may carry its own
    ``event_id`` (the web form sends one per page, so a form sent twice changes nothing); one is made otherwise."""
    now = utcnow()
    records = [
        AttendanceRecord(
            event_id=entry.event_id or f"roster-{uuid.uuid4()}",
            batch_id=batch_id,
            nip=entry.nip,
            meeting_no=meeting_no,
            status=entry.status,
            recorded_at=now,
            note=entry.note,
        )
        for entry in entries
    ]
    return apply_attendance(uow, records, sender="bkpsdm", source="roster")


def import_attendance_sheet(uow: UnitOfWork, batch_id: str, content: bytes, filename: str) -> dict[str, Any]:
    """An attendance sheet (XLSX or CSV: NIP, Pertemuan, Status, Catatan; the template from ``views.sheet_rows``),
    applied row by row: readable rows are recorded together (the same outcomes as every other source), an
    unreadable row is reported with its row number and field. Rows without a status are left out (a template not
    filled in). The same file imported again changes nothing (each row's event id comes from the file and row)."""
    uow.get(Batch, batch_id, "batch")
    rows = sheets.read(content, filename, "NIP", "an attendance sheet (NIP, Pertemuan, Status, Catatan)")
    digest = hashlib.sha256(content).hexdigest()[:16]
    now = utcnow()
    records, where, results = [], [], []
    for number, row in rows:
        if str(row.get("Status") or "").strip() == "":
            continue
        nip = employee_number.normalise(str(row.get("NIP") or ""))
        status = domain.status_of(str(row.get("Status")))
        meeting = row.get("Pertemuan")
        problem = None
        if employee_number.is_number_cell(row.get("NIP")):
            problem = ("NIP", employee_number.NUMBER_CELL)
        elif not re.fullmatch(employee_number.PATTERN, nip, re.ASCII):
            problem = ("NIP", "Not an 18-digit NIP; format the column as Text in Excel.")
        elif not isinstance(meeting, int) and not str(meeting or "").isdigit():
            problem = ("Pertemuan", "The meeting number is missing or not a number.")
        elif status is None:
            problem = ("Status", "Write Hadir, Tidak hadir or Izin.")
        if problem:
            results.append(
                {"row": number, "nip": nip or None, "outcome": "invalid", "field": problem[0], "message": problem[1]}
            )
            continue
        records.append(
            AttendanceRecord(
                event_id=f"sheet-{digest}-{number}",
                batch_id=batch_id,
                nip=nip,
                meeting_no=int(meeting),
                status=status,
                recorded_at=now,
                note=(str(row.get("Catatan") or "").strip() or None),
            )
        )
        where.append(number)
    outcomes = apply_attendance(uow, records, sender="bkpsdm", source="sheet") if records else []
    for number, record, outcome in zip(where, records, outcomes, strict=True):
        results.append({"row": number, "nip": record.nip, "meeting_no": record.meeting_no, **outcome})
    results.sort(key=lambda r: r["row"])
    counts = {k: sum(1 for r in results if r["outcome"] == k) for k in ("accepted", "duplicate", "invalid")}
    return {"received": len(results), **counts, "results": results}
