"""Listing and replaying a service's dead-letter topic (``bangkom dead-letters list|replay SERVICE``).

A dead-lettered record is the original record, unchanged, with ``dlq.*`` headers (shared/consumer.py).
Replaying produces it again, with its key and its own headers, to the topic it came from, after the
cause was fixed. Every consumer group of that topic sees it again; handling is idempotent, so a group
that had handled the event skips it. The replay remembers where it stopped in its own consumer group
(``<prefix>bangkom-<service>-dlq-replay``), so running it twice replays nothing twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from shared.config import Settings


@dataclasses.dataclass
class DeadLetter:
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]
    timestamp_ms: int

    def header(self, name: str) -> str:
        return next((v.decode(errors="replace") for k, v in self.headers if k == name), "")

    @property
    def original_topic(self) -> str:
        return self.header("dlq.original.topic")

    @property
    def reason(self) -> str:
        return self.header("dlq.reason")

    def original_headers(self) -> list[tuple[str, bytes]]:
        return [(k, v) for k, v in self.headers if not k.startswith("dlq.")]


def replay_group(settings: Settings) -> str:
    return f"{settings.consumer_group}-dlq-replay"


def _consumer(settings: Settings, group: str | None) -> KafkaConsumer:
    return KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers.split(","),
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        client_id=f"bangkom-{settings.service}-dlq",
    )


def read(settings: Settings, consumer: KafkaConsumer) -> Iterator[DeadLetter]:
    """Every dead letter from the consumer's position up to the end of the topic as it is now."""
    topic = settings.dead_letter_topic
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
    if not partitions:
        return
    consumer.assign(partitions)
    end = consumer.end_offsets(partitions)
    left = {tp for tp in partitions if consumer.position(tp) < end[tp]}
    while left:
        for tp, records in consumer.poll(timeout_ms=1000).items():
            for record in records:
                if record.offset >= end[tp]:
                    left.discard(tp)
                    break
                yield DeadLetter(tp.partition, record.offset, record.key, record.value, list(record.headers or []),
                                 record.timestamp)  # fmt: skip
            if consumer.position(tp) >= end[tp]:
                left.discard(tp)


def list_dead_letters(settings: Settings) -> list[DeadLetter]:
    """All dead letters of the service, from the beginning (nothing is committed)."""
    consumer = _consumer(settings, None)
    try:
        return list(read(settings, consumer))
    finally:
        consumer.close()


def replay(
    settings: Settings,
    *,
    reasons: set[str] | None = None,
    dry_run: bool = False,
    progress: Callable[[DeadLetter, str], None] | None = None,
) -> dict[str, int]:
    """Produce the dead letters not replayed before (of the given reasons) to their original topics.

    Returns counts per outcome: ``replayed``, ``skipped`` (another reason), ``unknown_topic`` (no header).
    With ``dry_run`` nothing is produced and the replay position does not move.
    """
    counts = {"replayed": 0, "skipped": 0, "unknown_topic": 0}
    consumer = _consumer(settings, replay_group(settings))
    producer = None if dry_run else KafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers.split(","), acks="all", enable_idempotence=True
    )  # fmt: skip
    try:
        for letter in read(settings, consumer):
            if not letter.original_topic:
                outcome = "unknown_topic"
            elif reasons and letter.reason not in reasons:
                outcome = "skipped"
            else:
                outcome = "replayed"
                if producer is not None:
                    producer.send(letter.original_topic, key=letter.key, value=letter.value,
                                  headers=letter.original_headers()).get(timeout=30)  # fmt: skip
            counts[outcome] += 1
            if progress:
                progress(letter, outcome)
            if not dry_run:  # after the send: a crash in between replays this letter again (harmless)
                tp = TopicPartition(settings.dead_letter_topic, letter.partition)
                consumer.commit({tp: OffsetAndMetadata(letter.offset + 1, "", -1)})
    finally:
        if producer is not None:
            producer.close(timeout=10)
        consumer.close(autocommit=False)
    return counts
