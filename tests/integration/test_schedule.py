"""Periodic jobs run by the workers themselves (shared.schedule), on the real PostgreSQL: one instance runs a job per
period however many there are, a failure is retried and shows, and the last success is a metric."""

from __future__ import annotations

import threading
import time

from sqlalchemy import update

from services.evaluation.models import ScheduledJob
from shared import schedule
from shared.db import utcnow


def _due_now(database, name) -> None:
    with database.sessions() as session:
        session.execute(update(ScheduledJob).where(ScheduledJob.name == name).values(next_attempt_at=utcnow()))
        session.commit()


def _row(database, name):
    with database.sessions() as session:
        return session.get(ScheduledJob, name)


def test_two_instances_never_run_a_job_twice_in_its_period(database_of, migrated_database, unique):
    migrated_database("evaluation")
    database = database_of("evaluation")
    name = unique("job")[:60]
    runs: list[float] = []
    lock = threading.Lock()

    def slow(_database) -> None:
        with lock:
            runs.append(time.monotonic())
        time.sleep(0.3)  # long enough for the other instance to look meanwhile

    jobs = [schedule.Job(name, 3600, slow)]
    assert schedule.run_due_jobs(database, ScheduledJob, "evaluation", jobs)["sent"] == 0  # new: first after a period
    assert runs == []
    _due_now(database, name)
    start = threading.Barrier(4)

    def instance() -> None:
        start.wait()
        for _ in range(5):
            schedule.run_due_jobs(database, ScheduledJob, "evaluation", jobs)

    threads = [threading.Thread(target=instance) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(runs) == 1, "four instances, five rounds each: one run in the period"
    row = _row(database, name)
    assert row.status == "waiting" and row.sent_at is not None and row.last_error is None
    assert (row.next_attempt_at - utcnow()).total_seconds() > 3500  # the next period

    _due_now(database, name)  # the period has passed
    schedule.run_due_jobs(database, ScheduledJob, "evaluation", jobs)
    schedule.run_due_jobs(database, ScheduledJob, "evaluation", jobs)
    assert len(runs) == 2


def test_a_failing_job_is_retried_shows_as_failing_and_recovers(database_of, migrated_database, unique):
    migrated_database("evaluation")
    database = database_of("evaluation")
    name = unique("job")[:60]
    failing = {"now": True}

    def job(_database) -> None:
        if failing["now"]:
            raise RuntimeError("the database of a partner is down")

    jobs = [schedule.Job(name, 3600, job)]
    schedule.run_due_jobs(database, ScheduledJob, "evaluation", jobs)
    _due_now(database, name)
    assert schedule.run_due_jobs(database, ScheduledJob, "evaluation", jobs, retry_seconds=0.01)["retrying"] == 1
    row = _row(database, name)
    assert row.status == "waiting" and row.sent_at is None and "partner is down" in row.last_error

    def figures() -> dict[str, float]:
        collector = schedule.ScheduledJobCollector(database, ScheduledJob, "evaluation")
        return {
            family.name: sample.value
            for family in collector.collect()
            for sample in family.samples
            if sample.labels["job"] == name
        }

    assert figures()["bangkom_scheduled_job_failing"] == 1.0
    time.sleep(0.05)  # its back-off
    failing["now"] = False
    assert schedule.run_due_jobs(database, ScheduledJob, "evaluation", jobs, retry_seconds=0.01)["sent"] == 1
    row = _row(database, name)
    assert row.last_error is None and row.attempts == 0 and row.sent_at is not None
    now = figures()
    assert now["bangkom_scheduled_job_failing"] == 0.0
    assert abs(now["bangkom_scheduled_job_last_success_timestamp_seconds"] - row.sent_at.timestamp()) < 1
