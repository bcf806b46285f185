"""The Kafka producer of a process: idempotent, ``acks=all``, and made anew when it stops settling its sends.

kafka-python 3.0 can leave an idempotent producer without a producer id for good: when a batch it had already sent
expires (the delivery time-out, during a broker failure) it drops its producer id but never asks for a new one, and
from then on it sends nothing and lets nothing expire; ``close`` cannot stop it either, since it flushes first and
gives up before it force-closes. (Seen in the cluster test after a partition leader was killed: the outbox stayed
pending for minutes; reproduced in tests/faults/test_producer.py.) :class:`Producer` replaces a producer that let a
send expire, and one that has not settled its sends (delivered or failed) within ``DELIVERY_TIMEOUT_MS`` and a margin,
which by contract can only be stuck. Its unsettled sends fail; the outbox rows behind them stay pending and go with the
next round (at least once, as always: consumers recognise the event id).
"""

from __future__ import annotations

import logging
import threading
from contextlib import suppress
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaTimeoutError
from kafka.producer.future import FutureRecordMetadata

from shared.metrics import PRODUCERS_RENEWED

log = logging.getLogger(__name__)

DELIVERY_TIMEOUT_MS = 30_000


class Producer:
    """One idempotent producer shared by a process's threads (the outbox relay, the dead-letter writer).

    A producer that let a send expire (the broker did not answer within the delivery time-out: kafka-python may have
    dropped its producer id) is replaced once the wait for it ends; so is one that has not settled its sends within
    ``settle_seconds`` (the delivery time-out and a margin), and that wait fails with ``KafkaTimeoutError``, so the
    caller tries again with the new one. Each replacement counts in ``bangkom_kafka_producer_renewals_total``.
    """

    def __init__(self, service: str = "", **settings: Any) -> None:
        self.service = service
        self.settings = settings
        # every send is delivered or failed within the delivery time-out: the margin covers the producer's own pace
        self.settle_seconds = settings.get("delivery_timeout_ms", DELIVERY_TIMEOUT_MS) / 1000 + 5
        self._lock = threading.Lock()
        self._current = KafkaProducer(**settings)
        self._expired: KafkaProducer | None = None  # the producer that let a send expire

    def send(
        self, topic: str, *, key: bytes | None = None, value: bytes, headers: list[tuple[str, bytes]] | None = None
    ) -> FutureRecordMetadata:
        current = self._current
        future = current.send(topic, key=key, value=value, headers=headers)
        future.add_errback(self._failed, current)
        return future

    def flush(self) -> None:
        """Wait until every send so far is settled (delivered or failed)."""
        current = self._current
        try:
            current.flush(timeout=self.settle_seconds)
        except KafkaTimeoutError:
            self._renew(current, "did not settle its sends within the delivery time-out")
            raise
        if self._expired is current:
            self._renew(current, "let a send expire")

    def deliver(
        self, topic: str, *, key: bytes | None = None, value: bytes, headers: list[tuple[str, bytes]] | None = None
    ) -> Any:
        """Send one record and wait for the broker's acknowledgement (its metadata)."""
        current = self._current
        future = self.send(topic, key=key, value=value, headers=headers)
        try:
            return future.get(timeout=self.settle_seconds)
        except KafkaTimeoutError:
            self._renew(current, "let a send expire" if future.is_done else "did not settle a send in time")
            raise

    def close(self, timeout: float | None = None) -> None:
        with self._lock:
            _discard(self._current, timeout)

    def _failed(self, producer: KafkaProducer, error: Exception) -> None:
        """(In the producer's I/O thread: it only takes note.)"""
        if isinstance(error, KafkaTimeoutError):
            self._expired = producer

    def _renew(self, stale: KafkaProducer, reason: str) -> None:
        with self._lock:
            if self._current is not stale:  # another thread has replaced it already
                return
            log.error("Kafka producer %s: replacing it", reason, extra={"settle_seconds": self.settle_seconds})
            self._current = KafkaProducer(**self.settings)
            self._expired = None
        PRODUCERS_RENEWED.labels(self.service).inc()
        _discard(stale, 0)


def _discard(producer: KafkaProducer, timeout: float | None) -> None:
    """Close ``producer``, waiting at most ``timeout`` for its sends; then force it closed if ``close`` could not."""
    try:
        producer.close(timeout=timeout)
    except KafkaTimeoutError:
        # kafka-python 3.0: close() flushes first and raises before it force-closes a producer that cannot flush
        sender = getattr(producer, "_sender", None)
        if sender is not None:
            sender.force_close()  # fails every unsettled send and closes the connections
            sender.join(5)
        with suppress(KafkaTimeoutError):
            producer.close(timeout=0)


def new_producer(bootstrap_servers: str, *, service: str = "", **options: Any) -> Producer:
    """An idempotent producer that waits for all in-sync replicas (acks=all); ``options`` override the defaults."""
    settings: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers.split(","),
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 5,
        "max_in_flight_requests_per_connection": 5,
        "request_timeout_ms": 15000,
        # A send is settled (delivered or failed) within DELIVERY_TIMEOUT_MS, so the relay never sends a row
        # again while its first send is still being retried inside the producer (duplicates on the wire).
        "delivery_timeout_ms": DELIVERY_TIMEOUT_MS,
        "reconnect_backoff_max_ms": 1000,  # after a broker outage, reconnect within a second
    }
    return Producer(service, **(settings | options))
