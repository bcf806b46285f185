"""The evaluation worker: consumes its topics idempotently and relays its outbox to Kafka."""

from __future__ import annotations

from services.evaluation.config import load_settings
from services.evaluation.handlers import EVENT_HANDLERS, TOPICS
from services.evaluation.models import Outbox, ProcessedEvent
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
