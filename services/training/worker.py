"""The training worker: consumes its topics idempotently and relays its outbox to Kafka."""

from __future__ import annotations

from services.training.config import load_settings
from services.training.handlers import EVENT_HANDLERS, TOPICS
from services.training.models import Outbox, ProcessedEvent
from shared.worker import run_worker


def main() -> None:
    run_worker(
        load_settings(),
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        handlers=EVENT_HANDLERS,
        topics=TOPICS,
    )


if __name__ == "__main__":
    main()
