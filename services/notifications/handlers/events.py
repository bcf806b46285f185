"""Events in, messages out: what each event tells whom, and the read models the messages need."""

from __future__ import annotations

from sqlalchemy import select, update

from services.notifications.config import NotificationSettings
from services.notifications.handlers.messages import program_values, tell
from services.notifications.models import BatchView, EnrollmentView, JpYear, Person, ProgramView, TaskView
from shared.consumer import Handler, bind
from shared.db import UnitOfWork, hot_upsert
from shared.events import Event

TOPICS = ["bangkom.needs.v1", "bangkom.training.v1", "bangkom.evaluation.v1"]


def on_employee_synced(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    person = uow.session.get(Person, data["nip"]) or Person(nip=data["nip"])
    person.name, person.email, person.unit_code = data["name"], data.get("email"), data["unit_code"]
    person.supervisor_nip, person.active = data["supervisor_nip"], data["active"]
    person.unit_name, person.jp_target = data["unit_name"], data.get("jp_target")
    uow.session.add(person)


def on_program_published(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    program = uow.session.get(ProgramView, data["program_id"]) or ProgramView(program_id=data["program_id"])
    program.title = data["title"]
    program.starts_on = str(data["starts_on"]) if data.get("starts_on") else None
    program.ends_on = str(data["ends_on"]) if data.get("ends_on") else None
    program.partner_code = data["partner_code"]
    uow.session.add(program)


def on_participant_enrolled(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    enrollment = uow.session.get(EnrollmentView, data["enrollment_id"]) or EnrollmentView(
        enrollment_id=data["enrollment_id"]
    )
    enrollment.nip, enrollment.batch_id, enrollment.program_id = data["nip"], data["batch_id"], data["program_id"]
    enrollment.active = True
    uow.session.add(enrollment)
    tell(uow, settings, event, "enrolled", data["nip"], program_values(uow.session, data["program_id"]))


def on_participant_withdrawn(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    enrollment = uow.session.get(EnrollmentView, data["enrollment_id"])
    if enrollment is not None:
        enrollment.active = False
    tell(
        uow,
        settings,
        event,
        "withdrawn",
        data["nip"],
        program_values(uow.session, data["program_id"]) | {"reason": data["reason"]},
    )


def on_evaluation_task_created(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    """The person who must answer: the participant (feedback) or the supervisor (project); a partner's post-test
    scores come through its own system."""
    data = event.load_data()
    kept = ("task_id", "kind", "nip", "assignee_nip", "enrollment_id", "program_id", "due_on")
    hot_upsert(uow.session, TaskView, [{field: data.get(field) for field in kept} | {"status": "open"}])
    assignee = data.get("assignee_nip")
    if not assignee:
        return
    values = program_values(uow.session, data["program_id"]) | {
        "due_on": str(data["due_on"]),
        "task_kind": data["kind"],
    }
    tell(uow, settings, event, "task_created", assignee, values)


def on_evaluation_task_reassigned(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    """A project assessment given to another supervisor: they are told as of a new task, and the reminders follow
    them (the former assignee is reminded of it no more)."""
    data = event.load_data()
    task = uow.session.get(TaskView, data["task_id"])
    if task is not None:
        task.assignee_nip = data["assignee_nip"]
    values = program_values(uow.session, data["program_id"]) | {
        "due_on": str(data["due_on"]),
        "task_kind": data["kind"],
    }
    tell(uow, settings, event, "task_created", data["assignee_nip"], values)


def on_training_completed(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    """Congratulations once; after a reopened batch revoked the completion, its new decision is told as a correction
    (with the new certificate), never as a second congratulation."""
    data = event.load_data()
    values = program_values(uow.session, data["program_id"], data["program_title"]) | {
        "jp": data["jp"],
        "certificate_number": data.get("certificate_number"),
    }
    enrollment = uow.session.get(EnrollmentView, data["enrollment_id"])
    corrected = enrollment is not None and enrollment.completion_revoked
    tell(uow, settings, event, "completed_again" if corrected else "completed", data["nip"], values)


def on_training_not_completed(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    tell(
        uow,
        settings,
        event,
        "not_completed",
        data["nip"],
        program_values(uow.session, data["program_id"]) | {"reason": data["reason"]},
    )


def on_external_verified(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    tell(uow, settings, event, "external_verified", data["nip"], {"title": data["title"], "jp": data["jp"]})


def on_external_rejected(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    tell(uow, settings, event, "external_rejected", data["nip"], {"title": data["title"], "reason": data["reason"]})


def on_batch_scheduled(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    """The calendars follow a batch's schedule; when meetings moved, each participant is told which and when."""
    data = event.load_data()
    batch = uow.session.get(BatchView, data["batch_id"]) or BatchView(batch_id=data["batch_id"])
    batch.program_id, batch.number = data["program_id"], data["number"]
    batch.meetings = [
        {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in m.items()}
        for m in data["meetings"]
    ]
    uow.session.add(batch)
    if not data["changed_meetings"]:
        return
    changes = "\n".join(
        f"- {m['meeting_no']}: {m['date']} {m['starts_at'][:5]}–{m['ends_at'][:5]} {settings.instansi.zone_name}, "
        f"{m['place'] or ('daring' if m['online'] else '-')}"
        for m in batch.meetings
        if m["meeting_no"] in data["changed_meetings"]
    )
    values = program_values(uow.session, data["program_id"]) | {"batch_number": data["number"], "changes": changes}
    for nip in uow.session.scalars(
        select(EnrollmentView.nip).where(EnrollmentView.batch_id == data["batch_id"], EnrollmentView.active)
    ):
        tell(uow, settings, event, "schedule_changed", nip, values)


def _task_closed(status: str):
    def handle(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
        task = uow.session.get(TaskView, event.load_data()["task_id"])
        if task is not None:
            task.status = status

    return handle


def on_training_decision_revoked(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    """A reopened batch cancelled the participant's open tasks (the completion that follows opens them again); a
    revoked completion also revoked the certificate, and the participant is told so."""
    data = event.load_data()
    uow.session.execute(
        update(TaskView)
        .where(TaskView.enrollment_id == data["enrollment_id"], TaskView.status == "open")
        .values(status="cancelled")
    )
    if data["revoked"] != "completed":
        return
    enrollment = uow.session.get(EnrollmentView, data["enrollment_id"]) or EnrollmentView(
        enrollment_id=data["enrollment_id"], nip=data["nip"], batch_id=data["batch_id"], program_id=data["program_id"]
    )
    enrollment.completion_revoked = True
    uow.session.add(enrollment)
    values = program_values(uow.session, data["program_id"]) | {"reason": data["reason"]}
    tell(uow, settings, event, "completion_revoked", data["nip"], values)


def on_jp_credited(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    year = uow.session.get(JpYear, (data["nip"], data["year"])) or JpYear(nip=data["nip"], year=data["year"])
    year.total = data["year_total"]
    uow.session.add(year)


EVENT_HANDLERS = {
    "EmployeeSynced": on_employee_synced,
    "ProgramPublished": on_program_published,
    "ParticipantEnrolled": on_participant_enrolled,
    "ParticipantWithdrawn": on_participant_withdrawn,
    "EvaluationTaskCreated": on_evaluation_task_created,
    "EvaluationTaskReassigned": on_evaluation_task_reassigned,
    "TrainingCompleted": on_training_completed,
    "TrainingNotCompleted": on_training_not_completed,
    "ExternalDevelopmentVerified": on_external_verified,
    "ExternalDevelopmentRejected": on_external_rejected,
    "BatchScheduled": on_batch_scheduled,
    "EvaluationTaskSubmitted": _task_closed("submitted"),
    "EvaluationTaskExpired": _task_closed("expired"),
    "TrainingDecisionRevoked": on_training_decision_revoked,
    "JpCredited": on_jp_credited,
}


def event_handlers(settings: NotificationSettings) -> dict[str, Handler]:
    return bind(EVENT_HANDLERS, settings)
