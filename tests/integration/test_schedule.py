"""Periodic jobs run by the workers themselves (shared.schedule), on the real PostgreSQL: one instance runs a job per
period however many there are, a failure is retried and shows, and the last success is a metric."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

from sqlalchemy import select, update

from services.evaluation import handlers
from services.evaluation.config import EvaluationSettings
from services.evaluation.models import BatchEvaluation, Outbox, ScheduledJob, Task
from shared import schedule
from shared.db import UnitOfWork, utcnow
from tests.integration.evaluation.test_evaluation import completed
from tests.integration.needs.conftest import new_nip


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


def test_the_evaluation_worker_expires_overdue_tasks_by_itself(migrated_database, database_of, kafka_bootstrap, unique):
    """Nobody calls a command: the real worker process, with a short period, expires the tasks past their due date
    and evaluates the batch they complete; the real needs worker then sends the need that awaited the project
    assessment back to the plan (it leaves ``awaiting_evaluation``)."""
    from services.needs.models import Need

    url, needs_url = migrated_database("evaluation"), migrated_database("needs")
    database, needs_db = database_of("evaluation"), database_of("needs")
    prefix = unique("expiry") + "."
    settings = EvaluationSettings(service="evaluation", database_url=url, kafka_topic_prefix=prefix)
    nip, batch, need_id = new_nip(), str(uuid.uuid4()), str(uuid.uuid4())
    with needs_db.sessions() as session:  # trained in T-GIS, awaiting the evaluation of a project
        awaiting = {"status": "awaiting_evaluation", "competency_group": "teknis", "required_level": 3}
        figures = {"current_level": 1, "gap": 2, "priority_score": 2.0, "year": dt.date.today().year}
        session.add(Need(id=need_id, nip=nip, competency_code="T-GIS", **awaiting, **figures))
        session.commit()
    with UnitOfWork(database, Outbox, prefix) as uow:
        handlers.on_training_completed(completed(nip, batch), uow, settings)
        uow.commit()
    with database.sessions() as session:  # as if created 200 days ago (the project too is past due); and the job due
        session.execute(  # (another test's worker may have set its next run an hour ahead)
            update(Task).where(Task.nip == nip).values(due_on=Task.due_on - dt.timedelta(days=200))
        )
        session.execute(
            update(ScheduledJob).where(ScheduledJob.name == "expire_overdue").values(next_attempt_at=utcnow())
        )
        session.commit()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_TOPIC_PREFIX": prefix,
        "EXPIRE_EVERY_SECONDS": "1",
        "SCHEDULED_POLL_SECONDS": "0.2",
        "LOG_LEVEL": "WARNING",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", f"services.{service}.worker"],
            env={**env, "DATABASE_URL": database_url},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for service, database_url in (("evaluation", url), ("needs", needs_url))
    ]
    try:
        deadline = time.monotonic() + 90
        while True:
            with database.sessions() as session:
                statuses = set(session.scalars(select(Task.status).where(Task.nip == nip)))
                evaluated = session.get(BatchEvaluation, batch) is not None
            with needs_db.sessions() as session:
                need = session.get(Need, need_id).status
            if statuses == {"expired"} and evaluated and need == "open":
                break
            assert time.monotonic() < deadline, f"not by itself: tasks {statuses}, evaluated {evaluated}, need {need}"
            time.sleep(0.3)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
    assert _row(database, "expire_overdue").sent_at is not None


def test_the_needs_worker_recomputes_everyone_by_itself_so_that_an_aged_assessment_gives_way(
    migrated_database, database_of, kafka_bootstrap, unique
):
    """The needs worker's own periodic job recomputes everyone: an assessment-centre level that has aged past
    ASSESSMENT_VALID_YEARS gives way to the supervisor's recent one, with nobody asking for a recompute."""
    from services.needs.config import NeedsSettings
    from services.needs.models import (
        AssessmentRecord,
        Competency,
        Employee,
        Gap,
        Position,
        PositionStandard,
        RecomputeRun,
    )
    from services.needs.models import Outbox as NeedsOutbox
    from services.needs.worker import scheduled_jobs

    url = migrated_database("needs")
    database = database_of("needs")
    settings = NeedsSettings(
        service="needs",
        database_url=url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=unique("needs") + ".",
        recompute_inline_max=10**6,  # at once, whatever else the test database holds
    )
    nip, today, code, skill = new_nip(), settings.today(), unique("JAB")[:60], f"T-{uuid.uuid4().hex[:8]}"
    aged = today.replace(year=today.year - settings.assessment_valid_years, day=1) - dt.timedelta(days=1)
    with UnitOfWork(database, NeedsOutbox) as uow:
        uow.session.add(Position(code=code, name="Analis", position_class="fungsional"))
        uow.session.add(Competency(code=skill, name="Analisis Data", group="teknis", level_descriptors=["-"] * 5))
        uow.session.flush()
        uow.session.add(PositionStandard(position_code=code, competency_code=skill, required_level=3))
        uow.session.add(Employee(nip=nip, name="Pegawai", employment_status="PNS", position_code=code, active=True))
        uow.session.flush()
        for level, source, day in ((4, "assessment_centre", aged), (2, "supervisor", today.replace(day=1))):
            record = {"competency_code": skill, "level": level, "source": source, "assessed_on": day}
            uow.session.add(AssessmentRecord(id=str(uuid.uuid4()), nip=nip, **record))
        uow.commit()
    [job] = scheduled_jobs(settings)
    assert (job.name, job.every_seconds) == ("recompute", 86400)
    job.run(database)
    with database.sessions() as session:
        gap = session.get(Gap, (today.year, nip, skill))
        assert (gap.current_level, gap.gap) == (2, 1), "the aged assessment-centre level gave way"
        run = session.scalars(select(RecomputeRun).order_by(RecomputeRun.created_at.desc())).first()
        assert (run.cause, run.status) == ("the nightly recompute (time passes)", "succeeded")
