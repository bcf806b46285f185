"""How far behind the consumers are: what each consumer knows of its own partitions (``bangkom_consumer_lag``), and
what the brokers know of the whole group (``bangkom_consumer_group_lag``), so that a dead worker's partitions show."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Sequence

from kafka import KafkaAdminClient, KafkaConsumer

from shared.metrics import CONSUMER_LAG, GROUP_LAG

log = logging.getLogger(__name__)


def measure_lag(
    service: str, consumer: KafkaConsumer, labelled: set[tuple[str, str, str]]
) -> set[tuple[str, str, str]]:
    """Set ``bangkom_consumer_lag`` for the partitions ``consumer`` holds (from what it knows locally: the high-water
    mark of its last fetch and its position; no request to the broker), drop the ``labelled`` ones it no longer holds,
    and return the labels it set."""
    held = set()
    for partition in consumer.assignment():
        try:
            highwater = consumer.highwater(partition)
            position = consumer.position(partition, timeout_ms=0)
        except Exception:  # noqa: BLE001 - not fetched yet, or revoked meanwhile: measured next poll
            highwater = position = None
        if highwater is None or position is None:
            continue
        labels = (service, partition.topic, str(partition.partition))
        CONSUMER_LAG.labels(*labels).set(max(highwater - position, 0))
        held.add(labels)
    for labels in labelled - held:  # partitions given to another consumer of the group
        with contextlib.suppress(KeyError):
            CONSUMER_LAG.remove(*labels)
    return held


GROUP_LAG_SECONDS = 10.0  # how often a worker asks the brokers for its group's lag


def watch_group_lag(
    service: str, group_id: str, topics: Sequence[str], bootstrap_servers: str, stop: threading.Event
) -> None:
    """``bangkom_consumer_group_lag``: the group's lag per topic as the brokers see it, every ``GROUP_LAG_SECONDS``.
    ``bangkom_consumer_lag`` is what each live consumer knows of its own partitions; when a worker dies, its
    partitions wait for the session time-out with no one measuring them: this gauge shows them (every instance of the
    service reports the same figure; take the max)."""
    servers = bootstrap_servers.split(",")
    admin = offsets = None
    while not stop.wait(GROUP_LAG_SECONDS):
        try:
            if admin is None or offsets is None:
                admin = KafkaAdminClient(bootstrap_servers=servers, client_id=f"bangkom-{service}-lag")
                offsets = KafkaConsumer(bootstrap_servers=servers, client_id=f"bangkom-{service}-lag")
            committed = admin.list_group_offsets(group_id).get(group_id, {})
            ends = offsets.end_offsets(list(committed))
            lag = dict.fromkeys(topics, 0)
            for partition, position in committed.items():
                if partition.topic in lag:
                    lag[partition.topic] += max(0, ends[partition] - position.offset)
            for topic, records in lag.items():
                GROUP_LAG.labels(service, topic).set(records)
        except Exception:  # noqa: BLE001 - a broker down: asked again next time, with new clients
            log.debug("group lag unavailable", exc_info=True)
            for client in (admin, offsets):
                if client is not None:
                    with contextlib.suppress(Exception):
                        client.close()
            admin = offsets = None
    for client in (admin, offsets):
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
