"""Read side of the training service: listings, rosters, a partner's own batches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.training import documents, domain
from services.training.models import (
    Attendance,
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
from shared.errors import Conflict, Forbidden, NotFound


def programs(session: Session, filters: dict[str, Any]) -> list[Program]:
    query = select(Program).order_by(Program.created_at.desc())
    for field in ("status", "partner_code"):
        if filters.get(field):
            query = query.where(getattr(Program, field) == filters[field])
    if filters.get("starts_from") or filters.get("starts_until"):
        dated = select(Batch.program_id).join(Meeting, Meeting.batch_id == Batch.id)
        if filters.get("starts_from"):
            dated = dated.where(Meeting.date >= filters["starts_from"])
        if filters.get("starts_until"):
            dated = dated.where(Meeting.date <= filters["starts_until"])
        query = query.where(Program.id.in_(dated))
    found = list(session.scalars(query))
    if filters.get("competency_code"):  # a JSON list: filtered here, portable across databases
        found = [p for p in found if any(c["code"] == filters["competency_code"] for c in p.competencies)]
    return found


def program(session: Session, program_id: str, partner_code: str | None = None) -> Program:
    """A program; a partner (``partner_code``) sees only the programs it runs."""
    found = session.get(Program, program_id)
    if found is None or (partner_code is not None and found.partner_code != partner_code):
        raise NotFound(f"No program {program_id}.")
    return found


def batch(
    session: Session, batch_id: str, partner_code: str | None = None, minutes_per_jp: int | None = None
) -> dict[str, Any]:
    """A batch with its meetings; with ``minutes_per_jp``, also a warning when the program's JP and the meetings'
    hours disagree."""
    found = session.get(Batch, batch_id)
    if (
        found is not None
        and partner_code is not None
        and session.get(Program, found.program_id).partner_code != partner_code
    ):
        found = None
    if found is None:
        raise NotFound(f"No batch {batch_id}.")
    meetings = session.scalars(select(Meeting).where(Meeting.batch_id == batch_id).order_by(Meeting.meeting_no)).all()
    warning = None
    if minutes_per_jp:
        minutes = sum(domain.minutes_of(m.starts_at, m.ends_at) for m in meetings)
        warning = domain.jp_mismatch(session.get(Program, found.program_id).jp, minutes, minutes_per_jp)
    return {
        "id": found.id,
        "program_id": found.program_id,
        "number": found.number,
        "closed_at": found.closed_at,
        "close_reason": found.close_reason,
        "reopened_at": found.reopened_at,
        "reopen_reason": found.reopen_reason,
        "meetings": meetings,
        "jp_warning": warning,
    }


def batches_of_program(session: Session, program_id: str) -> list[dict[str, Any]]:
    program(session, program_id)
    return _with_meetings(session, select(Batch).where(Batch.program_id == program_id).order_by(Batch.number))


def batches_meeting_between(session: Session, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Every batch with a meeting in [first, last] (with all its meetings): a calendar in two queries."""
    meeting_then = select(Meeting.batch_id).where(Meeting.date >= first, Meeting.date <= last)
    return _with_meetings(
        session, select(Batch).where(Batch.id.in_(meeting_then)).order_by(Batch.program_id, Batch.number)
    )


def _with_meetings(session: Session, batches_query) -> list[dict[str, Any]]:
    found = session.scalars(batches_query).all()
    meetings: dict[str, list[Meeting]] = {}
    for meeting in session.scalars(
        select(Meeting).where(Meeting.batch_id.in_([b.id for b in found])).order_by(Meeting.meeting_no)
    ):
        meetings.setdefault(meeting.batch_id, []).append(meeting)
    return [
        {
            "id": b.id,
            "program_id": b.program_id,
            "number": b.number,
            "closed_at": b.closed_at,
            "meetings": meetings.get(b.id, []),
        }
        for b in found
    ]


SHEET_COLUMNS = (
    ("nip", "NIP"),
    ("name", "Nama"),
    ("meeting_no", "Pertemuan"),
    ("date", "Tanggal"),
    ("status", "Status"),
    ("note", "Catatan"),
)


def sheet_rows(session: Session, batch_id: str) -> list[dict[str, Any]]:
    """The attendance sheet of a batch: one row per participant and meeting, with what is recorded so far (the
    template to fill in: Status ``Hadir``, ``Tidak hadir`` or ``Izin``)."""
    words = {"present": "Hadir", "absent": "Tidak hadir", "excused": "Izin"}
    meetings = session.scalars(select(Meeting).where(Meeting.batch_id == batch_id).order_by(Meeting.meeting_no)).all()
    held = {
        (a.enrollment_id, a.meeting_no): a
        for a in session.scalars(
            select(Attendance)
            .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
            .where(Enrollment.batch_id == batch_id)
        )
    }
    people = session.execute(
        select(Enrollment, EmployeeView.name)
        .outerjoin(EmployeeView, EmployeeView.nip == Enrollment.nip)
        .where(Enrollment.batch_id == batch_id, Enrollment.status != "withdrawn")
        .order_by(EmployeeView.name, Enrollment.nip)
    ).all()
    return [
        {
            "nip": e.nip,
            "name": name,
            "meeting_no": m.meeting_no,
            "date": m.date,
            "status": words.get(held[(e.id, m.meeting_no)].status) if (e.id, m.meeting_no) in held else None,
            "note": held[(e.id, m.meeting_no)].note if (e.id, m.meeting_no) in held else None,
        }
        for m in meetings
        for e, name in people
    ]


def meeting_attendance(session: Session, batch_id: str, meeting_no: int) -> list[dict[str, Any]]:
    """Who attended one meeting, as recorded so far, and from where (the roster form of BKPSDM): the participants,
    not those withdrawn from the batch."""
    if session.get(Meeting, (batch_id, meeting_no)) is None:
        raise NotFound(f"No meeting {meeting_no} in batch {batch_id}.")
    rows = session.execute(
        select(Enrollment, EmployeeView.name, Attendance)
        .outerjoin(EmployeeView, EmployeeView.nip == Enrollment.nip)
        .outerjoin(Attendance, (Attendance.enrollment_id == Enrollment.id) & (Attendance.meeting_no == meeting_no))
        .where(Enrollment.batch_id == batch_id, Enrollment.status != "withdrawn")
        .order_by(EmployeeView.name, Enrollment.nip)
    ).all()
    return [
        {
            "nip": e.nip,
            "name": name,
            "enrollment_status": e.status,
            "status": a.status if a else None,
            "source": a.source if a else None,
            "note": a.note if a else None,
            "recorded_at": a.recorded_at if a else None,
        }
        for e, name, a in rows
    ]


def partner_batches(session: Session, partner_code: str) -> list[dict[str, Any]]:
    """The partner's batches, newest program first, each with its program's title."""
    found = session.execute(
        select(Batch.id, Program.title)
        .join(Program, Program.id == Batch.program_id)
        .where(Program.partner_code == partner_code)
        .order_by(Program.created_at.desc(), Batch.number)
    ).all()
    return [batch(session, batch_id, partner_code) | {"program_title": title} for batch_id, title in found]


def roster(session: Session, batch_id: str, partner_code: str | None = None) -> list[dict[str, Any]]:
    """Participants of a batch with their attendance share so far."""
    batch(session, batch_id, partner_code)
    meetings = session.scalar(select(func.count()).where(Meeting.batch_id == batch_id))
    present = (
        select(Attendance.enrollment_id, func.count().label("present"))
        .where(Attendance.status == "present")
        .group_by(Attendance.enrollment_id)
        .subquery()
    )
    rows = session.execute(
        select(Enrollment, EmployeeView.name, EmployeeView.unit_name, func.coalesce(present.c.present, 0))
        .outerjoin(EmployeeView, EmployeeView.nip == Enrollment.nip)
        .outerjoin(present, present.c.enrollment_id == Enrollment.id)
        .where(Enrollment.batch_id == batch_id)
        .order_by(Enrollment.nip)
    ).all()
    return [
        {
            "enrollment_id": e.id,
            "nip": e.nip,
            "name": name,
            "unit_name": unit_name,
            "status": e.status,
            "present": count,
            "meetings": meetings,
            "attendance_share": round(count / meetings, 4) if meetings else 0.0,
            "post_test_score": e.post_test_score,
            "certificate_number": e.certificate_number,
        }
        for e, name, unit_name, count in rows
    ]


def partner(session: Session, code: str) -> Partner:
    found = session.get(Partner, code)
    if found is None:
        raise NotFound(f"No partner {code}.")
    return found


def partners(session: Session) -> list[Partner]:
    return list(session.scalars(select(Partner).order_by(Partner.code)))


def partner_keys(session: Session, code: str) -> list[PartnerKey]:
    partner(session, code)
    return list(
        session.scalars(select(PartnerKey).where(PartnerKey.partner_code == code).order_by(PartnerKey.created_at))
    )


def roster_enrollments(session: Session, batch_id: str) -> list[Enrollment]:
    return list(session.scalars(select(Enrollment).where(Enrollment.batch_id == batch_id).order_by(Enrollment.nip)))


def schedule(session: Session, batch_id: str) -> list[domain.Slot]:
    return [
        domain.Slot(m.date, m.starts_at, m.ends_at)
        for m in session.scalars(select(Meeting).where(Meeting.batch_id == batch_id))
    ]


def busy_nips(session: Session, batch_id: str, nips: Sequence[str] | None = None) -> set[str]:
    """Employees enrolled (and not yet decided) in another batch whose meetings overlap this one's."""
    mine = schedule(session, batch_id)
    if not mine:
        return set()
    dates = {slot.date for slot in mine}
    query = (
        select(Enrollment.nip, Meeting)
        .join(Meeting, Meeting.batch_id == Enrollment.batch_id)
        .where(Enrollment.batch_id != batch_id, Enrollment.status == "enrolled", Meeting.date.in_(dates))
    )
    if nips is not None:
        query = query.where(Enrollment.nip.in_(list(nips)))
    busy = set()
    for nip, meeting in session.execute(query):
        if domain.schedules_overlap([domain.Slot(meeting.date, meeting.starts_at, meeting.ends_at)], mine):
            busy.add(nip)
    return busy


def already_nominated(session: Session, batch_id: str, codes: Sequence[str], nips: Sequence[str]) -> set[str]:
    """Employees enrolled in another batch not yet closed (upcoming or running) whose program serves one of
    ``codes``: that batch will close their need; nominating them again would spend two places on one gap."""
    rows = session.execute(
        select(Enrollment.nip, Program.competencies)
        .join(Batch, Batch.id == Enrollment.batch_id)
        .join(Program, Program.id == Batch.program_id)
        .where(
            Enrollment.batch_id != batch_id,
            Enrollment.status == "enrolled",
            Batch.closed_at.is_(None),
            Enrollment.nip.in_(list(nips)),
        )
    )
    wanted = set(codes)
    return {nip for nip, competencies in rows if wanted & {c["code"] for c in competencies}}


def batch_year(session: Session, batch_id: str) -> int | None:
    first = session.scalar(select(func.min(Meeting.date)).where(Meeting.batch_id == batch_id))
    return first.year if first else None


def jp_taken(session: Session, batch_id: str, employees: Sequence[EmployeeView]) -> dict[str, tuple[int, int]]:
    """NIP → (cap, JP taken) for each employee with a yearly cap (PPPK, PP 49/2018 art. 40) in the year of this
    batch: JP credited in the ledger that year plus JP of the batches they are enrolled in that year, not decided
    yet (this one left out)."""
    capped = {e.nip: e.jp_cap for e in employees if e.jp_cap is not None}
    year = batch_year(session, batch_id)
    if not capped or year is None:
        return {}
    credited = dict(
        session.execute(
            select(CreditedJp.nip, CreditedJp.jp).where(CreditedJp.year == year, CreditedJp.nip.in_(list(capped)))
        ).all()
    )
    first_meeting = (
        select(Meeting.batch_id, func.min(Meeting.date).label("first")).group_by(Meeting.batch_id).subquery()
    )
    committed = dict(
        session.execute(
            select(Enrollment.nip, func.sum(Program.jp))
            .join(Batch, Batch.id == Enrollment.batch_id)
            .join(Program, Program.id == Batch.program_id)
            .join(first_meeting, first_meeting.c.batch_id == Batch.id)
            .where(
                Enrollment.nip.in_(list(capped)),
                Enrollment.status == "enrolled",
                Enrollment.batch_id != batch_id,
                func.extract("year", first_meeting.c.first) == year,
            )
            .group_by(Enrollment.nip)
        ).all()
    )
    return {nip: (cap, credited.get(nip, 0) + int(committed.get(nip) or 0)) for nip, cap in capped.items()}


def cap_warnings(session: Session, batch_id: str, jp: int, employees: Sequence[EmployeeView]) -> dict[str, str]:
    """NIP → a warning for each employee whom this batch's JP would take past their yearly cap."""
    year = batch_year(session, batch_id)
    warnings = {}
    for nip, (cap, taken) in jp_taken(session, batch_id, employees).items():
        if taken + jp > cap:
            warnings[nip] = (
                f"Melebihi batas {cap} JP per tahun ({year}): sudah {taken} JP, pelatihan ini {jp} JP. "
                f"Exceeds the yearly cap of {cap} JP: {taken} JP already, this training {jp} JP."
            )
    return warnings


def candidates(session: Session, batch_id: str, limit: int = 50) -> list[dict[str, Any]]:
    """Who this batch would serve best: ASN with open needs in its competencies, not enrolled here, nor busy
    elsewhere at its meetings, nor already enrolled in another open batch for one of its competencies, ranked
    (domain.rank)."""
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound(f"No batch {batch_id}.")
    program = session.get(Program, batch.program_id)
    codes = [c["code"] for c in program.competencies]
    enrolled_here = select(Enrollment.nip).where(Enrollment.batch_id == batch_id)
    rows = session.execute(
        select(
            OpenNeed.nip,
            func.count().label("matched"),
            func.sum(OpenNeed.priority_score).label("priority"),
            func.max(OpenNeed.gap).label("largest_gap"),
        )
        .join(EmployeeView, EmployeeView.nip == OpenNeed.nip)
        .where(OpenNeed.competency_code.in_(codes), EmployeeView.active.is_(True), OpenNeed.nip.not_in(enrolled_here))
        .group_by(OpenNeed.nip)
    ).all()
    nips = [r.nip for r in rows]
    busy = busy_nips(session, batch_id, nips) | already_nominated(session, batch_id, codes, nips)
    ranked = domain.rank(
        domain.Candidate(r.nip, r.matched, round(float(r.priority), 2), r.largest_gap)
        for r in rows
        if r.nip not in busy
    )[:limit]
    people = {
        e.nip: e for e in session.scalars(select(EmployeeView).where(EmployeeView.nip.in_([c.nip for c in ranked])))
    }
    taken = jp_taken(session, batch_id, list(people.values()))
    return [
        {
            "nip": c.nip,
            "name": people[c.nip].name,
            "unit_code": people[c.nip].unit_code,
            "unit_name": people[c.nip].unit_name,
            "matched_needs": c.matched_needs,
            "priority": c.priority,
            "largest_gap": c.largest_gap,
            "jp_cap": taken[c.nip][0] if c.nip in taken else None,
            "jp_room": max(0, taken[c.nip][0] - taken[c.nip][1]) if c.nip in taken else None,
        }
        for c in ranked
    ]


# --- documents ----------------------------------------------------------------------------------


def verify_url(public_url: str, number: str) -> str:
    """The public verification page of a certificate number: what its QR code opens."""
    return f"{public_url.rstrip('/')}/verifikasi/{quote(number, safe='/')}"


def certificate_check(session: Session, number: str) -> dict[str, Any]:
    """What the public verification page says of a number: valid or revoked, and less of the person than the
    certificate itself prints (the NIP's last four digits: numbers follow each other, so anyone could look up the
    next one)."""
    found = session.get(Certificate, number)
    if found is None:
        raise NotFound(f"No certificate {number}.")
    return {
        "number": found.number,
        "status": "revoked" if found.revoked_at else "valid",
        "revoked_on": found.revoked_at.date() if found.revoked_at else None,
        "participant_name": found.participant_name,
        "nip": "*" * (len(found.nip) - 4) + found.nip[-4:],  # enough to match a certificate in hand, no more
        "program_title": found.program_title,
        "form": found.form,
        "partner_name": found.partner_name,
        "started_on": found.started_on,
        "completed_on": found.completed_on,
        "jp": found.jp,
        "competencies": found.competencies,
        "issued_on": found.issued_at.date(),
    }


def certificate_pdf(session: Session, enrollment_id: str, who, public_url: str) -> tuple[str, bytes]:
    """The valid certificate of an enrolment as PDF, for BKPSDM, the participant or their supervisor."""
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound(f"No enrolment {enrollment_id}.")
    if not who.has_role("admin") and who.subject != enrollment.nip:
        employee = session.get(EmployeeView, enrollment.nip)
        if employee is None or employee.supervisor_nip != who.subject or not who.has_role("supervisor"):
            raise Forbidden("Only the participant, their supervisor and BKPSDM may download this certificate.")
    found = session.scalar(
        select(Certificate).where(Certificate.enrollment_id == enrollment_id, Certificate.revoked_at.is_(None))
    )
    if found is None:
        raise Conflict(
            "This enrolment has no valid certificate: only a completed participant of a closed batch has one.",
            errors=[{"field": "enrollment_id", "message": f"Status: {enrollment.status}."}],
        )
    text = documents.CertificateText(
        number=found.number,
        participant_name=found.participant_name,
        nip=found.nip,
        program_title=found.program_title,
        form=found.form,
        partner_name=found.partner_name,
        started_on=found.started_on,
        completed_on=found.completed_on,
        jp=found.jp,
        competencies=[f"{c.get('name') or c['code']} (level {c['target_level']})" for c in found.competencies],
        verify_url=verify_url(public_url, found.number),
    )
    return found.number, documents.certificate(text)


def _batch_text(session: Session, batch_id: str, partner_code: str | None) -> tuple[documents.BatchText, list]:
    found = batch(session, batch_id, partner_code)
    program_ = session.get(Program, found["program_id"])
    partner_ = session.get(Partner, program_.partner_code)
    meetings = [
        documents.Session(m.meeting_no, m.date, m.starts_at, m.ends_at, m.place, m.online) for m in found["meetings"]
    ]
    people = [
        documents.Participant(e.nip, name or e.nip, position_name, unit_name)
        for e, name, position_name, unit_name in session.execute(
            select(Enrollment, EmployeeView.name, EmployeeView.position_name, EmployeeView.unit_name)
            .outerjoin(EmployeeView, EmployeeView.nip == Enrollment.nip)
            .where(Enrollment.batch_id == batch_id, Enrollment.status != "withdrawn")
            .order_by(EmployeeView.name, Enrollment.nip)
        )
    ]
    text = documents.BatchText(
        program_title=program_.title,
        program_code=program_.code,
        batch_number=found["number"],
        form=program_.form,
        partner_name=partner_.name if partner_ else program_.partner_code,
        jp=program_.jp,
        meetings=meetings,
    )
    return text, people


def call_up_letter(session: Session, batch_id: str, issued_on: dt.date) -> bytes:
    """The call-up letters of a batch: one to the head of each OPD with participants, in the order of OPD names."""
    text, people = _batch_text(session, batch_id, None)
    units: dict[str, list[documents.Participant]] = {}
    for person in people:
        units.setdefault(person.unit_name or "OPD tidak diketahui", []).append(person)
    if not units:
        raise Conflict(
            "The batch has no participants yet: nominate them first.",
            errors=[{"field": "batch_id", "message": "No participants."}],
        )
    return documents.call_up_letter(text, sorted(units.items()), issued_on)


def signature_sheet(session: Session, batch_id: str, meeting_no: int, partner_code: str | None) -> bytes:
    text, people = _batch_text(session, batch_id, partner_code)
    meeting = next((m for m in text.meetings if m.meeting_no == meeting_no), None)
    if meeting is None:
        raise NotFound(f"The batch has no meeting {meeting_no}.")
    return documents.attendance_sheet(text, meeting, people)
