"""Attendance from every source (the partner API, BKPSDM's roster, an attendance sheet): one rule for duplicates,
corrections and closed batches."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, select, text, update
from sqlalchemy.exc import IntegrityError

from services.training import domain
from services.training.commands import AttendanceRecord, RosterMark
from services.training.models import Attendance, AttendanceReceipt, Batch, Enrollment, Meeting, Program
from shared import nip as employee_number
from shared import sheets
from shared.db import UnitOfWork, among_parameter, hot_insert, hot_rows, on_postgresql, utcnow
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
        result, event = known.apply(record, sender, source)
        results.append(result)
        if event is not None:
            events.append(event)
    known.write(session)
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
    hot_rows(session, _LOCKS, {"batches": [_batch_lock(b) for b in batch_ids], "pairs": pairs})


_LOCKS = text(
    "SELECT (SELECT count(pg_advisory_xact_lock_shared(hashtextextended(b, 0)))"
    " FROM unnest(CAST(:batches AS text[])) AS b),"
    " (SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM unnest(CAST(:pairs AS text[])) AS k)"
)


@functools.cache
def _reads(dialect: str) -> dict[str, Select]:
    """The reads of an attendance write, built once per dialect and run with their values as parameters: building
    the statements anew for every request cost more than running them."""
    batch, program, receipt = Batch.__table__.c, Program.__table__.c, AttendanceReceipt.__table__.c
    enrolment, meeting, attendance = Enrollment.__table__.c, Meeting.__table__.c, Attendance.__table__.c
    batches = (
        select(batch.id, batch.closed_at, program.partner_code)
        .join_from(Batch.__table__, Program.__table__, program.id == batch.program_id)
        .where(among_parameter(dialect, batch.id, "batches"))
        .order_by(batch.id)
    )
    return {
        "batches": batches,
        "batches of a partner": batches.where(program.partner_code == bindparam("partner")),
        "receipts": select(receipt.event_id, receipt.body_hash).where(
            receipt.partner_code == bindparam("sender"), among_parameter(dialect, receipt.event_id, "events")
        ),
        "enrolments": select(enrolment.id, enrolment.batch_id, enrolment.nip, enrolment.status).where(
            among_parameter(dialect, enrolment.batch_id, "batches"), among_parameter(dialect, enrolment.nip, "nips")
        ),
        "meetings": select(meeting.batch_id, meeting.meeting_no).where(
            among_parameter(dialect, meeting.batch_id, "batches"),
            among_parameter(dialect, meeting.meeting_no, "numbers"),
        ),
        "attendance": select(attendance.enrollment_id, attendance.meeting_no, attendance.recorded_at).where(
            among_parameter(dialect, attendance.enrollment_id, "enrolments"),
            among_parameter(dialect, attendance.meeting_no, "numbers"),
        ),
    }


class _Batch(NamedTuple):
    closed_at: dt.datetime | None
    partner_code: str


class _Enrolment(NamedTuple):
    id: str
    nip: str
    status: str


@dataclass
class _Known:
    """What the records of one request meet, read once under their locks as plain rows (no ORM objects: a request
    of 1,000 records would make thousands): their batches (a partner's own only) and partners, the receipts of their
    event ids, the participants and meetings they name, the attendance held; and what they change, written at the
    end in one statement per table."""

    batches: dict[str, _Batch]
    receipts: dict[str, str]
    enrollments: dict[tuple[str, str], _Enrolment]  # by (batch, nip)
    meetings: set[tuple[str, int]]
    current: dict[tuple[str, int], dt.datetime]  # (enrolment, meeting) → recorded_at held
    new_receipts: list[dict[str, Any]] = field(default_factory=list)
    inserted: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)  # attendance rows to add
    updated: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)  # held rows to change

    @classmethod
    def of(cls, session, records, batch_ids: list[str], sender: str, partner_code: str | None) -> _Known:
        reads = _reads(session.get_bind().dialect.name)

        def run(name: str, **parameters: Any) -> list[tuple]:
            return hot_rows(session, reads[name], parameters)

        # read under the locks: a batch closed meanwhile is seen closed
        if partner_code is None:
            found = run("batches", batches=batch_ids)
        else:
            found = run("batches of a partner", batches=batch_ids, partner=partner_code)
        batches = {batch_id: _Batch(closed_at, partner) for batch_id, closed_at, partner in found}
        # under the pairs' locks: a concurrent request with the same records committed
        receipts = run("receipts", sender=sender, events=[r.event_id for r in records])
        # only the participants and meetings this request names
        named = {"batches": list(batches), "numbers": sorted({r.meeting_no for r in records})}
        enrollments = {
            (batch_id, nip): _Enrolment(id_, nip, status)
            for id_, batch_id, nip, status in run("enrolments", **named, nips=sorted({r.nip for r in records}))
        }
        meetings = run("meetings", **named)
        current = run("attendance", enrolments=[e.id for e in enrollments.values()], numbers=named["numbers"])
        return cls(
            batches=batches,
            receipts=dict(receipts),
            enrollments=enrollments,
            meetings=set(meetings),
            current={(enrolment, number): at for enrolment, number, at in current},
        )

    def apply(self, record: AttendanceRecord, sender: str, source: str) -> tuple[dict[str, Any], Event | None]:
        """One record: its outcome, and the event of the attendance it changed (``None`` when it changed none)."""
        digest = _body_hash(record.receipt_body(source))
        batch = self.batches.get(record.batch_id)
        enrollment = self.enrollments.get((record.batch_id, record.nip))
        key = (enrollment.id, record.meeting_no) if enrollment else None
        decision = domain.decide_attendance(
            seen_body=self.receipts.get(record.event_id),
            body=digest,
            batch_known=batch is not None,
            participant_known=enrollment is not None and enrollment.status != "withdrawn",  # withdrawn: no more
            meeting_known=(record.batch_id, record.meeting_no) in self.meetings,
            batch_closed=batch is not None and batch.closed_at is not None,
            recorded_at=record.recorded_at,
            held_recorded_at=self.current.get(key) if key else None,
        )
        result = {"event_id": record.event_id, "outcome": decision.outcome}
        if decision.field:
            result["field"] = decision.field
        if decision.keeps_receipt:
            self.new_receipts.append(
                {"partner_code": sender, "event_id": record.event_id, "body_hash": digest, "received_at": utcnow()}
            )
            self.receipts[record.event_id] = digest
        if decision.outcome != "accepted":
            return result, None
        row = {
            "status": record.status,
            "recorded_at": record.recorded_at,
            "partner_event_id": record.event_id,
            "source": source,
            "note": record.note,
        }
        if key in self.current and key not in self.inserted:
            self.updated[key] = row
        else:
            self.inserted[key] = {"enrollment_id": enrollment.id, "meeting_no": record.meeting_no, **row}
        self.current[key] = record.recorded_at
        return result, new_event(
            "AttendanceRecorded",
            {
                "enrollment_id": enrollment.id,
                "nip": enrollment.nip,
                "batch_id": record.batch_id,
                "meeting_no": record.meeting_no,
                "status": record.status,
                "partner_code": batch.partner_code,
                "recorded_at": record.recorded_at,
                "source": source,
            },
            validate=False,
        )

    def write(self, session) -> None:
        """The receipts and the attendance added and changed: one statement for each kind, however many records
        (Core statements on the tables: nothing for the ORM to track)."""
        hot_insert(session, AttendanceReceipt.__table__, self.new_receipts)
        hot_insert(session, Attendance.__table__, list(self.inserted.values()))
        if self.updated:
            table = Attendance.__table__
            session.connection().execute(
                update(table)
                .where(
                    table.c.enrollment_id == bindparam("key_enrollment"), table.c.meeting_no == bindparam("key_meeting")
                )
                .values(
                    {name: bindparam(name) for name in ("status", "recorded_at", "partner_event_id", "source", "note")}
                ),
                [{"key_enrollment": e, "key_meeting": m, **row} for (e, m), row in self.updated.items()],
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
