"""Application use-cases of the training service: one function per command or event.

Each takes its input and a unit of work, changes state through ``uow.session``, publishes events
through the outbox and commits once, so a failure writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from services.training import domain, views
from services.training.config import TrainingSettings
from services.training.models import (
    Attendance,
    AttendanceReceipt,
    Batch,
    Certificate,
    CreditedJp,
    EmployeeView,
    Enrollment,
    Meeting,
    OpenNeed,
    Partner,
    PartnerKey,
    Program,
)
from shared import nip as employee_number
from shared import sheets
from shared.consumer import Handler, bind
from shared.db import UnitOfWork, on_postgresql, utcnow
from shared.errors import Conflict, Forbidden, Invalid, NotFound, check_transition
from shared.events import Event, new_event

# Topics whose events this service's worker consumes; types without a handler are skipped.
TOPICS = ["bangkom.needs.v1", "bangkom.evaluation.v1"]


# --- partners -----------------------------------------------------------------------------------


def create_partner(uow: UnitOfWork, data: Mapping[str, Any]) -> tuple[Partner, str, str]:
    """A partner and its first credential; the secret is returned once and only its hash is stored."""
    if uow.session.get(Partner, data["code"]) is not None:
        raise Conflict(
            f"Partner code {data['code']} already exists.", errors=[{"field": "code", "message": "Already exists."}]
        )
    partner = Partner(**data)
    uow.session.add(partner)
    uow.session.flush()
    key_id, secret = _add_key(uow, partner.code)
    uow.commit()
    return partner, key_id, secret


def _add_key(uow: UnitOfWork, partner_code: str) -> tuple[str, str]:
    key_id, secret = domain.new_credentials()
    uow.session.add(PartnerKey(key_id=key_id, partner_code=partner_code, secret_hash=domain.hash_secret(secret)))
    return key_id, secret


def add_partner_key(uow: UnitOfWork, partner_code: str) -> tuple[str, str]:
    """Rotation: a new key beside the old ones, which stay valid until revoked."""
    uow.get(Partner, partner_code, "partner")
    key_id, secret = _add_key(uow, partner_code)
    uow.commit()
    return key_id, secret


def revoke_partner_key(uow: UnitOfWork, partner_code: str, key_id: str) -> PartnerKey:
    key = uow.session.get(PartnerKey, key_id)
    if key is None or key.partner_code != partner_code:
        raise NotFound(f"Partner {partner_code} has no key {key_id}.")
    key.revoked_at = key.revoked_at or utcnow()
    uow.commit()
    return key


def verify_partner_key(uow: UnitOfWork, key_id: str, secret: str) -> str | None:
    """The partner code of a valid, unrevoked key whose secret matches; None otherwise."""
    key = uow.session.get(PartnerKey, key_id)
    if key is None or key.revoked_at is not None or not domain.verify_secret(secret, key.secret_hash):
        return None
    partner = uow.session.get(Partner, key.partner_code)
    return partner.code if partner is not None and partner.active else None


# --- programs and batches -----------------------------------------------------------------------


def create_program(uow: UnitOfWork, settings: TrainingSettings, data: Mapping[str, Any]) -> Program:
    session = uow.session
    if session.scalar(select(Program.id).where(Program.code == data["code"])) is not None:
        raise Conflict(
            f"Program code {data['code']} already exists.", errors=[{"field": "code", "message": "Already exists."}]
        )
    if data["partner_code"] == domain.IN_HOUSE and session.get(Partner, domain.IN_HOUSE) is None:
        session.add(Partner(code=domain.IN_HOUSE, name=settings.in_house_organiser_name, kind=domain.IN_HOUSE_KIND))
    _require(uow, Partner, data["partner_code"], "partner_code", "partner")
    codes = [c["code"] for c in data["competencies"]]
    if repeated := domain.duplicates(codes):
        raise Invalid(
            f"Each competency may appear once: {', '.join(repeated)}.",
            errors=[{"field": f"competencies.{codes.index(c)}.code", "message": "Duplicate."} for c in repeated],
        )
    values = dict(data)
    values["min_attendance"] = _min_attendance(data, settings)
    program = Program(id=str(uuid.uuid4()), status="draft", **values)
    session.add(program)
    uow.commit()
    return program


def _min_attendance(data: Mapping[str, Any], settings: TrainingSettings) -> float:
    """The program's own share, 0 included (no attendance asked, as for a seminar); the default when it sets none."""
    given = data.get("min_attendance")
    return settings.default_min_attendance if given is None else given


def update_program(uow: UnitOfWork, settings: TrainingSettings, program_id: str, data: Mapping[str, Any]) -> Program:
    """Edit a program while it is a draft; once published, what partners and participants saw stays."""
    program = uow.get(Program, program_id, "program")
    if program.status != "draft":
        raise Conflict(f"Only a draft program can be edited; this one is {program.status}.")
    if data["code"] != program.code and uow.session.scalar(select(Program.id).where(Program.code == data["code"])):
        raise Conflict(
            f"Program code {data['code']} already exists.", errors=[{"field": "code", "message": "Already exists."}]
        )
    _require(uow, Partner, data["partner_code"], "partner_code", "partner")
    for key, value in data.items():
        setattr(program, key, value)
    program.min_attendance = _min_attendance(data, settings)
    uow.commit()
    return program


def add_batch(uow: UnitOfWork, program_id: str, meetings: Sequence[Mapping[str, Any]]) -> Batch:
    program = uow.get(Program, program_id, "program")
    if program.status == "closed":
        raise Conflict("The program is closed; it takes no new batches.")
    for index, meeting in enumerate(meetings):
        if meeting["ends_at"] <= meeting["starts_at"]:
            raise Invalid(
                "A meeting must end after it starts.",
                errors=[{"field": f"meetings.{index}.ends_at", "message": "Must be after starts_at."}],
            )
    number = (uow.session.scalar(select(func.max(Batch.number)).where(Batch.program_id == program_id)) or 0) + 1
    batch = Batch(id=str(uuid.uuid4()), program_id=program_id, number=number)
    uow.session.add(batch)
    uow.session.flush()
    ordered = sorted(meetings, key=lambda m: (m["date"], m["starts_at"]))
    added = [Meeting(batch_id=batch.id, meeting_no=i, **m) for i, m in enumerate(ordered, start=1)]
    uow.session.add_all(added)
    uow.publish(_batch_scheduled(batch, added, []))
    uow.commit()
    return batch


def _batch_scheduled(batch: Batch, meetings: Sequence[Meeting], changed: list[int]) -> Event:
    return new_event(
        "BatchScheduled",
        {
            "batch_id": batch.id,
            "program_id": batch.program_id,
            "number": batch.number,
            "meetings": [
                {
                    "meeting_no": m.meeting_no,
                    "date": m.date,
                    "starts_at": m.starts_at,
                    "ends_at": m.ends_at,
                    "place": m.place,
                    "online": bool(m.online),  # the column's default applies only at the flush
                }
                for m in sorted(meetings, key=lambda m: m.meeting_no)
            ],
            "changed_meetings": changed,
        },
    )


def reschedule_meeting(uow: UnitOfWork, batch_id: str, meeting_no: int, data: Mapping[str, Any]) -> Batch:
    """Move a meeting of an open batch (date, time, place): the participants are told (``BatchScheduled``). A meeting
    whose attendance is recorded keeps its date and time (its place may still be corrected)."""
    session = uow.session
    batch = session.get(Batch, batch_id, with_for_update=True)
    if batch is None:
        raise NotFound(f"No batch {batch_id}.")
    if batch.closed_at is not None:
        raise Conflict(
            "The batch is closed; its attendance is final.", errors=[{"field": "status", "message": "Closed."}]
        )
    meeting = session.get(Meeting, (batch_id, meeting_no))
    if meeting is None:
        raise NotFound(f"No meeting {meeting_no} in batch {batch_id}.")
    if data["ends_at"] <= data["starts_at"]:
        raise Invalid(
            "A meeting must end after it starts.", errors=[{"field": "ends_at", "message": "Must be after starts_at."}]
        )
    moved = (data["date"], data["starts_at"], data["ends_at"]) != (meeting.date, meeting.starts_at, meeting.ends_at)
    attended = session.scalar(
        select(func.count())
        .select_from(Attendance)
        .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
        .where(Enrollment.batch_id == batch_id, Attendance.meeting_no == meeting_no)
    )
    if moved and attended:
        raise Conflict(
            f"Attendance of meeting {meeting_no} is already recorded; it keeps its date and time.",
            errors=[{"field": "date", "message": "Attendance recorded."}],
        )
    for key in ("date", "starts_at", "ends_at", "place", "online"):
        setattr(meeting, key, data[key])
    session.flush()
    meetings = session.scalars(select(Meeting).where(Meeting.batch_id == batch_id)).all()
    uow.publish(_batch_scheduled(batch, meetings, [meeting_no]))
    uow.commit()
    return batch


def change_program_status(uow: UnitOfWork, program_id: str, status: str) -> Program:
    program = uow.get(Program, program_id, "program")
    check_transition(domain.PROGRAM_TRANSITIONS, "program", program.status, status)
    if status == "published":
        dates = uow.session.execute(
            select(func.min(Meeting.date), func.max(Meeting.date))
            .join(Batch, Batch.id == Meeting.batch_id)
            .where(Batch.program_id == program_id)
        ).one()
        if dates[0] is None:
            raise Conflict("Add a batch with its meetings before publishing the program.")
        uow.publish(
            new_event(
                "ProgramPublished",
                {
                    "program_id": program.id,
                    "code": program.code,
                    "title": program.title,
                    "form": program.form,
                    "delivery": program.delivery,
                    "jp": program.jp,
                    "partner_code": program.partner_code,
                    "competencies": program.competencies,
                    "starts_on": dates[0],
                    "ends_on": dates[1],
                },
            )
        )
    program.status = status
    uow.commit()
    return program


# --- nomination ---------------------------------------------------------------------------------


def enrol(uow: UnitOfWork, batch_id: str, nips: Sequence[str], locked: Batch | None = None) -> list[Enrollment]:
    """Enrol employees in a batch: all of them, or none (capacity, overlap, known employees)."""
    session = uow.session
    batch = locked or session.get(Batch, batch_id, with_for_update=True)  # serialises enrolments into one batch
    if batch is None:
        raise NotFound(f"No batch {batch_id}.")
    program = session.get(Program, batch.program_id)
    if batch.closed_at is not None or program.status not in ("published", "running"):
        raise Conflict("Enrol only into open batches of a published or running program.")
    if repeated := domain.duplicates(list(nips)):
        raise Invalid(
            "Each NIP may appear once.", errors=[{"field": "nips", "message": f"Duplicate: {', '.join(repeated)}."}]
        )
    known = {e.nip: e for e in session.scalars(select(EmployeeView).where(EmployeeView.nip.in_(list(nips))))}
    errors = [
        {"field": f"nips.{i}", "message": f"Unknown or inactive employee {nip}."}
        for i, nip in enumerate(nips)
        if nip not in known or not known[nip].active
    ]
    already = set(
        session.scalars(select(Enrollment.nip).where(Enrollment.batch_id == batch_id, Enrollment.nip.in_(list(nips))))
    )
    errors += [
        {"field": f"nips.{i}", "message": f"{nip} is already enrolled in this batch."}
        for i, nip in enumerate(nips)
        if nip in already
    ]
    busy = views.busy_nips(session, batch_id, nips)
    errors += [
        {"field": f"nips.{i}", "message": f"{nip} is enrolled in another batch at an overlapping time."}
        for i, nip in enumerate(nips)
        if nip in busy
    ]
    if errors:
        raise Invalid("Nobody was enrolled; correct these and send the list again.", errors=errors)
    taken = session.scalar(
        select(func.count()).where(Enrollment.batch_id == batch_id, Enrollment.status != "withdrawn")
    )
    if taken + len(nips) > program.capacity:
        raise Conflict(
            f"The batch has {program.capacity - taken} place(s) left; {len(nips)} requested.",
            errors=[{"field": "nips", "message": "Over capacity."}],
        )
    enrollments = [Enrollment(id=str(uuid.uuid4()), batch_id=batch_id, nip=nip, status="enrolled") for nip in nips]
    warnings = views.cap_warnings(session, batch_id, program.jp, [known[nip] for nip in nips])
    for enrollment in enrollments:
        enrollment.warning = warnings.get(enrollment.nip)  # shown in the answer; the enrolment stands
    session.add_all(enrollments)
    uow.publish_all(
        [
            new_event(
                "ParticipantEnrolled",
                {"enrollment_id": e.id, "nip": e.nip, "program_id": program.id, "batch_id": batch_id},
            )
            for e in enrollments
        ]
    )
    uow.commit()
    return enrollments


def withdraw(
    uow: UnitOfWork, settings: TrainingSettings, batch_id: str, nip: str, reason: str, replacement: str | None = None
) -> list[Enrollment]:
    """Take a participant out of a batch before it starts (``ParticipantWithdrawn``: their needs go back to the
    candidate pool), and with ``replacement`` enrol another ASN in the same place, all or nothing."""
    session = uow.session
    batch = session.get(Batch, batch_id, with_for_update=True)
    if batch is None:
        raise NotFound(f"No batch {batch_id}.")
    enrollment = session.scalar(select(Enrollment).where(Enrollment.batch_id == batch_id, Enrollment.nip == nip))
    if enrollment is None:
        raise NotFound(f"{nip} is not enrolled in batch {batch_id}.")
    check_transition(domain.ENROLLMENT_TRANSITIONS, "enrolment", enrollment.status, "withdrawn")
    first_day = session.scalar(select(func.min(Meeting.date)).where(Meeting.batch_id == batch_id))
    if first_day is not None and first_day <= settings.today():
        raise Conflict(
            f"The batch started on {first_day}: a participant can be withdrawn or replaced only before it starts. "
            "Record their absence instead; completion will be decided when the batch closes.",
            errors=[{"field": "nip", "message": "The batch has started."}],
        )
    program = session.get(Program, batch.program_id)
    enrollment.status, enrollment.reason, enrollment.decided_at = "withdrawn", reason, utcnow()
    uow.publish(
        new_event(
            "ParticipantWithdrawn",
            {
                "enrollment_id": enrollment.id,
                "nip": nip,
                "program_id": program.id,
                "batch_id": batch_id,
                "reason": reason,
                "replaced_by": replacement,
            },
        )
    )
    session.flush()
    if replacement is None:
        uow.commit()
        return [enrollment]
    return [enrollment, *enrol(uow, batch_id, [replacement], locked=batch)]  # enrol commits (or nothing at all)


# --- attendance ---------------------------------------------------------------------------------


def _body_hash(record: Mapping[str, Any]) -> str:
    canonical = json.dumps(
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in sorted(record.items())}, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_attendance(uow: UnitOfWork, partner_code: str, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
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
    records: Sequence[Mapping[str, Any]],
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
    uow: UnitOfWork, records: Sequence[Mapping[str, Any]], sender: str, source: str, partner_code: str | None
) -> list[dict[str, Any]]:
    session = uow.session
    results: list[dict[str, Any]] = [{} for _ in records]
    batch_ids = sorted({r["batch_id"] for r in records})
    query = select(Batch, Program.partner_code).join(Program, Program.id == Batch.program_id)
    query = query.where(Batch.id.in_(batch_ids)).order_by(Batch.id)
    if partner_code is not None:
        query = query.where(Program.partner_code == partner_code)
    if on_postgresql(session):
        # Writers of a batch side by side, closing it waits for them: the batch's lock in shared mode (an advisory
        # lock, kept in memory: a row locked FOR SHARE by many writers at once is rewritten by each), then one writer
        # per participant and meeting at a time (what the order of corrections is about); taken in one order by
        # everyone, in one statement. SQLite has one writer.
        pairs = sorted({f"attendance|{r['batch_id']}|{r['nip']}|{r['meeting_no']}" for r in records})
        session.execute(
            text(
                "SELECT (SELECT count(pg_advisory_xact_lock_shared(hashtextextended(b, 0)))"
                " FROM unnest(CAST(:batches AS text[])) AS b),"
                " (SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM unnest(CAST(:pairs AS text[])) AS k)"
            ),
            {"batches": [_batch_lock(b) for b in batch_ids], "pairs": pairs},
        )
    found = session.execute(query).all()  # read under the locks: a batch closed meanwhile is seen closed
    batches = {b.id: b for b, _ in found}
    partner_of = {b.id: code for b, code in found}
    ids = [r["event_id"] for r in records]
    receipts = {  # read under the pairs' locks: a concurrent request with the same records has committed by now
        r.event_id: r.body_hash
        for r in session.scalars(
            select(AttendanceReceipt).where(
                AttendanceReceipt.partner_code == sender, AttendanceReceipt.event_id.in_(ids)
            )
        )
    }
    # only the participants and meetings this request names
    nips = sorted({r["nip"] for r in records})
    enrollments = {
        (e.batch_id, e.nip): e
        for e in session.scalars(
            select(Enrollment).where(Enrollment.batch_id.in_(list(batches)), Enrollment.nip.in_(nips))
        )
    }
    meetings = {
        (m.batch_id, m.meeting_no) for m in session.scalars(select(Meeting).where(Meeting.batch_id.in_(list(batches))))
    }
    numbers = sorted({r["meeting_no"] for r in records})
    current = {
        (a.enrollment_id, a.meeting_no): a
        for a in session.scalars(
            select(Attendance).where(
                Attendance.enrollment_id.in_([e.id for e in enrollments.values()]), Attendance.meeting_no.in_(numbers)
            )
        )
    }
    events: list[Event] = []
    for index, record in enumerate(records):
        digest = _body_hash(record if source == "partner" else {k: v for k, v in record.items() if k != "recorded_at"})
        batch = batches.get(record["batch_id"])
        enrollment = enrollments.get((record["batch_id"], record["nip"]))
        key = (enrollment.id, record["meeting_no"]) if enrollment else None
        held = current.get(key) if key else None
        decision = domain.decide_attendance(
            seen_body=receipts.get(record["event_id"]),
            body=digest,
            batch_known=batch is not None,
            participant_known=enrollment is not None and enrollment.status != "withdrawn",  # withdrawn: no more
            meeting_known=(record["batch_id"], record["meeting_no"]) in meetings,
            batch_closed=batch is not None and batch.closed_at is not None,
            recorded_at=record["recorded_at"],
            held_recorded_at=held.recorded_at if held else None,
        )
        results[index] = {"event_id": record["event_id"], "outcome": decision.outcome}
        if decision.field:
            results[index]["field"] = decision.field
        if decision.keeps_receipt:
            session.add(AttendanceReceipt(partner_code=sender, event_id=record["event_id"], body_hash=digest))
            receipts[record["event_id"]] = digest
        if decision.outcome != "accepted":
            continue
        if held is None:
            held = Attendance(enrollment_id=enrollment.id, meeting_no=record["meeting_no"])
            session.add(held)
            current[key] = held
        held.status, held.recorded_at, held.partner_event_id = (
            record["status"],
            record["recorded_at"],
            record["event_id"],
        )
        held.source, held.note = source, record.get("note")
        events.append(
            new_event(
                "AttendanceRecorded",
                {
                    "enrollment_id": enrollment.id,
                    "nip": enrollment.nip,
                    "batch_id": batch.id,
                    "meeting_no": record["meeting_no"],
                    "status": record["status"],
                    "partner_code": partner_of[batch.id],
                    "recorded_at": record["recorded_at"],
                    "source": source,
                },
                validate=False,
            )
        )
    uow.publish_all(events)
    uow.commit()
    return results


def record_roster_attendance(
    uow: UnitOfWork, batch_id: str, meeting_no: int, entries: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """BKPSDM marks a meeting from the roster (present, absent, excused, with a note). Each entry may carry its own
    ``event_id`` (the web form sends one per page, so a form sent twice changes nothing); one is made otherwise."""
    now = utcnow()
    records = [
        {
            "event_id": entry.get("event_id") or f"roster-{uuid.uuid4()}",
            "batch_id": batch_id,
            "nip": entry["nip"],
            "meeting_no": meeting_no,
            "status": entry["status"],
            "recorded_at": now,
            "note": entry.get("note"),
        }
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
            {
                "event_id": f"sheet-{digest}-{number}",
                "batch_id": batch_id,
                "nip": nip,
                "meeting_no": int(meeting),
                "status": status,
                "recorded_at": now,
                "note": (str(row.get("Catatan") or "").strip() or None),
            }
        )
        where.append(number)
    outcomes = apply_attendance(uow, records, sender="bkpsdm", source="sheet") if records else []
    for number, record, outcome in zip(where, records, outcomes, strict=True):
        results.append({"row": number, "nip": record["nip"], "meeting_no": record["meeting_no"], **outcome})
    results.sort(key=lambda r: r["row"])
    counts = {k: sum(1 for r in results if r["outcome"] == k) for k in ("accepted", "duplicate", "invalid")}
    return {"received": len(results), **counts, "results": results}


def check_in_key(settings: TrainingSettings) -> bytes:
    """The key that signs the venue's check-in codes (derived from the service's own secret, never shown)."""
    return hmac.new(settings.internal_identity_secret.encode(), b"bangkom-check-in", hashlib.sha256).digest()


def check_in(uow: UnitOfWork, settings: TrainingSettings, code: str, nip: str, now: float | None = None) -> dict:
    """A participant at the venue records their own presence with the meeting's current code: only with a code
    Bangkom made and that is still current, only during the meeting's window, only for their own enrolment, once."""
    now = time.time() if now is None else now
    read = domain.read_check_in_code(check_in_key(settings), code, now, settings.check_in_rotate_seconds)
    if read == "forged":
        raise Invalid(
            "This code was not made by Bangkom; scan the code shown at the venue.",
            errors=[{"field": "code", "message": "Not a valid code."}],
        )
    if read == "expired":
        raise Invalid(
            "This code has expired; scan the code on the screen again.",
            errors=[{"field": "code", "message": "Expired."}],
        )
    session = uow.session
    meeting = session.get(Meeting, (read.batch_id, read.meeting_no))
    enrollment = session.scalar(select(Enrollment).where(Enrollment.batch_id == read.batch_id, Enrollment.nip == nip))
    if meeting is None or enrollment is None or enrollment.status != "enrolled":
        raise Forbidden("You are not a participant of this batch: check-in records only your own enrolment.")
    local = dt.datetime.fromtimestamp(now, ZoneInfo(settings.timezone))
    early = dt.timedelta(minutes=settings.check_in_early_minutes)
    if not domain.within_meeting(local, meeting.date, meeting.starts_at, meeting.ends_at, early):
        raise Conflict(
            f"Check-in for meeting {meeting.meeting_no} is open on {meeting.date} from "
            f"{(dt.datetime.combine(meeting.date, meeting.starts_at) - early):%H:%M} to {meeting.ends_at:%H:%M}.",
            errors=[{"field": "code", "message": "Outside the meeting's check-in window."}],
        )
    record = {
        "event_id": f"check-in-{enrollment.id}-{meeting.meeting_no}",  # once per participant and meeting
        "batch_id": read.batch_id,
        "nip": nip,
        "meeting_no": meeting.meeting_no,
        "status": "present",
        "recorded_at": dt.datetime.fromtimestamp(now, dt.UTC),
        "note": None,
    }
    [result] = apply_attendance(uow, [record], sender="check-in", source="check_in")
    if result["outcome"] in ("duplicate", "conflict"):
        raise Conflict(
            "You have already checked in to this meeting.", errors=[{"field": "code", "message": "Already recorded."}]
        )
    if result["outcome"] != "accepted":
        raise Conflict(f"Check-in was not recorded: {result['outcome']}.")
    return {
        "batch_id": read.batch_id,
        "meeting_no": meeting.meeting_no,
        "status": "present",
        "recorded_at": record["recorded_at"],
    }


def set_post_test(uow: UnitOfWork, batch_id: str, nip: str, score: float, partner_code: str | None) -> Enrollment:
    batch = own_batch(uow, batch_id, partner_code)
    enrollment = uow.session.scalar(select(Enrollment).where(Enrollment.batch_id == batch.id, Enrollment.nip == nip))
    if enrollment is None:
        raise NotFound(f"{nip} is not enrolled in batch {batch_id}.")
    if batch.closed_at is not None:
        raise Conflict("The batch is closed; its results are final.")
    enrollment.post_test_score = score
    uow.commit()
    return enrollment


def own_batch(uow: UnitOfWork, batch_id: str, partner_code: str | None) -> Batch:
    """A batch, if the partner (None: BKPSDM) may touch it; a partner learns nothing of other partners' batches."""
    batch = uow.session.get(Batch, batch_id)
    if batch is not None and partner_code is not None:
        program = uow.session.get(Program, batch.program_id)
        if program.partner_code != partner_code:
            batch = None
    if batch is None:
        raise NotFound(f"No batch {batch_id}.")
    return batch


# --- completion ---------------------------------------------------------------------------------


def close_batch(
    uow: UnitOfWork,
    settings: TrainingSettings,
    batch_id: str,
    force_reason: str | None = None,
    now: float | None = None,
) -> Batch:
    """Decide every enrolment by the program's rule; closing twice changes nothing. Before its last meeting has
    ended a batch closes only when BKPSDM forces it with a reason (kept on the batch)."""
    session = uow.session
    lock_batch_whole(session, batch_id)
    batch = session.get(Batch, batch_id, with_for_update=True)
    if batch is None:
        raise NotFound(f"No batch {batch_id}.")
    if batch.closed_at is not None:
        return batch
    last = session.scalars(
        select(Meeting).where(Meeting.batch_id == batch_id).order_by(Meeting.date.desc(), Meeting.ends_at.desc())
    ).first()
    local_now = dt.datetime.fromtimestamp(time.time() if now is None else now, ZoneInfo(settings.timezone))
    if last is not None and not domain.has_ended(local_now, last.date, last.ends_at):
        if not force_reason:
            raise Conflict(
                f"The last meeting ends on {last.date} at {last.ends_at:%H:%M}: closing now decides completion on "
                "attendance so far. To close anyway, send force_reason (why it closes early).",
                errors=[{"field": "force_reason", "message": "Required before the last meeting has ended."}],
            )
        batch.close_reason = force_reason
    program = session.get(Program, batch.program_id)
    rule = domain.CompletionRule(program.min_attendance, program.post_test_required, program.passing_score)
    meetings = session.scalar(select(func.count()).where(Meeting.batch_id == batch_id))
    present = dict(
        session.execute(
            select(Attendance.enrollment_id, func.count())
            .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
            .where(Enrollment.batch_id == batch_id, Attendance.status == "present")
            .group_by(Attendance.enrollment_id)
        ).all()
    )
    first_day, last_day = session.execute(
        select(func.min(Meeting.date), func.max(Meeting.date)).where(Meeting.batch_id == batch_id)
    ).one()
    last_day = last_day or settings.today()
    partner = session.get(Partner, program.partner_code)
    events: list[Event] = []
    # numbers go on after the batch's last one: a certificate revoked by a reopen keeps its number to itself
    serial = session.scalar(select(func.max(Certificate.serial)).where(Certificate.batch_id == batch_id)) or 0
    names = dict(
        session.execute(
            select(EmployeeView.nip, EmployeeView.name)
            .join(Enrollment, Enrollment.nip == EmployeeView.nip)
            .where(Enrollment.batch_id == batch_id)
        ).all()
    )
    for enrollment in session.scalars(
        select(Enrollment)
        .where(Enrollment.batch_id == batch_id, Enrollment.status == "enrolled")
        .order_by(Enrollment.nip)
    ):
        decision = domain.decide(rule, meetings, present.get(enrollment.id, 0), enrollment.post_test_score)
        enrollment.attendance_rate, enrollment.decided_at = decision.attendance_rate, utcnow()
        common = {
            "enrollment_id": enrollment.id,
            "nip": enrollment.nip,
            "program_id": program.id,
            "batch_id": batch_id,
            "attendance_rate": decision.attendance_rate,
        }
        if decision.completed:
            serial += 1
            enrollment.status = "completed"
            enrollment.certificate_number = domain.certificate_number(program.code, batch.number, serial, last_day.year)
            session.add(
                Certificate(
                    number=enrollment.certificate_number,
                    enrollment_id=enrollment.id,
                    batch_id=batch_id,
                    serial=serial,
                    nip=enrollment.nip,
                    participant_name=names.get(enrollment.nip, enrollment.nip),
                    program_id=program.id,
                    program_title=program.title,
                    form=program.form,
                    partner_name=partner.name if partner else program.partner_code,
                    started_on=first_day or last_day,
                    completed_on=last_day,
                    jp=program.jp,
                    competencies=program.competencies,
                )
            )
            events.append(
                new_event(
                    "TrainingCompleted",
                    common
                    | {
                        "program_title": program.title,
                        "form": program.form,
                        "jp": program.jp,
                        "competencies": program.competencies,
                        "completed_on": last_day,
                        "partner_code": program.partner_code,
                        "certificate_number": enrollment.certificate_number,
                        "started_on": first_day or last_day,
                        "partner_name": partner.name if partner else None,
                    },
                )
            )
        else:
            enrollment.status, enrollment.reason = "not_completed", decision.reason
            events.append(new_event("TrainingNotCompleted", common | {"reason": decision.reason}))
    batch.closed_at = utcnow()
    uow.publish_all(events)
    uow.commit()
    return batch


def reopen_batch(uow: UnitOfWork, settings: TrainingSettings, batch_id: str, reason: str) -> Batch:
    """Open a closed batch again to correct it (attendance, a post-test), within REOPEN_WINDOW_DAYS of closing.

    Every decision is revoked by a compensating ``TrainingDecisionRevoked`` (needs: JP un-credited, needs back in
    training; evaluation: open tasks cancelled) and every participant is enrolled again; closing again decides
    afresh and publishes TrainingCompleted / TrainingNotCompleted anew, so nothing is counted twice.
    """
    session = uow.session
    lock_batch_whole(session, batch_id)
    batch = session.get(Batch, batch_id, with_for_update=True)
    if batch is None:
        raise NotFound(f"No batch {batch_id}.")
    if batch.closed_at is None:
        raise Conflict(
            "The batch is open; only a closed batch can be reopened.",
            errors=[{"field": "status", "message": "Not closed."}],
        )
    if utcnow() - batch.closed_at > dt.timedelta(days=settings.reopen_window_days):
        raise Conflict(
            f"The batch closed on {batch.closed_at:%Y-%m-%d}, more than {settings.reopen_window_days} days ago: its "
            "results are final (certificates issued, JP sent to SIMPEG).",
            errors=[{"field": "status", "message": "Past the reopen window."}],
        )
    program = session.get(Program, batch.program_id)
    events = []
    for enrollment in session.scalars(
        select(Enrollment)
        .where(Enrollment.batch_id == batch_id, Enrollment.status.in_(("completed", "not_completed")))
        .order_by(Enrollment.nip)
    ):
        check_transition(domain.ENROLLMENT_TRANSITIONS, "enrolment", enrollment.status, "enrolled")
        events.append(
            new_event(
                "TrainingDecisionRevoked",
                {
                    "enrollment_id": enrollment.id,
                    "nip": enrollment.nip,
                    "program_id": program.id,
                    "batch_id": batch_id,
                    "revoked": enrollment.status,
                    "reason": reason,
                    "competencies": program.competencies,
                },
            )
        )
        enrollment.status, enrollment.reason, enrollment.decided_at = "enrolled", None, None
        enrollment.certificate_number, enrollment.attendance_rate = None, None
    session.execute(
        update(Certificate)
        .where(Certificate.batch_id == batch_id, Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoke_reason=reason)
    )
    batch.closed_at, batch.close_reason = None, None
    batch.reopened_at, batch.reopen_reason = utcnow(), reason
    uow.publish_all(events)
    uow.commit()
    return batch


# --- event handlers -----------------------------------------------------------------------------


def on_employee_synced(event: Event, uow: UnitOfWork, settings: TrainingSettings) -> None:
    data = event.load_data()
    employee = uow.session.get(EmployeeView, data["nip"]) or EmployeeView(nip=data["nip"])
    employee.name, employee.unit_code, employee.unit_name = data["name"], data["unit_code"], data["unit_name"]
    employee.position_name, employee.supervisor_nip = data["position_name"], data["supervisor_nip"]
    employee.active, employee.jp_cap = data["active"], data.get("jp_cap")
    uow.session.add(employee)


def on_jp_credited(event: Event, uow: UnitOfWork, settings: TrainingSettings) -> None:
    """The year's total as the ledger has it after this change: events of one employee arrive in order (keyed by
    NIP), so the latest total is the truth (it also falls, when a reopened batch revokes a completion)."""
    data = event.load_data()
    row = uow.session.get(CreditedJp, (data["nip"], data["year"])) or CreditedJp(nip=data["nip"], year=data["year"])
    row.jp = data["year_total"]
    uow.session.add(row)


def on_need_identified(event: Event, uow: UnitOfWork, settings: TrainingSettings) -> None:
    data = event.load_data()
    need = uow.session.get(OpenNeed, data["need_id"]) or OpenNeed(need_id=data["need_id"])
    need.nip, need.competency_code, need.gap = data["nip"], data["competency_code"], data["gap"]
    need.priority_score, need.plan_year = data["priority_score"], data["plan_year"]
    uow.session.add(need)


def on_need_closed(event: Event, uow: UnitOfWork, settings: TrainingSettings) -> None:
    uow.session.execute(delete(OpenNeed).where(OpenNeed.need_id == event.data["need_id"]))


def on_program_evaluated(event: Event, uow: UnitOfWork, settings: TrainingSettings) -> None:
    program = uow.session.get(Program, event.data["program_id"])
    if program is not None:
        program.recommendation = dict(event.data) | {"evaluated_at": event.time}


EVENT_HANDLERS = {
    "EmployeeSynced": on_employee_synced,
    "DevelopmentNeedIdentified": on_need_identified,
    "DevelopmentNeedClosed": on_need_closed,
    "ProgramEvaluated": on_program_evaluated,
    "JpCredited": on_jp_credited,
}


def event_handlers(settings: TrainingSettings) -> dict[str, Handler]:
    return bind(EVENT_HANDLERS, settings)


# --- helpers ------------------------------------------------------------------------------------


def _require(uow: UnitOfWork, model, key, field: str, what: str) -> None:
    if uow.session.get(model, key) is None:
        raise Invalid(f"Unknown {what} {key}.", errors=[{"field": field, "message": f"Unknown {what}."}])
