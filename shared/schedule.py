"""Periodic jobs inside the services' own workers, no cron needed: expiring overdue evaluation tasks, the reminders, the
JP checkpoints.

A job is a row of its service's ``scheduled_jobs`` table (``ScheduledJobMixin``) and a run of it is due background work
(``shared.due``): whichever worker instance claims the row when it is due runs the job (``FOR UPDATE SKIP LOCKED`` and a
lease, so two instances never run it at once, and it is not run again within its period); after a success the row waits
for its next period, after a failure it is tried again with a doubling back-off, and never given up. The row's
``sent_at`` is the job's last success: ``bangkom_scheduled_job_last_success_timestamp_seconds``, and an alert fires when
a job has not succeeded for 26 h. A CronJob may still call the same command: every job is idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from shared import due
from shared.db import Database, upsert_insert, utcnow
from shared.logging import log_context

log = logging.getLogger(__name__)

WAITING = "waiting"
NEVER_GIVEN_UP = 2**31 - 1  # a periodic job is retried until it succeeds again (the alert says when it has not)


@dataclass(frozen=True)
class Job:
    """A periodic job: its name (the row's key), how often it runs, and what it does (given the worker's database)."""

    name: str
    every_seconds: float
    run: Callable[[Database], Any]


class ScheduledJobMixin(due.DueWorkMixin):
    """The ``scheduled_jobs`` table of a service: one row per job; ``sent_at`` is its last success."""

    __tablename__ = "scheduled_jobs"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default=WAITING)


def run_due_jobs(
    database: Database,
    model: type[Any],
    service: str,
    jobs: Sequence[Job],
    *,
    retry_seconds: float = 60.0,
    lease_seconds: float = 900.0,
    ensure_rows: bool = True,
) -> dict[str, int]:
    """Run the jobs that are due, each at most once in its period across every instance of the worker (a new job first
    after one period); ``lease_seconds`` must exceed its longest run (another instance may take it over after that)."""
    by_name = {job.name: job for job in jobs}
    if ensure_rows:
        _ensure_rows(database, model, jobs)
    queue = due.Queue(
        name=f"{service}_scheduled",
        model=model,
        waiting=WAITING,
        max_attempts=NEVER_GIVEN_UP,
        retry_seconds=retry_seconds,
        lease_seconds=lease_seconds,
    )

    def prepare(_session, row) -> Job | due.Outcome:
        job = by_name.get(row.name)
        if job is None:  # a job this version of the worker does not know (an older or newer instance runs it)
            return due.Outcome("retrying", f"No job {row.name} in this worker.")
        return job

    def attempt(job: Job) -> due.Outcome:
        try:
            with log_context(actor=f"system:{service}/{job.name}"):  # the audit trail names the job
                job.run(database)
        except Exception as exc:  # noqa: BLE001 - recorded on the job's row, tried again with back-off
            log.exception("scheduled job %s failed", job.name)
            return due.Outcome("retrying", f"{type(exc).__name__}: {exc}")
        next_run = utcnow() + dt.timedelta(seconds=job.every_seconds)
        return due.Outcome("sent", values={"status": WAITING, "attempts": 0, "next_attempt_at": next_run})

    return due.send_due(database, queue, prepare, attempt, limit=max(1, len(jobs)))


def loop(settings: Any, model: type[Any], jobs: Sequence[Job]) -> Callable[..., None]:
    """A worker's background loop of its periodic jobs (``run_worker(background=[...])``): every
    ``SCHEDULED_POLL_SECONDS``, the jobs that are due, each run by one instance of the worker."""
    ensured: set[Database] = set()  # the rows are made on the loop's first round, not on every poll

    def round_(database: Database) -> bool:
        first = database not in ensured
        ensured.add(database)
        counts = run_due_jobs(
            database,
            model,
            settings.service,
            jobs,
            lease_seconds=settings.scheduled_job_lease_seconds,
            ensure_rows=first,
        )
        return any(counts.values())

    return due.loop("scheduled", settings.scheduled_poll_seconds, round_)


def _ensure_rows(database: Database, model: type[Any], jobs: Sequence[Job]) -> None:
    """A row for every job: a new job first runs one period after it appears (as a restart runs nothing early); an
    existing one keeps its schedule."""
    with database.sessions() as session:
        for job in jobs:
            first = utcnow() + dt.timedelta(seconds=job.every_seconds)
            session.execute(
                upsert_insert(session)(model)
                .values(name=job.name, status=WAITING, attempts=0, next_attempt_at=first, created_at=utcnow())
                .on_conflict_do_nothing()
            )
        session.commit()


class ScheduledJobCollector:
    """The jobs as Prometheus sees them, read from the table at scrape time (so any instance reports every job)."""

    def __init__(self, database: Database, model: type[Any], service: str) -> None:
        self.database, self.model, self.service = database, model, service

    def collect(self) -> Iterator[GaugeMetricFamily]:
        success = GaugeMetricFamily(
            "bangkom_scheduled_job_last_success_timestamp_seconds",
            "When a periodic job last succeeded (Unix time; its creation while it never has)",
            labels=["service", "job"],
        )
        failing = GaugeMetricFamily(
            "bangkom_scheduled_job_failing",
            "1 while a periodic job's last attempt failed (it is tried again with back-off)",
            labels=["service", "job"],
        )
        with self.database.sessions() as session:
            rows = session.execute(
                select(self.model.name, self.model.sent_at, self.model.created_at, self.model.last_error)
            )
            for name, sent_at, created_at, last_error in rows:
                success.add_metric([self.service, name], (sent_at or created_at).timestamp())
                failing.add_metric([self.service, name], 0.0 if last_error is None else 1.0)
        yield success
        yield failing
