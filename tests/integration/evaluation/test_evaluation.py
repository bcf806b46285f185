"""The evaluation service on real PostgreSQL and Kafka: tasks from TrainingCompleted, submissions, the closed loop."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from services.evaluation import commands, handlers
from services.evaluation.app import create_app
from services.evaluation.models import Outbox, ProcessedEvent
from shared import identity
from shared.consumer import EventConsumer
from shared.events import new_event
from shared.outbox import OutboxRelay
from tests import factories
from tests.integration.conftest import consume_until, record_outcomes
from tests.integration.needs.conftest import new_nip
from tests.services import SECRET


@pytest.fixture
def api(settings):
    client = create_app(settings).test_client()

    def call(method, path, expect=200, who: identity.Identity | None = ADMIN, **kwargs):
        headers = {identity.HEADER: identity.encode(who, SECRET) if who else ""}
        response = client.open(f"/api/v1/evaluation{path}", method=method, headers=headers, **kwargs)
        assert response.status_code == expect, response.get_data(as_text=True)
        return response.json if response.is_json else response

    return call


@pytest.fixture
def consume(evaluation_db, producer, kafka_bootstrap, kafka_producer, settings, unique):
    """Send events to this test's topics and let the evaluation worker's consumer handle them."""
    consumer = EventConsumer(
        service="evaluation",
        database=evaluation_db,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        topic_prefix=settings.kafka_topic_prefix,
        handlers=handlers.event_handlers(settings),
        topics=[settings.kafka_topic_prefix + t for t in handlers.TOPICS],
        group_id=unique("evaluation"),
        bootstrap_servers=kafka_bootstrap,
        producer=producer,
        dead_letter_topic=settings.dead_letter_topic,
        poll_ms=200,
        consumer_options={"session_timeout_ms": 10000, "heartbeat_interval_ms": 1000},
    )
    outcomes = record_outcomes(consumer)

    def send(*events) -> list[str]:
        before = len(outcomes)
        for event in events:
            kafka_producer.send(
                settings.kafka_topic_prefix + event.topic, key=event.key.encode(), value=event.to_json()
            )
        kafka_producer.flush()
        consume_until(consumer, lambda: len(outcomes) == before + len(events))
        return outcomes[before:]

    yield send
    consumer.close()


@pytest.fixture
def relay_events(evaluation_db, producer, read_topic, settings):
    def read(expected: int) -> list[dict]:
        relay = OutboxRelay(evaluation_db, Outbox, producer, "evaluation")
        while relay.run_once():
            pass
        return [json.loads(r.value) for r in read_topic(settings.topic, expected=expected)]

    return read


def employee_synced(nip: str, supervisor: str | None, unit: str = "BPBD"):
    return factories.employee_synced(nip, supervisor, unit)


def completed(nip: str, batch_id: str, program_id: str = "prog-gis", enrollment_id: str | None = None):
    return new_event(
        "TrainingCompleted",
        {
            "enrollment_id": enrollment_id or str(uuid.uuid4()),
            "nip": nip,
            "program_id": program_id,
            "batch_id": batch_id,
            "program_title": "Pelatihan GIS",
            "form": "pelatihan",
            "jp": 24,
            "competencies": [{"code": "T-GIS", "target_level": 3}, {"code": "M-KOMUNIKASI", "target_level": 2}],
            "attendance_rate": 0.9,
            "completed_on": dt.date.today() - dt.timedelta(days=1),
            "partner_code": "UNIMAL",
            "certificate_number": "X/1",
        },
    )


def person(nip: str, role: str) -> identity.Identity:
    return identity.Identity(nip, (role,))


PARTNER = identity.Identity("pk_unimal", ("partner",), "UNIMAL")
ADMIN = identity.Identity("bkpsdm.admin", ("admin",))
RUBRIC = {
    "project_title": "Peta rawan banjir Kecamatan Banda Sakti",
    "description": "Memetakan titik rawan banjir dengan QGIS dan data BPBD.",
    "rubric": [{"competency_code": "T-GIS", "level": 3}, {"competency_code": "M-KOMUNIKASI", "level": 2}],
}


def test_training_completed_yields_exactly_three_tasks_and_replays_nothing_more(api, consume, relay_events):
    nip, supervisor, batch = new_nip(), new_nip(), str(uuid.uuid4())
    event = completed(nip, batch)
    # two topics: Kafka orders them independently, so only the outcomes, not their order, are certain
    assert sorted(consume(employee_synced(nip, supervisor), event, event)) == ["duplicate", "handled", "handled"]
    again = completed(nip, batch, enrollment_id=event.data["enrollment_id"])  # same enrolment, new event id
    assert consume(again) == ["handled"]

    tasks = {t["kind"]: t for t in api("GET", f"/tasks?nip={nip}")}
    assert set(tasks) == {"reaction", "learning", "behavior"}
    assert tasks["reaction"]["assignee_nip"] == nip
    assert (tasks["learning"]["assignee_nip"], tasks["learning"]["assignee_partner"]) == (None, "UNIMAL")
    assert (tasks["behavior"]["assignee_nip"], tasks["behavior"]["flagged"]) == (supervisor, False)
    created = [e for e in relay_events(expected=3) if e["type"].endswith(".EvaluationTaskCreated.v1")]
    assert sorted(e["data"]["kind"] for e in created) == ["behavior", "learning", "reaction"]


def test_a_participant_without_supervisor_gets_a_flagged_task_that_a_known_supervisor_takes_over(api, consume):
    nip, batch = new_nip(), str(uuid.uuid4())
    consume(completed(nip, batch))
    [behavior] = api("GET", f"/tasks?nip={nip}&kind=behavior")
    assert (behavior["assignee_nip"], behavior["flagged"]) == (None, True)
    assert behavior["id"] in {t["id"] for t in api("GET", "/tasks?flagged=true&page_size=100")}
    supervisor = new_nip()
    consume(employee_synced(nip, supervisor))
    [behavior] = api("GET", f"/tasks?nip={nip}&kind=behavior")
    assert (behavior["assignee_nip"], behavior["flagged"]) == (supervisor, False)


def test_a_new_supervisor_takes_over_the_open_project_assessment_and_the_former_one_cannot_submit(api, consume):
    nip, former, batch = new_nip(), new_nip(), str(uuid.uuid4())
    consume(employee_synced(nip, former), completed(nip, batch))
    [behavior] = api("GET", f"/tasks?nip={nip}&kind=behavior")
    assert behavior["assignee_nip"] == former
    successor = new_nip()
    consume(employee_synced(nip, successor))  # SIMPEG names another supervisor
    [behavior] = api("GET", f"/tasks?nip={nip}&kind=behavior")
    assert (behavior["assignee_nip"], behavior["flagged"]) == (successor, False)
    submission = f"/tasks/{behavior['id']}/submission"
    api("POST", submission, 403, who=person(former, "supervisor"), json=RUBRIC)
    assert api("POST", submission, 201, who=person(successor, "supervisor"), json=RUBRIC)["submitted_by"] == successor


def test_bkpsdm_gives_a_flagged_project_assessment_to_a_supervisor_who_is_told_and_alone_submits(
    api, consume, relay_events
):
    nip, batch, chosen, stranger = new_nip(), str(uuid.uuid4()), new_nip(), new_nip()
    consume(completed(nip, batch), employee_synced(chosen, None))  # nobody known above the participant: flagged
    tasks = {t["kind"]: t for t in api("GET", f"/tasks?nip={nip}")}
    behavior, assignee = tasks["behavior"], f"/tasks/{tasks['behavior']['id']}/assignee"
    assert behavior["flagged"]
    reason = {"reason": "Atasan langsung belum tercatat di SIMPEG"}
    api("PUT", assignee, 422, json={"assignee_nip": stranger, **reason})  # not an employee Bangkom knows
    api("PUT", assignee, 422, json={"assignee_nip": nip, **reason})  # the participant assesses nobody's project
    api("PUT", f"/tasks/{tasks['reaction']['id']}/assignee", 409, json={"assignee_nip": chosen, **reason})
    api("PUT", assignee, 403, who=person(chosen, "supervisor"), json={"assignee_nip": chosen, **reason})
    given = api("PUT", assignee, json={"assignee_nip": chosen, **reason})
    assert (given["assignee_nip"], given["flagged"], given["status"]) == (chosen, False, "open")
    [event] = [e for e in relay_events(expected=4) if e["type"].endswith(".EvaluationTaskReassigned.v1")]
    assert event["data"] | {"due_on": None} == {
        "task_id": behavior["id"],
        "kind": "behavior",
        "nip": nip,
        "assignee_nip": chosen,
        "previous_assignee_nip": None,
        "enrollment_id": behavior["enrollment_id"],
        "program_id": "prog-gis",
        "due_on": None,
        "reason": reason["reason"],
    }
    assert chosen_sees(api, chosen) == [behavior["id"]]
    assert api("POST", f"/tasks/{behavior['id']}/submission", 201, who=person(chosen, "supervisor"), json=RUBRIC)
    api("PUT", assignee, 409, json={"assignee_nip": chosen, **reason})  # submitted: no longer reassigned


def chosen_sees(api, supervisor: str) -> list[str]:
    return [t["id"] for t in api("GET", "/my/tasks?status=open", who=person(supervisor, "supervisor"))]


def test_a_behaviour_submission_yields_competency_assessed_and_only_the_assignee_submits_once(
    api, consume, relay_events
):
    nip, supervisor, batch = new_nip(), new_nip(), str(uuid.uuid4())
    consume(employee_synced(nip, supervisor), completed(nip, batch))
    tasks = {t["kind"]: t for t in api("GET", f"/tasks?nip={nip}")}
    behavior = f"/tasks/{tasks['behavior']['id']}/submission"

    api("POST", behavior, 401, who=None, json=RUBRIC)
    api("POST", behavior, 403, who=person(new_nip(), "supervisor"), json=RUBRIC)
    api("POST", behavior, 403, who=person(nip, "employee"), json=RUBRIC)
    bad = api(
        "POST",
        behavior,
        422,
        who=person(supervisor, "supervisor"),
        json=RUBRIC | {"rubric": [{"competency_code": "T-LAIN", "level": 3}, {"competency_code": "T-GIS", "level": 9}]},
    )
    assert {e["field"] for e in bad["errors"]} == {"rubric.1.level"}
    bad = api(
        "POST",
        behavior,
        422,
        who=person(supervisor, "supervisor"),
        json=RUBRIC | {"rubric": [{"competency_code": "T-LAIN", "level": 3}]},
    )
    assert bad["errors"][0]["field"] == "rubric.0.competency_code"
    done = api("POST", behavior, 201, who=person(supervisor, "supervisor"), json=RUBRIC)
    assert done["status"] == "submitted" and done["submitted_by"] == supervisor
    api("POST", behavior, 409, who=person(supervisor, "supervisor"), json=RUBRIC)

    assessed = [e for e in relay_events(expected=5) if e["type"].endswith(".CompetencyAssessed.v1")]
    assert sorted((e["data"]["competency_code"], e["data"]["level"]) for e in assessed) == [
        ("M-KOMUNIKASI", 2),
        ("T-GIS", 3),
    ]
    assert {(e["data"]["source"], e["data"]["assessor_nip"], e["data"]["nip"]) for e in assessed} == {
        ("post_training", supervisor, nip)
    }

    corrected = api(
        "PUT",
        behavior,
        200,
        who=ADMIN,
        json={
            "reason": "Salah input level komunikasi",
            "submission": RUBRIC
            | {"rubric": [{"competency_code": "T-GIS", "level": 3}, {"competency_code": "M-KOMUNIKASI", "level": 3}]},
        },
    )
    assert corrected["submission"]["rubric"][1]["level"] == 3
    api("PUT", behavior, 403, who=person(supervisor, "supervisor"), json={"reason": "saya ubah", "submission": RUBRIC})
    assessed = [e for e in relay_events(expected=7) if e["type"].endswith(".CompetencyAssessed.v1")]
    assert len(assessed) == 4, "the correction re-assesses"


def test_reaction_and_learning_submissions_validate_scores_and_assignees(api, consume):
    nip, batch = new_nip(), str(uuid.uuid4())
    consume(completed(nip, batch))
    tasks = {t["kind"]: t for t in api("GET", f"/tasks?nip={nip}")}
    reaction, learning = (f"/tasks/{tasks[k]['id']}/submission" for k in ("reaction", "learning"))
    answers = {"content": 5, "trainer": 4, "relevance": 5, "organisation": 4, "themes": ["waktu"], "comments": "Bagus"}
    bad = api("POST", reaction, 422, who=person(nip, "employee"), json=answers | {"trainer": 6, "themes": ["cuaca"]})
    assert {e["field"] for e in bad["errors"]} == {"trainer", "themes.0"}
    api("POST", reaction, 403, who=ADMIN, json=answers)
    api("POST", reaction, 201, who=person(nip, "employee"), json=answers)
    assert api("GET", "/my/tasks?status=submitted", who=person(nip, "employee"))[0]["kind"] == "reaction"
    bad = api("POST", learning, 422, who=PARTNER, json={"pre_score": -1, "post_score": 101})
    assert {e["field"] for e in bad["errors"]} == {"pre_score", "post_score"}
    api("POST", learning, 403, who=identity.Identity("pk_x", ("partner",), "OTHER"), json={"post_score": 80})
    api("POST", learning, 201, who=PARTNER, json={"pre_score": 55, "post_score": 80})


def scored(nip: str, enrollment_id: str, batch_id: str, test: str, score: float):
    return new_event(
        "LearningTestRecorded",
        {
            "enrollment_id": enrollment_id,
            "nip": nip,
            "program_id": "prog-gis",
            "batch_id": batch_id,
            "test": test,
            "score": score,
        },
    )


def test_the_scores_entered_in_training_answer_the_partners_learning_task_and_a_new_score_corrects_it(
    api, consume, relay_events
):
    nip, batch, enrollment = new_nip(), str(uuid.uuid4()), str(uuid.uuid4())
    other_nip, other_enrollment = new_nip(), str(uuid.uuid4())
    consume(scored(nip, enrollment, batch, "pre", 40), scored(nip, enrollment, batch, "post", 70))
    consume(
        completed(nip, batch, enrollment_id=enrollment), completed(other_nip, batch, enrollment_id=other_enrollment)
    )
    learning = api("GET", f"/tasks?nip={nip}&kind=learning")[0]
    assert (learning["status"], learning["submitted_by"]) == ("submitted", "training"), "the post-test came first"
    assert learning["submission"] == {"pre_score": 40, "post_score": 70}

    waiting = api("GET", "/my/tasks?status=open&kind=learning&page_size=100", who=PARTNER)
    assert other_nip in {t["nip"] for t in waiting} and nip not in {t["nip"] for t in waiting}
    assert api("GET", "/my/tasks?status=open", who=identity.Identity("pk_x", ("partner",), "OTHER")) == []
    consume(scored(other_nip, other_enrollment, batch, "post", 65))  # no pre-test: a post-test alone
    [other] = api("GET", f"/tasks?nip={other_nip}&kind=learning")
    assert (other["status"], other["submission"]) == ("submitted", {"pre_score": None, "post_score": 65})

    assert consume(scored(nip, enrollment, batch, "post", 70)) == ["handled"]  # the same score: nothing changes
    consume(scored(nip, enrollment, batch, "post", 85))
    learning = api("GET", f"/tasks/{learning['id']}")
    assert learning["submission"] == {"pre_score": 40, "post_score": 85}
    submitted = [
        e["data"]["nip"] for e in relay_events(expected=8) if e["type"].endswith(".EvaluationTaskSubmitted.v1")
    ]
    assert sorted(submitted) == sorted([nip, other_nip]), "a corrected score is not a second submission"


def test_bkpsdm_closes_an_open_task_with_a_reason_and_may_reopen_it(api, consume, relay_events):
    nip, batch, supervisor = new_nip(), str(uuid.uuid4()), new_nip()
    consume(employee_synced(nip, supervisor), completed(nip, batch))
    [behavior] = api("GET", f"/tasks?nip={nip}&kind=behavior")
    close = f"/tasks/{behavior['id']}/close"
    api("POST", close, 403, who=person(supervisor, "supervisor"), json={"reason": "Proyek dibatalkan"})
    api("POST", close, 422, json={})
    closed = api("POST", close, json={"reason": "Proyek dibatalkan oleh OPD"})
    assert (closed["status"], closed["closed_reason"], closed["closed_by"]) == (
        "expired",
        "Proyek dibatalkan oleh OPD",
        "bkpsdm.admin",
    )
    refused = api("POST", close, 409, json={"reason": "lagi"})
    assert "Hanya tugas yang masih terbuka" in refused["detail"]
    [expired] = [e for e in relay_events(expected=4) if e["type"].endswith(".EvaluationTaskExpired.v1")]
    assert (expired["data"]["task_id"], expired["data"]["competency_codes"]) == (
        behavior["id"],
        ["T-GIS", "M-KOMUNIKASI"],
    )
    due = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    reopened = api("POST", f"/tasks/{behavior['id']}/reopen", json={"due_on": due})
    assert (reopened["status"], reopened["closed_reason"]) == ("open", None)


def test_a_batch_whose_tasks_are_all_done_is_evaluated_once(api, consume, relay_events, settings):
    batch, program = str(uuid.uuid4()), f"prog-{uuid.uuid4().hex[:6]}"
    people = [(new_nip(), new_nip()) for _ in range(6)]
    consume(*[employee_synced(nip, sup) for nip, sup in people], *[completed(nip, batch, program) for nip, _ in people])
    pre_post = [(40, 70), (50, 65), (60, 80), (55, 60), (30, 62), (45, 75)]
    for (nip, supervisor), (pre, post) in zip(people, pre_post, strict=True):
        tasks = {t["kind"]: t["id"] for t in api("GET", f"/tasks?nip={nip}")}
        api(
            "POST",
            f"/tasks/{tasks['reaction']}/submission",
            201,
            who=person(nip, "employee"),
            json={"content": 4, "trainer": 5, "relevance": 4, "organisation": 4, "themes": ["materi"]},
        )
        api(
            "POST",
            f"/tasks/{tasks['learning']}/submission",
            201,
            who=PARTNER,
            json={"pre_score": pre, "post_score": post},
        )
        api("POST", f"/tasks/{tasks['behavior']}/submission", 201, who=person(supervisor, "supervisor"), json=RUBRIC)
    report = api("GET", f"/reports/batches/{batch}")
    assert report["participants"] == 6 and report["reaction"]["mean"] == 4.25
    assert report["learning"]["p_value"] == pytest.approx(1 / 64, abs=1e-6) and report["learning"]["significant"]
    assert (report["behavior_pass_rate"], report["recommendation"]) == (1.0, "repeat")
    assert report["themes"] == [{"theme": "materi", "count": 6}]
    evaluated = [e for e in relay_events(expected=31) if e["type"].endswith(".ProgramEvaluated.v1")]
    assert [(e["data"]["batch_id"], e["data"]["recommendation"]) for e in evaluated] == [(batch, "repeat")]
    xlsx = api("GET", f"/reports/programs/{program}?format=xlsx")
    assert xlsx.headers["Content-Type"].startswith("application/vnd.openxmlformats")


def _created_days_ago(database, nip: str, days: int) -> None:
    """As if the worker had created the participant's tasks ``days`` ago (due dates count from creation)."""
    from sqlalchemy import update

    from services.evaluation.models import Task

    with database.sessions() as session:
        session.execute(update(Task).where(Task.nip == nip).values(due_on=Task.due_on - dt.timedelta(days=days)))
        session.commit()


def test_tasks_are_due_from_their_creation_not_overdue_at_birth(consume, api, settings):
    """A batch closed long after its last meeting: the tasks get the whole answering time from today."""
    nip, batch = new_nip(), str(uuid.uuid4())
    late = completed(nip, batch)
    late = new_event("TrainingCompleted", late.data | {"completed_on": dt.date.today() - dt.timedelta(days=8)})
    consume(late)
    tasks = {t["kind"]: t for t in api("GET", f"/tasks?nip={nip}")}
    assert api("GET", f"/tasks?nip={nip}&overdue=true") == []
    assert tasks["reaction"]["due_on"] == (settings.today() + dt.timedelta(days=settings.reaction_due_days)).isoformat()


def test_overdue_tasks_are_listed_expired_and_measured(api, consume, evaluation_db, settings):
    nip, batch = new_nip(), str(uuid.uuid4())
    old = completed(nip, batch)
    old = new_event("TrainingCompleted", old.data | {"completed_on": dt.date.today() - dt.timedelta(days=30)})
    unit = f"OPD-{uuid.uuid4().hex[:6]}"
    consume(employee_synced(nip, None, unit))
    consume(old)
    _created_days_ago(evaluation_db, nip, 30)
    overdue = api("GET", f"/tasks?nip={nip}&overdue=true")
    assert sorted(t["kind"] for t in overdue) == ["behavior", "learning", "reaction"]  # behaviour opened at once here
    by_unit = {g["key"]: g for g in api("GET", "/overdue/by-unit")}
    assert (by_unit[unit]["open"], by_unit[unit]["overdue"]) == (3, 3)
    assert any(g["key"] is None and g["overdue"] >= 2 for g in api("GET", "/overdue/by-assignee")), "learning: partner"
    metrics = create_app(settings).test_client().get("/metrics").get_data(as_text=True)
    assert 'bangkom_evaluation_tasks_overdue{kind="reaction"}' in metrics
    assert api("POST", "/expire")["overdue"] >= 3
    assert {t["status"] for t in api("GET", f"/tasks?nip={nip}")} == {"expired"}
    assert api("GET", f"/reports/batches/{batch}")["tasks"]["reaction"] == {"open": 0, "submitted": 0, "expired": 1}


def test_an_expired_project_assessment_is_announced_and_can_be_reopened_for_a_late_answer(
    api, consume, evaluation_db, settings, relay_events
):
    nip, supervisor, batch = new_nip(), new_nip(), str(uuid.uuid4())
    consume(employee_synced(nip, supervisor), completed(nip, batch))
    _created_days_ago(evaluation_db, nip, 60)
    assert api("POST", "/expire")["overdue"] >= 3
    expired = [e for e in relay_events(expected=4) if e["type"].endswith(".EvaluationTaskExpired.v1")]
    assert [(e["data"]["kind"], e["data"]["competency_codes"]) for e in expired] == [
        ("behavior", ["T-GIS", "M-KOMUNIKASI"])
    ]
    [behavior] = api("GET", f"/tasks?nip={nip}&kind=behavior")
    reopen = f"/tasks/{behavior['id']}/reopen"
    api("POST", reopen, 422, json={"due_on": (settings.today() - dt.timedelta(days=1)).isoformat()})
    later = (settings.today() + dt.timedelta(days=7)).isoformat()
    reopened = api("POST", reopen, json={"due_on": later})
    assert (reopened["status"], reopened["due_on"]) == ("open", later)
    api("POST", reopen, 409, json={"due_on": later})
    done = api("POST", f"/tasks/{behavior['id']}/submission", 201, who=person(supervisor, "supervisor"), json=RUBRIC)
    assert done["status"] == "submitted"


def test_a_passed_post_test_assesses_competencies_only_when_configured(settings, evaluation_db, relay_events):
    import dataclasses

    from shared.db import UnitOfWork

    configured = dataclasses.replace(settings, learning_assesses_competency=True, learning_pass_score=70)
    nip, batch = new_nip(), str(uuid.uuid4())
    with UnitOfWork(evaluation_db, Outbox, settings.kafka_topic_prefix) as uow:
        handlers.on_training_completed(completed(nip, batch), uow, configured)
        uow.commit()
    with evaluation_db.sessions() as session:
        from sqlalchemy import select

        from services.evaluation.models import Task

        learning_id = session.scalar(select(Task.id).where(Task.nip == nip, Task.kind == "learning"))
    with UnitOfWork(evaluation_db, Outbox, settings.kafka_topic_prefix) as uow:
        handlers.submit(uow, configured, learning_id, commands.LearningScores(pre_score=50, post_score=75), PARTNER)
    assessed = [e["data"] for e in relay_events(expected=5) if e["type"].endswith(".CompetencyAssessed.v1")]
    assert sorted((d["competency_code"], d["level"]) for d in assessed) == [("M-KOMUNIKASI", 2), ("T-GIS", 3)]


def test_a_reopened_batch_cancels_open_tasks_and_closing_again_opens_the_same_three(api, consume, relay_events):
    """TrainingDecisionRevoked (a batch reopened to correct it) cancels the open tasks, keeps an answered one; the
    completion that follows opens the cancelled ones again: never more than three tasks for one enrolment."""
    nip, supervisor, batch = new_nip(), new_nip(), str(uuid.uuid4())
    first = completed(nip, batch)
    enrollment = first.data["enrollment_id"]
    consume(employee_synced(nip, supervisor), first)
    tasks = {t["kind"]: t for t in api("GET", f"/tasks?nip={nip}")}
    feedback = {"content": 4, "trainer": 4, "relevance": 5, "organisation": 4}
    api("POST", f"/tasks/{tasks['reaction']['id']}/submission", 201, who=person(nip, "employee"), json=feedback)

    revoked = new_event(
        "TrainingDecisionRevoked",
        {
            "enrollment_id": enrollment,
            "nip": nip,
            "program_id": "prog-gis",
            "batch_id": batch,
            "revoked": "completed",
            "reason": "Daftar hadir salah input",
            "competencies": [{"code": "T-GIS", "target_level": 3}],
        },
    )
    assert consume(revoked, revoked) == ["handled", "duplicate"]
    after = {t["kind"]: t["status"] for t in api("GET", f"/tasks?nip={nip}")}
    assert after == {"reaction": "submitted", "learning": "cancelled", "behavior": "cancelled"}
    api("POST", f"/tasks/{tasks['behavior']['id']}/submission", 409, who=person(supervisor, "supervisor"), json=RUBRIC)
    figures = api("GET", f"/reports/batches/{batch}")
    assert figures["tasks"]["learning"] == {"open": 0, "submitted": 0, "expired": 0}

    assert consume(completed(nip, batch, enrollment_id=enrollment)) == ["handled"]  # the batch closed again
    again = api("GET", f"/tasks?nip={nip}")
    assert len(again) == 3 and {t["id"] for t in again} == {t["id"] for t in tasks.values()}
    assert {t["kind"]: t["status"] for t in again} == {"reaction": "submitted", "learning": "open", "behavior": "open"}
    created = [e["data"]["kind"] for e in relay_events(expected=5) if e["type"].endswith(".EvaluationTaskCreated.v1")]
    assert sorted(created) == ["behavior", "behavior", "learning", "learning", "reaction"]


def test_one_failing_project_among_three_participants_stops_no_program_and_shows_its_count(api, consume):
    """Three participants answered the questionnaire well; one supervisor rated a project below target, two have not
    assessed yet: the pass rate is shown as 0 of 1 and decides nothing ("belum cukup data"), so no "discontinue"."""
    batch, supervisor = str(uuid.uuid4()), new_nip()
    people = [new_nip() for _ in range(3)]
    for nip in people:
        consume(employee_synced(nip, supervisor), completed(nip, batch))
    feedback = {"content": 5, "trainer": 5, "relevance": 4, "organisation": 5}
    for nip in people:
        [reaction] = api("GET", f"/tasks?nip={nip}&kind=reaction")
        api("POST", f"/tasks/{reaction['id']}/submission", 201, who=person(nip, "employee"), json=feedback)
    [behavior] = api("GET", f"/tasks?nip={people[0]}&kind=behavior")
    below = RUBRIC | {
        "rubric": [{"competency_code": "T-GIS", "level": 1}, {"competency_code": "M-KOMUNIKASI", "level": 1}]
    }
    api("POST", f"/tasks/{behavior['id']}/submission", 201, who=person(supervisor, "supervisor"), json=below)
    figures = api("GET", f"/reports/batches/{batch}")
    assert figures["behavior"] == {"assessed": 1, "reached": 0, "enough": False}
    assert figures["behavior_pass_rate"] == 0.0 and figures["recommendation"] == "improve"


def test_a_correction_after_the_batch_was_evaluated_changes_the_programs_verdict(
    api, consume, evaluation_db, relay_events
):
    """The figures are not stored once and for all: a correction (or a late answer) evaluates the batch again, and a
    new ProgramEvaluated carries the program's verdict over its evaluated batches, which the training badge follows."""
    batch, program, nip = str(uuid.uuid4()), f"prog-{uuid.uuid4().hex[:6]}", new_nip()
    consume(employee_synced(nip, new_nip()), completed(nip, batch, program))
    tasks = {t["kind"]: t["id"] for t in api("GET", f"/tasks?nip={nip}")}
    poor = {"content": 2, "trainer": 2, "relevance": 2, "organisation": 2}
    api("POST", f"/tasks/{tasks['reaction']}/submission", 201, who=person(nip, "employee"), json=poor)
    _created_days_ago(evaluation_db, nip, 200)
    api("POST", "/expire")  # the test and the project expire: the batch is done
    corrected = {"content": 5, "trainer": 4, "relevance": 5, "organisation": 4}
    api(
        "PUT",
        f"/tasks/{tasks['reaction']}/submission",
        json={"reason": "Formulir kertas salah dientri", "submission": corrected},
    )
    api(
        "PUT",
        f"/tasks/{tasks['reaction']}/submission",
        json={"reason": "Dikirim dua kali", "submission": corrected},
    )  # the same figures again: nothing more to tell
    evaluated = [e["data"] for e in relay_events(expected=7) if e["type"].endswith(".ProgramEvaluated.v1")]
    assert [(e["program_id"], e["reaction_mean"], e["recommendation"]) for e in evaluated] == [
        (program, 2.0, "discontinue"),
        (program, 4.5, "improve"),
    ]
    assert api("GET", f"/reports/programs/{program}")["reaction"]["mean"] == 4.5


def test_a_seminar_asks_for_the_feedback_alone_and_its_verdict_rests_on_it(api, consume):
    """EVALUATION_LEVELS_BY_FORM (default: seminar=reaction): no test, no project for a 2-JP seminar."""
    batch, program, nip = str(uuid.uuid4()), f"prog-{uuid.uuid4().hex[:6]}", new_nip()
    seminar = completed(nip, batch, program)
    consume(employee_synced(nip, new_nip()), new_event("TrainingCompleted", seminar.load_data() | {"form": "seminar"}))
    [reaction] = api("GET", f"/tasks?nip={nip}")
    assert reaction["kind"] == "reaction"
    good = {"content": 5, "trainer": 4, "relevance": 5, "organisation": 4}
    api("POST", f"/tasks/{reaction['id']}/submission", 201, who=person(nip, "employee"), json=good)
    figures = api("GET", f"/reports/programs/{program}")  # the batch is done, so evaluated
    assert (figures["levels"], figures["recommendation"]) == (["reaction"], "repeat")


def test_an_opd_user_sees_the_evaluation_tasks_of_its_own_people_only(api, consume):
    ours, theirs, batch = new_nip(), new_nip(), str(uuid.uuid4())
    unit, other_unit = f"OPD-{uuid.uuid4().hex[:6]}", f"OPD-{uuid.uuid4().hex[:6]}"
    consume(employee_synced(ours, new_nip(), unit), employee_synced(theirs, new_nip(), other_unit))
    consume(completed(ours, batch), completed(theirs, batch))
    opd = identity.Identity("kepegawaian", ("opd",), unit_code=unit)
    listed = api("GET", f"/tasks?batch_id={batch}", who=opd)
    assert {t["nip"] for t in listed} == {ours} and len(listed) == 3
    refused = api("GET", f"/tasks?unit_code={other_unit}", 403, who=opd)
    assert refused["errors"][0]["field"] == "unit_code"
    [their_task, *_] = api("GET", f"/tasks?nip={theirs}")
    api("GET", f"/tasks/{their_task['id']}", 404, who=opd)  # another unit's task: as if it did not exist
    assert api("GET", f"/tasks/{listed[0]['id']}", who=opd)["nip"] == ours
    assert [row["key"] for row in api("GET", "/overdue/by-unit", who=opd)] in ([unit], [])
    api("POST", f"/tasks/{listed[0]['id']}/close", 403, who=opd, json={"reason": "x"})
