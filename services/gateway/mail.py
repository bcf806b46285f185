"""The mail the gateway owes people (activation and reset links), sent over SMTP by its worker.

Messages wait in ``mail_messages`` (written in the same transaction as what caused them); the
worker claims due ones (``FOR UPDATE SKIP LOCKED`` and a lease, so two workers never send one
twice), makes the one-time code at that moment (only its digest is stored; a message row holds no
secret), sends, and records the outcome: sent, retried later with backoff, or failed for good.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import urlencode

from sqlalchemy import select

from services.gateway import domain
from services.gateway.config import GatewaySettings
from services.gateway.handlers import issue_code
from services.gateway.models import Account, MailMessage
from shared.db import Database, utcnow

log = logging.getLogger(__name__)


class Mailer:
    """SMTP delivery as configured (host, port, STARTTLS or TLS, credentials)."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings

    def send(self, to: str, subject: str, text: str) -> None:
        s = self.settings
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = s.mail_from, to, subject
        message.set_content(text)
        context = ssl.create_default_context()
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


def retry_delay(attempts: int, base_seconds: float, cap_seconds: float = 3600.0) -> float:
    return min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1))


def send_due_mail(database: Database, settings: GatewaySettings, mailer: Mailer, limit: int = 20) -> dict[str, int]:
    """Send the messages that are due; each outcome is committed on its own."""
    counts = {"sent": 0, "failed": 0, "retrying": 0}
    hours = settings.activation_link_hours
    with database.sessions() as session:
        due = list(
            session.scalars(
                select(MailMessage)
                .where(MailMessage.status == "pending", MailMessage.next_attempt_at <= utcnow())
                .order_by(MailMessage.next_attempt_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        outgoing = []
        for message in due:
            message.attempts += 1
            message.next_attempt_at = utcnow() + dt.timedelta(seconds=max(60.0, settings.smtp_timeout_seconds * 3))
            account = session.get(Account, message.username)
            if account is None or account.status == "closed" or not account.email:
                message.status, message.last_error = "failed", "No open account with an e-mail address."
                continue
            code = issue_code(session, account, message.purpose, "email", dt.timedelta(hours=hours))
            link = f"{settings.public_url.rstrip('/')}/aktivasi?" + urlencode({"u": account.username, "kode": code})
            subject, text = domain.activation_mail(message.purpose, account.name, link, code, hours)
            outgoing.append((message.id, message.attempts, account.email, subject, text))
        session.commit()  # the codes exist before they are sent; an unsent one simply expires
    for message_id, attempts, to, subject, text in outgoing:
        try:
            mailer.send(to, subject, text)
            outcome, error = "sent", None
        except (OSError, smtplib.SMTPException) as exc:
            permanent = isinstance(exc, smtplib.SMTPRecipientsRefused)
            outcome = "failed" if permanent or attempts >= settings.mail_max_attempts else "retrying"
            error = f"{type(exc).__name__}: {exc}"[:1000]
        with database.sessions() as session:
            row = session.get(MailMessage, message_id)
            if outcome == "sent":
                row.status, row.sent_at, row.last_error = "sent", utcnow(), None
            elif outcome == "failed":
                row.status, row.last_error = "failed", error
            else:
                row.last_error = error
                row.next_attempt_at = utcnow() + dt.timedelta(
                    seconds=retry_delay(attempts, settings.mail_retry_seconds)
                )
            session.commit()
        counts[outcome] += 1
        log.info("mail %s", outcome, extra={"message_id": message_id, "attempt": attempts})  # never the code
    return counts
