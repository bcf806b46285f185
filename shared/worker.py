"""The worker process of a service: its outbox relay and its Kafka consumer, stopped by SIGTERM.

Consumers live in their own process, never in gunicorn workers. The relay runs in a thread beside
the consumer loop; both share one idempotent producer (thread-safe).
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError
from prometheus_client import REGISTRY, start_http_server

from shared.config import Settings
from shared.consumer import EventConsumer, Handler
from shared.db import Database
from shared.logging import configure_logging
from shared.outbox import OutboxCollector, OutboxRelay, new_producer
from shared.service import ServiceContext

log = logging.getLogger(__name__)


def run_worker(
    settings: Settings,
    *,
    outbox_model: type,
    processed_model: type,
    handlers: Mapping[str, Handler],
    topics: Sequence[str],
    background: Sequence[Callable[[threading.Event, Database], None]] = (),
) -> None:
    """``background``: further loops of the service (each in a thread, given the stop event and the database)."""
    configure_logging(settings.service, settings.log_level)
    database = ServiceContext.create(settings, outbox_model).database
    producer = new_producer(settings.kafka_bootstrap_servers, client_id=f"bangkom-{settings.service}-worker")
    stop = threading.Event()

    def request_stop(signum, _frame) -> None:
        log.info("signal %s received: finishing the current record, then stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # kill -USR1: every thread's stack to stderr

    if settings.worker_metrics_port:
        REGISTRY.register(OutboxCollector(database, outbox_model, settings.service))
        start_http_server(settings.worker_metrics_port, addr=settings.worker_metrics_addr)

    subscribed = [settings.kafka_topic_prefix + topic for topic in topics]
    ensure_topics(
        settings.kafka_bootstrap_servers,
        [settings.topic, settings.dead_letter_topic, *subscribed],
        settings.kafka_topic_partitions,
        settings.kafka_replication_factor,
    )
    relay = OutboxRelay(database, outbox_model, producer, settings.service, settings.outbox_batch_size)
    relay_thread = threading.Thread(
        target=relay.run, args=(stop, settings.outbox_poll_seconds), name="outbox-relay", daemon=True
    )
    relay_thread.start()
    threads = [relay_thread]
    for loop in background:
        thread = threading.Thread(target=loop, args=(stop, database), name=loop.__name__, daemon=True)
        thread.start()
        threads.append(thread)
    log.info("worker started", extra={"topics": list(topics), "handles": sorted(handlers)})
    try:
        if topics and handlers:
            EventConsumer(
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
                stop=stop,
                await_partitions_seconds=30.0,  # its topics were just ensured
                consumer_options=consumer_options(settings),
            ).run()
        else:
            stop.wait()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        producer.close(timeout=10)
        database.dispose()
        log.info("worker stopped")


def consumer_options(settings: Settings) -> dict[str, object]:
    """The group membership settings of a worker's consumer (docs/operations.md, the runbook)."""
    options: dict[str, object] = {"session_timeout_ms": settings.kafka_session_timeout_ms}
    if settings.kafka_group_instance_id:
        options["group_instance_id"] = settings.kafka_group_instance_id
    return options


def ensure_topics(bootstrap_servers: str, topics: list[str], partitions: int, replication: int) -> None:
    """Create the topics a worker produces to and consumes from when they do not exist yet, so that a
    consumer never waits for a topic that appears only with the first event."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers.split(","), client_id="bangkom-topic-setup")
    try:
        missing = sorted(set(topics) - set(admin.list_topics()))
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another worker created it meanwhile
                admin.create_topics([NewTopic(topic, partitions, replication) for topic in missing])
            log.info("created topics", extra={"topics": missing})
        # wait until every partition has a leader: a consumer that joins its group before that is
        # assigned nothing for the topic and may not notice it for a long time
        deadline = time.monotonic() + 60
        while True:
            described = admin.describe_topics(list(topics))
            ready = all(
                t["error_code"] == 0 and t["partitions"] and all(p["leader_id"] >= 0 for p in t["partitions"])
                for t in described
            )
            if ready or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        admin.close()
