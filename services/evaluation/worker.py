"""The evaluation worker: consumes its topics idempotently, relays its outbox to Kafka, and runs its periodic job
itself (``shared.schedule``): tasks past their due date expire and the batches then complete are evaluated."""

from __future__ import annotations

from services.evaluation import handlers
from services.evaluation.config import EvaluationSettings, load_settings
from services.evaluation.handlers import TOPICS, event_handlers
from services.evaluation.models import Outbox, ProcessedEvent, ScheduledJob
from shared import schedule
from shared.db import Database
from shared.service import ServiceContext
from shared.worker import run_worker


def scheduled_jobs(settings: EvaluationSettings) -> list[schedule.Job]:
    def expire_overdue(database: Database) -> None:
        with ServiceContext(settings, database, Outbox).uow() as uow:
            handlers.expire_overdue(uow, settings)

    return [schedule.Job("expire_overdue", settings.expire_every_seconds, expire_overdue)]


def main() -> None:
    settings = load_settings()
    run_worker(
        settings,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        handlers=event_handlers(settings),
        topics=TOPICS,
        background=[schedule.loop(settings, ScheduledJob, scheduled_jobs(settings))],
        collectors=[lambda database: schedule.ScheduledJobCollector(database, ScheduledJob, "evaluation")],
    )


if __name__ == "__main__":
    main()
