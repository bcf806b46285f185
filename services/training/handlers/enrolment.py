"""Nomination: enrolling ASN in a batch (all or none) and withdrawing or replacing one before it starts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select

from services.training import domain, views
from services.training.config import TrainingSettings
from services.training.models import Batch, EmployeeView, Enrollment, Meeting, Program
from shared.db import UnitOfWork, utcnow
from shared.errors import Conflict, Invalid, NotFound, check_transition
from shared.events import new_event


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
