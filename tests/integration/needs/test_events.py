"""The needs worker's event handlers through a real Kafka consumer: JP credits, the closed loop, nominations."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select

from services.needs.models import JpCredit
from shared.events import new_event
from tests.integration.conftest import consume_until, record_outcomes
from tests.integration.needs.test_api import events_of


def _training_completed(nip: str, skill: str, jp: int = 24, on: dt.date | None = None):
    return new_event(
        "TrainingCompleted",
        {
            "enrollment_id": str(uuid.uuid4()),
            "nip": nip,
            "program_id": "p-gis",
            "batch_id": "b-1",
            "program_title": "Pelatihan GIS untuk Kebencanaan",
            "form": "pelatihan",
            "jp": jp,
            "competencies": [{"code": skill, "target_level": 3}],
            "attendance_rate": 0.9,
            "completed_on": on or dt.date.today(),
            "partner_code": "UNIMAL",
        },
    )


def _competency_assessed(nip: str, skill: str, level: int, on: dt.date, enrollment_id: str = "e-1"):
    return new_event(
        "CompetencyAssessed",
        {
            "assessment_id": str(uuid.uuid4()),
            "nip": nip,
            "competency_code": skill,
            "level": level,
            "source": "post_training",
            "enrollment_id": enrollment_id,
            "program_id": "p-gis",
            "assessed_on": on,
            "assessor_nip": None,
        },
    )


def _send(kafka_producer, topic: str, *events) -> None:
    for event in events:
        kafka_producer.send(topic, key=event.key.encode(), value=event.to_json())
    kafka_producer.flush()


def test_training_completed_replayed_credits_jp_once_and_needs_await_evaluation(
    api, position, competency, employee, settings, kafka_producer, needs_consumer, needs_db, year
):
    skill = competency()
    nip = employee(position({skill: 3}))
    event = _training_completed(nip, skill, jp=24)
    topic = settings.kafka_topic_prefix + "bangkom.training.v1"
    _send(kafka_producer, topic, event, event)  # delivered twice

    consumer = needs_consumer([topic])
    outcomes = record_outcomes(consumer)
    consume_until(consumer, lambda: len(outcomes) == 2)
    assert outcomes == ["handled", "duplicate"]
    with needs_db.sessions() as session:
        assert session.scalar(select(func.sum(JpCredit.jp)).where(JpCredit.nip == nip)) == 24

    assert api("GET", f"/employees/{nip}/jp?year={year}")["realised"] == 24
    [need] = api("GET", f"/needs?year={year}&nip={nip}&competency_code={skill}")
    assert need["status"] == "awaiting_evaluation"
    # 24 JP ≥ 20: the JP shortfall no longer weighs on the priority (gap 2 × 1 × 1)
    assert need["priority_score"] == 2.0


def test_competency_assessed_closes_the_need_or_reopens_it(
    api, position, competency, employee, settings, kafka_producer, needs_consumer, relay_events, year
):
    met, not_met = competency(), competency()
    nip = employee(position({met: 3, not_met: 4}))
    training, evaluation = (settings.kafka_topic_prefix + t for t in ("bangkom.training.v1", "bangkom.evaluation.v1"))
    consumer = needs_consumer([training, evaluation])
    outcomes = record_outcomes(consumer)
    _send(kafka_producer, training, _training_completed(nip, met), _training_completed(nip, not_met))
    consume_until(consumer, lambda: len(outcomes) == 2)  # the evaluation comes months after the training
    today = dt.date.today()
    _send(
        kafka_producer,
        evaluation,
        _competency_assessed(nip, met, 3, today),
        _competency_assessed(nip, not_met, 2, today),
    )
    consume_until(consumer, lambda: len(outcomes) == 4)
    assert outcomes == ["handled"] * 4

    needs = {n["competency_code"]: n for n in api("GET", f"/needs?year={year}&nip={nip}")}
    assert (needs[met]["status"], needs[met]["closed_reason"]) == ("closed", "gap_closed")
    assert (needs[not_met]["status"], needs[not_met]["current_level"], needs[not_met]["gap"]) == ("open", 2, 2)

    events = relay_events(expected=5)
    closed = events_of(events, "DevelopmentNeedClosed", nip)
    assert [(e["data"]["competency_code"], e["data"]["reason"]) for e in closed] == [(met, "gap_closed")]
    identified = [e["data"] for e in events_of(events, "DevelopmentNeedIdentified", nip)]
    # opened when the employee arrived (both), then the unmet one again after its evaluation
    assert [(d["competency_code"], d["current_level"]) for d in identified if d["competency_code"] == not_met] == [
        (not_met, 1),
        (not_met, 2),
    ]
    assert len({d["need_id"] for d in identified if d["competency_code"] == not_met}) == 1, "the same need"


def test_enrolment_in_a_published_program_puts_the_need_in_training(
    api, position, competency, employee, settings, kafka_producer, needs_consumer, year
):
    skill = competency()
    nip = employee(position({skill: 2}))
    program_id = str(uuid.uuid4())
    published = new_event(
        "ProgramPublished",
        {
            "program_id": program_id,
            "code": "PLT-GIS",
            "title": "Pelatihan GIS",
            "form": "pelatihan",
            "delivery": "klasikal",
            "jp": 24,
            "partner_code": "PNL",
            "competencies": [{"code": skill, "target_level": 3}],
            "starts_on": dt.date(year, 12, 1),
            "ends_on": dt.date(year, 12, 4),
        },
    )
    enrolled = new_event(
        "ParticipantEnrolled",
        {"enrollment_id": str(uuid.uuid4()), "nip": nip, "program_id": program_id, "batch_id": "b"},
    )
    topic = settings.kafka_topic_prefix + "bangkom.training.v1"
    _send(kafka_producer, topic, published)
    consumer = needs_consumer([topic])
    outcomes = record_outcomes(consumer)
    consume_until(consumer, lambda: len(outcomes) == 1)
    _send(kafka_producer, topic, enrolled)
    consume_until(consumer, lambda: len(outcomes) == 2)
    [need] = api("GET", f"/needs?year={year}&nip={nip}&competency_code={skill}")
    assert need["status"] == "in_training"


def test_an_evaluation_handled_before_its_training_completion_is_not_undone(
    api, position, competency, employee, settings, kafka_producer, needs_consumer, year
):
    skill = competency()
    nip = employee(position({skill: 4}))
    completed = _training_completed(nip, skill)
    assessed = _competency_assessed(nip, skill, 2, dt.date.today(), enrollment_id=completed.data["enrollment_id"])
    evaluation, training = (settings.kafka_topic_prefix + t for t in ("bangkom.evaluation.v1", "bangkom.training.v1"))
    consumer = needs_consumer([training, evaluation])
    outcomes = record_outcomes(consumer)
    _send(kafka_producer, evaluation, assessed)  # e.g. a backlog drained in another order
    consume_until(consumer, lambda: len(outcomes) == 1)
    _send(kafka_producer, training, completed)
    consume_until(consumer, lambda: len(outcomes) == 2)
    [need] = api("GET", f"/needs?year={year}&nip={nip}")
    assert (need["status"], need["current_level"]) == ("open", 2), "not left awaiting an evaluation that came"
    assert api("GET", f"/employees/{nip}/jp?year={year}")["realised"] == 24


def test_an_expired_project_assessment_sends_the_awaited_need_back_to_the_plan(
    api, position, competency, employee, settings, kafka_producer, needs_consumer, year
):
    """A need no longer waits in awaiting_evaluation forever when the evaluation that would close it expired."""
    skill = competency()
    nip = employee(position({skill: 3}))
    completed = _training_completed(nip, skill)
    expired = new_event(
        "EvaluationTaskExpired",
        {
            "task_id": str(uuid.uuid4()),
            "kind": "behavior",
            "nip": nip,
            "enrollment_id": completed.data["enrollment_id"],
            "program_id": "p-gis",
            "competency_codes": [skill],
        },
    )
    training, evaluation = (settings.kafka_topic_prefix + f"bangkom.{s}.v1" for s in ("training", "evaluation"))
    _send(kafka_producer, training, completed)
    consumer = needs_consumer([training, evaluation])
    outcomes = record_outcomes(consumer)
    consume_until(consumer, lambda: len(outcomes) == 1)
    [need] = api("GET", f"/needs?year={year}&nip={nip}&competency_code={skill}")
    assert need["status"] == "awaiting_evaluation"
    _send(kafka_producer, evaluation, expired)
    consume_until(consumer, lambda: len(outcomes) == 2)
    [need] = api("GET", f"/needs?year={year}&nip={nip}&competency_code={skill}")
    assert need["status"] == "open"


def test_a_revoked_completion_takes_its_jp_out_and_closing_again_credits_them_once(
    api, position, competency, employee, settings, kafka_producer, needs_consumer, needs_db, year, relay_events
):
    skill = competency()
    nip = employee(position({skill: 3}))
    first = _training_completed(nip, skill, jp=24)
    enrollment = first.data["enrollment_id"]
    revoked = new_event(
        "TrainingDecisionRevoked",
        {
            "enrollment_id": enrollment,
            "nip": nip,
            "program_id": "p-gis",
            "batch_id": "b-1",
            "revoked": "completed",
            "reason": "Daftar hadir salah input",
            "competencies": [{"code": skill, "target_level": 3}],
        },
    )
    again = new_event("TrainingCompleted", first.load_data())  # the batch closed again: same enrolment, new event
    topic = settings.kafka_topic_prefix + "bangkom.training.v1"
    consumer = needs_consumer([topic])
    outcomes = record_outcomes(consumer)

    _send(kafka_producer, topic, first)
    consume_until(consumer, lambda: len(outcomes) == 1)
    assert api("GET", f"/employees/{nip}/jp?year={year}")["realised"] == 24
    _send(kafka_producer, topic, revoked, revoked)
    consume_until(consumer, lambda: len(outcomes) == 3)
    assert api("GET", f"/employees/{nip}/jp?year={year}")["realised"] == 0
    [need] = api("GET", f"/needs?year={year}&nip={nip}&competency_code={skill}")
    assert need["status"] == "in_training"  # enrolled again, until the batch closes again
    _send(kafka_producer, topic, again)
    consume_until(consumer, lambda: len(outcomes) == 4)
    assert outcomes == ["handled", "handled", "duplicate", "handled"]
    with needs_db.sessions() as session:
        assert session.scalar(select(func.sum(JpCredit.jp)).where(JpCredit.nip == nip)) == 24
    [need] = api("GET", f"/needs?year={year}&nip={nip}&competency_code={skill}")
    assert need["status"] == "awaiting_evaluation"
    ledger = [
        (e["data"]["jp"], e["data"]["year_total"])
        for e in relay_events(expected=4)
        if e["type"].endswith(".JpCredited.v1") and e["data"]["nip"] == nip
    ]
    assert ledger == [(24, 24), (-24, 0), (24, 24)]

    # BKPSDM may close a need awaiting an evaluation that will not come, only saying why
    refused = api("PATCH", f"/needs/{need['id']}", 422, json={"status": "closed"})
    assert refused["errors"][0]["field"] == "note"
    note = "Evaluasi proyek tidak dapat dilakukan: pegawai tugas belajar; kesenjangan diterima."
    closed = api("PATCH", f"/needs/{need['id']}", json={"status": "closed", "note": note})
    assert (closed["status"], closed["closed_reason"], closed["note"]) == ("closed", "cancelled", note)
