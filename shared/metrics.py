"""Prometheus metrics shared by every service, correct under gunicorn with several workers.

With ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn, see ``shared/gunicorn_conf.py``) every process
writes its samples to files in that folder and :func:`render` aggregates them per scrape; without
it (a worker process, a test) the default registry is used. Collectors that ask the database at
scrape time (the outbox backlog) are passed to :func:`render`, so their figures are always current.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

HTTP_REQUESTS = Counter("bangkom_http_requests_total", "HTTP requests served", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram(
    "bangkom_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENTS_PRODUCED = Counter(
    "bangkom_events_produced_total",
    "Events published from the outbox to Kafka",
    ["service", "type", "outcome"],
)
EVENTS_CONSUMED = Counter(
    "bangkom_events_consumed_total",
    "Events consumed, by outcome (handled, duplicate, ignored, dead_lettered, retried)",
    ["service", "type", "outcome"],
)
UPSTREAM_ERRORS = Counter(
    "bangkom_gateway_upstream_errors_total", "Requests the gateway could not pass to a service", ["service", "reason"]
)
UPSTREAM_RETRIES = Counter(
    "bangkom_gateway_upstream_retries_total",
    "Upstream calls sent again after a broken connection (a keep-alive connection closed, or none opened)",
    ["service"],
)
UPSTREAM_LATENCY = Histogram(
    "bangkom_gateway_upstream_duration_seconds",
    "Time a service took to answer a request the gateway passed on",
    ["service", "route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
CONSUMER_LAG = Gauge(
    "bangkom_consumer_lag",
    "Records on a partition not yet consumed by the service's group (last known high-water mark minus position)",
    ["service", "topic", "partition"],
)
GROUP_LAG = Gauge(
    "bangkom_consumer_group_lag",
    "Records of a topic the service's consumer group has yet to consume as the brokers see it (end offsets minus the "
    "group's committed offsets): counts the partitions of a member that died too, which no live worker measures",
    ["service", "topic"],
)
PRODUCERS_RENEWED = Counter(
    "bangkom_kafka_producer_renewals_total",
    "Kafka producers replaced because they let a send expire or had not settled their sends in time (stuck)",
    ["service"],
)
CONSUMERS_RENEWED = Counter(
    "bangkom_kafka_consumer_renewals_total",
    "Kafka consumers that joined their group again as a new member after being outside it longer than any rebalance "
    "takes (stuck joining)",
    ["service"],
)
DEAD_LETTERS = Counter(
    "bangkom_dead_letters_total", "Records sent to the dead-letter topic", ["service", "topic", "reason"]
)

BACKGROUND_ATTEMPTS = Counter(
    "bangkom_background_attempts_total",
    "Attempts of due background work (mail, messages, SIMPEG history) by queue and outcome: sent, retrying, failed",
    ["queue", "outcome"],
)
CONTENT_TYPE = CONTENT_TYPE_LATEST


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def render(extra_collectors: Iterable[Collector] = ()) -> bytes:
    """The exposition text of this process (or of all gunicorn workers), plus extra collectors."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    extra = CollectorRegistry()
    for collector in extra_collectors:
        extra.register(collector)
    return body + generate_latest(extra)
