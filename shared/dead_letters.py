"""A service's dead-letter topic: writing a record there (the consumer, ``dead_letter``), listing and replaying it
(``bangkom dead-letters list|replay SERVICE``).

A dead-lettered record is the original record, unchanged, with ``dlq.*`` headers (why, and where it came from).
Replaying produces it again, with its key and its own headers, to the topic it came from, after the
cause was fixed. Every consumer group of that topic sees it again; handling is idempotent, so a group
that had handled the event skips it. The replay remembers where it stopped for each reason in a consumer
group of its own (``<prefix>bangkom-<service>-dlq-replay-<reason>``): running it twice replays nothing
twice, and replaying one reason never moves past the letters of another (a later ``--reason`` finds them).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from shared.config import Settings

log = logging.getLogger(__name__)


def dead_letter(
    producer: Any, topic: str, group_id: str, record: Any, exc: BaseException, reason: str, attempts: int
) -> None:
    """Write ``record`` (a consumer's, unchanged) to the dead-letter ``topic`` with the ``dlq.*`` headers that say why
    (``reason``, the error, the attempts) and where it came from; raises when it cannot be written."""
    headers = list(record.headers or []) + [
        ("dlq.original.topic", record.topic.encode()),
        ("dlq.original.partition", str(record.partition).encode()),
        ("dlq.original.offset", str(record.offset).encode()),
        ("dlq.consumer.group", group_id.encode()),
        ("dlq.reason", reason.encode()),
        ("dlq.error.type", type(exc).__name__.encode()),
        ("dlq.error.message", str(exc)[:4000].encode()),
        ("dlq.attempts", str(attempts).encode()),
    ]
    producer.deliver(topic, key=record.key, value=record.value, headers=headers)
    log.error(
        "record dead-lettered",
        extra={
            "reason": reason,
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "error": str(exc)[:500],
        },
    )


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
    def event_type(self) -> str:
        """The CloudEvents ``type`` in the record (structured mode: the value is the event), when it is readable."""
        try:
            found = json.loads(self.value)
        except ValueError:
            return ""
        return str(found.get("type") or "") if isinstance(found, dict) else ""

    @property
    def original_topic(self) -> str:
        return self.header("dlq.original.topic")

    @property
    def reason(self) -> str:
        return self.header("dlq.reason")

    def original_headers(self) -> list[tuple[str, bytes]]:
        return [(k, v) for k, v in self.headers if not k.startswith("dlq.")]


REASONS = ("handler_failed", "invalid", "unknown_type")  # the consumer's dlq.reason values


def replay_group(settings: Settings, reason: str) -> str:
    return f"{settings.consumer_group}-dlq-replay-{reason}"


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
                yield DeadLetter(
                    tp.partition, record.offset, record.key, record.value, list(record.headers or []), record.timestamp
                )
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
    """Produce the dead letters not replayed before (of the given reasons, default all) to their original topics.

    Returns counts per outcome: ``replayed`` (with ``dry_run``: would be), ``skipped`` (another reason than
    asked for), ``unknown_topic`` (no header). With ``dry_run`` nothing is produced and no position moves;
    ``progress`` is told ``would_replay`` instead of ``replayed``.
    """
    counts = {"replayed": 0, "skipped": 0, "unknown_topic": 0}
    asked = set(reasons or REASONS)
    producer = (
        None
        if dry_run
        else KafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap_servers.split(","), acks="all", enable_idempotence=True
        )
    )
    try:
        if reasons:  # the letters of other reasons, counted once (their own positions do not move)
            for letter in _unreplayed(settings, REASONS, exclude=asked):
                counts["skipped"] += 1
                if progress:
                    progress(letter, "skipped")
        for reason in sorted(asked):
            consumer = _consumer(settings, replay_group(settings, reason))
            try:
                for letter in read(settings, consumer):
                    if letter.reason == reason:
                        outcome = _replay_one(letter, producer)
                        counts[outcome] += 1
                        if progress:
                            progress(letter, "would_replay" if dry_run and outcome == "replayed" else outcome)
                    if not dry_run:  # after the send: a crash in between replays this letter again (harmless)
                        tp = TopicPartition(settings.dead_letter_topic, letter.partition)
                        consumer.commit({tp: OffsetAndMetadata(letter.offset + 1, "", -1)})
            finally:
                consumer.close(autocommit=False)
    finally:
        if producer is not None:
            producer.close(timeout=10)
    return counts


def _replay_one(letter: DeadLetter, producer: KafkaProducer | None) -> str:
    if not letter.original_topic:
        return "unknown_topic"
    if producer is not None:
        producer.send(letter.original_topic, key=letter.key, value=letter.value, headers=letter.original_headers()).get(
            timeout=30
        )
    return "replayed"


def _unreplayed(settings: Settings, reasons: Iterable[str], exclude: set[str]) -> Iterator[DeadLetter]:
    """The letters of the reasons not asked for that their own replay has not passed yet."""
    for reason in sorted(set(reasons) - exclude):
        consumer = _consumer(settings, replay_group(settings, reason))
        try:
            yield from (letter for letter in read(settings, consumer) if letter.reason == reason)
        finally:
            consumer.close(autocommit=False)
