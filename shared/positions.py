"""What a consumer keeps in its service's database with the effects of what it handled: the ids of the events
(``processed_events``) and where it stands in each partition (``consumer_positions``).

Kafka's committed offsets say what a group acknowledged to the broker. A service database restored to an earlier
point (docs/operations.md, "Backups and restore") holds the effects of fewer events than those offsets claim: a
consumer starting from them would silently skip what the restore took away. So each consumer writes the next offset
of every partition in the very transaction of the records it handled, and on being assigned a partition it starts
from there; the broker's committed offsets are kept as a copy for monitoring (lag) and tools.

A partition the database holds no position for starts at its earliest retained record: the database may have been
restored to a point before its first position (or the service was upgraded from a version that kept none); the
processed-events table recognises what was handled already.

Every write is conditional on the position still being what this consumer last read or wrote: when it moved under
it (the database was restored while the worker ran, or another member of the group took the partition over), the
write fails, the transaction is rolled back and the consumer seeks to the database's positions again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from kafka import ConsumerRebalanceListener
from kafka.structs import TopicPartition
from sqlalchemy import BigInteger, Integer, String, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared.db import UTCDateTime, among, utcnow


class ProcessedEventMixin:
    """Columns of a service's ``processed_events`` table: the ids of the events it has handled."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    type: Mapped[str] = mapped_column(String(200))
    handled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConsumerPositionMixin:
    """Columns of a service's ``consumer_positions`` table: the next offset of each partition, per consumer group."""

    __tablename__ = "consumer_positions"

    group_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    topic: Mapped[str] = mapped_column(String(200), primary_key=True)
    partition: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    next_offset: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


def handled_before(session: Session, processed_model: type[Any], ids: Iterable[str]) -> set[str]:
    """Which of the events were handled before: their ids in ``processed_events``, a thousand per query."""
    listed, seen, column = list(ids), set[str](), processed_model.event_id
    for chunk in range(0, len(listed), 1000):
        seen.update(session.scalars(select(column).where(among(session, column, listed[chunk : chunk + 1000]))))
    return seen


class PositionsMoved(RuntimeError):
    """A partition's stored position is not what this consumer last saw: it must seek to the stored ones again."""


class Positions(ConsumerRebalanceListener):
    """The stored positions of one consumer (the rebalance listener of its ``KafkaConsumer``): partitions assigned
    are sought to their stored positions before their records count; records settled are stored with the next
    transaction the consumer commits (the one of the records themselves, or one of their own at the end of a poll).
    Without a ``consumer_positions`` table (models that declare none) it keeps nothing and seeks nowhere."""

    def __init__(self, table: Any | None, group_id: str) -> None:
        self.table = table
        self.group_id = group_id
        self.known: dict[TopicPartition, int | None] = {}  # what the database holds (None: no position for it)
        self.unwritten: dict[TopicPartition, int] = {}  # settled, not yet stored
        self.to_seek: set[TopicPartition] = set()  # assigned (or moved under us): sought before their records count

    @classmethod
    def of(cls, processed_model: type[Any], group_id: str) -> Positions:
        """The positions of a service whose models declare ``consumer_positions`` beside ``processed_events`` (every
        service's do)."""
        return cls(processed_model.metadata.tables.get("consumer_positions"), group_id)

    # -- the group's rebalances ------------------------------------------------------------

    def on_partitions_assigned(self, assigned: Any) -> None:
        if self.table is not None:
            self.to_seek.update(assigned)

    def on_partitions_revoked(self, revoked: Any) -> None:
        for tp in revoked:
            self.known.pop(tp, None)
            self.unwritten.pop(tp, None)
            self.to_seek.discard(tp)

    def moved(self, partitions: Iterable[TopicPartition]) -> None:
        """A write found a position moved: every partition held is sought again before its next record counts."""
        self.unwritten.clear()
        self.to_seek.update(partitions)

    def seek(self, session: Session, consumer: Any) -> set[TopicPartition]:
        """Seek the partitions waiting for it to their stored positions (no position: their earliest record);
        returns them: the records of the poll that fetched them came from elsewhere and do not count."""
        waiting = self.to_seek & set(consumer.assignment())
        for tp, offset in self.load(session, waiting).items():
            if offset is None:
                consumer.seek_to_beginning(tp)
            else:
                consumer.seek(tp, offset)
        sought, self.to_seek = self.to_seek, set()
        return sought

    # -- reading and writing ---------------------------------------------------------------

    def load(self, session: Session, partitions: Iterable[TopicPartition]) -> dict[TopicPartition, int | None]:
        """The stored positions of ``partitions`` (None: none stored), remembered as what the database holds."""
        partitions = list(partitions)
        if self.table is None or not partitions:
            return {}
        t = self.table
        rows = session.execute(
            select(t.c.topic, t.c.partition, t.c.next_offset).where(
                t.c.group_id == self.group_id, t.c.topic.in_({tp.topic for tp in partitions})
            )
        )
        stored = {TopicPartition(topic, partition): offset for topic, partition, offset in rows}
        found = {tp: stored.get(tp) for tp in partitions}
        self.known.update(found)
        return found

    def settled(self, record: Any) -> None:
        """``record`` needs no handling again: its partition's position goes with the next transaction."""
        tp = TopicPartition(record.topic, record.partition)
        stored = self.known.get(tp)
        if self.table is not None and (stored is None or stored < record.offset + 1):
            self.unwritten[tp] = max(self.unwritten.get(tp, -1), record.offset + 1)

    def write(self, session: Session, records: Iterable[Any] = ()) -> dict[TopicPartition, int]:
        """Store the positions after ``records`` and the unwritten ones in the session's transaction, each only if the
        stored one is still the one known; raise :class:`PositionsMoved` when one is not. Returns what was written,
        for :meth:`committed` once the transaction committed."""
        offsets = dict(self.unwritten)  # not changed before the commit: a failed transaction stored nothing
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            offsets[tp] = max(offsets.get(tp, -1), record.offset + 1)
        if self.table is None or not offsets:
            return {}
        self.load(session, [tp for tp in offsets if tp not in self.known])
        t = self.table
        for tp, offset in offsets.items():
            expected = self.known[tp]
            key = {"group_id": self.group_id, "topic": tp.topic, "partition": tp.partition}
            if expected is None:
                try:  # a failed insert spoils the transaction: the consumer rolls it back and seeks
                    session.execute(insert(t).values(**key, next_offset=offset, updated_at=utcnow()))
                except IntegrityError:
                    raise PositionsMoved(f"{tp.topic}[{tp.partition}] got a position meanwhile") from None
            elif expected != offset:
                moved: Any = session.execute(
                    update(t)
                    .where(*(t.c[name] == value for name, value in key.items()), t.c.next_offset == expected)
                    .values(next_offset=offset, updated_at=utcnow())
                )
                if moved.rowcount != 1:
                    raise PositionsMoved(f"{tp.topic}[{tp.partition}] is no longer at {expected}")
        return offsets

    def committed(self, written: Mapping[TopicPartition, int]) -> None:
        """The transaction that wrote ``written`` committed: the database holds them now."""
        self.known.update(written)
        for tp, offset in written.items():
            if self.unwritten.get(tp, -1) <= offset:
                self.unwritten.pop(tp, None)
