"""Idempotent Kafka consumer: de-duplicate, handle, commit, retry, dead-letter.

For each record, in partition order:

1. parse and validate the CloudEvent; a record that is not one goes to the dead-letter topic;
2. skip event types this service does not handle (they share the producer's topic);
3. in one transaction, insert the event id into ``processed_events`` and run the handler; an id
   that is already there means the event was handled before, so nothing happens;
4. store each partition's next offset in that same transaction (``shared.positions``: a restored database re-reads
   what it no longer holds) and, once per poll, commit them to the broker too (a copy for monitoring).

**A poll at once.** The records of one poll are first handled together, in one transaction: their ids looked up in
``processed_events`` in one query (and the same id twice in the poll counted once), the new ones inserted and handled
in partition order, one commit. Should any handler fail (or the commit), that transaction is rolled back whole and
every record of the poll goes the way of one record at a time above, with its own transaction, retries and dead
letter: the guarantees are those of a single record, the cost of a poll is a handful of round trips.

A handler that raises is retried with exponential backoff; after ``max_attempts`` the record goes
to ``bangkom.dlq.<service>`` with the error, the source topic, partition and offset as headers and
the partition moves on. ``stop`` (set on SIGTERM) is honoured between records.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kafka import KafkaConsumer
from kafka.errors import KafkaError
from kafka.structs import TopicPartition
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from shared.backoff import retry_delay
from shared.db import Database, UnitOfWork, utcnow
from shared.dead_letters import dead_letter
from shared.events import Event, InvalidEvent, UnknownEventType, caused_by, parse_event
from shared.lag import measure_lag
from shared.logging import log_context
from shared.metrics import CONSUMERS_RENEWED, DEAD_LETTERS, EVENTS_CONSUMED
from shared.offsets import Membership, OffsetCommitter, await_partitions, kafka_options
from shared.positions import Positions, PositionsMoved, handled_before
from shared.producer import Producer

log = logging.getLogger(__name__)

Handler = Callable[[Event, UnitOfWork], None]
EventHandler = Callable[[Event, UnitOfWork, Any], None]  # (event, unit of work, the service's settings)


def bind(table: Mapping[str, EventHandler], settings: Any) -> dict[str, Handler]:
    """A service's module-level table of event handlers, bound once at start-up to its settings: every
    handler of every service has the one signature ``handler(event, uow, settings)``."""

    def bound(handler: EventHandler) -> Handler:
        def handle(event: Event, uow: UnitOfWork) -> None:
            handler(event, uow, settings)

        handle.__name__ = handler.__name__
        return handle

    return {name: bound(handler) for name, handler in table.items()}


class _OneOfMany(UnitOfWork):
    """The unit of work of one event among a poll's events, all in the consumer's one transaction: a handler's own
    ``commit()`` only flushes (the consumer commits them all at once); a rollback would undo the others' work, so it
    fails the poll instead (which then goes one record at a time)."""

    def __init__(self, outer: UnitOfWork) -> None:
        super().__init__(outer.database, outer.outbox_model, outer.topic_prefix)
        self.session = outer.session
        self.gathered = outer.gathered  # finished when the consumer commits them all

    def commit(self) -> None:
        self.session.flush()

    def rollback(self) -> None:
        raise RuntimeError("a handler rolled back its unit of work inside a poll's transaction")


class DeadLetterFailed(RuntimeError):
    """The dead-letter topic could not be written: the offset must not move on."""


class Interrupted(RuntimeError):
    """Stopped while a record was still being retried: it stays uncommitted and is delivered again."""


# The database is unreachable or asked for a retry (deadlock, serialisation): the record is not
# at fault, so it is retried until the database answers instead of being dead-lettered.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
KAFKA_UNAVAILABLE = (KafkaError, OSError)


class EventConsumer:
    def __init__(
        self,
        *,
        service: str,
        database: Database,
        outbox_model: type[Any],
        processed_model: type[Any],
        topic_prefix: str = "",
        handlers: Mapping[str, Handler],
        topics: Sequence[str],
        group_id: str,
        bootstrap_servers: str,
        producer: Producer,
        dead_letter_topic: str,
        max_attempts: int = 5,
        backoff_seconds: float = 0.2,
        backoff_max_seconds: float = 5.0,
        poll_ms: int = 500,
        consumer_options: Mapping[str, Any] | None = None,
        await_partitions_seconds: float = 0.0,
        stop: threading.Event | None = None,
        together_seconds: float = 0.2,
        rejoin_after_seconds: float = 0.0,
    ) -> None:
        self.service = service
        self.database = database
        self.outbox_model = outbox_model
        self.processed_model = processed_model
        self.topic_prefix = topic_prefix
        self.handlers = dict(handlers)
        self.topics = list(topics)
        self.group_id = group_id
        self.producer = producer
        self.dead_letter_topic = dead_letter_topic
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.backoff_max_seconds = backoff_max_seconds
        self.poll_ms = poll_ms
        self.together_seconds = together_seconds  # a transaction of records together ends after this much handling
        self.options = {**kafka_options(bootstrap_servers, group_id), **(consumer_options or {})}
        self.membership = Membership(rejoin_after_seconds)
        self._join(await_partitions_seconds)
        self.stop = stop or threading.Event()
        self._lag_labels: set[tuple[str, str, str]] = set()

    def _join(self, await_partitions_seconds: float = 0.0) -> None:
        """Join the group as a new member: a ``KafkaConsumer``, its offsets on their way, its stored positions."""
        self.consumer = KafkaConsumer(**self.options)
        self.offsets = OffsetCommitter(self.consumer)
        self.positions = Positions.of(self.processed_model, self.group_id)
        if await_partitions_seconds:
            await_partitions(self.consumer, self.topics, await_partitions_seconds)
        self.consumer.subscribe(self.topics, listener=self.positions)

    def _rejoin_if_stuck(self) -> None:
        """Outside the group longer than any rebalance takes (``shared.offsets.Membership``): join again as a new
        member. What the old one settled but did not store is redelivered and recognised."""
        outside = self.membership.stuck(self.consumer)
        if outside is None:
            return
        log.warning("outside consumer group %s for %.0f s; joining again as a new member", self.group_id, outside)
        self.membership.rejoined()  # should no broker answer, the one it has goes on and this waits for the limit
        stale = self.consumer
        self._join()
        CONSUMERS_RENEWED.labels(self.service).inc()
        with contextlib.suppress(Exception):
            stale.close(autocommit=False, timeout_ms=2000)

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> None:
        """Consume until ``stop`` is set, then close (the current record is finished first)."""
        log.info("consuming", extra={"topics": self.topics, "group": self.group_id})
        try:
            while not self.stop.is_set():
                try:
                    self.poll_once()
                    self._rejoin_if_stuck()
                except KAFKA_UNAVAILABLE as exc:
                    # kafka-python can raise out of poll() while no broker answers (the group coordinator
                    # lookup on a refused connection): the worker must outlive the outage, not die of it.
                    log.warning("Kafka unavailable (%s); polling again in 1 s", type(exc).__name__)
                    self.stop.wait(1.0)
        finally:
            self.close()

    def poll_once(self) -> int:
        """Handle what one poll returns; returns how many records were handled.

        The records go together in transactions of at most ``together_seconds`` of handling each (a poll of light
        events in one, heavy ones in several: their effects show within that time); what cannot go together goes one
        record at a time. Offsets are committed per partition after the records' own transactions committed (at the
        end of the poll, and before leaving it early), without waiting for the broker's answer: a crash or a lost
        commit only redelivers records that the processed-events table recognises.
        """
        done: dict[TopicPartition, int] = {}
        handled = 0
        rewound: set[TopicPartition] = set()
        try:
            polled = self.consumer.poll(timeout_ms=self.poll_ms)
            sought = self._seek_stored()
            records = [r for tp, rs in polled.items() if tp not in sought for r in rs]
            while records and not self.stop.is_set():
                together, taken = self._handle_together(records)
                if not taken:
                    break
                for record in records[:taken]:
                    self.settled(record, together[(record.topic, record.partition, record.offset)])
                    done[TopicPartition(record.topic, record.partition)] = record.offset + 1
                    handled += 1
                records = records[taken:]
            for record in records:  # one at a time: a poll that could not go together, or stopped part-way
                partition = TopicPartition(record.topic, record.partition)
                if partition in rewound:
                    continue
                if self.stop.is_set():
                    # Not handled: rewind so this consumer (if it goes on) or the next one gets it.
                    self.consumer.seek(partition, record.offset)
                    rewound.add(partition)
                    continue
                try:
                    outcome = self.handle_record(record)
                except Interrupted:
                    self.consumer.seek(partition, record.offset)
                    rewound.add(partition)
                    continue
                self.settled(record, outcome)
                self.positions.settled(record)
                done[partition] = record.offset + 1
                handled += 1
            self._store_positions()
        except PositionsMoved as exc:  # the database's positions are not this consumer's: the rest waits, it seeks
            log.warning("stored positions moved (%s); seeking to them", exc)
            self.positions.moved(self.consumer.assignment())
        finally:
            if done or self.offsets.pending:
                self.offsets.commit(done, wait=self.stop.is_set())
            self._lag_labels = measure_lag(self.service, self.consumer, self._lag_labels)
        return handled

    def _seek_stored(self) -> set[TopicPartition]:
        """Seek the partitions just assigned to their stored positions; returns those whose polled records do not
        count (they were fetched from elsewhere). With the database down, none counts until it answers."""
        if not self.positions.to_seek:
            return set()
        try:
            with UnitOfWork(self.database, self.outbox_model, self.topic_prefix) as uow:
                return self.positions.seek(uow.session, self.consumer)
        except TRANSIENT_ERRORS as exc:
            log.warning("stored positions unreadable (%s); trying again", type(exc).__name__)
            self.stop.wait(self.backoff_seconds)
            return set(self.positions.to_seek)

    def _store_positions(self) -> None:
        """The positions of records settled outside a transaction (ignored, dead-lettered) in one of their own."""
        if not self.positions.unwritten or self.positions.table is None:
            return
        try:
            with UnitOfWork(self.database, self.outbox_model, self.topic_prefix) as uow:
                written = self.positions.write(uow.session)
                uow.commit()
            self.positions.committed(written)
        except TRANSIENT_ERRORS:  # they go with the next transaction
            log.warning("positions not stored yet; they go with the next transaction")

    def close(self) -> None:
        self.offsets.flush()  # the last asynchronous commits reach the broker before the group is left
        self.consumer.close(autocommit=False)

    # -- a poll at once ----------------------------------------------------------------------

    def settled(self, record: Any, outcome: str) -> None:
        """Called once per record, in order, with its outcome (handled, duplicate, ignored, dead_lettered): a hook
        for whoever watches the consumer (the tests count outcomes with it)."""

    def _handle_together(self, records: Sequence[Any]) -> tuple[dict[tuple[str, int, int], str], int]:
        """Handle the records (a poll's, in partition order) in one transaction, the first ``n`` of them that fit in
        ``together_seconds`` of handling; returns each one's outcome (handled, duplicate, ignored) and ``n``, or
        ``({}, 0)`` when anything failed (rolled back: one record at a time)."""
        events: list[tuple[Any, Event, Handler | None]] = []
        for record in records:
            try:
                event = parse_event(record.value)
            except (UnknownEventType, InvalidEvent):
                return {}, 0  # a poison record: the poll goes one record at a time (dead letter in order)
            events.append((record, event, self.handlers.get(event.name)))
        outcomes: list[tuple[Any, Event, str]] = []
        taken = len(events)
        started = time.monotonic()
        try:
            with UnitOfWork(self.database, self.outbox_model, self.topic_prefix) as uow:
                seen = handled_before(
                    uow.session, self.processed_model, {event.id for _, event, handler in events if handler is not None}
                )
                handled: list[Event] = []
                for index, (record, event, handler) in enumerate(events):
                    if self.stop.is_set() or (handled and time.monotonic() - started > self.together_seconds):
                        taken = index  # SIGTERM, or the time is up: what is handled so far commits
                        break
                    if handler is None:
                        outcomes.append((record, event, "ignored"))
                        continue
                    if event.id in seen:
                        outcomes.append((record, event, "duplicate"))
                        continue
                    seen.add(event.id)
                    with log_context(**event.handling()), caused_by(f"{self.service}/{event.id}"):
                        handler(event, _OneOfMany(uow))
                    handled.append(event)
                    outcomes.append((record, event, "handled"))
                if handled:  # another consumer that recorded one meanwhile (a rebalance) fails this: one at a time
                    uow.session.execute(
                        insert(self.processed_model),
                        [{"event_id": e.id, "type": e.type, "handled_at": utcnow()} for e in handled],
                    )
                written = self.positions.write(uow.session, records[:taken])
                uow.commit()
            self.positions.committed(written)
        except PositionsMoved:
            raise
        except Exception as exc:  # noqa: BLE001 - nothing of the poll was kept: each record is handled on its own
            log.info("a poll's events could not be handled together (%s); one at a time", type(exc).__name__)
            return {}, 0
        settled = {}
        for record, event, outcome in outcomes:
            EVENTS_CONSUMED.labels(self.service, event.name, outcome).inc()
            if outcome != "ignored":
                log.info("%s %s", event.name, outcome, extra={"type": event.type, "event_id": event.id})
            settled[(record.topic, record.partition, record.offset)] = outcome
        return settled, taken

    # -- one record -------------------------------------------------------------------------

    def handle_record(self, record: Any) -> str:
        """Handle one Kafka record; returns the outcome (handled, duplicate, ignored, dead_lettered)."""
        try:
            event = parse_event(record.value)
        except UnknownEventType as exc:
            return self._dead_letter(record, exc, "unknown_type", attempts=1, event_type="unknown")
        except InvalidEvent as exc:
            return self._dead_letter(record, exc, "invalid", attempts=1, event_type="invalid")

        handler = self.handlers.get(event.name)
        if handler is None:
            EVENTS_CONSUMED.labels(self.service, event.name, "ignored").inc()
            return "ignored"

        with log_context(**event.handling()):
            attempts = failures = 0  # attempts count only failures that are the record's fault
            while True:
                try:
                    outcome = self._apply(event, handler, record)
                except PositionsMoved:
                    raise
                except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then dead-lettered
                    if self.stop.is_set():
                        raise Interrupted(str(exc)) from exc
                    failures += 1
                    if not isinstance(exc, TRANSIENT_ERRORS):
                        attempts += 1
                    if attempts >= self.max_attempts:
                        log.exception("handler failed %d times; dead-lettering", attempts)
                        return self._dead_letter(record, exc, "handler_failed", attempts, event.name)
                    EVENTS_CONSUMED.labels(self.service, event.name, "retried").inc()
                    delay = retry_delay(failures, self.backoff_seconds, self.backoff_max_seconds)
                    log.warning("handler failed (failure %d), retrying in %.2fs: %s", failures, delay, exc)
                    self.stop.wait(delay)
                    continue
                EVENTS_CONSUMED.labels(self.service, event.name, outcome).inc()
                log.info("%s %s", event.name, outcome, extra={"type": event.type})
                return outcome

    def _apply(self, event: Event, handler: Handler, record: Any) -> str:
        with UnitOfWork(self.database, self.outbox_model, self.topic_prefix) as uow:
            outcome = "duplicate"
            if uow.session.get(self.processed_model, event.id) is None:
                uow.session.add(self.processed_model(event_id=event.id, type=event.type))
                try:
                    uow.session.flush()
                except IntegrityError:  # another consumer recorded it concurrently (a rebalance)
                    return "duplicate"
                with caused_by(f"{self.service}/{event.id}"):
                    handler(event, uow)
                outcome = "handled"
            written = self.positions.write(uow.session, [record])
            uow.commit()
        self.positions.committed(written)
        return outcome

    def _dead_letter(self, record: Any, exc: BaseException, reason: str, attempts: int, event_type: str) -> str:
        try:
            dead_letter(self.producer, self.dead_letter_topic, self.group_id, record, exc, reason, attempts)
        except Exception as send_error:
            raise DeadLetterFailed(f"could not write to {self.dead_letter_topic}: {send_error}") from exc
        DEAD_LETTERS.labels(self.service, record.topic, reason).inc()
        EVENTS_CONSUMED.labels(self.service, event_type, "dead_lettered").inc()
        return "dead_lettered"
