"""A worker's ``KafkaConsumer``: how it is set up, committing its offsets to the broker without waiting on it, and
noticing when it has been outside its group too long.

The positions a consumer starts from are those its database keeps (``shared.positions``); the broker's committed
offsets are their copy for monitoring (the group's lag) and tools, so the consumer does not wait for the broker's
answer (a round trip saved per poll); what must not happen is an older offset overtaking a newer
one, or commits piling up on a slow coordinator. ``OffsetCommitter`` keeps that bookkeeping for one ``KafkaConsumer``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Mapping
from typing import Any

from kafka import KafkaConsumer
from kafka.structs import MemberState, OffsetAndMetadata, TopicPartition

log = logging.getLogger(__name__)


def kafka_options(bootstrap_servers: str, group_id: str) -> dict[str, Any]:
    """How a worker's ``KafkaConsumer`` is set up: offsets committed by hand, the group's timings for a fast recovery."""
    return {
        "bootstrap_servers": bootstrap_servers.split(","),
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "max_poll_records": 500,  # handled together, in transactions of at most together_seconds each
        "client_id": f"{group_id}-consumer",
        # Recovery within seconds after a fault heals: metadata (and with it fetching, after a broker
        # restart lost the fetch session) is refreshed every 3 s, a lost broker is tried again at least
        # every second (kafka-python backs off up to 30 s by default), and a dead member of the group is
        # given up after KAFKA_SESSION_TIMEOUT_MS (10 s; kafka-python's default is 45 s).
        "metadata_max_age_ms": 3000,
        "reconnect_backoff_max_ms": 1000,
        "session_timeout_ms": 10000,
        "heartbeat_interval_ms": 2000,
    }


def await_partitions(consumer: KafkaConsumer, topics: list[str], timeout: float) -> None:
    """Know every topic's partitions before joining the group (the worker, whose topics exist by then). A consumer that
    joins first may be assigned nothing for a topic its metadata does not hold yet, and kafka-python notices the
    partitions only much later (seen with freshly created topics)."""
    deadline = time.monotonic() + timeout
    missing = list(topics)
    while missing and time.monotonic() < deadline:
        missing = [topic for topic in missing if not consumer.partitions_for_topic(topic)]
        if missing:
            time.sleep(0.2)
    if missing:
        log.warning("no partitions known yet; consuming anyway", extra={"topics": missing})


class OffsetCommitter:
    """The offsets of one consumer on their way to the broker: one commit at a time, the newest per partition."""

    COMMIT_TIMEOUT_MS = 2000  # a commit that cannot reach the broker must not stall the loop (kafka-python: 30 s)
    COMMIT_STUCK_S = 10.0  # a commit unanswered this long is given up on: the next one goes

    def __init__(self, consumer: KafkaConsumer) -> None:
        self.consumer = consumer
        self._committing: dict[TopicPartition, OffsetAndMetadata] = {}
        self._unsent: dict[TopicPartition, OffsetAndMetadata] = {}  # to commit with the next poll
        self._in_flight_since: float | None = None  # when the commit on its way was sent
        self._acknowledged: dict[TopicPartition, int] = {}  # the newest offset the broker confirmed, per partition
        self._sent: dict[TopicPartition, int] = {}  # the newest offset sent to be committed, per partition

    @property
    def pending(self) -> bool:
        """Offsets wait to go with the next commit (a commit on its way, or one that failed)."""
        return bool(self._unsent)

    def flush(self) -> None:
        """Wait (briefly) for the asynchronous commits still on their way: before the consumer leaves its group."""
        if self._committing:
            with contextlib.suppress(Exception):
                self.consumer.commit(self._committing, timeout_ms=self.COMMIT_TIMEOUT_MS)

    def commit(self, offsets: dict[TopicPartition, int], wait: bool = False) -> None:
        """Commit the offsets; without ``wait`` the answer is not awaited (a lost commit only redelivers records the
        processed-events table recognises), which saves a round trip to the broker per poll. One commit at a time is
        on its way: while one is, the newer offsets wait and go with the next poll's (commits sent every poll to a slow
        or moving coordinator filled its connection, and every later one was refused). Offsets whose commit failed
        (the coordinator moved to another broker) go again the same way, records or not, for the partitions still
        held: else the last records a partition had when it happened would show as lag, and reach the next consumer
        again, until new ones came."""
        held = self.consumer.assignment()
        waiting = {tp: o for tp, o in self._unsent.items() if tp in held}
        committing = {**waiting, **{tp: OffsetAndMetadata(offset, "", -1) for tp, offset in offsets.items()}}
        if not committing:
            self._unsent = {}
            return
        on_its_way = (
            self._in_flight_since is not None and time.monotonic() - self._in_flight_since < self.COMMIT_STUCK_S
        )
        if on_its_way and not wait:
            self._unsent = committing
            return
        self._unsent = {}
        for tp, offset in committing.items():
            self._sent[tp] = offset.offset
        try:
            if wait:
                self.consumer.commit(committing, timeout_ms=self.COMMIT_TIMEOUT_MS)
                self._committing = {}
            else:
                self._committing = {**self._committing, **committing}
                self._in_flight_since = time.monotonic()
                self.consumer.commit_async(committing, callback=self._committed)
        except Exception:  # noqa: BLE001 - redelivery is harmless: handling is idempotent
            log.warning("offset commit failed; the record may be delivered again", exc_info=True)
            self._in_flight_since = None
            self._remember_failed(committing)

    def _committed(self, offsets: Mapping[TopicPartition, Any], result: Any) -> None:
        self._in_flight_since = None
        if isinstance(result, Exception):
            log.warning("offset commit failed; it goes again with the next poll: %s", result)
            self._remember_failed(offsets)
            return
        for tp, committed in offsets.items():  # acknowledged: an older offset waiting for the same partition is moot
            waiting = self._unsent.get(tp)
            if waiting is not None and waiting.offset <= committed.offset:
                del self._unsent[tp]
            self._acknowledged[tp] = max(self._acknowledged.get(tp, -1), committed.offset)

    def _remember_failed(self, offsets: Mapping[TopicPartition, Any]) -> None:
        """Only the newest offset of a partition goes again: an older one would move the group back."""
        for tp, failed in offsets.items():
            waiting = self._unsent.get(tp)
            if (
                failed.offset >= self._sent.get(tp, -1)
                and failed.offset > self._acknowledged.get(tp, -1)
                and (waiting is None or failed.offset > waiting.offset)
            ):
                self._unsent[tp] = failed


class Membership:
    """How long a consumer has been outside its group (joining, rebalancing, or not joined at all).

    A member of a stable group is inside it even with no partitions (an instance beyond the partitions' count waits
    so). Outside for longer than any rebalance takes means it is stuck: kafka-python waits for a JoinGroup answer up to
    the rebalance time-out and 5 s (305 s by default), and a member whose join the broker no longer knows stays outside
    (seen as a worker that handled nothing for minutes, then left with ``UnknownMemberIdError``). The consumer then
    joins again as a new member (``shared.consumer``)."""

    def __init__(self, limit_seconds: float) -> None:
        self.limit_seconds = limit_seconds
        self._outside_since: float | None = None

    def stuck(self, consumer: KafkaConsumer) -> float | None:
        """Seconds this consumer has been outside its group when that is longer than the limit, else None."""
        now = time.monotonic()
        if consumer.group_metadata().state is MemberState.STABLE:
            self._outside_since = None
            return None
        if self._outside_since is None:
            self._outside_since = now
        outside = now - self._outside_since
        return outside if self.limit_seconds and outside > self.limit_seconds else None

    def rejoined(self) -> None:
        self._outside_since = None
