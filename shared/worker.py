"""The worker process of a service: its outbox relay and its Kafka consumer, stopped by SIGTERM.

Consumers live in their own process, never in gunicorn workers. The relay runs in a thread beside
the consumer loop; both share one idempotent producer (thread-safe).
"""

from __future__ import annotations

import faulthandler
import logging
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from prometheus_client import REGISTRY, start_http_server

from shared.config import Settings
from shared.consumer import EventConsumer, Handler
from shared.db import Database
from shared.lag import watch_group_lag
from shared.logging import configure_logging
from shared.outbox import OutboxCollector, OutboxRelay
from shared.producer import new_producer
from shared.topics import create as create_topics

log = logging.getLogger(__name__)


def run_worker(
    settings: Settings,
    *,
    outbox_model: type[Any],
    processed_model: type[Any],
    handlers: Mapping[str, Handler],
    topics: Sequence[str],
    background: Sequence[Callable[[threading.Event, Database], None]] = (),
    collectors: Sequence[Callable[[Database], Any]] = (),
) -> None:
    """``background``: further loops of the service (each in a thread, given the stop event and the database; see
    ``shared.due.loop``); ``collectors``: further metrics of the worker's own ``/metrics``, made from the database."""
    configure_logging(settings.service, settings.log_level)
    database = Database(settings.database_url)
    producer = new_producer(
        settings.kafka_bootstrap_servers, service=settings.service, client_id=f"bangkom-{settings.service}-worker"
    )
    stop = threading.Event()

    def request_stop(signum, _frame) -> None:
        log.info("signal %s received: finishing the current record, then stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # kill -USR1: every thread's stack to stderr

    if settings.worker_metrics_port:
        REGISTRY.register(OutboxCollector(database, outbox_model, settings.service))
        for collector in collectors:
            REGISTRY.register(collector(database))
        start_http_server(settings.worker_metrics_port, addr=settings.worker_metrics_addr)

    subscribed = [settings.kafka_topic_prefix + topic for topic in topics]
    # the topics it touches, from the plan, when missing: a consumer never waits for a topic that appears only
    # with the first event (a production cluster has them from `bangkom topics create` beforehand)
    create_topics(settings, [settings.topic, settings.audit_topic, settings.dead_letter_topic, *subscribed])
    threads = _start_threads(
        settings, database, outbox_model, producer, subscribed if handlers else [], background, stop
    )
    log.info("worker started", extra={"topics": list(topics), "handles": sorted(handlers)})
    try:
        if topics and handlers:
            _consumer(settings, database, outbox_model, processed_model, handlers, subscribed, producer, stop).run()
        else:
            stop.wait()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        producer.close(timeout=10)
        database.dispose()
        log.info("worker stopped")


def _start_threads(settings, database, outbox_model, producer, subscribed, background, stop) -> list[threading.Thread]:
    """The worker's threads beside its consumer: the outbox relay, the group-lag gauge (when it consumes), and the
    service's ``background`` loops."""
    relay = OutboxRelay(database, outbox_model, producer, settings.service, settings.outbox_batch_size)
    loops: list[tuple[str, Callable[..., None], tuple]] = [
        ("outbox-relay", relay.run, (stop, settings.outbox_poll_seconds))
    ]
    if subscribed:  # the group's lag as the brokers see it, for the metrics
        lag_args = (settings.service, settings.consumer_group, subscribed, settings.kafka_bootstrap_servers, stop)
        loops.append(("group-lag", watch_group_lag, lag_args))
    loops += [(loop.__name__, loop, (stop, database)) for loop in background]
    threads = [threading.Thread(target=target, args=args, name=name, daemon=True) for name, target, args in loops]
    for thread in threads:
        thread.start()
    return threads


def _consumer(settings, database, outbox_model, processed_model, handlers, subscribed, producer, stop) -> EventConsumer:
    return EventConsumer(
        service=settings.service,
        database=database,
        outbox_model=outbox_model,
        processed_model=processed_model,
        topic_prefix=settings.kafka_topic_prefix,
        handlers=handlers,
        topics=subscribed,
        group_id=settings.consumer_group,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        producer=producer,
        dead_letter_topic=settings.dead_letter_topic,
        max_attempts=settings.consumer_max_attempts,
        backoff_seconds=settings.consumer_backoff_seconds,
        backoff_max_seconds=settings.consumer_backoff_max_seconds,
        poll_ms=settings.consumer_poll_ms,
        rejoin_after_seconds=settings.consumer_rejoin_after_seconds,
        stop=stop,
        await_partitions_seconds=30.0,  # its topics were just ensured
        consumer_options=consumer_options(settings),
    )


def consumer_options(settings: Settings) -> dict[str, object]:
    """The group membership settings of a worker's consumer (docs/operations.md, the runbook)."""
    options: dict[str, object] = {"session_timeout_ms": settings.kafka_session_timeout_ms}
    if settings.kafka_group_instance_id:
        options["group_instance_id"] = settings.kafka_group_instance_id
    return options
