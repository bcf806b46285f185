"""The backbone under faults, on a real broker and PostgreSQL, with the services' real workers.

Each scenario drives a steady flow of ``TrainingCompleted`` (handled by the needs worker: a JP credit, and by
the evaluation worker: a participation, three tasks and three ``EvaluationTaskCreated`` through its outbox)
and ``EmployeeSynced`` (the training and evaluation read models), injects a fault during the flow, and then
counts: every effect exactly once, no outbox row pending, the dead letters expected, and the time from the
fault's end (the broker answering again, the worker started again, the database up again) until the
affected consumer handled its next record. The figures are printed at the end of the run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from sqlalchemy import create_engine, text

from shared.events import new_event
from tests import factories
from tests.faults.conftest import Worker
from tests.figures import report
from tests.integration.needs.conftest import new_nip

COMPLETIONS = int(os.environ.get("FAULT_COMPLETIONS", "2000"))  # TrainingCompleted per scenario (bench: more)
SYNCS = COMPLETIONS // 5  # EmployeeSynced per scenario
RATE = 90  # events a second, a steady flow longer than the faults
RESUME_GOAL = 5.0  # seconds from a fault's end to consumption resumed

pytestmark = pytest.mark.faults


class Flow:
    def __init__(self, infra, log_dir, completions: int = COMPLETIONS, postgres_of: dict | None = None) -> None:
        self.broker, self.postgres = infra
        # the PostgreSQL of each service: the suite's, unless one has its own (the restore drill's evaluation)
        self.postgres_of = {s: self.postgres for s in ("needs", "training", "evaluation")} | (postgres_of or {})
        self.completions, self.syncs = completions, completions // 5
        self.tag = f"fault-{uuid.uuid4().hex[:8]}"
        self.prefix = f"{self.tag}."
        self.env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap,
            "KAFKA_TOPIC_PREFIX": self.prefix,
            "LOG_LEVEL": os.environ.get("FAULT_LOG_LEVEL", "WARNING"),
        }
        self.log_dir = log_dir
        self.workers: dict[str, list[Worker]] = {}
        self.engines = {
            s: create_engine(postgres.url(s), pool_pre_ping=True) for s, postgres in self.postgres_of.items()
        }
        self.nips = [new_nip() for _ in range(self.syncs)]
        self.producer = KafkaProducer(
            bootstrap_servers=self.broker.bootstrap.split(","),
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            delivery_timeout_ms=300_000,
            reconnect_backoff_max_ms=1000,
        )
        self.sent = 0
        self.poison = 0

    def start(self, service: str, instances: int = 1) -> None:
        env = {**self.env, "DATABASE_URL": self.postgres_of[service].url(service)}
        for number in range(instances):
            worker = Worker(service, env, f"{self.tag}-{service}-{number}", self.log_dir)
            worker.start()
            self.workers.setdefault(service, []).append(worker)

    def start_all(self) -> None:
        for service in ("needs", "training", "evaluation"):
            self.start(service)

    # -- the flow ------------------------------------------------------------------------------

    def completed(self, number: int):
        return new_event(
            "TrainingCompleted",
            {
                "enrollment_id": f"{self.tag}-{number}",
                "nip": self.nips[number % self.syncs],
                "program_id": self.tag,
                "batch_id": f"{self.tag}-b{number // 25}",
                "program_title": "Uji ketahanan",
                "form": "pelatihan",
                "jp": 8,
                "competencies": [{"code": "T-GIS", "target_level": 3}],
                "attendance_rate": 1.0,
                "completed_on": dt.date.today(),
                "partner_code": "UNIMAL",
                "certificate_number": f"F/{number}",
            },
        )

    def produce(self, poison: Callable[[int], bytes | None] | None = None, rate: float = RATE) -> threading.Thread:
        """The steady flow, in the background: completions with a sync every fifth (and poison where asked), at
        ``rate`` events a second: slow enough that it outlasts the faults (the consumers keep up with it, so a
        worker restarted after the flow ended would have nothing left to show it resumed)."""
        self.rate = rate

        def run() -> None:
            events = []
            for n in range(self.completions):
                events.append((f"{self.prefix}bangkom.training.v1", self.nips[n % self.syncs], self.completed(n)))
                if n % (self.completions // self.syncs) == 0:
                    nip = self.nips[n // (self.completions // self.syncs)]
                    events.append(
                        (f"{self.prefix}bangkom.needs.v1", nip, factories.employee_synced(nip, unit=self.tag))
                    )
            started = time.monotonic()
            for index, (topic, key, event) in enumerate(events):
                self.producer.send(topic, key=key.encode(), value=event.to_json())
                bad = poison(index) if poison else None
                if bad is not None:
                    self.producer.send(f"{self.prefix}bangkom.training.v1", key=key.encode(), value=bad)
                    self.poison += 1
                self.sent += 1
                time.sleep(max(0.0, started + index / rate - time.monotonic()))
            self.producer.flush()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    # -- what happened ---------------------------------------------------------------------------

    QUERIES = {  # effect → (the service's database, how many there are)
        "needs": ("needs", "SELECT count(*) FROM jp_credits WHERE program_id = :tag"),
        "evaluation": ("evaluation", "SELECT count(*) FROM participations WHERE program_id = :tag"),
        "training": ("training", "SELECT count(*) FROM employees WHERE unit_code = :tag"),
        "evaluation_synced": ("evaluation", "SELECT count(*) FROM employees WHERE unit_code = :tag"),
    }

    def effect(self, name: str) -> int | None:
        service, query = self.QUERIES[name]
        try:
            with self.engines[service].connect() as connection:
                return connection.execute(text(query), {"tag": self.tag}).scalar_one()
        except Exception:  # noqa: BLE001 - the database may be down in this very scenario
            return None

    def resumed_after(self, service: str, healed_at: float, timeout: float = 60.0) -> float:
        """Seconds from ``healed_at`` until ``service``'s effect count moved (the consumer handled a record)."""
        before = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            count = self.effect(service)
            if count is not None:
                if before is None:
                    before = count
                elif count > before:
                    return round(time.monotonic() - healed_at, 2)
            time.sleep(0.05)
        raise AssertionError(f"{service} did not resume within {timeout} s")

    def settle(self, producer: threading.Thread, timeout: float = 90.0) -> float:
        producer.join(
            timeout=self.completions * 1.2 / self.rate * 3 + 60
        )  # the flow itself takes self.completions * 1.2 / rate s
        started = time.monotonic()
        expected = {
            "needs": self.completions,
            "evaluation": self.completions,
            "training": self.syncs,
            "evaluation_synced": self.syncs,
        }
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            counts = {service: self.effect(service) for service in expected}
            if counts == expected and self.pending() == 0:
                return round(time.monotonic() - started, 1)
            time.sleep(0.5)
        for workers in self.workers.values():  # their stacks into their logs, to see where one hangs
            for worker in workers:
                if worker.process and worker.process.poll() is None:
                    worker.process.send_signal(signal.SIGUSR1)
        raise AssertionError(
            f"not settled: {counts}, expected {expected}, {self.pending()} outbox rows pending; "
            f"worker logs in {self.log_dir}"
        )

    def pending(self) -> int | None:
        total = 0
        for engine in self.engines.values():
            try:
                with engine.connect() as connection:
                    total += connection.execute(
                        text("SELECT count(*) FROM outbox WHERE published_at IS NULL AND topic LIKE :p"),
                        {"p": self.prefix + "%"},
                    ).scalar_one()
            except Exception:  # noqa: BLE001
                return None
        return total

    def topic_records(self, topic: str) -> list[bytes]:
        consumer = KafkaConsumer(bootstrap_servers=self.broker.bootstrap.split(","), enable_auto_commit=False)
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        end = consumer.end_offsets(partitions)
        values: list[bytes] = []
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            for records in consumer.poll(timeout_ms=1000).values():
                values += [r.value for r in records]
        consumer.close()
        return values

    def task_ids(self) -> set[str]:
        """The evaluation tasks of the flow's completions."""
        with self.engines["evaluation"].connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT t.id FROM tasks t JOIN participations p ON "
                    "p.enrollment_id = t.enrollment_id WHERE p.program_id = :tag"
                ),
                {"tag": self.tag},
            )
            return {row[0] for row in rows}

    def verify(self, dead_letters: int = 0) -> dict[str, int]:
        """Every effect exactly once; the events the evaluation worker published, each once (ids)."""
        assert len(self.task_ids()) == 3 * self.completions
        published = [json.loads(v) for v in self.topic_records(f"{self.prefix}bangkom.evaluation.v1")]
        created = [e["id"] for e in published if e["type"].endswith("EvaluationTaskCreated.v1")]
        assert len(set(created)) == 3 * self.completions, "every EvaluationTaskCreated reached the topic"
        for service in ("needs", "evaluation"):
            letters = self.topic_records(f"{self.prefix}bangkom.dlq.{service}")
            assert len(letters) == dead_letters, (service, len(letters))
        return {"events": self.sent + self.poison, "wire_duplicates": len(created) - len(set(created))}

    def close(self) -> None:
        for workers in self.workers.values():
            for worker in workers:
                worker.stop()
        self.producer.close(timeout=10)
        for engine in self.engines.values():
            engine.dispose()


@pytest.fixture
def flow(fault_infra, tmp_path):
    flow = Flow(fault_infra, tmp_path)
    yield flow
    flow.close()


def _report(name: str, figures: dict) -> None:
    report("fault suite", name, figures)


def _outage(flow: Flow, name: str, down: Callable[[], None], up: Callable[[], None], pause: float) -> None:
    """A steady flow; 8 s in, ``down``; ``pause`` s later, ``up`` (which returns once the part answers again)."""
    flow.start_all()
    producer = flow.produce()
    time.sleep(8)
    down()
    time.sleep(pause)
    up()
    healed = time.monotonic()
    resumed = {s: flow.resumed_after(s, healed) for s in ("needs", "evaluation")}
    settled = flow.settle(producer)
    figures = flow.verify() | {f"resumed_{s}_s": v for s, v in resumed.items()} | {"settled_s": settled}
    _report(name, figures)
    assert max(resumed.values()) <= RESUME_GOAL, figures


def test_broker_killed_and_back(flow):
    _outage(flow, "broker kill -9, back after 3 s", flow.broker.kill, flow.broker.start, pause=3)


def test_each_worker_killed_and_restarted(flow):
    flow.start_all()
    producer = flow.produce(rate=RATE / 2)  # four kills, each awaited: the flow lasts about 53 s
    resumed = {}
    for round_, service in enumerate(("needs", "evaluation", "training", "evaluation"), start=1):
        time.sleep(4)
        worker = flow.workers[service][0]
        worker.kill()
        worker.start()  # the same instance id: it takes its partitions back without waiting for the group
        healed = time.monotonic()
        resumed[f"resumed_{service}_{round_}_s"] = flow.resumed_after(service, healed)
    settled = flow.settle(producer)
    figures = flow.verify() | resumed | {"settled_s": settled}
    _report("each worker kill -9 (4 times)", figures)
    assert max(resumed.values()) <= RESUME_GOAL, figures


def test_postgresql_restarted(flow):
    _outage(
        flow, "PostgreSQL restarted", lambda: flow.postgres.run("stop"), lambda: flow.postgres.run("start"), pause=2
    )


def test_poison_records_and_two_relays_at_once(flow):
    """Two instances of the evaluation worker (two relays on one outbox, the group's partitions shared) and
    records that are not events, or events that break the schema, in the flow: each dead-lettered once."""
    flow.start("needs")
    flow.start("training")
    flow.start("evaluation", instances=2)
    not_an_event = b"{not json"
    wrong = json.dumps({"specversion": "1.0", "id": "x", "type": "bangkom.training.TrainingCompleted.v1"}).encode()
    producer = flow.produce(lambda i: (not_an_event if i % 2 else wrong) if i % 100 == 7 else None)
    settled = flow.settle(producer)
    figures = flow.verify(dead_letters=flow.poison) | {"dead_letters": flow.poison, "settled_s": settled}
    _report("poison records + two relays", figures)
    assert figures["wire_duplicates"] == 0, "two relays never send the same row twice"
