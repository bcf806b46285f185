"""A message owed to a person, written once per event, kind and person; the person's preferences."""

from __future__ import annotations

from typing import Any

from services.notifications import domain
from services.notifications.config import NotificationSettings
from services.notifications.models import Message, Preference, ProgramView
from shared.db import UnitOfWork
from shared.events import Event


def tell(
    uow: UnitOfWork, settings: NotificationSettings, cause: Event | str, kind: str, nip: str, values: dict[str, Any]
) -> Message | None:
    """The message of ``kind`` for ``nip`` caused by ``cause`` (an event, or the id of a reminder or checkpoint),
    once; None when the person muted it."""
    session = uow.session
    cause_id = cause if isinstance(cause, str) else cause.id
    message_id = domain.message_id(cause_id, kind, nip)
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
        event_id=cause_id,
        kind=kind,
        nip=nip,
        values={
            key: value if isinstance(value, int | float | type(None)) else str(value) for key, value in values.items()
        },
        status="queued",
    )
    session.add(message)
    return message


def program_values(session, program_id: str, title: str | None = None) -> dict[str, Any]:
    """What a message says of a program (its title, dates, a link), from the read model of published programs."""
    found = session.get(ProgramView, program_id)
    return {
        "program_title": title or (found.title if found else program_id),
        "starts_on": found.starts_on if found else None,
        "ends_on": found.ends_on if found else None,
    }


def set_preference(uow: UnitOfWork, nip: str, language: str, muted: list[str]) -> Preference:
    found = uow.session.get(Preference, nip) or Preference(nip=nip)
    found.language, found.muted = language, sorted(set(muted))
    uow.session.add(found)
    uow.commit()
    return found
