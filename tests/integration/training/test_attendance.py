"""Partner attendance on real PostgreSQL and Kafka: replays, corrections, shuffled order, isolation, completion."""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import Counter

from sqlalchemy import text

from tests.integration.training.conftest import SECRET  # noqa: F401 - the identity the fixtures sign with

EARLY = {"force_reason": "Ditutup dalam uji sebelum pertemuan terakhir"}  # the batches of these tests lie ahead


def test_ten_thousand_records_with_duplicates_in_any_order_give_exact_attendance_and_completions(
    api, partner, program, employees, relay_events
):
    rng = random.Random(2026)
    partner_code = partner()
    days = 40
    created, batch = program(partner_code, capacity=200, days=days)
    nips = employees(200)
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": nips})

    start = dt.datetime(2026, 10, 1, 8, tzinfo=dt.UTC)
    records, final = [], {}
    for nip in nips:
        attendance_rate = rng.choice([0.5, 0.75, 0.8, 0.9, 1.0])
        for meeting in range(1, days + 1):
            status = "present" if rng.random() < attendance_rate else rng.choice(["absent", "excused"])
            record = {
                "event_id": f"{nip}-{meeting}",
                "batch_id": batch["id"],
                "nip": nip,
                "meeting_no": meeting,
                "status": status,
                "recorded_at": (start + dt.timedelta(days=meeting - 1)).isoformat(),
            }
            records.append(record)
            final[(nip, meeting)] = status
    # a few corrections: a later record of the same meeting, under a new event id
    for nip, meeting in rng.sample(sorted(final), 200):
        status = "present" if final[(nip, meeting)] != "present" else "absent"
        records.append(
            {
                "event_id": f"{nip}-{meeting}-fix",
                "batch_id": batch["id"],
                "nip": nip,
                "meeting_no": meeting,
                "status": status,
                "recorded_at": (start + dt.timedelta(days=meeting, hours=2)).isoformat(),
            }
        )
        final[(nip, meeting)] = status
    unique_records = len(records)
    records += [dict(r) for r in rng.sample(records, k=unique_records // 4)]  # 20% of all sent are replays
    rng.shuffle(records)
    assert len(records) >= 10_000

    outcomes = Counter()
    for chunk in range(0, len(records), 1000):
        report = api(
            "POST", "/partner/attendance", partner=partner_code, json={"records": records[chunk : chunk + 1000]}
        )
        outcomes.update(r["outcome"] for r in report["results"])
    assert outcomes["duplicate"] == len(records) - unique_records
    assert outcomes["accepted"] + outcomes["superseded"] == unique_records
    assert outcomes["conflict"] == outcomes["not_found"] == 0

    present = Counter(nip for (nip, _), status in final.items() if status == "present")
    roster = {r["nip"]: r for r in api("GET", f"/batches/{batch['id']}/enrollments")}
    assert {nip: r["present"] for nip, r in roster.items()} == {nip: present[nip] for nip in nips}

    api("POST", f"/batches/{batch['id']}/close", json=EARLY)
    api("POST", f"/batches/{batch['id']}/close", json=EARLY)  # closing twice changes nothing
    decided = {r["nip"]: r for r in api("GET", f"/batches/{batch['id']}/enrollments")}
    expected_completed = {nip for nip in nips if present[nip] / days >= 0.8}
    assert {nip for nip, r in decided.items() if r["status"] == "completed"} == expected_completed
    assert 0 < len(expected_completed) < len(nips)

    events = relay_events(expected=outcomes["accepted"] + len(nips) * 2, timeout=60)
    completed = Counter(e["data"]["nip"] for e in events if e["type"].endswith(".TrainingCompleted.v1"))
    assert completed == Counter(expected_completed), "exactly one TrainingCompleted per completed participant"
    not_completed = Counter(e["data"]["nip"] for e in events if e["type"].endswith(".TrainingNotCompleted.v1"))
    assert not_completed == Counter(set(nips) - expected_completed)
    assert sum(e["type"].endswith(".AttendanceRecorded.v1") for e in events) == outcomes["accepted"]
    certificates = [e["data"]["certificate_number"] for e in events if e["type"].endswith(".TrainingCompleted.v1")]
    assert len(set(certificates)) == len(certificates) and all(c.startswith(created["code"]) for c in certificates)
    first = next(e["data"] for e in events if e["type"].endswith(".TrainingCompleted.v1"))
    meetings = api("GET", f"/batches/{batch['id']}")["meetings"]
    assert first["started_on"] == meetings[0]["date"] and first["completed_on"] == meetings[-1]["date"]
    assert first["partner_name"] == f"Mitra {partner_code}"  # for SIMPEG's history

    late = {
        "event_id": "late-1",
        "batch_id": batch["id"],
        "nip": nips[0],
        "meeting_no": 1,
        "status": "present",
        "recorded_at": "2026-11-05T08:00:00+00:00",
    }
    assert (
        api("POST", "/partner/attendance/record", 409, partner=partner_code, json=late)["errors"][0]["field"]
        == "batch_id"
    )


def test_the_same_event_id_twice_counts_once_and_with_another_body_is_409(api, partner, program, employees):
    partner_code = partner()
    _, batch = program(partner_code)
    [nip] = employees(1)
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": [nip]})
    record = {
        "event_id": "abs-77",
        "batch_id": batch["id"],
        "nip": nip,
        "meeting_no": 2,
        "status": "present",
        "recorded_at": "2026-11-02T08:05:00+07:00",
    }
    assert api("POST", "/partner/attendance/record", 201, partner=partner_code, json=record)["outcome"] == "accepted"
    assert api("POST", "/partner/attendance/record", 200, partner=partner_code, json=record)["outcome"] == "duplicate"
    problem = api("POST", "/partner/attendance/record", 409, partner=partner_code, json=record | {"status": "absent"})
    assert problem["errors"] == [{"field": "event_id", "message": "Dipakai ulang dengan isi lain."}]
    older = record | {"event_id": "abs-76", "status": "absent", "recorded_at": "2026-11-02T08:00:00+07:00"}
    assert api("POST", "/partner/attendance/record", 200, partner=partner_code, json=older)["outcome"] == "superseded"
    [row] = api("GET", f"/batches/{batch['id']}/enrollments")
    assert row["present"] == 1
    unknown = record | {"event_id": "abs-78", "meeting_no": 99}
    assert (
        api("POST", "/partner/attendance/record", 404, partner=partner_code, json=unknown)["errors"][0]["field"]
        == "meeting_no"
    )


def test_a_partner_touches_only_its_own_batches(api, client, partner, program, employees):
    owner, other = partner(), partner()
    _, batch = program(owner)
    [nip] = employees(1)
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": [nip]})
    record = {
        "event_id": "x-1",
        "batch_id": batch["id"],
        "nip": nip,
        "meeting_no": 1,
        "status": "present",
        "recorded_at": "2026-11-01T08:00:00+07:00",
    }

    assert api("GET", "/partner/batches", partner=other) == []
    assert [b["id"] for b in api("GET", "/partner/batches", partner=owner)] == [batch["id"]]
    problem = api("GET", f"/partner/batches/{batch['id']}/enrollments", 404, partner=other)
    assert problem["detail"] == f"Angkatan {batch['id']} tidak ditemukan.", (
        "the same answer as for a batch that does not exist"
    )
    assert (
        api("POST", "/partner/attendance/record", 404, partner=other, json=record)["errors"][0]["field"] == "batch_id"
    )
    report = api("POST", "/partner/attendance", partner=other, json={"records": [record]})
    assert report["results"] == [{"event_id": "x-1", "outcome": "not_found", "field": "batch_id"}]
    api("PUT", f"/partner/batches/{batch['id']}/enrollments/{nip}/post-test", 404, partner=other, json={"score": 90})
    assert api("GET", f"/batches/{batch['id']}/enrollments")[0]["present"] == 0

    # the owner's event id space is its own: the same id from the owner is new
    assert api("POST", "/partner/attendance/record", 201, partner=owner, json=record)["outcome"] == "accepted"
    # no identity, a forged one, or a person instead of a partner: refused
    assert client.get("/api/v1/training/partner/batches", headers={"X-Bangkom-Identity": ""}).status_code == 401
    forged = {"X-Bangkom-Identity": "eyJzdWIiOiJ4In0.bad"}
    assert client.get("/api/v1/training/partner/batches", headers=forged).status_code == 401
    from shared import identity

    staff = identity.encode(identity.Identity("admin1", ("admin",)), SECRET)
    assert client.get("/api/v1/training/partner/batches", headers={identity.HEADER: staff}).status_code == 403


def test_a_partner_user_works_on_bkpsdms_batch_routes_for_its_own_batches_only(api, partner, program, employees):
    """The routes BKPSDM's pages use, opened to the partner role: the owner reads and changes its batch; another
    partner gets 404 everywhere, as if the batch did not exist; what it sent changed nothing."""
    owner, other = partner(), partner()
    made, batch = program(owner)
    [nip] = employees(1)
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": [nip]})
    roster = {"records": [{"nip": nip, "status": "present", "event_id": f"r-{nip}"}]}
    for who, status in ((other, 404), (owner, 200)):
        assert api("GET", f"/programs/{made['id']}", status, partner=who)
        assert api("GET", f"/batches/{batch['id']}", status, partner=who)
        assert api("GET", f"/batches/{batch['id']}/enrollments", status, partner=who)
        assert api("GET", f"/batches/{batch['id']}/meetings/1/attendance", status, partner=who)
        api("GET", f"/batches/{batch['id']}/attendance-sheet?format=csv", status, partner=who)
        assert api("PUT", f"/batches/{batch['id']}/meetings/1/attendance", status, partner=who, json=roster)
        assert api(
            "PUT", f"/batches/{batch['id']}/enrollments/{nip}/post-test", status, partner=who, json={"score": 70}
        )
        if who == other:  # nothing of the stranger's attempt was kept
            entry = api("GET", f"/batches/{batch['id']}/enrollments")[0]
            assert (entry["present"], entry["post_test_score"]) == (0, None)
    entry = api("GET", f"/batches/{batch['id']}/enrollments")[0]
    assert (entry["present"], entry["post_test_score"]) == (1, 70)
    api("GET", f"/batches/{batch['id']}/candidates", 403, partner=owner)  # nominating stays BKPSDM's
    api("POST", f"/batches/{batch['id']}/close", 403, partner=owner, json={})


def test_a_batch_over_the_record_limit_is_refused_whole(api, partner, program, employees, settings):
    partner_code = partner()
    _, batch = program(partner_code)
    records = [
        {
            "event_id": f"r{i}",
            "batch_id": batch["id"],
            "nip": "198609262015051001",
            "meeting_no": 1,
            "status": "present",
            "recorded_at": "2026-11-01T08:00:00+07:00",
        }
        for i in range(1001)
    ]
    problem = api("POST", "/partner/attendance", 422, partner=partner_code, json={"records": records})
    assert problem["errors"][0]["field"] == "records"
    bad = api(
        "POST",
        "/partner/attendance",
        422,
        partner=partner_code,
        json={"records": [{**records[0], "status": "late", "nip": "1"}]},
    )
    assert {e["field"] for e in bad["errors"]} == {"records.0.status", "records.0.nip"}


def test_closing_a_batch_waits_for_its_attendance_writers_and_then_keeps_them_out(
    api, partner, program, employees, training_db
):
    """Writers of one batch hold its lock in shared mode (side by side), closing takes it whole: a close waits for a
    writer still in its transaction, and a record that comes after the close finds the batch closed."""
    partner_code = partner()
    _, batch = program(partner_code)
    [nip] = employees(1)
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": [nip]})
    lock = text("SELECT pg_advisory_xact_lock_shared(hashtextextended(:key, 0))")
    with training_db.sessions() as writer:  # a writer in the middle of its transaction
        writer.execute(lock, {"key": f"batch|{batch['id']}"})
        closing = threading.Thread(target=lambda: api("POST", f"/batches/{batch['id']}/close", json=EARLY))
        closing.start()
        closing.join(timeout=1.0)
        assert closing.is_alive(), "the close waits for the writer"
        writer.commit()
    closing.join(timeout=10)
    assert not closing.is_alive()
    record = {
        "event_id": "late-1",
        "batch_id": batch["id"],
        "nip": nip,
        "meeting_no": 1,
        "status": "present",
        "recorded_at": "2026-11-02T08:05:00+07:00",
    }
    late = api("POST", "/partner/attendance/record", 409, partner=partner_code, json=record)
    assert late["errors"][0]["field"] == "batch_id"
