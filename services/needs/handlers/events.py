"""What the needs service does with the events it consumes (training, evaluation, its own outside development)."""

from __future__ import annotations

from sqlalchemy import delete, select

from services.needs import repository
from services.needs.config import NeedsSettings
from services.needs.handlers.ledger import credit_jp, recompute_after_credit, take_back_credit
from services.needs.handlers.recompute import recompute
from services.needs.models import AssessmentRecord, Competency, Employee, Program
from shared.consumer import Handler, bind
from shared.db import UnitOfWork
from shared.events import Event

# Topics whose events this service's worker consumes; types without a handler are skipped.
TOPICS = ["bangkom.training.v1", "bangkom.evaluation.v1", "bangkom.needs.v1"]  # its own: external development


def on_training_completed(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """Credit the JP to the ASN's year; the needs the training addressed await evaluation."""
    data = event.load_data()
    session = uow.session
    credit_jp(uow, settings, {**data, "credit_id": data["enrollment_id"], "source": "bangkom"})
    # Kafka orders events per topic only: an evaluation of this enrolment may have been handled first.
    evaluated = set(
        session.scalars(
            select(AssessmentRecord.competency_code).where(AssessmentRecord.enrollment_id == data["enrollment_id"])
        )
    )
    codes = [c["code"] for c in data["competencies"] if c["code"] not in evaluated]
    repository.set_need_status(uow, data["nip"], codes, ("open", "planned", "in_training"), "awaiting_evaluation")
    recompute_after_credit(uow, settings, data["nip"], data["completed_on"])


def on_training_not_completed(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """The needs go back to open: the ASN still needs development."""
    data = event.load_data()
    program = uow.session.get(Program, data["program_id"])
    if program is not None:
        codes = [c["code"] for c in program.competencies]
        repository.set_need_status(uow, data["nip"], codes, ("in_training",), "open")


def on_training_decision_revoked(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """A reopened batch revoked a decision: a completion's JP leave the ledger (and the record not yet sent to SIMPEG
    is withdrawn); the needs the program addresses are in training again until the batch closes again."""
    data = event.load_data()
    codes = [c["code"] for c in data["competencies"]]
    if data["revoked"] == "completed":
        take_back_credit(uow, settings, data["enrollment_id"])  # closing again credits and queues it anew
        repository.set_need_status(uow, data["nip"], codes, ("awaiting_evaluation",), "in_training")
    else:
        repository.set_need_status(uow, data["nip"], codes, ("open", "planned"), "in_training")


def on_participant_withdrawn(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """The needs the program addresses go back to the candidate pool (open), as if never enrolled."""
    data = event.load_data()
    program = uow.session.get(Program, data["program_id"])
    if program is not None:
        codes = [c["code"] for c in program.competencies]
        repository.set_need_status(uow, data["nip"], codes, ("in_training",), "open")


def on_competency_assessed(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """Record the level, recompute the gap; a need that is met closes, one that is not is open again."""
    data = event.load_data()
    session = uow.session
    if session.get(Employee, data["nip"]) is None or session.get(Competency, data["competency_code"]) is None:
        raise LookupError(f"unknown employee {data['nip']} or competency {data['competency_code']}")
    if session.get(AssessmentRecord, data["assessment_id"]) is None:
        session.add(
            AssessmentRecord(
                id=data["assessment_id"],
                nip=data["nip"],
                competency_code=data["competency_code"],
                level=data["level"],
                source=data["source"],
                assessed_on=data["assessed_on"],
                evidence=f"Evaluasi pasca pelatihan (program {data['program_id']})" if data["program_id"] else "",
                assessor_nip=data["assessor_nip"],
                enrollment_id=data["enrollment_id"],
                program_id=data["program_id"],
            )
        )
    recompute(uow, settings, nips=[data["nip"]])
    repository.set_need_status(uow, data["nip"], [data["competency_code"]], ("awaiting_evaluation",), "open")


def on_evaluation_task_expired(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """The project assessment that would close the loop expired: the needs it awaited go back to the plan."""
    data = event.load_data()
    repository.set_need_status(uow, data["nip"], data["competency_codes"], ("awaiting_evaluation",), "open")


def on_program_published(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    data = event.load_data()
    program = uow.session.get(Program, data["program_id"]) or Program(program_id=data["program_id"])
    program.code, program.title, program.form = data["code"], data["title"], data["form"]
    program.jp, program.competencies, program.starts_on = data["jp"], data["competencies"], data["starts_on"]
    uow.session.add(program)


def on_participant_enrolled(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """The needs the program addresses are now in training (when the program is known here)."""
    data = event.load_data()
    program = uow.session.get(Program, data["program_id"])
    if program is not None:
        codes = [c["code"] for c in program.competencies]
        repository.set_need_status(uow, data["nip"], codes, ("open", "planned"), "in_training")


def on_external_development_verified(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """Credit the JP, owe SIMPEG the record, and take the verified levels as the ASN's (source ``certificate``)."""
    data = event.load_data()
    credit_id = f"external:{data['record_id']}"
    credit_jp(
        uow,
        settings,
        {
            "credit_id": credit_id,
            "source": "external",
            "nip": data["nip"],
            "jp": data["jp"],
            "program_title": data["title"],
            "organiser": data["organiser"],
            "partner_name": data["organiser"],
            "form": data["form"],
            "started_on": data["starts_on"],
            "completed_on": data["ends_on"],
            "competencies": [{"code": c["code"], "target_level": c["level"]} for c in data["competencies"]],
            "certificate_number": data["certificate_number"],
        },
    )
    session = uow.session
    for claimed in data["competencies"]:
        assessment_id = f"{credit_id}:{claimed['code']}"
        if session.get(AssessmentRecord, assessment_id) is None:
            session.add(
                AssessmentRecord(
                    id=assessment_id,
                    nip=data["nip"],
                    competency_code=claimed["code"],
                    level=claimed["level"],
                    source="certificate",
                    assessed_on=data["ends_on"],
                    evidence=f"{data['title']} ({data['organiser']}), sertifikat {data['certificate_number']}",
                    assessor_nip=None,
                )
            )
    recompute_after_credit(uow, settings, data["nip"], data["ends_on"])


def on_external_development_withdrawn(event: Event, uow: UnitOfWork, settings: NeedsSettings) -> None:
    """A verification BKPSDM withdrew: its JP leave the ledger and the levels it gave leave the ASN's assessments
    (the needs are recomputed without them)."""
    data = event.load_data()
    credit_id = f"external:{data['record_id']}"
    take_back_credit(uow, settings, credit_id)
    uow.session.execute(delete(AssessmentRecord).where(AssessmentRecord.id.like(f"{credit_id}:%")))
    recompute(uow, settings, nips=[data["nip"]])


EVENT_HANDLERS = {
    "TrainingCompleted": on_training_completed,
    "TrainingNotCompleted": on_training_not_completed,
    "CompetencyAssessed": on_competency_assessed,
    "EvaluationTaskExpired": on_evaluation_task_expired,
    "ProgramPublished": on_program_published,
    "ParticipantEnrolled": on_participant_enrolled,
    "ParticipantWithdrawn": on_participant_withdrawn,
    "TrainingDecisionRevoked": on_training_decision_revoked,
    "ExternalDevelopmentVerified": on_external_development_verified,
    "ExternalDevelopmentWithdrawn": on_external_development_withdrawn,
}


def event_handlers(settings: NeedsSettings) -> dict[str, Handler]:
    return bind(EVENT_HANDLERS, settings)
