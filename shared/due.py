"""Due background work, one way for every service: the mail the gateway owes, the messages of notifications, the
training history for SIMPEG.

Such work waits as rows of a table (written in the same transaction as what caused them), each with ``status``,
``attempts``, ``next_attempt_at``, ``last_error`` and ``sent_at``. A round (``send_due``) claims the due rows
(``FOR UPDATE SKIP LOCKED`` and a lease, so two workers never try one at once), prepares each inside that transaction,
then attempts each outside it and records its outcome on its own: sent; retried after a back-off that doubles; or
failed for good (refused, or out of attempts), visible to BKPSDM. ``loop`` is the worker's one way to run any
background round again and again.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, Text, inspect, select
from sqlalchemy.orm import Mapped, mapped_column

from shared.backoff import retry_delay
from shared.db import Database, UTCDateTime, utcnow
from shared.metrics import BACKGROUND_ATTEMPTS

log = logging.getLogger(__name__)

OUTCOMES = ("sent", "retrying", "failed")


class DueWorkMixin:
    """The columns every table of due work has; its ``status`` (the words, the width, the default) is its own."""

    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


@dataclass(frozen=True)
class Outcome:
    """How an attempt ended. ``sent`` with the ``values`` the row takes then (a receiver's id); ``retrying`` or
    ``failed`` with the ``error`` (``failed`` also when the row is out of attempts), stored as ``status`` when given."""

    outcome: str
    error: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    status: str | None = None


@dataclass(frozen=True)
class Queue:
    """A table of due work: its model, the status of a row waiting its turn, and how it is retried."""

    name: str  # the metrics' and logs' name of the queue
    model: type[Any]
    waiting: str  # the status of a row that waits (pending, queued)
    max_attempts: int
    retry_seconds: float  # the pause after the first failed attempt, doubled each time (at most an hour)
    lease_seconds: float  # a claimed row waits this long before another worker may try it


Prepare = Callable[[Any, Any], Any]  # (session, row) → what to attempt, or an Outcome that settles the row at once
Attempt = Callable[[Any], Outcome]  # what prepare returned → the outcome


def send_due(database: Database, queue: Queue, prepare: Prepare, attempt: Attempt, limit: int) -> dict[str, int]:
    """One round: claim up to ``limit`` due rows, prepare them (one transaction), attempt each and record its outcome
    (one transaction each). Returns how many ended how."""
    counts = dict.fromkeys(OUTCOMES, 0)
    with database.sessions() as session:
        due = session.scalars(
            select(queue.model)
            .where(queue.model.status == queue.waiting, queue.model.next_attempt_at <= utcnow())
            .order_by(queue.model.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        claimed = []
        for row in due:
            row.attempts += 1
            row.next_attempt_at = utcnow() + dt.timedelta(seconds=queue.lease_seconds)
            work = prepare(session, row)
            if isinstance(work, Outcome):
                counts[_settle(queue, row, work)] += 1
            else:
                claimed.append((inspect(row).identity, work))
        session.commit()  # what prepare made (a one-time code) exists before it is sent
    for identity, work in claimed:
        result = attempt(work)
        with database.sessions() as session:
            counts[_settle(queue, session.get(queue.model, identity), result)] += 1
            session.commit()
    return counts


def _settle(queue: Queue, row: Any, result: Outcome) -> str:
    """Record an attempt's outcome on its row; returns the outcome counted (a retry out of attempts fails)."""
    outcome = result.outcome
    if outcome == "retrying" and row.attempts >= queue.max_attempts:
        outcome = "failed"
        error = f"Gave up after {row.attempts} attempts: {result.error}"
    else:
        error = result.error or ""
    if outcome == "sent":
        row.status, row.sent_at, row.last_error = "sent", utcnow(), None
        for name, value in result.values.items():
            setattr(row, name, value)
    elif outcome == "failed":
        row.status, row.last_error = result.status or "failed", error[:1000]
    else:
        row.last_error = error[:1000]
        row.next_attempt_at = utcnow() + dt.timedelta(seconds=retry_delay(row.attempts, queue.retry_seconds))
    BACKGROUND_ATTEMPTS.labels(queue.name, outcome).inc()
    log.info("%s %s", queue.name, outcome, extra={"row": str(inspect(row).identity), "attempt": row.attempts})
    return outcome


def loop(name: str, poll_seconds: float, work: Callable[[Database], Any]):
    """A worker's background loop (``run_worker(background=...)``): ``work(database)`` again at once while it reports
    work done (a truthy answer: a full batch may be followed by more that are due), else after ``poll_seconds``. A
    failing round is logged and tried again next time; ``stop`` ends the loop between rounds."""

    def run(stop: threading.Event, database: Database) -> None:
        log.info("%s loop started", name)
        while not stop.is_set():
            try:
                while not stop.is_set() and work(database):
                    pass
            except Exception:  # noqa: BLE001 - logged; the next round tries again
                log.exception("%s round failed", name)
            stop.wait(poll_seconds)

    run.__name__ = name
    return run
