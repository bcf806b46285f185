"""``bangkom evaluation …``: the evaluation service's commands for operators and cron."""

from __future__ import annotations

import click

from services.evaluation import handlers
from services.evaluation.config import load_settings
from services.evaluation.models import Outbox
from shared.service import ServiceContext


@click.group(help="Post-training evaluation: tasks and program effectiveness.")
def evaluation() -> None:
    pass


@evaluation.command(
    help="Expire tasks past their due date and evaluate the batches that are then complete (daily cron)."
)
def expire() -> None:
    service = ServiceContext.create(load_settings(), Outbox)
    settings = service.settings
    with service.uow() as uow:
        expired = handlers.expire_overdue(uow, settings)
    click.echo(f"expired {expired} task(s)")
