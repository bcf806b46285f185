"""The training worker: consumes its topics idempotently and relays its outbox to Kafka."""

from __future__ import annotations

from services.training.config import load_settings
from services.training.handlers import TOPICS, event_handlers
from services.training.models import Outbox, ProcessedEvent
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
