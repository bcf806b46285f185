"""Delivering the messages as due background work (``shared.due``): the worker claims due ones, renders each in its
person's language to the address the records hold, hands it to its channel and records the outcome: sent, retried
later with backoff, or failed for good. A channel is anything with ``send(address, subject, text, reference)`` raising
``DeliveryError`` (``permanent`` when trying again cannot help): e-mail over SMTP today (``shared.mail``); WhatsApp or
SMS providers plug in the same way."""

from __future__ import annotations

from services.notifications import domain
from services.notifications.config import NotificationSettings
from services.notifications.models import Message, Outbox, Person, Preference
from shared import due
from shared.db import Database, UnitOfWork, utcnow
from shared.mail import Channel, DeliveryError


def _recipient(session, settings: NotificationSettings, nip: str) -> Person | None:
    """Whom a message goes to: the person's record, or BKPSDM itself at ``BKPSDM_EMAIL``."""
    if nip == domain.BKPSDM:
        return Person(nip=nip, name=settings.instansi.agency_short, email=settings.bkpsdm_email or None, active=True)
    return session.get(Person, nip)


def queue(settings: NotificationSettings) -> due.Queue:
    return due.Queue(
        name="notifications",
        model=Message,
        waiting="queued",
        max_attempts=settings.mail_max_attempts,
        retry_seconds=settings.mail_retry_seconds,
        lease_seconds=max(settings.mail_lease_seconds, settings.smtp_timeout_seconds * 3),
    )


def send_due(
    database: Database, settings: NotificationSettings, channels: dict[str, Channel], limit: int = 50
) -> dict[str, int]:
    """Send the messages that are due; each outcome is committed on its own."""

    def prepare(session, message: Message):
        person = _recipient(session, settings, message.nip)
        if person is None and message.attempts < settings.mail_max_attempts:  # their record may still come
            return due.Outcome("retrying", "No employee record (yet) for this NIP.")
        if person is None or not person.active or not person.email:
            return due.Outcome("failed", "No e-mail address in the employee records.", status="no_address")
        preference = session.get(Preference, message.nip)
        letter = domain.render(
            message.kind,
            preference.language if preference else "id",
            {
                "name": person.name,
                "link": settings.public_url.rstrip("/") + domain.link_path(message.kind, message.nip),
                "agency": settings.instansi.agency_short,
                **(message.values or {}),
            },
        )
        message.address, message.subject, message.text = person.email, letter.subject[:300], letter.text
        return message.id, message.channel, message.address, message.subject, message.text

    def attempt(work) -> due.Outcome:
        message_id, channel, address, subject, text = work
        try:
            channels[channel].send(address, subject, text, message_id)
        except DeliveryError as exc:
            return due.Outcome("failed" if exc.permanent else "retrying", str(exc))
        return due.Outcome("sent")

    return due.send_due(database, queue(settings), prepare, attempt, limit)


def send_again(database: Database, settings: NotificationSettings, message_id: str) -> Message | None:
    """BKPSDM sends a failed message again, to the address the records hold now; it stays as it was when the person
    still has no address (the answer says so)."""
    with UnitOfWork(database, Outbox) as uow:  # a unit of work: the change and its audit record commit together
        session = uow.session
        row = session.get(Message, message_id)
        if row is None:
            return None
        person = _recipient(session, settings, row.nip)
        address = person.email if person is not None and person.active else None
        if row.status in ("failed", "no_address") and address:
            row.address = address  # as the records say now (the e-mail may have been corrected in SIMPEG)
            row.status, row.attempts, row.next_attempt_at, row.last_error = "queued", 0, utcnow(), None
            uow.commit()
        session.refresh(row)
        session.expunge(row)
        return row
