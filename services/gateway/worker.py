"""The gateway worker: accounts follow the employee records (EmployeeSynced), and the mail it owes people
(activation and reset links) goes out over SMTP when SMTP_HOST is set."""

from __future__ import annotations

from services.gateway.config import GatewaySettings, load_settings
from services.gateway.handlers import TOPICS, event_handlers
from services.gateway.mail import send_due_mail
from services.gateway.models import Outbox, ProcessedEvent
from shared import due
from shared.mail import SmtpChannel
from shared.worker import run_worker


def mail_loop(settings: GatewaySettings):
    """The mail it owes people, sent as it falls due."""
    mailer = SmtpChannel(settings)
    return due.loop(
        "mail", settings.mail_poll_seconds, lambda database: any(send_due_mail(database, settings, mailer).values())
    )


def main() -> None:
    settings = load_settings()
    run_worker(
        settings,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        handlers=event_handlers(settings),
        topics=TOPICS,
        background=[mail_loop(settings)] if settings.smtp_host else [],
    )


if __name__ == "__main__":
    main()
