"""A message owed to a person, written once per event, kind and person; the person's preferences."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Select, bindparam, exists, select

from services.notifications import domain
from services.notifications.config import NotificationSettings
from services.notifications.models import Message, Preference, ProgramView
from shared.db import UnitOfWork, hot_rows
from shared.events import Event


def tell(
    uow: UnitOfWork, settings: NotificationSettings, cause: Event | str, kind: str, nip: str, values: dict[str, Any]
) -> bool:
    """The message of ``kind`` for ``nip`` caused by ``cause`` (an event, or the id of a reminder or checkpoint),
    once: True when it is owed (written now or before), False when the person muted it."""
    session = uow.session
    cause_id = cause if isinstance(cause, str) else cause.id
    message_id = domain.message_id(cause_id, kind, nip)
    session.flush()  # a message of this transaction counts as written (a no-op after each event's own flush)
    dialect = session.get_bind().dialect.name
    [(written, muted)] = hot_rows(session, _owed(dialect), {"id": message_id, "nip": nip})
    if written:
        return True
    if not domain.may_send(kind, set(muted or ())):
        return False
    # written in the person's words when it is sent: their name, address and language as known then (the record of a
    # person may arrive after the event that concerns them: the topics of two services keep no order between them)
    session.add(
        Message(
            id=message_id,
            event_id=cause_id,
            kind=kind,
            nip=nip,
            values={
                key: value if isinstance(value, int | float | type(None)) else str(value)
                for key, value in values.items()
            },
            status="queued",
        )
    )
    return True


@functools.cache
def _owed(dialect: str) -> Select:
    """Whether the message is written already and the kinds its person muted: one statement (built once per dialect)
    where two lookups were, for every message an event causes."""
    return select(
        exists().where(Message.id == bindparam("id")),
        select(Preference.muted).where(Preference.nip == bindparam("nip")).scalar_subquery(),
    )


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
