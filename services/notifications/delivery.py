"""Delivering the messages: the worker claims due ones (``FOR UPDATE SKIP LOCKED`` and a lease, so two workers never
send one twice), hands each to its channel and records the outcome: sent, retried later with backoff, or failed for
good. A channel is anything with ``send(address, subject, text)`` raising ``DeliveryError`` (``permanent`` when trying
again cannot help): e-mail over SMTP today; WhatsApp or SMS providers plug in the same way."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import select

from services.notifications import domain
from services.notifications.config import NotificationSettings
from services.notifications.models import Message, Person, Preference
from shared.db import Database, utcnow

log = logging.getLogger(__name__)
MESSAGE_ID_DOMAIN = "bangkom.lhokseumawekota.go.id"


class DeliveryError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Channel(Protocol):
    def send(self, address: str, subject: str, text: str, reference: str) -> None:
        """Deliver, or raise DeliveryError. ``reference`` is the message's id, the same on every attempt: the
        receiver's way to recognise a message sent again after a worker died between the acceptance and its record
        (e-mail: the Message-ID)."""


class SmtpChannel:
    """E-mail as configured: host, port, none/STARTTLS/TLS, credentials."""

    def __init__(self, settings: NotificationSettings) -> None:
        self.settings = settings

    def send(self, address: str, subject: str, text: str, reference: str) -> None:
        s = self.settings
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = s.mail_from, address, subject
        message["Message-ID"] = f"<{reference}@{MESSAGE_ID_DOMAIN}>"
        message.set_content(text)
        context = ssl.create_default_context()
        try:
            if s.smtp_security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds, context=context
                )
            else:
                client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
            with client:
                if s.smtp_security == "starttls":
                    client.starttls(context=context)
                if s.smtp_username:
                    client.login(s.smtp_username, s.smtp_password)
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"The mail server refused the address: {exc}", permanent=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc


def _recipient(session, settings: NotificationSettings, nip: str) -> Person | None:
    """Whom a message goes to: the person's record, or BKPSDM itself at ``BKPSDM_EMAIL``."""
    if nip == domain.BKPSDM:
        return Person(nip=nip, name="BKPSDM Kota Lhokseumawe", email=settings.bkpsdm_email or None, active=True)
    return session.get(Person, nip)


def send_due(
    database: Database, settings: NotificationSettings, channels: dict[str, Channel], limit: int = 50
) -> dict[str, int]:
    """Send the messages that are due; each outcome is committed on its own."""
    counts = {"sent": 0, "failed": 0, "retrying": 0}
    lease = dt.timedelta(seconds=max(settings.mail_lease_seconds, settings.smtp_timeout_seconds * 3))
    with database.sessions() as session:
        due = list(
            session.scalars(
                select(Message)
                .where(Message.status == "queued", Message.next_attempt_at <= utcnow())
                .order_by(Message.next_attempt_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        claimed = []
        for message in due:
            message.attempts += 1
            person = _recipient(session, settings, message.nip)
            if person is None and message.attempts < settings.mail_max_attempts:  # their record may still come
                message.next_attempt_at = utcnow() + dt.timedelta(
                    seconds=domain.retry_delay(message.attempts, settings.mail_retry_seconds)
                )
                counts["retrying"] += 1
                continue
            if person is None or not person.active or not person.email:
                message.status, message.last_error = "no_address", "No e-mail address in the employee records."
                counts["failed"] += 1
                continue
            preference = session.get(Preference, message.nip)
            letter = domain.render(
                message.kind,
                preference.language if preference else "id",
                {"name": person.name, "link": settings.public_url.rstrip("/") + "/", **(message.values or {})},
            )
            message.address, message.subject, message.text = person.email, letter.subject[:300], letter.text
            message.next_attempt_at = utcnow() + lease  # another worker leaves it alone meanwhile
            claimed.append(
                (message.id, message.channel, message.attempts, message.address, message.subject, message.text)
            )
        session.commit()
    for message_id, channel, attempts, address, subject, text in claimed:
        try:
            channels[channel].send(address, subject, text, message_id)
            outcome, error = "sent", None
        except DeliveryError as exc:
            outcome = "failed" if exc.permanent or attempts >= settings.mail_max_attempts else "retrying"
            error = str(exc)[:1000]
        with database.sessions() as session:
            row = session.get(Message, message_id)
            if outcome == "sent":
                row.status, row.sent_at, row.last_error = "sent", utcnow(), None
            elif outcome == "failed":
                row.status, row.last_error = "failed", error
            else:
                row.last_error = error
                row.next_attempt_at = utcnow() + dt.timedelta(
                    seconds=domain.retry_delay(attempts, settings.mail_retry_seconds)
                )
            session.commit()
        counts[outcome] += 1
        log.info("message %s", outcome, extra={"message_id": message_id, "attempt": attempts})
    return counts


def send_again(database: Database, settings: NotificationSettings, message_id: str) -> Message | None:
    """BKPSDM sends a failed message again, to the address the records hold now; it stays as it was when the person
    still has no address (the answer says so)."""
    with database.sessions() as session:
        row = session.get(Message, message_id)
        if row is None:
            return None
        person = _recipient(session, settings, row.nip)
        address = person.email if person is not None and person.active else None
        if row.status in ("failed", "no_address") and address:
            row.address = address  # as the records say now (the e-mail may have been corrected in SIMPEG)
            row.status, row.attempts, row.next_attempt_at, row.last_error = "queued", 0, utcnow(), None
            session.commit()
        session.refresh(row)
        session.expunge(row)
        return row
