"""A three-node Kafka cluster (``KAFKA_NODES=3 deploy/local/kafka.sh``) and a PostgreSQL server of the cluster
suite's own (other ports, other folders), so that killing brokers and restarting the database leaves the rest of the
run alone; every API runs as two gunicorn instances and every worker twice, each a real process as in production."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from kafka import KafkaAdminClient

from tests.faults.conftest import Postgres, own_infra

ROOT = Path(__file__).resolve().parents[2]
KAFKA_PORT, CONTROLLER_PORT, PG_PORT = 39092, 39093, 35432  # node n: + 10·n (deploy/local/kafka.sh)
NODES = 3
DATABASES = ("needs", "training", "evaluation", "gateway", "notifications")


class Cluster:
    """Three KRaft nodes, each broker and controller, on loopback; replication factor 3, min.insync.replicas 2."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "KAFKA_NODES": str(NODES),
            "KAFKA_PORT": str(KAFKA_PORT),
            "KAFKA_CONTROLLER_PORT": str(CONTROLLER_PORT),
            "KAFKA_DATA_DIR": str(data_dir),
            # a node restarted on a machine this busy (two cores, some thirty processes) recovers its logs slowly
            "KAFKA_START_TIMEOUT": "300",
        }
        self.bootstrap = ",".join(f"127.0.0.1:{KAFKA_PORT + 10 * n}" for n in range(NODES))

    def _script(self, *args: str, check: bool = True) -> None:
        done = subprocess.run(
            [str(ROOT / "deploy/local/kafka.sh"), *args], env=self.env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0 or not check, f"kafka.sh {' '.join(args)}:\n{done.stdout}{done.stderr}"

    def start(self) -> None:
        """Start every node that is not running; returns once all three answer."""
        self._script("start")

    def kill(self, node_id: int) -> None:
        """kill -9 of one node (its broker id, 1-based): a crash, nothing flushed."""
        self._script("kill", str(node_id))

    def stop(self) -> None:
        self._script("stop", check=False)

    def leader(self, topic: str, partition: int = 0) -> int | None:
        """The broker id leading a partition (-1: none); None while the cluster does not answer."""
        try:
            admin = KafkaAdminClient(bootstrap_servers=self.bootstrap.split(","), client_id="bangkom-cluster-test")
        except Exception:  # noqa: BLE001 - the bootstrap broker may be the one just killed
            return None
        try:
            [described] = admin.describe_topics([topic])
            return next(p["leader_id"] for p in described["partitions"] if p["partition_index"] == partition)
        except Exception:  # noqa: BLE001
            return None
        finally:
            admin.close()


@pytest.fixture(scope="session")
def cluster_infra() -> Iterator[tuple[Cluster, Postgres]]:
    yield from own_infra(
        "cluster",
        lambda folder: (Cluster(folder / "kafka"), Postgres(folder / "postgres", PG_PORT, DATABASES)),
        DATABASES,
    )


class Part:
    """One instance of an API (gunicorn: a master and its workers) or of a worker, in a process group of its own so
    that ``kill`` takes all of it at once, as a lost node or an OOM kill would."""

    def __init__(
        self, name: str, command: list[str], env: dict[str, str], log_dir: Path, url: str, ready_path: str = "/readyz"
    ) -> None:
        self.name, self.command, self.env, self.url, self.ready_path = name, command, env, url, ready_path
        self.log = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, *self.command],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def ready(self) -> bool:
        try:
            return requests.get(f"{self.url}{self.ready_path}", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def wait_ready(self, timeout: float = 90.0) -> float:
        """Seconds until it answers its readiness probe (an API's /readyz, a worker's /metrics)."""
        started = time.monotonic()
        while not self.ready():
            assert self.process is not None and self.process.poll() is None, f"{self.name} exited: see {self.log}"
            assert time.monotonic() - started < timeout, f"{self.name} not ready in {timeout} s: see {self.log}"
            time.sleep(0.1)
        return time.monotonic() - started

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
