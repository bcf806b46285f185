"""Transactional outbox against real PostgreSQL and a real Kafka broker."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, select

from shared.outbox import OutboxRelay
from tests.backbone_models import JpCredit, Outbox
from tests.integration.conftest import credited, training_completed

TOPIC = "bangkom.training.v1"


def drain(relay: OutboxRelay) -> int:
    total = 0
    while (sent := relay.run_once()) > 0:
        total += sent
    return total


def test_state_change_and_event_commit_together(uow, relay, database, read_topic, topic_prefix):
    event = training_completed()
    with uow() as unit:
        unit.session.add(JpCredit(nip="198609262015051001", enrollment_id="state-1", jp=24))
        unit.publish(event)
        unit.commit()

    with database.sessions() as session:
        row = session.scalar(select(Outbox).where(Outbox.id == event.id))
        assert row is not None and row.published_at is None
        assert session.scalar(select(func.count()).where(JpCredit.enrollment_id == "state-1")) == 1

    drain(relay)
    records = read_topic(topic_prefix + TOPIC, expected=1)
    assert [json.loads(r.value)["id"] for r in records] == [event.id]
    record = records[0]
    assert record.key == b"198609262015051001"
    assert dict(record.headers)["content-type"] == b"application/cloudevents+json"
    with database.sessions() as session:
        assert session.scalar(select(Outbox.published_at).where(Outbox.id == event.id)) is not None


def test_rolled_back_transaction_publishes_nothing(uow, relay, database, read_topic, topic_prefix):
    event = training_completed()
    with pytest.raises(RuntimeError), uow() as unit:
        unit.session.add(JpCredit(nip="198609262015051001", enrollment_id="state-2", jp=24))
        unit.publish(event)
        raise RuntimeError("the command failed after publishing")

    with uow() as unit:  # left without commit(): rolled back as well
        unit.publish(training_completed())

    with database.sessions() as session:
        assert session.scalar(select(func.count()).where(Outbox.topic.startswith(topic_prefix))) == 0
        assert session.scalar(select(func.count()).where(JpCredit.enrollment_id == "state-2")) == 0
    drain(relay)
    assert read_topic(topic_prefix + TOPIC, expected=1, timeout=3) == []


class CrashingRelay(OutboxRelay):
    """Dies after Kafka acknowledged the batch, before the rows are marked sent."""

    def mark_sent(self, session, seqs):
        raise SystemExit("relay process killed")


def test_relay_crash_republishes_and_the_consumer_applies_once(
    uow, relay, database, producer, read_topic, topic_prefix, make_consumer
):
    event = training_completed()
    with uow() as unit:
        unit.publish(event)
        unit.commit()

    with pytest.raises(SystemExit):
        CrashingRelay(database, Outbox, producer, "test").run_once()
    with database.sessions() as session:
        assert session.scalar(select(Outbox.published_at).where(Outbox.id == event.id)) is None

    drain(relay)  # the next relay publishes the same row again
    records = read_topic(topic_prefix + TOPIC, expected=2)
    assert [json.loads(r.value)["id"] for r in records] == [event.id, event.id]

    consumer = make_consumer([topic_prefix + TOPIC])
    outcomes = [consumer.handle_record(r) for r in records]
    assert outcomes == ["handled", "duplicate"]
    assert credited(database, event.data["enrollment_id"]) == 1


def test_concurrent_relays_publish_each_row_once_in_order_per_key(uow, database, producer, read_topic, topic_prefix):
    keys = [f"1986092620150510{n:02d}" for n in range(10)]
    events = []
    with uow() as unit:
        for i in range(300):
            event = training_completed(enrollment_id=f"order-{i}", nip=keys[i % len(keys)])
            unit.publish(event)
            events.append(event)
        unit.commit()

    relays = [OutboxRelay(database, Outbox, producer, "test", batch_size=25) for _ in range(3)]
    threads = [threading.Thread(target=drain, args=(r,)) for r in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    records = read_topic(topic_prefix + TOPIC, expected=300)
    ids = [json.loads(r.value)["id"] for r in records]
    assert len(ids) == 300 and set(ids) == {e.id for e in events}, "each row exactly once"
    expected_order = {key: [e.id for e in events if e.key == key] for key in keys}
    seen_order: dict[str, list[str]] = {}
    for record in records:  # sorted by partition, offset: a key lives in one partition
        seen_order.setdefault(record.key.decode(), []).append(json.loads(record.value)["id"])
    assert seen_order == expected_order


def test_work_the_handlers_of_a_transaction_gather_is_done_once_in_it_before_the_commit_and_never_after_a_rollback(
    uow, database
):
    finished: list[list[int]] = []

    def finish(unit):
        def done(items: set) -> None:
            finished.append(sorted(items))
            unit.session.add(JpCredit(nip="198609262015051001", enrollment_id=f"gathered-{len(items)}", jp=len(items)))

        return done

    with uow() as unit:
        for n in (1, 2, 2, 3):  # three handlers, one of them twice
            unit.gather("credited", finish(unit)).add(n)
        assert finished == []
        unit.commit()
    assert finished == [[1, 2, 3]]
    with database.sessions() as session:  # what finish wrote committed with the rest
        assert session.scalar(select(func.count()).where(JpCredit.enrollment_id == "gathered-3")) == 1

    with uow() as unit:  # left without commit(): nothing gathered is done
        unit.gather("credited", finish(unit)).add(4)
    assert finished == [[1, 2, 3]]
