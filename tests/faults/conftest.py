"""A broker and a PostgreSQL server of the fault suite's own (other ports, other folders), so that killing and
restarting them leaves the rest of the run alone; the workers run as real processes (``python -m
services.<name>.worker``), as in production."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
KAFKA_PORT, CONTROLLER_PORT, PG_PORT, DRILL_PG_PORT = 29092, 29093, 25432, 25442
ARCHIVE_TIMEOUT = 5  # the drill's WAL is archived at least this often (production: PG_ARCHIVE_TIMEOUT, 60 s)
DATABASES = ("needs", "training", "evaluation")


class Broker:
    def __init__(self, data_dir: Path) -> None:
        self.env = {
            **os.environ,
            "KAFKA_PORT": str(KAFKA_PORT),
            "KAFKA_CONTROLLER_PORT": str(CONTROLLER_PORT),
            "KAFKA_DATA_DIR": str(data_dir),
        }
        self.pid_file = data_dir / "broker.pid"
        self.bootstrap = f"127.0.0.1:{KAFKA_PORT}"

    def start(self) -> None:
        subprocess.run(
            [str(ROOT / "deploy/local/kafka.sh"), "start"], env=self.env, check=True, stdout=subprocess.DEVNULL
        )

    def kill(self) -> None:
        """kill -9: no clean shutdown, whatever was not flushed is the broker's problem, as in a crash."""
        os.kill(int(self.pid_file.read_text()), signal.SIGKILL)
        time.sleep(0.5)
        self.pid_file.unlink(missing_ok=True)

    def stop(self) -> None:
        subprocess.run(
            [str(ROOT / "deploy/local/kafka.sh"), "stop"], env=self.env, check=False, stdout=subprocess.DEVNULL
        )


class Postgres:
    def __init__(self, data_dir: Path, port: int = PG_PORT, databases: tuple[str, ...] = DATABASES) -> None:
        self.port = port
        self.env = {
            **os.environ,
            "PG_PORT": str(port),
            "PG_DATA_DIR": str(data_dir),
            "PG_DATABASES": " ".join(f"bangkom_{name}" for name in databases),
        }

    def run(self, command: str) -> None:
        subprocess.run(
            [str(ROOT / "deploy/local/postgres.sh"), command], env=self.env, check=True, stdout=subprocess.DEVNULL
        )

    def url(self, service: str) -> str:
        return f"postgresql+psycopg://bangkom:bangkom@127.0.0.1:{self.port}/bangkom_{service}"


def own_infra(name: str, make: Callable[[Path], tuple[Any, Postgres]], databases: tuple[str, ...]) -> Iterator[Any]:
    """A Kafka and a PostgreSQL of a suite's own in a throw-away folder (the server's user must reach it): started,
    the databases migrated, yielded, stopped and removed."""
    from shared.migrations import upgrade

    folder = Path(f"/var/tmp/bangkom-{name}-{uuid.uuid4().hex[:8]}")  # noqa: S108
    folder.mkdir(mode=0o755)
    kafka, postgres = make(folder)
    kafka.start()
    postgres.run("start")
    for service in databases:
        upgrade(f"services.{service}", postgres.url(service))
    yield kafka, postgres
    kafka.stop()
    postgres.run("stop")
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def fault_infra() -> Iterator[tuple[Broker, Postgres]]:
    yield from own_infra("faults", lambda folder: (Broker(folder / "kafka"), Postgres(folder / "postgres")), DATABASES)


class BackedUpPostgres(Postgres):
    """A PostgreSQL whose WAL is archived with pgBackRest (deploy/local/backup.sh): the restore drill's."""

    def __init__(self, folder: Path, port: int, databases: tuple[str, ...], archive_timeout: int) -> None:
        super().__init__(folder / "postgres", port, databases)
        self.data_dir = folder / "postgres"
        self.env |= {"PG_BACKUP_REPO": str(folder / "repo"), "PG_ARCHIVE_TIMEOUT": str(archive_timeout)}

    def backup(self, command: str, *args: str) -> str:
        return subprocess.run(
            [str(ROOT / "deploy/local/backup.sh"), command, *args],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def labels(self) -> list[str]:
        import json

        return [backup["label"] for backup in json.loads(self.backup("info", "--output=json"))[0]["backup"]]

    def destroy(self) -> None:
        """The server dies (no checkpoint, nothing more archived) and its data folder is gone."""
        self.run("crash")
        shutil.rmtree(self.data_dir)


@pytest.fixture(scope="session")
def drill_postgres(fault_infra) -> Iterator[BackedUpPostgres]:
    """The restore drill's PostgreSQL: the evaluation database, and one of its own for the heartbeat that measures
    what a restore loses, with pgBackRest archiving the WAL every few seconds."""
    from shared.migrations import upgrade

    folder = Path(f"/var/tmp/bangkom-drill-{uuid.uuid4().hex[:8]}")  # noqa: S108
    folder.mkdir(mode=0o755)
    postgres = BackedUpPostgres(folder, DRILL_PG_PORT, ("evaluation", "drill"), archive_timeout=ARCHIVE_TIMEOUT)
    postgres.run("start")
    postgres.backup("setup")
    upgrade("services.evaluation", postgres.url("evaluation"))
    yield postgres
    postgres.run("stop")
    shutil.rmtree(folder, ignore_errors=True)


class Worker:
    """One worker process of a service; ``instance`` is its static group membership id."""

    def __init__(self, service: str, env: dict[str, str], instance: str, log_dir: Path) -> None:
        self.service, self.instance = service, instance
        self.env = {**env, "KAFKA_GROUP_INSTANCE_ID": instance}
        self.log = log_dir / f"{instance}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"services.{self.service}.worker"],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
