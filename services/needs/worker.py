"""The needs worker: consumes its topics idempotently, relays its outbox to Kafka and, when SIMPEG is
configured, sends training history to SIMPEG and runs the employee syncs queued through the API; file imports queued
through the API run with or without SIMPEG; and it runs the recomputes of gaps and needs that changes to the dictionary,
a standard or the priorities queued (too large for their request)."""

from __future__ import annotations

import logging
import threading

from services.needs import handlers
from services.needs.config import NeedsSettings, load_settings
from services.needs.handlers import TOPICS, event_handlers
from services.needs.models import Outbox, ProcessedEvent
from services.needs.simpeg import history, runs
from services.needs.simpeg.client import SimpegClient
from shared.db import Database
from shared.worker import run_worker

log = logging.getLogger(__name__)


def simpeg_loop(settings: NeedsSettings):
    def simpeg(stop: threading.Event, database: Database) -> None:
        client = SimpegClient.from_settings(settings) if settings.simpeg_base_url else None
        log.info("SIMPEG loop started", extra={"simpeg": settings.simpeg_base_url})
        while not stop.is_set():
            try:
                runs.run_queued(database, settings, client)  # file imports queued by the web UI need no SIMPEG
                while (
                    client and not stop.is_set() and any(history.send_due_history(database, settings, client).values())
                ):
                    pass  # a full batch may be followed by more that are due
            except Exception:  # noqa: BLE001 - logged; the next round tries again
                log.exception("SIMPEG round failed")
            stop.wait(settings.simpeg_poll_seconds)
        if client:
            client.close()

    return simpeg


def recompute_loop(settings: NeedsSettings):
    """Recomputes queued by changes too large for their request (``handlers.recompute_or_queue``)."""

    def recompute(stop: threading.Event, database: Database) -> None:
        while not stop.is_set():
            try:
                while not stop.is_set() and handlers.run_queued_recompute(database, settings):
                    pass
            except Exception:  # noqa: BLE001 - logged; the next round tries again
                log.exception("recompute round failed")
            stop.wait(settings.recompute_poll_seconds)

    return recompute


def main() -> None:
    settings = load_settings()
    run_worker(
        settings,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        handlers=event_handlers(settings),
        topics=TOPICS,
        background=[simpeg_loop(settings), recompute_loop(settings)],
    )


if __name__ == "__main__":
    main()
