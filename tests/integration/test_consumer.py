"""Idempotent consumer against a real Kafka broker and PostgreSQL: duplicates, crashes, poison records."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid

from kafka import KafkaConsumer
from sqlalchemy import delete, select, update

from shared.metrics import CONSUMERS_RENEWED
from tests.backbone_models import ConsumerPosition, JpCredit, ProcessedEvent
from tests.integration.conftest import (
    HANDLERS,
    consume_until,
    credited,
    record_outcomes,
    training_completed,
)
from tests.waiting import wait_for


class KilledBeforeOffsetCommit(BaseException):
    """Stands for the process dying between the database commit and the offset commit."""


def test_the_same_record_twice_takes_effect_once(new_topic, kafka_producer, make_consumer, database):
    topic = new_topic("twice")
    event = training_completed()
    for _ in range(2):
        kafka_producer.send(topic, key=event.key.encode(), value=event.to_json())
    kafka_producer.flush()

    consumer = make_consumer([topic])
    outcomes = record_outcomes(consumer)
    consume_until(consumer, lambda: len(outcomes) == 2)

    assert outcomes == ["handled", "duplicate"]
    assert credited(database, event.data["enrollment_id"]) == 1


def test_killed_after_db_commit_before_offset_commit_then_restarted(
    new_topic, kafka_producer, make_consumer, database, unique
):
    """The broker never heard of the record's offset; the database that holds its effect holds its position too."""
    topic = new_topic("killed")
    group = unique("group")
    event, later = training_completed(), training_completed()
    kafka_producer.send(topic, key=event.key.encode(), value=event.to_json()).get(timeout=10)

    first = make_consumer([topic], group=group)

    def die(offsets, wait=False):
        raise KilledBeforeOffsetCommit

    first.offsets.commit = die
    with contextlib.suppress(KilledBeforeOffsetCommit):
        consume_until(first, lambda: credited(database, event.data["enrollment_id"]) == 1)
    first.close()  # without committing: the group's offset at the broker still points at the record
    assert credited(database, event.data["enrollment_id"]) == 1

    kafka_producer.send(topic, key=later.key.encode(), value=later.to_json()).get(timeout=10)
    restarted = make_consumer([topic], group=group)
    outcomes = record_outcomes(restarted)
    consume_until(restarted, lambda: outcomes != [])

    assert outcomes == ["handled"], "it starts from the position stored with the effect: the record is not read again"
    assert credited(database, event.data["enrollment_id"]) == 1
    assert credited(database, later.data["enrollment_id"]) == 1


def _positions(database, group: str) -> dict[int, int]:
    with database.sessions() as session:
        rows = session.execute(
            select(ConsumerPosition.partition, ConsumerPosition.next_offset).where(ConsumerPosition.group_id == group)
        )
        return dict(rows.all())


def _restore_to(database, group: str, lost: list, position: int) -> None:
    """What a restore to an earlier point does to the database: the effects, the handled ids and the position of the
    events after it are gone."""
    ids = [e.data["enrollment_id"] for e in lost]
    with database.sessions() as session:
        session.execute(delete(JpCredit).where(JpCredit.enrollment_id.in_(ids)))
        session.execute(delete(ProcessedEvent).where(ProcessedEvent.event_id.in_([e.id for e in lost])))
        session.execute(update(ConsumerPosition).where(ConsumerPosition.group_id == group).values(next_offset=position))
        session.commit()


def test_a_database_restored_to_an_earlier_point_re_reads_exactly_what_it_lost(
    new_topic, kafka_producer, make_consumer, database, unique
):
    topic = new_topic("restored", partitions=1)
    group = unique("group")
    events = [training_completed() for _ in range(5)]

    def send(batch):
        for event in batch:
            kafka_producer.send(topic, key=event.key.encode(), value=event.to_json())
        kafka_producer.flush()

    send(events[:3])
    consumer = make_consumer([topic], group=group)
    consume_until(consumer, lambda: all(credited(database, e.data["enrollment_id"]) for e in events[:3]))
    assert _positions(database, group) == {0: 3}, "the position is stored with the effects"

    # restored while the worker runs: its next write finds the position moved, it seeks back and re-reads
    _restore_to(database, group, lost=events[1:3], position=1)
    send(events[3:4])
    consume_until(consumer, lambda: credited(database, events[3].data["enrollment_id"]) == 1)
    assert [credited(database, e.data["enrollment_id"]) for e in events[:4]] == [1, 1, 1, 1]
    consumer.close()
    assert _positions(database, group) == {0: 4}

    # restored while the worker was down, to before its first position: the broker's offset (4) is ahead of the data
    _restore_to(database, group, lost=events[:4], position=0)
    with database.sessions() as session:
        session.execute(delete(ConsumerPosition).where(ConsumerPosition.group_id == group))
        session.commit()
    send(events[4:])
    successor = make_consumer([topic], group=group)
    outcomes = record_outcomes(successor)
    consume_until(successor, lambda: len(outcomes) == 5)
    assert outcomes == ["handled"] * 5, "every event the database no longer holds, once"
    assert [credited(database, e.data["enrollment_id"]) for e in events] == [1] * 5
    assert _positions(database, group) == {0: 5}


def test_poison_records_go_to_the_dead_letter_topic_and_the_partition_moves_on(
    new_topic, kafka_producer, make_consumer, database, read_topic, topic_prefix
):
    topic = new_topic("poison", partitions=1)
    unknown = training_completed().to_dict() | {"type": "bangkom.training.TrainingTeleported.v1"}
    failing = training_completed(title="poison")
    good = training_completed()
    values = [b"{not json", json.dumps(unknown).encode(), failing.to_json(), good.to_json()]
    for value in values:
        kafka_producer.send(topic, key=b"198609262015051001", value=value, headers=[("origin", b"test")])
    kafka_producer.flush()

    consumer = make_consumer([topic], max_attempts=3)
    consume_until(consumer, lambda: credited(database, good.data["enrollment_id"]) == 1)

    dead = read_topic(f"{topic_prefix}bangkom.dlq.test", expected=3)
    assert [r.value for r in dead] == values[:3], "the original values, unchanged"
    headers = [dict(r.headers) for r in dead]
    assert [h["dlq.reason"] for h in headers] == [b"invalid", b"unknown_type", b"handler_failed"]
    assert [h["dlq.original.offset"] for h in headers] == [b"0", b"1", b"2"]
    for h in headers:
        assert h["dlq.original.topic"] == topic.encode()
        assert h["dlq.original.partition"] == b"0"
        assert h["origin"] == b"test", "the original headers are kept"
    assert headers[0]["dlq.error.type"] == b"InvalidEvent"
    assert b"not JSON" in headers[0]["dlq.error.message"]
    assert b"unknown event type" in headers[1]["dlq.error.message"]
    assert headers[2]["dlq.error.type"] == b"RuntimeError" and headers[2]["dlq.attempts"] == b"3"
    assert credited(database, failing.data["enrollment_id"]) == 0, "a failed handler leaves no partial effect"


def test_event_types_without_a_handler_are_skipped(new_topic, kafka_producer, make_consumer, read_topic, topic_prefix):
    from shared.events import new_event

    topic = new_topic("other", partitions=1)
    other = new_event(
        "ParticipantEnrolled",
        {"enrollment_id": "e-9", "nip": "198609262015051001", "program_id": "p", "batch_id": "b"},
    )
    kafka_producer.send(topic, key=other.key.encode(), value=other.to_json()).get(timeout=10)
    consumer = make_consumer([topic])
    outcomes = record_outcomes(consumer)
    consume_until(consumer, lambda: outcomes != [])
    assert outcomes == ["ignored"]
    assert read_topic(f"{topic_prefix}bangkom.dlq.test", expected=1, timeout=2) == []


def test_stop_finishes_the_current_record_and_leaves_the_rest(
    new_topic, kafka_producer, make_consumer, database, unique
):
    topic = new_topic("stop", partitions=1)
    group = unique("group")
    first, second = training_completed(), training_completed()
    for event in (first, second):
        kafka_producer.send(topic, key=event.key.encode(), value=event.to_json())
    kafka_producer.flush()

    def credit_then_sigterm(event, uow):
        HANDLERS["TrainingCompleted"](event, uow)
        consumer.stop.set()  # SIGTERM arrives while this record is being handled

    consumer = make_consumer([topic], group=group, handlers={"TrainingCompleted": credit_then_sigterm})
    consume_until(consumer, lambda: consumer.stop.is_set())
    consumer.close()
    assert credited(database, first.data["enrollment_id"]) == 1
    assert credited(database, second.data["enrollment_id"]) == 0

    successor = make_consumer([topic], group=group)
    outcomes = record_outcomes(successor)
    consume_until(successor, lambda: outcomes != [])
    assert outcomes == ["handled"], "the successor starts after the finished record"
    assert credited(database, second.data["enrollment_id"]) == 1


def test_replaying_dead_letters_after_the_fix(
    new_topic, kafka_producer, make_consumer, database, kafka_bootstrap, topic_prefix, unique
):
    """``bangkom dead-letters replay``: the handler-failed record goes back to its topic once (the invalid one
    is left alone when only handler failures are asked for), and the fixed consumer handles it."""
    from shared.config import Settings
    from shared.dead_letters import list_dead_letters, replay

    topic = new_topic("replay", partitions=1)
    failing, good = training_completed(title="poison"), training_completed()
    for value in (b"{not json", failing.to_json(), good.to_json()):
        kafka_producer.send(topic, key=b"198609262015051001", value=value)
    kafka_producer.flush()
    group = unique("group")
    consumer = make_consumer([topic], group=group)
    consume_until(consumer, lambda: credited(database, good.data["enrollment_id"]) == 1)
    consumer.close()

    settings = Settings(
        service="test",
        database_url="sqlite://",
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=topic_prefix,
    )
    letters = list_dead_letters(settings)
    assert [(d.reason, d.original_topic) for d in letters] == [("invalid", topic), ("handler_failed", topic)]
    assert replay(settings, reasons={"handler_failed"}, dry_run=True) == {
        "replayed": 1,
        "skipped": 1,
        "unknown_topic": 0,
    }
    assert replay(settings, reasons={"handler_failed"}) == {"replayed": 1, "skipped": 1, "unknown_topic": 0}
    # replayed once; the invalid letter still waits for its own replay (it used to be passed over for good)
    assert replay(settings, reasons={"handler_failed"}) == {"replayed": 0, "skipped": 1, "unknown_topic": 0}
    said = []
    found = replay(settings, reasons={"invalid"}, dry_run=True, progress=lambda letter, outcome: said.append(outcome))
    assert found == {"replayed": 1, "skipped": 0, "unknown_topic": 0} and said == ["would_replay"]

    def fixed(event, uow):  # the cause is fixed: the program title no longer breaks the handler
        data = event.load_data()
        uow.session.add(JpCredit(nip=data["nip"], enrollment_id=data["enrollment_id"], jp=data["jp"]))

    restarted = make_consumer([topic], group=group, handlers={"TrainingCompleted": fixed})
    outcomes = record_outcomes(restarted)
    consume_until(restarted, lambda: credited(database, failing.data["enrollment_id"]) == 1)
    assert outcomes == ["handled"]


def test_a_poll_is_handled_in_one_transaction_and_a_failing_event_alone_goes_one_at_a_time(
    new_topic, kafka_producer, make_consumer, database, read_topic, topic_prefix
):
    """Two hundred events and twenty of them again, then a poll with one event whose handler fails: the first are
    handled together (each once, the repeats recognised in the same poll); in the second the failing one is retried
    and dead-lettered alone, the others of its poll handled once, in order."""
    topic = new_topic("together", partitions=2)
    events = [training_completed() for _ in range(200)]
    for event in [*events, *events[:20]]:
        kafka_producer.send(topic, key=event.key.encode(), value=event.to_json())
    kafka_producer.flush()
    consumer = make_consumer([topic], max_attempts=2)
    outcomes = record_outcomes(consumer)
    together = []
    handle_together = consumer._handle_together
    consumer._handle_together = lambda records: together.append(handle_together(records)) or together[-1]
    consume_until(consumer, lambda: len(outcomes) == 220)
    assert sorted(outcomes).count("handled") == 200 and outcomes.count("duplicate") == 20
    assert all(credited(database, e.data["enrollment_id"]) == 1 for e in events)
    assert sum(len(settled) for settled, _ in together) == 220, "every record settled by the polls' transactions"

    before, failing, after = training_completed(), training_completed(title="poison"), training_completed()
    for event in (before, failing, after):
        kafka_producer.send(topic, key=b"198609262015051001", value=event.to_json())  # one partition: in order
    kafka_producer.flush()
    consume_until(consumer, lambda: len(outcomes) == 223)
    assert outcomes[-3:] == ["handled", "dead_lettered", "handled"]
    assert (
        credited(database, before.data["enrollment_id"]) == 1 and credited(database, after.data["enrollment_id"]) == 1
    )
    assert credited(database, failing.data["enrollment_id"]) == 0
    (dead,) = read_topic(f"{topic_prefix}bangkom.dlq.test", expected=1)
    assert dead.value == failing.to_json()


def test_a_commit_the_broker_refused_goes_again_with_the_next_poll_even_without_records(
    new_topic, kafka_producer, make_consumer
):
    """The group's coordinator moved (a broker died) while the last records of a partition were committed: the
    refused commit goes again with the next poll, though nothing new arrives, so the group shows no lag and the next
    consumer does not get those records again."""
    from kafka import TopicPartition
    from kafka.errors import NotCoordinatorError

    topic = new_topic("refused", partitions=1)
    events = [training_completed() for _ in range(5)]
    for event in events:
        kafka_producer.send(topic, key=event.key.encode(), value=event.to_json())
    kafka_producer.flush()
    consumer = make_consumer([topic])
    outcomes = record_outcomes(consumer)
    commit_async = consumer.consumer.commit_async
    refused = []

    def coordinator_moved(offsets, callback):  # the broker's answer to this one commit: NotCoordinator
        refused.append(offsets)
        consumer.consumer.commit_async = commit_async
        callback(offsets, NotCoordinatorError("the coordinator moved"))

    consumer.consumer.commit_async = coordinator_moved
    consume_until(consumer, lambda: len(outcomes) == 5)
    partition = TopicPartition(topic, 0)
    assert refused and refused[-1][partition].offset == 5
    assert (consumer.consumer.committed(partition) or 0) < 5, "refused: not committed yet"
    consume_until(consumer, lambda: consumer.consumer.committed(partition) == 5)  # polls that bring nothing
    assert len(outcomes) == 5


def _running(consumer) -> threading.Thread:
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    return thread


def test_a_member_stuck_outside_its_group_joins_again_and_one_idle_in_a_stable_group_never_does(
    new_topic, kafka_producer, make_consumer, database, kafka_bootstrap, unique
):
    """A rebalance that cannot end (a member of the group that stopped polling holds it) keeps a joining consumer
    outside its group: past its limit it joins again as a new member. Once the group is stable, a second consumer
    without a partition (one partition, two members) is inside its group and stays as it is."""
    topic, group, service = new_topic("stuck", partitions=1), unique("group"), f"stuck-{uuid.uuid4().hex[:6]}"
    renewals = CONSUMERS_RENEWED.labels(service)
    hostage = KafkaConsumer(
        bootstrap_servers=kafka_bootstrap.split(","),
        group_id=group,
        enable_auto_commit=False,
        session_timeout_ms=10000,
        max_poll_interval_ms=300000,
    )
    hostage.subscribe([topic])
    wait_for("the hostage joined", lambda: hostage.poll(timeout_ms=200) is not None and hostage.assignment(), 30)

    stuck = make_consumer([topic], group=group, service=service, rejoin_after_seconds=3.0)
    consumers, running = [stuck], [_running(stuck)]
    try:
        # the hostage holds the rebalance (it does not poll, so it never joins again): the consumer stays outside
        wait_for("the consumer outside its group to join again", lambda: renewals._value.get() >= 1, 30)
        hostage.close()  # the rebalance can end
        event = training_completed()
        kafka_producer.send(topic, key=event.key.encode(), value=event.to_json()).get(timeout=10)
        wait_for("the event to be handled", lambda: credited(database, event.data["enrollment_id"]) == 1, 60)

        idle = make_consumer([topic], group=group, service=service, rejoin_after_seconds=3.0)
        consumers.append(idle)
        running.append(_running(idle))
        wait_for("the group to settle", lambda: stuck.consumer.assignment() or idle.consumer.assignment(), 60)
        settled = renewals._value.get()
        time.sleep(8)  # well past the limit: the member without a partition is inside a stable group
        assert renewals._value.get() == settled
        assert {len(stuck.consumer.assignment()), len(idle.consumer.assignment())} == {0, 1}
        later = training_completed()
        kafka_producer.send(topic, key=later.key.encode(), value=later.to_json()).get(timeout=10)
        wait_for("the later event to be handled", lambda: credited(database, later.data["enrollment_id"]) == 1, 30)
    finally:
        for consumer in consumers:
            consumer.stop.set()
        for thread in running:
            thread.join(timeout=30)
        with contextlib.suppress(Exception):
            hostage.close()
