"""The audit worker: consumes every topic that carries events (each service's own and its audit topic) and keeps
each event as an entry, once (docs/audit.md)."""

from __future__ import annotations

from services.audit.config import load_settings
from services.audit.handlers import TOPICS, event_handlers
from services.audit.models import Outbox, ProcessedEvent
from shared.worker import run_worker


def main() -> None:
    settings = load_settings()
    run_worker(
        settings,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        handlers=event_handlers(settings),
        topics=TOPICS,
    )


if __name__ == "__main__":
    main()
