"""The topic plan: every topic Bangkom uses, its partitions and settings, created or checked by ``bangkom topics``.

A production cluster has topic auto-creation off (deploy/k8s/kafka.yaml), so the topics are created from this plan
(``bangkom topics create``), and a worker creates the ones it touches from the same plan when they are missing.
The plan follows the settings: ``KAFKA_TOPIC_PARTITIONS`` partitions for each event topic (the most worker
instances of one service that share its work: docs/operations.md), ``KAFKA_REPLICATION_FACTOR`` copies of each
partition, of which ``min.insync.replicas`` (the factor less one, at least 1) must hold a record before a producer
with ``acks=all`` gets its answer: a cluster of three loses no acknowledged event when one broker dies.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from collections.abc import Iterable

from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import TopicAlreadyExistsError

from shared.config import Settings

log = logging.getLogger(__name__)

CONSUMERS = ("needs", "training", "evaluation", "notifications", "gateway", "audit")  # each has its dead-letter topic
EVENT_RETENTION_MS = 30 * 24 * 3600 * 1000  # a consumer down for a month can still catch up
DEAD_LETTER_RETENTION_MS = 90 * 24 * 3600 * 1000  # a quarter to find the cause and replay
DEAD_LETTER_PARTITIONS = 3  # dead letters are few; the order of a service's letters matters less


@dataclasses.dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    replication_factor: int
    config: dict[str, str]
    key: str  # what the record key is, for people

    def new_topic(self) -> NewTopic:
        return NewTopic(self.name, self.partitions, self.replication_factor, topic_configs=dict(self.config))


def min_insync_replicas(replication_factor: int) -> int:
    return max(1, replication_factor - 1)


def plan(settings: Settings) -> list[Topic]:
    """Every topic, with the settings' prefix, partitions and replication factor."""
    from shared.events import event_types  # the catalogue: which services publish

    event_topics = sorted({event_type.topic for event_type in event_types()})  # a service's, and its audit topic
    replication = settings.kafka_replication_factor
    durable = {"min.insync.replicas": str(min_insync_replicas(replication))}
    topics = [
        Topic(
            f"{settings.kafka_topic_prefix}{topic}",
            settings.kafka_topic_partitions,
            replication,
            {"retention.ms": str(EVENT_RETENTION_MS), **durable},
            "the event type's ordering key: NIP or program id; the request id on an audit topic (docs/events.md)",
        )
        for topic in event_topics
    ]
    topics += [
        Topic(
            f"{settings.kafka_topic_prefix}bangkom.dlq.{service}",
            min(DEAD_LETTER_PARTITIONS, settings.kafka_topic_partitions),
            replication,
            {"retention.ms": str(DEAD_LETTER_RETENTION_MS), **durable},
            "the original record's key, unchanged",
        )
        for service in CONSUMERS
    ]
    return topics


def _admin(settings: Settings) -> KafkaAdminClient:
    return KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers.split(","), client_id="bangkom-topics")


def create(settings: Settings, names: Iterable[str] | None = None, wait_seconds: float = 60.0) -> list[str]:
    """Create the planned topics (``names`` of them, or all) that do not exist yet, then wait until every partition
    has a leader: a consumer that joins its group before that is assigned nothing for the topic and may not notice
    it for a long time. Returns the names created. Existing topics are left as they are (``check`` reports them)."""
    wanted = [t for t in plan(settings) if names is None or t.name in set(names)]
    admin = _admin(settings)
    try:
        missing = [t for t in wanted if t.name not in set(admin.list_topics())]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another worker created one meanwhile
                admin.create_topics([t.new_topic() for t in missing])
            log.info("created topics", extra={"topics": [t.name for t in missing]})
        deadline = time.monotonic() + wait_seconds
        while True:
            described = admin.describe_topics([t.name for t in wanted])
            ready = all(
                d["error_code"] == 0 and d["partitions"] and all(p["leader_id"] >= 0 for p in d["partitions"])
                for d in described
            )
            if ready or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        return [t.name for t in missing]
    finally:
        admin.close()


@dataclasses.dataclass
class TopicState:
    topic: Topic
    exists: bool
    partitions: int = 0
    replication_factor: int = 0
    under_replicated: int = 0  # partitions with fewer in-sync replicas than replicas
    offline: int = 0  # partitions without a leader
    config: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        if not self.exists:
            return ["missing"]
        found = []
        if self.partitions < self.topic.partitions:
            found.append(f"{self.partitions} partitions, the plan has {self.topic.partitions}")
        if self.replication_factor != self.topic.replication_factor:
            found.append(f"replication factor {self.replication_factor}, the plan has {self.topic.replication_factor}")
        for name, value in self.topic.config.items():
            if self.config.get(name) != value:
                found.append(f"{name}={self.config.get(name)}, the plan has {value}")
        if self.under_replicated:
            found.append(f"{self.under_replicated} partition(s) under-replicated")
        if self.offline:
            found.append(f"{self.offline} partition(s) without a leader")
        return found


def check(settings: Settings) -> list[TopicState]:
    """Each planned topic as the cluster has it: partitions, replication, settings, in-sync replicas."""
    admin = _admin(settings)
    try:
        topics = plan(settings)
        existing = set(admin.list_topics())
        states = {t.name: TopicState(t, t.name in existing) for t in topics}
        present = [t.name for t in topics if t.name in existing]
        if present:
            for described in admin.describe_topics(present):
                state = states[described["name"]]
                partitions = described["partitions"]
                state.partitions = len(partitions)
                state.replication_factor = min((len(p["replica_nodes"]) for p in partitions), default=0)
                state.under_replicated = sum(len(p["isr_nodes"]) < len(p["replica_nodes"]) for p in partitions)
                state.offline = sum(p["leader_id"] < 0 for p in partitions)
            resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in present]
            described_configs = admin.describe_configs(resources, config_filter="all")["topic"]
            for name, entries in described_configs.items():
                states[name].config = {key: entry["value"] for key, entry in entries.items()}
        return list(states.values())
    finally:
        admin.close()
