"""The mail the gateway owes people (activation and reset links), sent over SMTP by its worker.

Messages wait in ``mail_messages`` (written in the same transaction as what caused them) and go out as due background
work (``shared.due``): the one-time code is made when a message is claimed (only its digest is stored; a message row
holds no secret), then the message is sent and its outcome recorded: sent, retried later with backoff, or failed.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from services.gateway import domain
from services.gateway.config import GatewaySettings
from services.gateway.handlers import issue_code
from services.gateway.models import Account, MailMessage
from shared import due
from shared.db import Database
from shared.mail import Channel, DeliveryError


def queue(settings: GatewaySettings) -> due.Queue:
    return due.Queue(
        name="gateway_mail",
        model=MailMessage,
        waiting="pending",
        max_attempts=settings.mail_max_attempts,
        retry_seconds=settings.mail_retry_seconds,
        lease_seconds=max(60.0, settings.smtp_timeout_seconds * 3),
    )


def send_due_mail(database: Database, settings: GatewaySettings, mailer: Channel, limit: int = 20) -> dict[str, int]:
    """Send the messages that are due; each outcome is committed on its own."""
    hours = settings.activation_link_hours

    def prepare(session, message: MailMessage):
        account = session.get(Account, message.username)
        if account is None or account.status == "closed" or not account.email:
            return due.Outcome("failed", "No open account with an e-mail address.")
        code = issue_code(session, account, message.purpose, "email", dt.timedelta(hours=hours))
        link = f"{settings.public_url.rstrip('/')}/aktivasi?" + urlencode({"u": account.username, "kode": code})
        subject, text = domain.activation_mail(
            message.purpose, account.name, link, code, hours, settings.instansi.agency_short
        )
        return message.id, account.email, subject, text  # the code only in the text, never on the row or in a log

    def attempt(work) -> due.Outcome:
        message_id, to, subject, text = work
        try:
            mailer.send(to, subject, text, message_id)
        except DeliveryError as exc:
            return due.Outcome("failed" if exc.permanent else "retrying", str(exc))
        return due.Outcome("sent")

    return due.send_due(database, queue(settings), prepare, attempt, limit)
