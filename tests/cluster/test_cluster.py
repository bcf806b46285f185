"""The loop on a three-broker Kafka cluster with every part twice, under failures during a steady flow.

Topics are created by ``bangkom topics create`` (replication factor 3, min.insync.replicas 2; the cluster has topic
auto-creation off). Two instances of each API (gunicorn) and of each worker run as real processes; each gateway
instance passes requests to its own instance of each API. During a steady flow of
- completions: ``TrainingCompleted`` (and ``EmployeeSynced``) produced with acks=all and idempotence, handled by the
  needs workers (a JP credit) and the evaluation workers (a participation, three tasks, three events);
- attendance: a partner posting one signed record per request through the two gateways (the other one tried when a
  request fails, as a load balancer would);
- evaluations: post-tests submitted to the two evaluation APIs, each passed one a ``CompetencyAssessed`` that the
  needs workers record;
the test kills the leader of a partition (kill -9) and brings it back, kills one instance of every worker (the
group rebalances onto the other) and of every API and brings them back, and restarts PostgreSQL. Then it counts:
0 lost and 0 duplicated effects, 0 outbox rows pending, no under-replicated partition left, and how long each
failure took to heal; the lag and the retries the failures caused are read from the parts' /metrics.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest
import requests
import yaml
from kafka import KafkaAdminClient, KafkaConsumer
from sqlalchemy import text

from bench.attendance_ingest import enrolled_batch
from services.gateway import domain as gateway_domain
from services.needs.models import Competency, Employee
from shared import identity, topics
from shared.config import Settings
from shared.db import Database
from tests.cluster.conftest import ROOT, Part
from tests.e2e.conftest import scrape, total
from tests.faults.test_faults import Flow
from tests.figures import report
from tests.integration.test_gateway import free_port
from tests.smtp_standin import SmtpStandin

pytestmark = pytest.mark.cluster

SECRET = "cluster-internal-identity-secret"
JWT_SECRET = "cluster-jwt-secret-that-is-long-enough-for-hs256"
SERVICES = ("needs", "training", "evaluation", "notifications", "gateway")
APIS = ("needs", "training", "evaluation", "notifications")  # behind the gateway
# the topic settings of production (deploy/k8s/config.yaml; Compose has the same): what this test proves
PRODUCTION = yaml.safe_load((ROOT / "deploy/k8s/config.yaml").read_text())["data"]
PARTITIONS, REPLICATION = int(PRODUCTION["KAFKA_TOPIC_PARTITIONS"]), int(PRODUCTION["KAFKA_REPLICATION_FACTOR"])
COMPLETIONS = int(os.environ.get("CLUSTER_COMPLETIONS", "2400"))
RATE = 12  # completions a second (and a sync every fifth): the flow (240 s) outlasts the failures
ATTENDANCE_PER_SECOND = 8
SUBMISSIONS = 240  # post-tests
ADMIN = identity.Identity("bkpsdm.cluster", ("admin",))


class Stack:
    def __init__(self, infra, log_dir) -> None:
        self.cluster, self.postgres = infra
        self.flow = Flow(infra, log_dir, completions=COMPLETIONS)
        self.log_dir = log_dir
        self.smtp = SmtpStandin().start()
        self.common = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.cluster.bootstrap,
            "KAFKA_TOPIC_PREFIX": self.flow.prefix,
            "KAFKA_REPLICATION_FACTOR": str(REPLICATION),
            "KAFKA_TOPIC_PARTITIONS": str(PARTITIONS),
            "INTERNAL_IDENTITY_SECRET": SECRET,
            "LOG_LEVEL": os.environ.get("FAULT_LOG_LEVEL", "WARNING"),
            "WEB_CONCURRENCY": "1",  # the polls at their defaults: some thirty processes share two cores here
            "LEARNING_ASSESSES_COMPETENCY": "true",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.smtp.port),
            "SMTP_SECURITY": "none",
        }
        self.apis: list[dict[str, Part]] = [{}, {}]
        self.workers: list[dict[str, Part]] = [{}, {}]
        for instance in (0, 1):
            ports = {service: free_port() for service in SERVICES}
            for service in SERVICES:
                env = self.common | {"DATABASE_URL": self.postgres.url(service), "BIND": f"127.0.0.1:{ports[service]}"}
                if service == "gateway":
                    env |= {f"{api.upper()}_URL": f"http://127.0.0.1:{ports[api]}" for api in APIS}
                    env |= {"JWT_SECRET": JWT_SECRET, "RATE_LIMIT_PER_MINUTE": "100000"}
                self.apis[instance][service] = Part(
                    f"{service}-api-{instance}",
                    ["-m", "gunicorn", "-c", "python:shared.gunicorn_conf", f"services.{service}.app:create_app()"],
                    env,
                    log_dir,
                    f"http://127.0.0.1:{ports[service]}",
                )
                metrics_port = free_port()
                self.workers[instance][service] = Part(
                    f"{service}-worker-{instance}",
                    ["-m", f"services.{service}.worker"],
                    env
                    | {
                        "WORKER_METRICS_PORT": str(metrics_port),
                        "KAFKA_GROUP_INSTANCE_ID": f"{self.flow.tag}-{service}-{instance}",
                    },
                    log_dir,
                    f"http://127.0.0.1:{metrics_port}",
                    ready_path="/metrics",
                )
        self.topic_settings = Settings(
            service="cluster",
            database_url="",
            kafka_bootstrap_servers=self.cluster.bootstrap,
            kafka_topic_prefix=self.flow.prefix,
            kafka_topic_partitions=PARTITIONS,
            kafka_replication_factor=REPLICATION,
        )
        self.admin: KafkaAdminClient | None = None
        self.offsets_reader: KafkaConsumer | None = None
        self.lag_seen: dict[str, float] = defaultdict(float)  # as the workers' /metrics said: their own partitions
        self.group_metric_seen: dict[str, float] = defaultdict(float)  # and the whole group's, from the brokers
        self.group_lag_seen: dict[str, int] = defaultdict(int)  # as the brokers said (committed offsets)
        self.stop = threading.Event()

    # -- setting up ------------------------------------------------------------------------------

    def bangkom(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(Path(sys.executable).parent / "bangkom"), *args],
            env=self.common,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )

    def start(self) -> None:
        for instance in (0, 1):
            for part in (*self.apis[instance].values(), *self.workers[instance].values()):
                part.start()
        for instance in (0, 1):
            for part in self.apis[instance].values():
                part.wait_ready()
        needs = Database(self.postgres.url("needs"))
        with needs.sessions() as session, session.begin():  # whom the post-tests assess, in what
            session.add(
                Competency(code="T-GIS", name="GIS", group="teknis", description="", level_descriptors=["1"] * 5)
            )
            session.add_all(
                Employee(nip=nip, name="Peserta", unit_code=self.flow.tag, employment_status="PNS")
                for nip in self.flow.nips
            )
        needs.dispose()
        training = requests.Session()
        training.headers[identity.HEADER] = identity.encode(ADMIN, SECRET)
        base = f"{self.apis[0]['training'].url}/api/v1/training"
        self.batch, self.batch_nips, self.key = enrolled_batch(training, base, self.postgres.url("training"))

    def watch_metrics(self) -> threading.Thread:
        """The largest lag each service's workers report (their own partitions' and their group's), every second."""

        def run() -> None:
            while not self.stop.wait(1.0):
                for instance in (0, 1):
                    for service, part in self.workers[instance].items():
                        try:
                            samples = scrape(part.url)
                        except (requests.RequestException, ValueError):
                            # a part down, or its port (freed by a kill) answering for something else meanwhile:
                            # measured again the next second; the watcher itself must not die of it
                            continue
                        for name, seen in (
                            ("bangkom_consumer_lag{", self.lag_seen),
                            ("bangkom_consumer_group_lag{", self.group_metric_seen),
                        ):
                            lag = max((v for k, v in samples.items() if k.startswith(name)), default=0.0)
                            seen[service] = max(seen[service], lag)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    # -- the flows beside the completions ---------------------------------------------------------

    def attendance(self) -> tuple[threading.Thread, set[str], list[str]]:
        """One record per request through the gateways, in turn; a request that fails is sent again, newly
        signed, through the other gateway until one answers (the record's event id makes it count once)."""
        accepted: set[str] = set()
        refused: list[str] = []
        path = "/api/v1/training/partner/attendance/record"

        def run() -> None:
            http = requests.Session()
            number = 0
            started = time.monotonic()
            while not self.stop.is_set():
                record = {
                    "event_id": f"{self.flow.tag}-a{number}",
                    "batch_id": self.batch["id"],
                    "nip": self.batch_nips[number % len(self.batch_nips)],
                    "meeting_no": 1 + (number // len(self.batch_nips)) % 40,
                    "status": "present",
                    "recorded_at": f"2026-01-04T08:{number % 60:02d}:00+07:00",
                }
                body = json.dumps(record).encode()
                for attempt in range(600):
                    gateway = self.apis[(number + attempt) % 2]["gateway"].url
                    try:
                        headers = gateway_domain.signed_headers(self.key["key_id"], self.key["secret"], body)
                        answer = http.post(f"{gateway}{path}", data=body, headers=headers, timeout=10)
                    except requests.RequestException:
                        time.sleep(0.1)
                        continue
                    if answer.status_code in (200, 201):
                        accepted.add(record["event_id"])
                        break
                    if answer.status_code < 500 and answer.status_code != 429:
                        refused.append(f"{answer.status_code} {answer.text[:200]}")
                        break
                    time.sleep(0.1)
                number += 1
                time.sleep(max(0.0, started + number / ATTENDANCE_PER_SECOND - time.monotonic()))

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread, accepted, refused

    def evaluations(self) -> tuple[threading.Thread, set[str], list[str]]:
        """Post-tests of the flow's participants, passed, submitted to the two evaluation APIs in turn; a request
        that fails is sent again to the other (409 'already submitted' then means the first one had landed)."""
        submitted: set[str] = set()
        refused: list[str] = []

        def run() -> None:
            http = requests.Session()
            http.headers[identity.HEADER] = identity.encode(ADMIN, SECRET)
            turn = 0
            while not self.stop.is_set() and len(submitted) < SUBMISSIONS:
                try:
                    tasks = [t for t in self.learning_tasks("open", limit=4) if t not in submitted]
                except Exception:  # noqa: BLE001 - the database may be restarting in this very moment
                    tasks = []
                for task in tasks:
                    while not self.stop.is_set():
                        turn += 1
                        base = self.apis[turn % 2]["evaluation"].url
                        try:
                            answer = http.post(
                                f"{base}/api/v1/evaluation/tasks/{task}/submission",
                                json={"pre_score": 40, "post_score": 85},
                                timeout=10,
                            )
                        except requests.RequestException:
                            time.sleep(0.1)
                            continue
                        if answer.status_code in (201, 409):
                            submitted.add(task)
                            break
                        if answer.status_code < 500:
                            refused.append(f"{answer.status_code} {answer.text[:200]}")
                            break
                        time.sleep(0.1)
                time.sleep(0.25)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread, submitted, refused

    def learning_tasks(self, status: str, limit: int | None = None) -> list[str]:
        """The ids of the flow's post-test tasks in a status."""
        with self.flow.engines["evaluation"].connect() as connection:
            return list(
                connection.execute(
                    text(
                        "SELECT t.id FROM tasks t JOIN participations p ON p.enrollment_id = t.enrollment_id "
                        "WHERE p.program_id = :tag AND t.kind = 'learning' AND t.status = :status LIMIT :limit"
                    ),
                    {"tag": self.flow.tag, "status": status, "limit": limit},
                ).scalars()
            )

    # -- what the cluster says ---------------------------------------------------------------------

    def group(self, service: str) -> tuple[int, int] | None:
        """(live members, records yet to consume) of the service's consumer group, over the topics it reads."""
        group = f"{self.flow.prefix}bangkom-{service}"
        try:
            if self.admin is None:
                servers = self.cluster.bootstrap.split(",")
                self.admin = KafkaAdminClient(bootstrap_servers=servers, client_id="cluster-test")
                self.offsets_reader = KafkaConsumer(bootstrap_servers=servers)
            members = len(self.admin.describe_groups([group])[group]["members"])
            offsets = self.admin.list_group_offsets(group)[group]
            ends = self.offsets_reader.end_offsets(list(offsets))
            lag = sum(max(0, ends[tp] - offsets[tp].offset) for tp in offsets)
            self.group_lag_seen[service] = max(self.group_lag_seen[service], lag)
            return members, lag
        except Exception:  # noqa: BLE001 - a broker may be down in this very moment: new clients next time
            self.close_clients()
            return None

    def close_clients(self) -> None:
        for client in (self.admin, self.offsets_reader):
            if client is not None:
                client.close()
        self.admin = self.offsets_reader = None

    def healed(self, what: str, probe, since: float, timeout: float = 120.0) -> float:
        """Seconds from ``since`` until ``probe()`` holds (printed as it goes: ``pytest -s`` shows the timeline)."""
        deadline = time.monotonic() + timeout
        while not probe():
            if time.monotonic() > deadline:
                for workers in self.workers:  # every thread's stack into the workers' logs, to see where one hangs
                    for part in workers.values():
                        if part.process and part.process.poll() is None:
                            part.process.send_signal(signal.SIGUSR1)
                raise AssertionError(f"{what} not healed in {timeout} s; logs in {self.log_dir}")
            time.sleep(0.5)
        seconds = round(time.monotonic() - since, 2)
        print(f"cluster: {what} after {seconds} s", flush=True)  # noqa: T201
        return seconds

    def under_replicated(self) -> int | None:
        try:
            states = topics.check(self.topic_settings)
        except Exception:  # noqa: BLE001
            return None
        return sum(s.under_replicated + s.offline for s in states)

    def close(self) -> None:
        self.stop.set()
        self.close_clients()
        for instance in (0, 1):
            for part in (*self.workers[instance].values(), *self.apis[instance].values()):
                part.stop()
        self.flow.close()
        self.smtp.stop()


@pytest.fixture
def stack(cluster_infra, tmp_path):
    stack = Stack(cluster_infra, tmp_path)
    yield stack
    stack.close()


@pytest.mark.timeout(1500)
def test_the_loop_on_three_brokers_with_every_part_twice_loses_and_doubles_nothing_through_kills_and_a_restart(
    stack,
):
    created = stack.bangkom("topics", "create")
    assert created.returncode == 0, created.stderr
    checked = stack.bangkom("topics", "check")
    assert checked.returncode == 0 and "14 of 14 topic(s) as planned" in checked.stdout, checked.stdout + checked.stderr
    stack.start()
    # one signed request sent to both gateways: the second refuses the replayed id (the ids are in PostgreSQL)
    record = {
        "event_id": f"{stack.flow.tag}-replayed",
        "batch_id": stack.batch["id"],
        "nip": stack.batch_nips[0],
        "meeting_no": 40,
        "status": "present",
        "recorded_at": "2026-01-04T08:00:00+07:00",
    }
    body = json.dumps(record).encode()
    headers = gateway_domain.signed_headers(stack.key["key_id"], stack.key["secret"], body)
    answers = [
        requests.post(
            f"{stack.apis[i]['gateway'].url}/api/v1/training/partner/attendance/record",
            data=body,
            headers=headers,
            timeout=10,
        )
        for i in (0, 1)
    ]
    assert [a.status_code for a in answers] == [201, 401] or [a.status_code for a in answers] == [200, 401], [
        a.text for a in answers
    ]
    assert "sudah dipakai" in answers[1].json()["detail"]  # the request id was already used
    watcher = stack.watch_metrics()
    producer = stack.flow.produce(rate=RATE)
    attendance, accepted, refused_attendance = stack.attendance()
    evaluations, submitted, refused_submissions = stack.evaluations()
    heal: dict[str, float] = {}

    # 1. one instance of every worker and every API killed; the workers' groups rebalance onto the others
    time.sleep(10)
    errors_before = total(scrape(stack.workers[0]["needs"].url), "bangkom_events_consumed_total", outcome="retried")
    killed = [*stack.workers[1].values(), *stack.apis[1].values()]
    killed_at = time.monotonic()
    for part in killed:
        part.kill()
    for service in ("needs", "evaluation"):  # the dead member leaves after the session timeout; the other catches up
        heal[f"{service}_group_rebalanced_s"] = stack.healed(
            f"{service}'s group", lambda s=service: (stack.group(s) or (0, 0))[0] == 1, killed_at
        )
        heal[f"{service}_caught_up_s"] = stack.healed(
            f"{service}'s lag", lambda s=service: (stack.group(s) or (0, 10**9))[1] < 2 * RATE, killed_at
        )
    time.sleep(max(0.0, killed_at + 15 - time.monotonic()))  # longer than the session timeout (10 s)
    for part in killed:
        part.start()
    back_at = time.monotonic()
    heal["apis_back_s"] = round(max(part.wait_ready() for part in stack.apis[1].values()), 2)
    heal["workers_back_s"] = stack.healed(
        "the restarted workers", lambda: all(p.ready() for p in stack.workers[1].values()), back_at
    )

    # 2. PostgreSQL restarted
    time.sleep(5)
    stack.postgres.run("stop")
    time.sleep(3)
    stack.postgres.run("start")
    back_at = time.monotonic()
    heal["postgres_needs_resumed_s"] = stack.flow.resumed_after("needs", back_at)
    heal["postgres_evaluation_resumed_s"] = stack.flow.resumed_after("evaluation", back_at)
    heal["postgres_apis_ready_s"] = stack.healed(
        "the APIs' readiness", lambda: all(p.ready() for i in (0, 1) for p in stack.apis[i].values()), back_at
    )
    retried = total(scrape(stack.workers[0]["needs"].url), "bangkom_events_consumed_total", outcome="retried")

    # 3. the leader of a partition killed (kill -9), back after 8 s
    time.sleep(5)
    topic = f"{stack.flow.prefix}bangkom.training.v1"
    leader = stack.cluster.leader(topic)
    killed_at = time.monotonic()
    stack.cluster.kill(leader)
    heal["broker_new_leader_s"] = stack.healed(
        "a new leader", lambda: stack.cluster.leader(topic) not in (leader, -1, None), killed_at
    )
    time.sleep(max(0.0, killed_at + 8 - time.monotonic()))
    stack.cluster.start()
    back_at = time.monotonic()
    heal["broker_in_sync_again_s"] = stack.healed(
        "the replicas in sync", lambda: stack.under_replicated() == 0, back_at
    )

    # the flow ends; everything settles
    settled = stack.flow.settle(producer, timeout=180)
    stack.healed("the post-tests", lambda: len(submitted) >= SUBMISSIONS or not evaluations.is_alive(), back_at, 180)
    stack.stop.set()
    attendance.join(timeout=60)
    evaluations.join(timeout=60)
    watcher.join(timeout=10)
    assert not refused_attendance and not refused_submissions, (refused_attendance[:3], refused_submissions[:3])
    figures = stack.flow.verify()
    for service in ("training", "notifications", "gateway"):
        assert stack.flow.topic_records(f"{stack.flow.prefix}bangkom.dlq.{service}") == [], service

    with stack.flow.engines["training"].connect() as connection:
        receipts = connection.execute(
            text("SELECT count(*) FROM attendance_receipts WHERE event_id LIKE :tag"), {"tag": f"{stack.flow.tag}-a%"}
        ).scalar_one()
    assert receipts == len(accepted) > 0, "every attendance record the partner sent was kept, once"

    def assessed() -> int:
        with stack.flow.engines["needs"].connect() as connection:
            return connection.execute(
                text("SELECT count(*) FROM assessments WHERE enrollment_id LIKE :tag"), {"tag": f"{stack.flow.tag}-%"}
            ).scalar_one()

    done = stack.learning_tasks("submitted")
    assert len(done) == len(submitted) >= SUBMISSIONS, "every post-test submitted counted once"
    stack.healed("the assessments in needs", lambda: assessed() == len(submitted), time.monotonic(), 60)
    assert stack.flow.pending() == 0
    assert stack.under_replicated() == 0

    lag = {s: int(stack.group_metric_seen[s]) for s in ("needs", "evaluation")}
    assert max(lag.values()) > 0, f"the lag the failures caused shows in the workers' metrics: {lag}"
    assert retried > errors_before, "the handlers retried while PostgreSQL was down, as the metrics show"
    figures |= {
        "attendance": len(accepted),
        "post_tests": len(submitted),
        "lost": 0,
        "duplicated": 0,
        **heal,
        "settled_s": settled,
        "max_group_lag_metric": lag,
        "max_own_lag_metric": {s: int(stack.lag_seen[s]) for s in ("needs", "evaluation")},
        "max_lag_group": dict(stack.group_lag_seen),
        "retried_during_restart": int(retried - errors_before),
        "producers_renewed": int(  # stuck producers replaced (shared/producer.py), by the workers still running
            sum(
                total(scrape(part.url), "bangkom_kafka_producer_renewals_total")
                for workers in stack.workers
                for part in workers.values()
            )
        ),
    }
    report("cluster suite", "three brokers, every part twice", figures)
