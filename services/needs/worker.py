"""The needs worker: consumes its topics idempotently, relays its outbox to Kafka and, when SIMPEG is
configured, sends training history to SIMPEG and runs the employee syncs queued through the API; file imports queued
through the API run with or without SIMPEG; and it runs the recomputes of gaps and needs that changes to the dictionary,
a standard or the priorities queued (too large for their request)."""

from __future__ import annotations

from services.needs import handlers
from services.needs.config import NeedsSettings, load_settings
from services.needs.handlers import TOPICS, event_handlers
from services.needs.models import Outbox, ProcessedEvent
from services.needs.simpeg import history, runs
from services.needs.simpeg.client import SimpegClient
from shared import due
from shared.db import Database
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
            background=[simpeg_loop(settings, client), recompute_loop(settings)],
        )
    finally:
        if client:
            client.close()


if __name__ == "__main__":
    main()
