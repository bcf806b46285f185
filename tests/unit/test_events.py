"""CloudEvents envelope and the event catalogue (pure, no I/O)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from shared.events import (
    InvalidEvent,
    UnknownEventType,
    caused_by,
    derived_id,
    event_types,
    lookup,
    new_event,
    parse_event,
)

NIP = "198609262015051001"
SUPERVISOR = "197501012000031002"

# One valid payload per catalogue type: adding a type without a sample fails test_every_type_has_a_sample.
SAMPLES = {
    "ChangeMade": {
        "request_id": "req-1",
        "method": "PUT",
        "route": "/api/v1/needs/employees",
        "path": "/api/v1/needs/employees",
        "address": "10.20.30.40",
    },
    "EmployeeSynced": {
        "nip": NIP,
        "name": "Cut Nyak Dhien",
        "position_code": "JF-ANALIS-SDM",
        "position_name": "Analis SDM Aparatur",
        "unit_code": "BKPSDM",
        "unit_name": "Badan Kepegawaian dan Pengembangan SDM",
        "rank": "III/c",
        "supervisor_nip": SUPERVISOR,
        "employment_status": "PNS",
        "active": True,
    },
    "DevelopmentNeedIdentified": {
        "need_id": "n-1",
        "nip": NIP,
        "competency_code": "T-BENCANA",
        "competency_type": "teknis",
        "required_level": 3,
        "current_level": 1,
        "gap": 2,
        "priority_score": 7.5,
        "plan_year": 2027,
    },
    "DevelopmentNeedClosed": {"need_id": "n-1", "nip": NIP, "competency_code": "T-BENCANA", "reason": "gap_closed"},
    "ProgramPublished": {
        "program_id": "p-1",
        "code": "PLT-BENCANA-2027",
        "title": "Pelatihan Manajemen Bencana",
        "form": "pelatihan",
        "delivery": "klasikal",
        "jp": 24,
        "partner_code": "UNIMAL",
        "competencies": [{"code": "T-BENCANA", "target_level": 3}],
        "starts_on": dt.date(2027, 3, 1),
        "ends_on": dt.date(2027, 3, 4),
    },
    "ParticipantEnrolled": {"enrollment_id": "e-1", "nip": NIP, "program_id": "p-1", "batch_id": "b-1"},
    "BatchScheduled": {
        "batch_id": "b-1",
        "program_id": "p-1",
        "number": 1,
        "meetings": [
            {
                "meeting_no": 1,
                "date": dt.date(2027, 3, 1),
                "starts_at": dt.time(8, 0),
                "ends_at": dt.time(12, 0),
                "place": "Aula BKPSDM",
                "online": False,
            }
        ],
        "changed_meetings": [1],
    },
    "DevelopmentNeedUpdated": {
        "need_id": "n-1",
        "nip": NIP,
        "competency_code": "T-BENCANA",
        "status": "awaiting_evaluation",
        "gap": 2,
        "priority_score": 3.5,
        "plan_year": 2027,
    },
    "ExternalDevelopmentWithdrawn": {
        "record_id": "r-1",
        "nip": NIP,
        "title": "Kursus GIS daring",
        "reason": "Sertifikat milik orang lain",
        "withdrawn_by": "bkpsdm.admin",
    },
    "LearningTestRecorded": {
        "enrollment_id": "e-1",
        "nip": NIP,
        "program_id": "p-1",
        "batch_id": "b-1",
        "test": "pre",
        "score": 55.5,
    },
    "EvaluationTaskReassigned": {
        "task_id": "t-1",
        "kind": "behavior",
        "nip": NIP,
        "assignee_nip": "198501012010011002",
        "previous_assignee_nip": None,
        "enrollment_id": "e-1",
        "program_id": "p-1",
        "due_on": dt.date(2027, 7, 1),
        "reason": "Atasan langsung sedang tugas belajar",
    },
    "EvaluationTaskSubmitted": {
        "task_id": "t-1",
        "kind": "behavior",
        "nip": NIP,
        "assignee_nip": NIP,
        "enrollment_id": "e-1",
        "program_id": "p-1",
        "submitted_at": dt.datetime(2027, 6, 1, 9, 0, tzinfo=dt.UTC),
    },
    "AttendanceRecorded": {
        "enrollment_id": "e-1",
        "nip": NIP,
        "batch_id": "b-1",
        "meeting_no": 2,
        "status": "present",
        "partner_code": "UNIMAL",
        "recorded_at": dt.datetime(2027, 3, 2, 8, 0, tzinfo=dt.UTC),
    },
    "JpCredited": {
        "credit_id": "external:x-1",
        "nip": NIP,
        "year": 2027,
        "jp": 12,
        "source": "external",
        "year_total": 36,
    },
    "ExternalDevelopmentVerified": {
        "record_id": "x-1",
        "nip": NIP,
        "title": "E-learning Manajemen ASN",
        "form": "e-learning",
        "organiser": "LAN RI",
        "starts_on": dt.date(2027, 2, 1),
        "ends_on": dt.date(2027, 2, 10),
        "jp": 12,
        "competencies": [{"code": "M-INTEGRITAS", "level": 3}],
        "certificate_number": "LAN/2027/0001",
        "verified_by": "bkpsdm",
    },
    "ExternalDevelopmentRejected": {
        "record_id": "x-2",
        "nip": NIP,
        "title": "Seminar Nasional",
        "reason": "Sertifikat tidak terbaca.",
        "rejected_by": "bkpsdm",
    },
    "ParticipantWithdrawn": {
        "enrollment_id": "e-3",
        "nip": NIP,
        "program_id": "p-1",
        "batch_id": "b-1",
        "reason": "Tugas dinas ke Banda Aceh",
        "replaced_by": None,
    },
    "TrainingDecisionRevoked": {
        "enrollment_id": "e-1",
        "nip": NIP,
        "program_id": "p-1",
        "batch_id": "b-1",
        "revoked": "completed",
        "reason": "Daftar hadir pertemuan 3 salah input",
        "competencies": [{"code": "T-BENCANA", "target_level": 3}],
    },
    "TrainingCompleted": {
        "enrollment_id": "e-1",
        "nip": NIP,
        "program_id": "p-1",
        "batch_id": "b-1",
        "program_title": "Pelatihan Manajemen Bencana",
        "form": "pelatihan",
        "jp": 24,
        "competencies": [{"code": "T-BENCANA", "target_level": 3}],
        "attendance_rate": 1.0,
        "completed_on": dt.date(2027, 3, 4),
        "partner_code": "UNIMAL",
    },
    "TrainingNotCompleted": {
        "enrollment_id": "e-2",
        "nip": NIP,
        "program_id": "p-1",
        "batch_id": "b-1",
        "attendance_rate": 0.5,
        "reason": "attendance 50% below the required 80%",
    },
    "EvaluationTaskCreated": {
        "task_id": "t-1",
        "kind": "behavior",
        "nip": NIP,
        "assignee_nip": SUPERVISOR,
        "enrollment_id": "e-1",
        "program_id": "p-1",
        "due_on": dt.date(2027, 7, 1),
    },
    "EvaluationTaskExpired": {
        "task_id": "t-1",
        "kind": "behavior",
        "nip": NIP,
        "enrollment_id": "e-1",
        "program_id": "p-1",
        "competency_codes": ["T-GIS"],
    },
    "CompetencyAssessed": {
        "assessment_id": "a-1",
        "nip": NIP,
        "competency_code": "T-BENCANA",
        "level": 3,
        "source": "post_training",
        "enrollment_id": "e-1",
        "program_id": "p-1",
        "assessed_on": dt.date(2027, 7, 1),
        "assessor_nip": SUPERVISOR,
    },
    "ProgramEvaluated": {
        "program_id": "p-1",
        "batch_id": "b-1",
        "participants": 25,
        "reaction_mean": 4.2,
        "learning_gain": 18.5,
        "p_value": 0.003,
        "behavior_pass_rate": 0.8,
        "recommendation": "repeat",
    },
}


def test_every_type_has_a_sample():
    assert {t.name for t in event_types()} == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_catalogue_type_validates_and_round_trips(name):
    event = new_event(name, SAMPLES[name], correlation_id="c-1")
    assert event.type == f"bangkom.{lookup(name).service}.{name}.v1"
    assert event.specversion == "1.0" and event.correlationid == "c-1"
    assert event.time.endswith("Z")
    parsed = parse_event(event.to_json())
    assert parsed == event
    assert parsed.key == str(SAMPLES[name][lookup(name).key_field])
    assert parsed.subject == parsed.key
    json.loads(event.to_json())  # plain JSON: dates became strings


def test_loaded_data_has_python_types():
    event = parse_event(new_event("TrainingCompleted", SAMPLES["TrainingCompleted"]).to_json())
    assert event.load_data()["completed_on"] == dt.date(2027, 3, 4)


def test_invalid_payload_names_the_field():
    bad = SAMPLES["TrainingCompleted"] | {"nip": "12345", "jp": 0}
    bad.pop("program_id")
    with pytest.raises(InvalidEvent) as caught:
        new_event("TrainingCompleted", bad)
    errors = caught.value.errors["data"]
    assert errors["nip"] == ["NIP must be 18 digits."]
    assert "jp" in errors and "program_id" in errors
    assert "nip" in str(caught.value)


def test_an_incoming_record_with_an_invalid_payload_is_rejected():
    document = json.loads(new_event("ParticipantEnrolled", SAMPLES["ParticipantEnrolled"]).to_json())
    document["data"]["nip"] = "not-a-nip"
    with pytest.raises(InvalidEvent) as caught:
        parse_event(json.dumps(document))
    assert caught.value.errors == {"data": {"nip": ["NIP must be 18 digits."]}}


def test_unknown_type_is_rejected():
    document = json.loads(new_event("ParticipantEnrolled", SAMPLES["ParticipantEnrolled"]).to_json())
    document["type"] = "bangkom.training.ParticipantTeleported.v1"
    with pytest.raises(UnknownEventType) as caught:
        parse_event(json.dumps(document))
    assert "ParticipantTeleported" in str(caught.value)
    with pytest.raises(UnknownEventType):
        new_event("NoSuchEvent", {})


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"\xff\xfe", "value"),
        (b"[1, 2]", "value"),
        (b"{}", "id"),
        (json.dumps({"specversion": "0.3"}).encode(), "specversion"),
    ],
)
def test_records_that_are_not_cloudevents_are_rejected(raw, field):
    with pytest.raises(InvalidEvent) as caught:
        parse_event(raw)
    assert field in caught.value.errors


def test_extension_attributes_and_extra_data_fields_are_tolerated():
    document = json.loads(new_event("ParticipantEnrolled", SAMPLES["ParticipantEnrolled"]).to_json())
    document["traceparent"] = "00-abc-def-01"
    document["data"]["added_later"] = "ignored by v1 readers"
    assert parse_event(json.dumps(document)).data["nip"] == NIP


def test_what_an_event_causes_gets_the_same_ids_when_it_is_handled_again():
    """A database restored to an earlier point handles an event again: the events and rows it causes must carry the
    ids they had the first time, so that the services that received them recognise them."""

    def handle(service: str = "evaluation") -> list[str]:
        with caused_by(f"{service}/e-1"):
            return [derived_id(), new_event("EmployeeSynced", SAMPLES["EmployeeSynced"]).id, derived_id()]

    first, again = handle(), handle()
    assert first == again and len(set(first)) == 3
    assert not set(handle("needs")) & set(first), "another service handling the same event makes other ids"
    with caused_by("evaluation/e-2"):
        assert derived_id() not in first, "another cause, other ids"
    assert new_event("EmployeeSynced", SAMPLES["EmployeeSynced"]).id not in first, "no cause: a random id"
    assert derived_id() != derived_id()


def test_every_event_names_who_caused_it_and_in_which_request():
    from shared.identity import Identity
    from shared.logging import log_context

    with log_context(actor=Identity("198609262015051001", ("employee",)).actor, request_id="req-1"):
        event = new_event("EmployeeSynced", SAMPLES["EmployeeSynced"])
    assert (event.actor, event.requestid) == ("person:198609262015051001", "req-1")
    again = parse_event(event.to_json())
    assert (again.actor, again.requestid) == ("person:198609262015051001", "req-1"), "kept on the wire"
    assert again.handling()["actor"] == "person:198609262015051001", "and passed on to what it causes"
    job = new_event("EmployeeSynced", SAMPLES["EmployeeSynced"])
    assert job.actor == "system:needs" and "requestid" not in json.loads(job.to_json()), "no request: a system's"
    assert Identity("pk_1", ("partner",), "UNIMAL").actor == "partner:UNIMAL/pk_1"
    assert Identity("gateway", ("gateway",)).actor == "system:gateway"
