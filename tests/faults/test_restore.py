"""The restore drill: a service's database lost during a steady flow and restored from its backups (pgBackRest,
deploy/local/backup.sh), once to the latest archived point and once to a backup taken before the flow began.

The evaluation database lives on a PostgreSQL of its own whose WAL is archived; the flow of the fault suite runs
(``TrainingCompleted`` and ``EmployeeSynced``, the needs and training workers on the suite's PostgreSQL). Each loss:
the server dies without a checkpoint and its data folder is deleted; the restore brings back what was archived; the
evaluation worker, which ran on throughout, finds its stored positions behind what it had handled and reads the
events again from there. Afterwards every effect exists exactly once in every service, and the tasks in the restored
database are the very ones whose ``EvaluationTaskCreated`` the other services received the first time (the ids a
handled event causes derive from its id). A heartbeat written to the same server every 50 ms measures what the
latest-point restore lost (the RPO); the restore's own duration is the restore time. ``make bench`` runs the long
form (``FAULT_COMPLETIONS``), docs/operations.md keeps the figures.
"""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from tests.faults.conftest import ARCHIVE_TIMEOUT
from tests.faults.test_faults import Flow, _report

pytestmark = pytest.mark.faults


class Heartbeat:
    """A write every 50 ms to the drill's own database, each stamped with the time it committed."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, pool_pre_ping=True)
        with self.engine.begin() as connection:
            connection.execute(text("CREATE TABLE IF NOT EXISTS heartbeat (at double precision NOT NULL)"))
        self.last_committed = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.wait(0.05):
            try:
                with self.engine.begin() as connection:
                    now = time.time()
                    connection.execute(text("INSERT INTO heartbeat VALUES (:at)"), {"at": now})
                self.last_committed = now
            except Exception:  # noqa: BLE001 - the server is down in this very drill
                time.sleep(0.2)

    def newest(self, before: float) -> float:
        """The newest beat the database holds from before ``before`` (beats after a restore do not count)."""
        with self.engine.connect() as connection:
            return connection.execute(text("SELECT max(at) FROM heartbeat WHERE at < :t"), {"t": before}).scalar_one()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        self.engine.dispose()


def test_a_lost_database_restored_to_the_latest_point_and_to_an_older_backup_loses_and_doubles_nothing(
    fault_infra, drill_postgres, tmp_path
):
    flow = Flow(fault_infra, tmp_path, postgres_of={"evaluation": drill_postgres})
    heartbeat = Heartbeat(drill_postgres.url("drill"))
    try:
        drill_postgres.backup("full")  # the older backup: before any event of the flow
        older = drill_postgres.labels()[-1]
        heartbeat.thread.start()
        flow.start_all()
        producer = flow.produce()
        time.sleep(8)

        drill_postgres.backup("incr")  # a backup during the flow: the latest-point restore replays WAL on top of it
        time.sleep(2)
        lost_at = time.time()
        drill_postgres.destroy()
        committed_before = heartbeat.last_committed  # the last write the server confirmed before it died
        started = time.monotonic()
        drill_postgres.backup("restore", "latest")
        restore_latest_s = round(time.monotonic() - started, 1)
        rpo_s = round(committed_before - heartbeat.newest(before=lost_at + 1), 2)
        resumed_s = flow.resumed_after("evaluation", time.monotonic())

        time.sleep(4)
        drill_postgres.destroy()
        started = time.monotonic()
        drill_postgres.backup("restore", older)
        restore_older_s = round(time.monotonic() - started, 1)

        settled = flow.settle(producer, timeout=180)
        figures = flow.verify()
    finally:
        heartbeat.close()
        flow.close()
    published = [json.loads(v) for v in flow.topic_records(f"{flow.prefix}bangkom.evaluation.v1")]
    received = {e["data"]["task_id"] for e in published if e["type"].endswith("EvaluationTaskCreated.v1")}
    assert flow.task_ids() == received, "the restored tasks are the ones the other services were told of"
    figures |= {
        "rpo_s": rpo_s,
        "restore_latest_s": restore_latest_s,
        "restore_older_backup_s": restore_older_s,
        "evaluation_resumed_s": resumed_s,
        "settled_s": settled,
        "lost": 0,  # flow.settle and flow.verify: every effect exactly once, else they failed
        "duplicated": 0,
    }
    _report("evaluation database lost twice: restored to the latest point, then to the backup before the flow", figures)
    assert 0 <= rpo_s <= ARCHIVE_TIMEOUT + 5, figures
