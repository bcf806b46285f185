"""``bangkom notifications …``: the notifications service's commands for operators."""

from __future__ import annotations

import click

from services.notifications.config import load_settings
from services.notifications.delivery import send_due
from services.notifications.models import Outbox
from shared.mail import SmtpChannel
from shared.service import ServiceContext


@click.group(help="Messages to people: e-mail from events.")
def notifications() -> None:
    pass


@notifications.command("send-due", help="Send the messages that are due now, once (the worker does this all along).")
def send_due_now() -> None:
    service = ServiceContext.create(load_settings(), Outbox)
    counts = send_due(service.database, service.settings, {"email": SmtpChannel(service.settings)})
    click.echo(", ".join(f"{outcome} {count}" for outcome, count in counts.items()))
