"""Use-cases of the notifications service: events in, messages out (written with the event's transaction).

Each message is decided here from an event and a person (``domain``): a redelivered event finds its message
already there (``domain.message_id``), an optional kind the person muted is not written, a person without an e-mail
address gets a ``no_address`` message BKPSDM can see.
"""

from __future__ import annotations

import logging
from typing import Any

from services.notifications import domain
from services.notifications.config import NotificationSettings
from services.notifications.models import Message, Person, Preference, ProgramView
from shared.consumer import Handler, bind
from shared.db import UnitOfWork
from shared.events import Event

log = logging.getLogger(__name__)

TOPICS = ["bangkom.needs.v1", "bangkom.training.v1", "bangkom.evaluation.v1"]


def tell(
    uow: UnitOfWork, settings: NotificationSettings, event: Event, kind: str, nip: str, values: dict[str, Any]
) -> Message | None:
    """The message of ``kind`` for ``nip`` caused by ``event``, once; None when the person muted it."""
    session = uow.session
    message_id = domain.message_id(event.id, kind, nip)
    existing = session.get(Message, message_id)
    if existing is not None:
        return existing
    preference = session.get(Preference, nip)
    if not domain.may_send(kind, set(preference.muted if preference else ())):
        return None
    # written in the person's words when it is sent: their name, address and language as known then (the record of a
    # person may arrive after the event that concerns them: the topics of two services keep no order between them)
    message = Message(
        id=message_id,
        event_id=event.id,
        kind=kind,
        nip=nip,
        values={
            key: value if isinstance(value, int | float | type(None)) else str(value) for key, value in values.items()
        },
        status="queued",
    )
    session.add(message)
    return message


def _program(uow: UnitOfWork, program_id: str, title: str | None = None) -> dict[str, Any]:
    found = uow.session.get(ProgramView, program_id)
    return {
        "program_title": title or (found.title if found else program_id),
        "starts_on": found.starts_on if found else None,
        "ends_on": found.ends_on if found else None,
    }


def on_employee_synced(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    person = uow.session.get(Person, data["nip"]) or Person(nip=data["nip"])
    person.name, person.email, person.unit_code = data["name"], data.get("email"), data["unit_code"]
    person.supervisor_nip, person.active = data["supervisor_nip"], data["active"]
    uow.session.add(person)


def on_program_published(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    program = uow.session.get(ProgramView, data["program_id"]) or ProgramView(program_id=data["program_id"])
    program.title = data["title"]
    program.starts_on = str(data["starts_on"]) if data.get("starts_on") else None
    program.ends_on = str(data["ends_on"]) if data.get("ends_on") else None
    uow.session.add(program)


def on_participant_enrolled(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    tell(uow, settings, event, "enrolled", data["nip"], _program(uow, data["program_id"]))


def on_participant_withdrawn(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    tell(uow, settings, event, "withdrawn", data["nip"], _program(uow, data["program_id"]) | {"reason": data["reason"]})


def on_evaluation_task_created(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    """The person who must answer: the participant (feedback) or the supervisor (project); a partner's post-test
    scores come through its own system."""
    data = event.load_data()
    assignee = data.get("assignee_nip")
    if not assignee:
        return
    values = _program(uow, data["program_id"]) | {"due_on": str(data["due_on"]), "task_kind": data["kind"]}
    tell(uow, settings, event, "task_created", assignee, values)


def on_training_completed(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    values = _program(uow, data["program_id"], data["program_title"]) | {
        "jp": data["jp"],
        "certificate_number": data.get("certificate_number"),
    }
    tell(uow, settings, event, "completed", data["nip"], values)


def on_training_not_completed(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    tell(
        uow,
        settings,
        event,
        "not_completed",
        data["nip"],
        _program(uow, data["program_id"]) | {"reason": data["reason"]},
    )


def on_external_verified(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    tell(uow, settings, event, "external_verified", data["nip"], {"title": data["title"], "jp": data["jp"]})


def on_external_rejected(event: Event, uow: UnitOfWork, settings: NotificationSettings) -> None:
    data = event.load_data()
    tell(uow, settings, event, "external_rejected", data["nip"], {"title": data["title"], "reason": data["reason"]})


EVENT_HANDLERS = {
    "EmployeeSynced": on_employee_synced,
    "ProgramPublished": on_program_published,
    "ParticipantEnrolled": on_participant_enrolled,
    "ParticipantWithdrawn": on_participant_withdrawn,
    "EvaluationTaskCreated": on_evaluation_task_created,
    "TrainingCompleted": on_training_completed,
    "TrainingNotCompleted": on_training_not_completed,
    "ExternalDevelopmentVerified": on_external_verified,
    "ExternalDevelopmentRejected": on_external_rejected,
}


def event_handlers(settings: NotificationSettings) -> dict[str, Handler]:
    return bind(EVENT_HANDLERS, settings)


def set_preference(uow: UnitOfWork, nip: str, language: str, muted: list[str]) -> Preference:
    found = uow.session.get(Preference, nip) or Preference(nip=nip)
    found.language, found.muted = language, sorted(set(muted))
    uow.session.add(found)
    uow.commit()
    return found
