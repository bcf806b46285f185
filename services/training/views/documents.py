"""The documents of a batch read back from the data: certificates (and their check), call-up letters, signature
sheets."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.training import documents, signing
from services.training.config import TrainingSettings
from services.training.models import Certificate, EmployeeView, Enrollment, Partner, Program
from services.training.views.programs import batch
from shared.errors import Conflict, Forbidden, NotFound
from shared.instansi import Instansi


def verify_url(public_url: str, number: str) -> str:
    """The public verification page of a certificate number: what its QR code opens."""
    return f"{public_url.rstrip('/')}/verifikasi/{quote(number, safe='/')}"


def certificate_check(session: Session, number: str, instansi: Instansi) -> dict[str, Any]:
    """What the public verification page says of a number: valid or revoked (the days as the instansi's calendar
    has them), and less of the person than the certificate itself prints (the NIP's last four digits: numbers follow
    each other, so anyone could look up the next one)."""
    found = session.get(Certificate, number)
    if found is None:
        raise NotFound(f"No certificate {number}.")
    return {
        "number": found.number,
        "status": "revoked" if found.revoked_at else "valid",
        "revoked_on": instansi.local(found.revoked_at).date() if found.revoked_at else None,
        "participant_name": found.participant_name,
        "nip": "*" * (len(found.nip) - 4) + found.nip[-4:],  # enough to match a certificate in hand, no more
        "program_title": found.program_title,
        "form": found.form,
        "partner_name": found.partner_name,
        "started_on": found.started_on,
        "completed_on": found.completed_on,
        "jp": found.jp,
        "competencies": found.competencies,
        "issued_on": instansi.local(found.issued_at).date(),
    }


def certificate_pdf(session: Session, enrollment_id: str, who, settings: TrainingSettings) -> tuple[str, bytes]:
    """The valid certificate of an enrolment as PDF, signed with the instansi's key (``signing``), for BKPSDM, the
    participant or their supervisor."""
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
        verify_url=verify_url(settings.public_url, found.number),
    )
    pdf = documents.certificate(text, settings.instansi)
    return found.number, signing.sign(
        pdf,
        settings.instansi,
        settings.certificate_signing_pkcs12_file,
        settings.certificate_signing_passphrase,
        found.number,
    )


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


def call_up_letter(session: Session, batch_id: str, issued_on: dt.date, instansi: Instansi) -> bytes:
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
    return documents.call_up_letter(text, sorted(units.items()), issued_on, instansi)


def signature_sheet(
    session: Session, batch_id: str, meeting_no: int, partner_code: str | None, instansi: Instansi
) -> bytes:
    text, people = _batch_text(session, batch_id, partner_code)
    meeting = next((m for m in text.meetings if m.meeting_no == meeting_no), None)
    if meeting is None:
        raise NotFound(f"The batch has no meeting {meeting_no}.")
    return documents.attendance_sheet(text, meeting, people, instansi)
