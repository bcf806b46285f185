"""The needs worker: consumes its topics idempotently, relays its outbox to Kafka and, when SIMPEG is
configured, sends training history to SIMPEG and runs the employee syncs queued through the API; file imports queued
through the API run with or without SIMPEG; and it runs the recomputes of gaps and needs that changes to the dictionary,
a standard or the priorities queued (too large for their request), and everyone's once a night (``shared.schedule``)."""

from __future__ import annotations

from services.needs import handlers
from services.needs.config import NeedsSettings, load_settings
from services.needs.handlers import TOPICS, event_handlers
from services.needs.models import Outbox, ProcessedEvent, ScheduledJob
from services.needs.simpeg import history, runs
from services.needs.simpeg.client import SimpegClient
from shared import due, schedule
from shared.db import Database
from shared.service import ServiceContext
from shared.worker import run_worker


def simpeg_loop(settings: NeedsSettings, client: SimpegClient | None):
    """The employee syncs and file imports queued through the API (file imports need no SIMPEG), then the training
    history due for SIMPEG, when it is configured."""

    def simpeg(database: Database) -> bool:
        runs.run_queued(database, settings, client)
        return client is not None and any(history.send_due_history(database, settings, client).values())

    return due.loop("simpeg", settings.simpeg_poll_seconds, simpeg)


def recompute_loop(settings: NeedsSettings):
    """Recomputes queued by changes too large for their request (``handlers.recompute_or_queue``)."""
    return due.loop(
        "recompute", settings.recompute_poll_seconds, lambda database: handlers.run_queued_recompute(database, settings)
    )


def scheduled_jobs(settings: NeedsSettings) -> list[schedule.Job]:
    """Everyone recomputed once a period, so that the gaps follow time itself: an assessment older than
    ASSESSMENT_VALID_YEARS gives way, a new plan year begins."""

    def recompute_everyone(database: Database) -> None:
        with ServiceContext(settings, database, Outbox).uow() as uow:
            handlers.request_recompute(uow, settings, None, cause="the nightly recompute (time passes)")

    return [schedule.Job("recompute", settings.recompute_every_seconds, recompute_everyone)]


def main() -> None:
    settings = load_settings()
    client = SimpegClient.from_settings(settings) if settings.simpeg_base_url else None
    try:
        run_worker(
            settings,
            outbox_model=Outbox,
            processed_model=ProcessedEvent,
            handlers=event_handlers(settings),
            topics=TOPICS,
            background=[
                simpeg_loop(settings, client),
                recompute_loop(settings),
                schedule.loop(settings, ScheduledJob, scheduled_jobs(settings)),
            ],
            collectors=[lambda database: schedule.ScheduledJobCollector(database, ScheduledJob, "needs")],
        )
    finally:
        if client:
            client.close()


if __name__ == "__main__":
    main()
