"""The needs worker: consumes its topics idempotently and relays its outbox to Kafka."""

from __future__ import annotations

from services.needs.config import load_settings
from services.needs.handlers import EVENT_HANDLERS, TOPICS
from services.needs.models import Outbox, ProcessedEvent
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
