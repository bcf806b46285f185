"""Completion: pre- and post-test scores, closing a batch (who completed, their certificates, the events) and reopening it to
correct it."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from services.training import domain
from services.training.config import TrainingSettings
from services.training.handlers.attendance import lock_batch_whole
from services.training.models import Attendance, Batch, Certificate, EmployeeView, Enrollment, Meeting, Partner, Program
from shared.db import UnitOfWork, utcnow
from shared.errors import Conflict, NotFound, check_transition
from shared.events import Event, new_event


def set_test_score(
    uow: UnitOfWork,
    settings: TrainingSettings,
    batch_id: str,
    nip: str,
    test: str,
    score: float,
    partner_code: str | None,
    now: float | None = None,
) -> Enrollment:
    """A participant's pre-test or post-test score (0–100), entered by the batch's partner or BKPSDM until the batch
    closes. A pre-test measures where the participant started: it is refused once the first meeting has ended. A
    changed score emits ``LearningTestRecorded`` (the evaluation's L2 is made of them); the same score again, nothing."""
    batch = own_batch(uow, batch_id, partner_code)
    enrollment = uow.session.scalar(select(Enrollment).where(Enrollment.batch_id == batch.id, Enrollment.nip == nip))
    if enrollment is None or enrollment.status == "withdrawn":
        raise NotFound(f"{nip} is not enrolled in batch {batch_id}.")
    if batch.closed_at is not None:
        raise Conflict("The batch is closed; its results are final.")
    if test == "pre":
        first = uow.session.scalars(
            select(Meeting).where(Meeting.batch_id == batch.id).order_by(Meeting.date, Meeting.starts_at)
        ).first()
        local_now = dt.datetime.fromtimestamp(time.time() if now is None else now, ZoneInfo(settings.timezone))
        if first is not None and domain.has_ended(local_now, first.date, first.ends_at):
            raise Conflict(
                f"The pre-test measures where the participants started: it is taken before the training and entered "
                f"by the end of the first meeting ({first.date} {first.ends_at:%H:%M}). The batch has started; its "
                "missing pre-tests stay missing (the learning gain is measured on the pairs there are).",
                errors=[{"field": "test", "message": "The first meeting has ended."}],
            )
    column = "pre_test_score" if test == "pre" else "post_test_score"
    if getattr(enrollment, column) != score:
        setattr(enrollment, column, score)
        program = uow.session.get(Program, batch.program_id)
        uow.publish(
            new_event(
                "LearningTestRecorded",
                {
                    "enrollment_id": enrollment.id,
                    "nip": enrollment.nip,
                    "program_id": program.id,
                    "batch_id": batch.id,
                    "test": test,
                    "score": score,
                },
            )
        )
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
    _check_ended(session, settings, batch, force_reason, now)
    closing = _Closing.of(session, settings, batch)
    events: list[Event] = []
    for enrollment in session.scalars(
        select(Enrollment)
        .where(Enrollment.batch_id == batch_id, Enrollment.status == "enrolled")
        .order_by(Enrollment.nip)
    ):
        events.append(closing.decide(session, enrollment))
    batch.closed_at = utcnow()
    uow.publish_all(events)
    uow.commit()
    return batch


def _check_ended(session, settings: TrainingSettings, batch: Batch, force_reason: str | None, now: float | None):
    """Refuse to close before the last meeting has ended, unless forced with a reason (then kept on the batch)."""
    last = session.scalars(
        select(Meeting).where(Meeting.batch_id == batch.id).order_by(Meeting.date.desc(), Meeting.ends_at.desc())
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


def evidence_of(settings: TrainingSettings, program: Program) -> str | None:
    """The evidence a program's form asks for besides attendance (report, product), by the forms' table; None when
    its certificate is enough."""
    evidence = settings.jp_conversion.of(program.form).evidence
    return None if evidence == "certificate" else evidence


def record_evidence(
    uow: UnitOfWork, settings: TrainingSettings, batch_id: str, nip: str, evidence: str | None, partner_code: str | None
) -> Enrollment:
    """The report or product a participant handed in (its title), as the batch's partner or BKPSDM received it, until
    the batch closes; None takes it back. 409 for a form whose certificate is enough."""
    batch = own_batch(uow, batch_id, partner_code)
    program = uow.session.get(Program, batch.program_id)
    if evidence_of(settings, program) is None:
        raise Conflict(
            f"A {program.form} is completed by attendance: it asks for no report or product.",
            errors=[{"field": "evidence", "message": "Not asked for this form."}],
        )
    enrollment = uow.session.scalar(select(Enrollment).where(Enrollment.batch_id == batch.id, Enrollment.nip == nip))
    if enrollment is None or enrollment.status == "withdrawn":
        raise NotFound(f"{nip} is not enrolled in batch {batch_id}.")
    if batch.closed_at is not None:
        raise Conflict("The batch is closed; its results are final.")
    enrollment.evidence = evidence
    uow.commit()
    return enrollment


@dataclass
class _Closing:
    """What deciding a batch's enrolments needs to know, read once: its program and rule, the meetings and who was
    present how often, its first and last day, its partner, the last certificate serial, the participants' names."""

    batch: Batch
    program: Program
    rule: domain.CompletionRule
    meetings: int
    present: dict[str, int]
    first_day: dt.date | None
    last_day: dt.date
    partner: Partner | None
    serial: int
    names: dict[str, str]

    @classmethod
    def of(cls, session, settings: TrainingSettings, batch: Batch) -> _Closing:
        program = session.get(Program, batch.program_id)
        first_day, last_day = session.execute(
            select(func.min(Meeting.date), func.max(Meeting.date)).where(Meeting.batch_id == batch.id)
        ).one()
        present = session.execute(
            select(Attendance.enrollment_id, func.count())
            .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
            .where(Enrollment.batch_id == batch.id, Attendance.status == "present")
            .group_by(Attendance.enrollment_id)
        ).all()
        names = session.execute(
            select(EmployeeView.nip, EmployeeView.name)
            .join(Enrollment, Enrollment.nip == EmployeeView.nip)
            .where(Enrollment.batch_id == batch.id)
        ).all()
        return cls(
            batch=batch,
            program=program,
            rule=domain.CompletionRule(
                program.min_attendance,
                program.post_test_required,
                program.passing_score,
                evidence_of(settings, program),
            ),
            meetings=session.scalar(select(func.count()).where(Meeting.batch_id == batch.id)),
            present=dict(present),
            first_day=first_day,
            last_day=last_day or settings.today(),
            partner=session.get(Partner, program.partner_code),
            # numbers go on after the batch's last one: a certificate revoked by a reopen keeps its number to itself
            serial=session.scalar(select(func.max(Certificate.serial)).where(Certificate.batch_id == batch.id)) or 0,
            names=dict(names),
        )

    def decide(self, session, enrollment: Enrollment) -> Event:
        """Decide one enrolment by the rule: completed (with its certificate) or not, and the event that says so."""
        decision = domain.decide(
            self.rule,
            self.meetings,
            self.present.get(enrollment.id, 0),
            enrollment.post_test_score,
            enrollment.evidence,
        )
        enrollment.attendance_rate, enrollment.decided_at = decision.attendance_rate, utcnow()
        common = {
            "enrollment_id": enrollment.id,
            "nip": enrollment.nip,
            "program_id": self.program.id,
            "batch_id": self.batch.id,
            "attendance_rate": decision.attendance_rate,
        }
        if not decision.completed:
            enrollment.status, enrollment.reason = "not_completed", decision.reason
            return new_event("TrainingNotCompleted", common | {"reason": decision.reason})
        program, partner, started_on = self.program, self.partner, self.first_day or self.last_day
        self.serial += 1
        enrollment.status = "completed"
        enrollment.certificate_number = domain.certificate_number(
            program.code, self.batch.number, self.serial, self.last_day.year
        )
        session.add(
            Certificate(
                number=enrollment.certificate_number,
                enrollment_id=enrollment.id,
                batch_id=self.batch.id,
                serial=self.serial,
                nip=enrollment.nip,
                participant_name=self.names.get(enrollment.nip, enrollment.nip),
                program_id=program.id,
                program_title=program.title,
                form=program.form,
                partner_name=partner.name if partner else program.partner_code,
                started_on=started_on,
                completed_on=self.last_day,
                jp=program.jp,
                competencies=program.competencies,
            )
        )
        return new_event(
            "TrainingCompleted",
            common
            | {
                "program_title": program.title,
                "form": program.form,
                "jp": program.jp,
                "competencies": program.competencies,
                "completed_on": self.last_day,
                "partner_code": program.partner_code,
                "certificate_number": enrollment.certificate_number,
                "started_on": started_on,
                "partner_name": partner.name if partner else None,
            },
        )


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
