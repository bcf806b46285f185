"""The audit trail's pure rules: what an entry's action and objects are, how a search by person matches, what changed."""

import datetime as dt

from services.audit import domain


def test_a_change_made_is_its_operation_and_any_other_event_its_name():
    made = {
        "request_id": "r-1",
        "method": "PUT",
        "route": "/api/v1/needs/employees/<nip>",
        "path": "/api/v1/needs/employees/1",
    }
    assert domain.action_of("ChangeMade", made) == "PUT /api/v1/needs/employees/<nip>"
    assert domain.action_of("TrainingCompleted", {"nip": "1"}) == "TrainingCompleted"


def test_the_objects_of_an_event_are_its_ids_in_its_data_its_nested_records_and_the_ids_in_a_path():
    completed = {
        "nip": "199204272022212010",
        "batch_id": "b-7",
        "program_title": "Pelatihan GIS",
        "jp": 24,
        "competencies": [{"code": "T-GIS", "target_level": 3}],
        "active": True,
    }
    found = domain.objects_of("TrainingCompleted", completed, "199204272022212010")
    assert {"199204272022212010", "nip:199204272022212010", "b-7", "batch_id:b-7", "T-GIS", "code:T-GIS"} <= found
    assert not any("Pelatihan" in o or o.endswith(":24") or "True" in o for o in found), (
        "names and figures are no objects"
    )
    made = {
        "request_id": "r-2",
        "method": "POST",
        "route": "/api/v1/training/batches/<batch_id>/enrollments/<nip>/withdrawal",
        "path": "/api/v1/training/batches/b-9/enrollments/197505052000031001/withdrawal",
    }
    in_path = domain.objects_of("ChangeMade", made, "r-2")
    assert {"b-9", "batch_id:b-9", "197505052000031001", "nip:197505052000031001", "r-2"} <= in_path
    assert not {"batches", "enrollments", "withdrawal", "training"} & in_path, "the route's own words are not objects"
    year = {
        "request_id": "r-3",
        "method": "PUT",
        "route": "/api/v1/needs/sbu/<int:year>",
        "path": "/api/v1/needs/sbu/2027",
    }
    assert "year:2027" in domain.objects_of("ChangeMade", year, "r-3")


def test_a_search_by_person_matches_a_user_a_nip_a_partner_every_key_of_it_a_job_or_a_kind():
    assert domain.actor_matches("bkpsdm.admin") == [
        ("person:bkpsdm.admin", ""),
        ("", "partner:bkpsdm.admin/"),
        ("system:bkpsdm.admin", "system:bkpsdm.admin/"),
    ]
    assert ("", "partner:UNIMAL/") in domain.actor_matches("UNIMAL")
    assert ("system:needs", "system:needs/") in domain.actor_matches("needs")
    assert domain.actor_matches("partner:UNIMAL/pk_1") == [("partner:UNIMAL/pk_1", "partner:UNIMAL/pk_1/")]
    assert domain.actor_matches("system") == [("", "system:")]


def test_what_changed_is_every_field_of_either_marked_where_they_differ():
    before = {"name": "Cut Nyak Dien", "unit_code": "OPD-BPBD", "email": None}
    after = {"name": "Cut Nyak Dhien", "unit_code": "OPD-BPBD", "rank": "III/a"}
    changes = {c["field"]: (c["before"], c["after"], c["changed"]) for c in domain.changes(before, after)}
    assert changes == {
        "email": (None, None, False),
        "name": ("Cut Nyak Dien", "Cut Nyak Dhien", True),
        "rank": (None, "III/a", True),
        "unit_code": ("OPD-BPBD", "OPD-BPBD", False),
    }
    assert all(c["changed"] for c in domain.changes(None, {"nip": "1", "name": "A"})), "no event before: all new"


def test_a_searchs_days_are_the_instansis_midnights_both_days_included():
    start, end = domain.day_bounds(dt.date(2026, 3, 1), dt.date(2026, 3, 7), "Asia/Jakarta")
    assert start == dt.datetime(2026, 2, 28, 17, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 3, 7, 17, 0, tzinfo=dt.UTC)
    assert domain.day_bounds(None, None, "Asia/Jayapura") == (None, None)
    wit, _ = domain.day_bounds(dt.date(2026, 3, 1), None, "Asia/Jayapura")
    assert wit == dt.datetime(2026, 2, 28, 15, 0, tzinfo=dt.UTC)
