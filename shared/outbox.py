"""Transactional outbox: events are rows written with the state change, then relayed to Kafka.

The columns follow Debezium's outbox router (id, aggregatetype, aggregateid, type, payload) so
that change-data-capture could replace the relay later. The relay publishes at least once:
a crash after Kafka acknowledged a batch but before the rows were marked sent publishes the batch
again, and consumers de-duplicate on the event id.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import UUID, BigInteger, Index, Integer, String, Text, cast, func, insert, literal, select, update
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.sql import ColumnElement, FromClause
from sqlalchemy.sql.dml import Insert

from shared.db import Database, UnitOfWork, UTCDateTime, among, utcnow
from shared.events import CONTENT_TYPE, SPEC_VERSION, Event, derived_prefix, lookup
from shared.logging import actor as current_actor
from shared.logging import correlation_id as current_correlation_id
from shared.logging import request_id as current_request_id
from shared.metrics import EVENTS_PRODUCED
from shared.producer import Producer

log = logging.getLogger(__name__)


class OutboxMixin:
    """Columns of a service's ``outbox`` table; ``seq`` orders the rows of one key."""

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)  # the event id
    aggregatetype: Mapped[str] = mapped_column(String(60))
    aggregateid: Mapped[str] = mapped_column(String(100))  # the Kafka record key
    type: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)  # the whole CloudEvent, JSON
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    @declared_attr.directive
    def __table_args__(cls: Any) -> tuple:
        return (
            Index(
                "ix_outbox_pending",
                "seq",
                postgresql_where=cls.published_at.is_(None),
                sqlite_where=cls.published_at.is_(None),
            ),
        )

    @classmethod
    def from_event(cls, event: Event, topic_prefix: str = "") -> Any:
        return cls(**cls.values_of(event, topic_prefix))

    @staticmethod
    def values_of(event: Event, topic_prefix: str = "") -> dict[str, Any]:
        return {
            "id": event.id,
            "aggregatetype": event.event_type.key_field,
            "aggregateid": event.key,
            "type": event.type,
            "topic": topic_prefix + event.topic,
            "payload": event.to_json().decode(),
            "created_at": utcnow(),
            "attempts": 0,
        }


def events_from_rows(
    outbox_model: type[Any],
    topic_prefix: str,
    name: str,
    rows: FromClause,
    data: Mapping[str, ColumnElement],
) -> Insert:
    """``INSERT INTO outbox … SELECT``: one ``name`` event per row of ``rows``, built by PostgreSQL.

    For set-based commands that cause hundreds of thousands of events (needs opened for a whole city): each event
    made in Python costs more than the row that causes it. The envelope is the one :func:`shared.events.new_event`
    makes (a fresh id, the time in UTC milliseconds, the key as subject, the command's correlation, actor and request);
    ``data`` maps each field of the event's data to a column of ``rows`` whose JSON form is the schema's (numbers
    and text; tests/integration/test_outbox_sql.py checks every event against the catalogue). ``rows`` may be a
    data-modifying CTE (``INSERT … RETURNING``, ``UPDATE … RETURNING``): compose the statement as
    ``publish_rows`` does, so that both stand at the top of one ``WITH``.
    """
    event_type = lookup(name)
    correlation = current_correlation_id.get() or str(uuid.uuid4())
    source = (
        select(_event_ids(name, data).label("event_id"), *(c.label(k) for k, c in data.items()))
        .select_from(rows)
        .subquery("event_rows")
    )
    key = cast(source.c[event_type.key_field], Text)
    cause = {"actor": current_actor.get() or f"system:{event_type.service}", "requestid": current_request_id.get()}
    payload = func.json_build_object(
        *(part for name_, value in cause.items() if value for part in (name_, literal(value))),
        "specversion",
        literal(SPEC_VERSION),
        "id",
        source.c.event_id,
        "type",
        literal(event_type.type),
        "source",
        literal(event_type.source),
        "time",
        func.to_char(func.timezone("UTC", func.now()), literal('YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
        "subject",
        key,
        "data",
        func.json_build_object(*(part for k in data for part in (k, source.c[k]))),
        "correlationid",
        literal(correlation),
        "datacontenttype",
        literal("application/json"),
    )
    return insert(outbox_model).from_select(
        ["id", "aggregatetype", "aggregateid", "type", "topic", "payload", "created_at", "attempts"],
        select(
            source.c.event_id,
            literal(event_type.key_field),
            key,
            literal(event_type.type),
            literal(topic_prefix + event_type.topic),
            cast(payload, Text),
            func.now(),
            literal(0),
        ),
    )


def _event_ids(name: str, data: Mapping[str, ColumnElement]) -> ColumnElement:
    """Each row's event id: random; or, while an event is handled (``shared.events.caused_by``), derived from the
    cause, the event's name and the row's data (and its rank among identical rows), so that handling the cause again
    (a restored database re-reads it) writes the very same ids, which their consumers recognise."""
    prefix = derived_prefix()
    if prefix is None:
        return cast(func.gen_random_uuid(), String)
    content = cast(func.json_build_object(*(part for k, c in data.items() for part in (k, c))), Text)
    rank = func.row_number().over(partition_by=content, order_by=content)
    seed = func.concat(literal(f"{prefix}/{name}/"), content, literal("/"), rank)
    return cast(cast(func.md5(seed), UUID), String)


def publish_rows(uow: UnitOfWork, name: str, rows: Any, data: Mapping[str, Any], count_by: Any = None) -> Any:
    """One ``name`` event per row of ``rows`` (a CTE, e.g. of an ``INSERT … RETURNING``) written to ``uow``'s outbox,
    built by the database (PostgreSQL) in the statement that makes the rows (``events_from_rows``). Returns how many
    rows (and events) there were, or with ``count_by`` (a column of ``rows``) a dict of counts by its value."""
    written = events_from_rows(uow.outbox, uow.topic_prefix, name, rows, data).cte("written")
    if count_by is None:
        return uow.session.scalar(select(func.count()).select_from(rows).add_cte(written))
    counted = select(count_by, func.count()).select_from(rows).group_by(count_by).add_cte(written)
    return dict(uow.session.execute(counted).all())


def record_headers(row: Any) -> list[tuple[str, bytes]]:
    """Structured content mode of the CloudEvents Kafka binding: the whole event is the value, and the one header is
    its content type. No ``ce_*`` header: the binding reads any of them as binary mode, so a reader that follows it
    (the CloudEvents SDKs) would look for every attribute in the headers and refuse the record."""
    return [("content-type", CONTENT_TYPE.encode())]


class OutboxRelay:
    """Publishes pending outbox rows in ``seq`` order per key and marks them sent.

    Several relays of one service may run: each locks its batch with ``FOR UPDATE SKIP LOCKED``
    (PostgreSQL), and holds back a row while an earlier row of the same key is still pending
    outside its batch, so the order per key survives.
    """

    def __init__(
        self,
        database: Database,
        outbox_model: type[Any],
        producer: Producer,
        service: str,
        batch_size: int = 200,
    ) -> None:
        self.database = database
        self.model = outbox_model
        self.producer = producer
        self.service = service
        self.batch_size = batch_size

    def run_once(self) -> int:
        """Publish one batch; returns how many rows were marked sent.

        Set-based: the batch is read as plain rows and marked sent in one UPDATE (an ORM object per row cost more
        than sending it)."""
        model = self.model
        with self.database.sessions() as session, session.begin():
            rows = session.execute(
                select(model.seq, model.id, model.aggregateid, model.type, model.topic, model.payload)
                .where(model.published_at.is_(None))
                .order_by(model.seq)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            rows = self._in_key_order(session, rows)
            if not rows:
                return 0
            sent = [
                (
                    row,
                    self.producer.send(
                        row.topic,
                        key=row.aggregateid.encode(),
                        value=row.payload.encode(),
                        headers=record_headers(row),
                    ),
                )
                for row in rows
            ]
            self.producer.flush()  # every send settled (a stuck producer is replaced, the batch stays pending)
            published, failed = [], []
            for row, future in sent:
                try:
                    future.get(timeout=0)
                except Exception as exc:  # noqa: BLE001 - any send failure leaves the row pending
                    failed.append((row, f"{type(exc).__name__}: {exc}"[:2000]))
                else:
                    published.append(row)
            self.mark_sent(session, [row.seq for row in published])
            for row, error in failed:
                session.execute(
                    update(model).where(model.seq == row.seq).values(attempts=model.attempts + 1, last_error=error)
                )
                EVENTS_PRODUCED.labels(self.service, row.type, "failed").inc()
                log.warning("outbox row not published", extra={"event_id": row.id, "error": error})
        for event_type, count in Counter(row.type for row in published).items():
            EVENTS_PRODUCED.labels(self.service, event_type, "published").inc(count)
        return len(published)

    def mark_sent(self, session, seqs: list[int]) -> None:
        if seqs:
            model = self.model
            session.execute(
                update(model)
                .where(among(session, model.seq, seqs))
                .values(published_at=utcnow(), attempts=model.attempts + 1, last_error=None)
            )

    def _in_key_order(self, session, rows: Sequence[Any]) -> list[Any]:
        if not rows:
            return []
        model = self.model
        in_batch = {row.seq for row in rows}
        last_seq_by_key: dict[str, int] = {}
        for row in rows:
            last_seq_by_key[row.aggregateid] = row.seq
        earlier = session.execute(
            select(model.aggregateid, func.min(model.seq))
            .where(
                model.published_at.is_(None),
                among(session, model.aggregateid, last_seq_by_key),
                ~among(session, model.seq, in_batch),
                model.seq < max(in_batch),
            )
            .group_by(model.aggregateid)
        ).all()
        first_outside = dict(earlier)
        return [row for row in rows if row.seq < first_outside.get(row.aggregateid, row.seq + 1)]

    def run(self, stop: threading.Event, idle_seconds: float = 0.5) -> None:
        """Relay until ``stop`` is set; polls the table when it finds nothing to send."""
        while not stop.is_set():
            try:
                if self.run_once() == 0:
                    stop.wait(idle_seconds)
            except Exception:
                log.exception("outbox relay round failed; retrying")
                stop.wait(min(5.0, idle_seconds * 4))


class OutboxCollector:
    """Scrape-time gauges of the outbox: pending rows and the age of the oldest one."""

    def __init__(self, database: Database, outbox_model: type[Any], service: str) -> None:
        self.database = database
        self.model = outbox_model
        self.service = service

    def collect(self):
        backlog = GaugeMetricFamily("bangkom_outbox_backlog", "Outbox rows not yet published", labels=["service"])
        age = GaugeMetricFamily(
            "bangkom_outbox_oldest_pending_age_seconds",
            "Age of the oldest outbox row not yet published",
            labels=["service"],
        )
        try:
            with self.database.sessions() as session:
                count, oldest = session.execute(
                    select(func.count(), func.min(self.model.created_at)).where(self.model.published_at.is_(None))
                ).one()
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is down
            log.warning("outbox metrics unavailable", exc_info=True)
            return []
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=dt.UTC)
        backlog.add_metric([self.service], count)
        age.add_metric([self.service], (utcnow() - oldest).total_seconds() if oldest else 0.0)
        return [backlog, age]
