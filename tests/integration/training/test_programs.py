"""Programs, nomination and completion rules of the training service on real PostgreSQL and Kafka."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from services.training import handlers
from services.training.models import Outbox, PartnerKey
from shared import identity
from shared.db import UnitOfWork
from shared.events import new_event
from tests import factories
from tests.integration.needs.conftest import new_nip
from tests.services import SECRET

EARLY = {"force_reason": "Ditutup dalam uji sebelum pertemuan terakhir"}  # the batches of these tests lie ahead


def test_publishing_emits_program_published_once(api, partner, relay_events):
    partner_code = partner()
    created = api(
        "POST",
        "/programs",
        201,
        json={
            "code": "BIMTEK-SPBE",
            "title": "Bimtek SPBE",
            "form": "bimtek",
            "delivery": "klasikal",
            "jp": 16,
            "partner_code": partner_code,
            "capacity": 25,
            "competencies": [{"code": "T-SPBE", "target_level": 2}],
        },
    )
    assert (created["status"], created["min_attendance"]) == ("draft", 0.8), "the configured default"
    problem = api("PUT", f"/programs/{created['id']}/status", 409, json={"status": "published"})
    assert "angkatan" in problem["detail"]
    editable = {
        k: created[k] for k in ("code", "title", "form", "delivery", "jp", "partner_code", "capacity", "competencies")
    }
    assert api("PUT", f"/programs/{created['id']}", json=editable | {"jp": 20})["jp"] == 20
    api(
        "POST",
        f"/programs/{created['id']}/batches",
        201,
        json={
            "meetings": [
                {"date": "2027-02-03", "starts_at": "08:00", "ends_at": "16:00", "place": "Aula BKPSDM"},
                {"date": "2027-02-02", "starts_at": "08:00", "ends_at": "16:00", "place": "Aula BKPSDM"},
            ]
        },
    )
    api("PUT", f"/programs/{created['id']}/status", json={"status": "published"})
    api("PUT", f"/programs/{created['id']}/status", 409, json={"status": "published"})
    assert "draf" in api("PUT", f"/programs/{created['id']}", 409, json=editable)["detail"]
    [published] = [e for e in relay_events(expected=1) if e["type"].endswith(".ProgramPublished.v1")]
    data = published["data"]
    assert (data["program_id"], data["starts_on"], data["ends_on"]) == (created["id"], "2027-02-02", "2027-02-03")
    assert api("GET", f"/programs?status=published&partner_code={partner_code}")[0]["id"] == created["id"]
    assert api("GET", "/programs?competency_code=T-SPBE&starts_from=2027-02-03")[0]["id"] == created["id"]
    assert api("GET", "/programs?competency_code=T-SPBE&starts_from=2027-02-04") == []
    duplicate = api(
        "POST",
        "/programs",
        409,
        json={
            **{
                k: created[k]
                for k in ("code", "title", "form", "delivery", "jp", "partner_code", "capacity", "competencies")
            }
        },
    )
    assert duplicate["errors"][0]["field"] == "code"


def test_enrolment_enforces_capacity_overlap_and_known_employees(api, partner, program, employees, relay_events):
    partner_code = partner()
    _, batch = program(partner_code, capacity=2, first=dt.date(2027, 3, 1), days=3)
    _, other = program(partner_code, first=dt.date(2027, 3, 3), days=2)  # overlaps on 3 March
    a, b, c = employees(3)
    api("POST", f"/batches/{other['id']}/enrollments", 201, json={"nips": [c]})

    problem = api("POST", f"/batches/{batch['id']}/enrollments", 422, json={"nips": [a, c, new_nip()]})
    messages = {e["field"]: e["message"] for e in problem["errors"]}
    assert "bertumpang tindih" in messages["nips.1"] and "tidak dikenal" in messages["nips.2"]
    assert api("GET", f"/batches/{batch['id']}/enrollments") == [], "all or nothing"

    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": [a, b]})
    full = api("POST", f"/batches/{batch['id']}/enrollments", 409, json={"nips": employees(1)})
    assert "tinggal 0 tempat" in full["detail"]
    again = api("POST", f"/batches/{batch['id']}/enrollments", 422, json={"nips": [a]})
    assert "sudah terdaftar" in again["errors"][0]["message"]
    enrolled = [e for e in relay_events(expected=3) if e["type"].endswith(".ParticipantEnrolled.v1")]
    assert sorted(e["data"]["nip"] for e in enrolled) == sorted([a, b, c])


def test_candidates_come_from_open_needs_in_the_read_models_fed_by_kafka(api, partner, program, deliver):
    skill = f"T-{uuid.uuid4().hex[:6]}"
    high, low, busy, closed, inactive = (new_nip() for _ in range(5))

    def synced(nip, active=True):
        return factories.employee_synced(nip, active=active, position_name="Analis")

    def need(nip, priority, code=skill):
        return new_event(
            "DevelopmentNeedIdentified",
            {
                "need_id": str(uuid.uuid4()),
                "nip": nip,
                "competency_code": code,
                "competency_type": "teknis",
                "required_level": 3,
                "current_level": 1,
                "gap": 2,
                "priority_score": priority,
                "plan_year": 2027,
            },
        )

    closed_need = need(closed, 9.0)
    events = [synced(n) for n in (high, low, busy, closed)] + [synced(inactive, active=False)]
    events += [
        need(high, 6.0),
        need(high, 2.0, code="T-OTHER"),
        need(low, 3.0),
        need(busy, 8.0),
        closed_need,
        need(inactive, 7.0),
    ]
    events.append(
        new_event(
            "DevelopmentNeedClosed",
            {"need_id": closed_need.data["need_id"], "nip": closed, "competency_code": skill, "reason": "gap_closed"},
        )
    )
    assert set(deliver(events)) == {"handled"}

    partner_code = partner()
    _, batch = program(partner_code, competencies=(skill,), first=dt.date(2027, 4, 5), days=2)
    _, elsewhere = program(partner_code, competencies=("T-X",), first=dt.date(2027, 4, 6), days=1)
    api("POST", f"/batches/{elsewhere['id']}/enrollments", 201, json={"nips": [busy]})
    candidates = api("GET", f"/batches/{batch['id']}/candidates")
    assert [(c["nip"], c["priority"]) for c in candidates] == [(high, 6.0), (low, 3.0)]
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": [high]})
    assert [c["nip"] for c in api("GET", f"/batches/{batch['id']}/candidates")] == [low]
    # another batch for the same competency, months later: high's open enrolment above will close that need, so
    # high is left out; busy (elsewhere in April, another competency) is free then
    _, later = program(partner_code, competencies=(skill,), first=dt.date(2027, 9, 6), days=1)
    assert [c["nip"] for c in api("GET", f"/batches/{later['id']}/candidates")] == [busy, low]


def test_the_pool_follows_each_needs_state_and_year_and_suggests_nobody_twice(api, partner, program, deliver):
    skill = f"T-{uuid.uuid4().hex[:6]}"
    carried, awaiting, planned, rising = (new_nip() for _ in range(4))

    def need(nip, priority, year=2027, need_id=None):
        return new_event(
            "DevelopmentNeedIdentified",
            {
                "need_id": need_id or str(uuid.uuid4()),
                "nip": nip,
                "competency_code": skill,
                "competency_type": "teknis",
                "required_level": 3,
                "current_level": 1,
                "gap": 2,
                "priority_score": priority,
                "plan_year": year,
            },
        )

    def updated(source, status, priority=None):
        data = source.data
        return new_event(
            "DevelopmentNeedUpdated",
            {
                "need_id": data["need_id"],
                "nip": data["nip"],
                "competency_code": skill,
                "status": status,
                "gap": data["gap"],
                "priority_score": priority if priority is not None else data["priority_score"],
                "plan_year": data["plan_year"],
            },
        )

    awaiting_need, planned_need, rising_need = need(awaiting, 9.0), need(planned, 4.0), need(rising, 1.0)
    events = [factories.employee_synced(n, position_name="Analis") for n in (carried, awaiting, planned, rising)]
    events += [need(carried, 5.0, year=2026), need(carried, 5.0, year=2027), awaiting_need, planned_need, rising_need]
    events += [updated(awaiting_need, "awaiting_evaluation"), updated(planned_need, "planned")]
    events += [updated(rising_need, "open", priority=7.0)]  # a recompute raised its priority
    assert set(deliver(events)) == {"handled"}

    _, batch = program(partner(), competencies=(skill,), first=dt.date(2027, 5, 3), days=1)
    candidates = {c["nip"]: c for c in api("GET", f"/batches/{batch['id']}/candidates")}
    assert set(candidates) == {carried, planned, rising}, "awaiting its evaluation for this competency: not again"
    assert (candidates[carried]["matched_needs"], candidates[carried]["priority"]) == (1, 5.0), "one gap, two years"
    assert candidates[rising]["priority"] == 7.0, "the pool ranks by today's figures"
    ranked = [c["nip"] for c in api("GET", f"/batches/{batch['id']}/candidates")]
    assert ranked == [planned, rising, carried], "the approved plan's ASN first (priority 4), then by today's figures"
    assert candidates[planned]["in_plan"] and not candidates[rising]["in_plan"]


def test_a_required_post_test_decides_completion(api, partner, program, employees):
    partner_code = partner()
    _, batch = program(partner_code, days=2, post_test_required=True, passing_score=70)
    passed, failed, missing = employees(3)
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": [passed, failed, missing]})
    records = [
        {
            "event_id": f"{nip}-{m}",
            "batch_id": batch["id"],
            "nip": nip,
            "meeting_no": m,
            "status": "present",
            "recorded_at": f"2026-11-0{m}T08:00:00+07:00",
        }
        for nip in (passed, failed, missing)
        for m in (1, 2)
    ]
    assert api("POST", "/partner/attendance", partner=partner_code, json={"records": records})["accepted"] == 6
    api(
        "PUT",
        f"/partner/batches/{batch['id']}/enrollments/{passed}/post-test",
        partner=partner_code,
        json={"score": 85},
    )
    api("PUT", f"/batches/{batch['id']}/enrollments/{failed}/post-test", json={"score": 60})
    decided = {e["nip"]: e for e in api("POST", f"/batches/{batch['id']}/close", json=EARLY)}
    assert decided[passed]["status"] == "completed" and decided[passed]["certificate_number"]
    assert decided[failed]["status"] == "not_completed" and "di bawah batas lulus" in decided[failed]["reason"]
    assert decided[missing]["reason"] == "nilai post-test belum ada"
    api("PUT", f"/batches/{batch['id']}/enrollments/{missing}/post-test", 409, json={"score": 90})


def test_program_evaluated_sets_the_recommendation(api, partner, program, training_db, settings):

    created, batch = program(partner())
    evaluated = new_event(
        "ProgramEvaluated",
        {
            "program_id": created["id"],
            "batch_id": batch["id"],
            "participants": 20,
            "reaction_mean": 4.1,
            "learning_gain": 12.5,
            "p_value": 0.01,
            "behavior_pass_rate": 0.75,
            "recommendation": "repeat",
        },
    )
    with UnitOfWork(training_db, Outbox) as uow:
        handlers.on_program_evaluated(evaluated, uow, settings)
        uow.commit()
    recommendation = api("GET", f"/programs/{created['id']}")["recommendation"]
    assert recommendation["recommendation"] == "repeat" and recommendation["p_value"] == 0.01


def test_partner_credentials_are_shown_once_hashed_rotatable_and_revocable(api, training_db):

    code = f"P{uuid.uuid4().hex[:8].upper()}"
    created = api(
        "POST",
        "/partners",
        201,
        json={
            "code": code,
            "name": "Politeknik Negeri Lhokseumawe",
            "kind": "university",
            "contact_email": "humas@pnl.ac.id",
        },
    )
    first = created["credential"]
    listed = api("GET", f"/partners/{code}/keys")
    assert [k["key_id"] for k in listed] == [first["key_id"]] and "secret" not in listed[0]
    with training_db.sessions() as session:
        stored = session.get(PartnerKey, first["key_id"]).secret_hash
    assert first["secret"] not in stored and stored.startswith("$argon2id$")

    second = api("POST", f"/partners/{code}/keys", 201)
    with UnitOfWork(training_db, Outbox) as uow:
        assert handlers.verify_partner_key(uow, first["key_id"], first["secret"]) == code
        assert handlers.verify_partner_key(uow, second["key_id"], second["secret"]) == code
        assert handlers.verify_partner_key(uow, second["key_id"], first["secret"]) is None
    assert api("DELETE", f"/partners/{code}/keys/{first['key_id']}")["revoked_at"]
    with UnitOfWork(training_db, Outbox) as uow:
        assert handlers.verify_partner_key(uow, first["key_id"], first["secret"]) is None
        assert handlers.verify_partner_key(uow, second["key_id"], second["secret"]) == code
    api("DELETE", f"/partners/OTHER/keys/{second['key_id']}", 404)
    bad = api("POST", "/partners", 422, json={"code": "X", "name": "X", "kind": "warung", "contact_email": "nope"})
    assert {e["field"] for e in bad["errors"]} == {"kind", "contact_email"}


def test_a_minimum_attendance_of_zero_is_kept_and_none_takes_the_default(api, partner, settings):
    """`min_attendance: 0` used to become the default 0.8 through an `or`."""
    code = partner()
    base = {
        "title": "Seminar",
        "form": "seminar",
        "delivery": "klasikal",
        "quantity": 1,  # day: 4 JP by the conversion table
        "partner_code": code,
        "capacity": 50,
        "competencies": [{"code": "T-GIS", "target_level": 2}],
    }
    zero = api("POST", "/programs", 201, json=base | {"code": f"SEM-{code}", "min_attendance": 0})
    unset = api("POST", "/programs", 201, json=base | {"code": f"SEM2-{code}"})
    assert zero["min_attendance"] == 0
    assert unset["min_attendance"] == settings.default_min_attendance
    edited = api("PUT", f"/programs/{unset['id']}", json=base | {"code": f"SEM2-{code}", "min_attendance": 0})
    assert edited["min_attendance"] == 0


def test_an_enrolment_past_the_pppk_cap_is_warned_and_stands(api, partner, program, deliver):
    """A PPPK (cap 24 JP a year) with 8 JP credited in the ledger and enrolled in an 8-JP batch: a 12-JP batch the
    same year takes them to 28 → warned (and enrolled); a PNS (no cap) and a PPPK credited in another year are not."""
    pppk, pns, fresh = new_nip(), new_nip(), new_nip()
    events = [
        factories.employee_synced(pppk, employment_status="PPPK", jp_cap=24),
        factories.employee_synced(pns),
        factories.employee_synced(fresh, employment_status="PPPK", jp_cap=24),
        new_event(
            "JpCredited",
            {"credit_id": "external:x", "nip": pppk, "year": 2027, "jp": 8, "source": "external", "year_total": 8},
        ),
        new_event(
            "JpCredited",
            {"credit_id": "simpeg:y", "nip": fresh, "year": 2026, "jp": 20, "source": "simpeg", "year_total": 20},
        ),
    ]
    assert set(deliver(events)) == {"handled"}

    partner_code = partner()
    _, first = program(partner_code, first=dt.date(2027, 3, 1), days=1, jp=8)
    _, second = program(partner_code, first=dt.date(2027, 5, 3), days=1, jp=12)
    enrolled = api("POST", f"/batches/{first['id']}/enrollments", 201, json={"nips": [pppk, pns, fresh]})
    assert {e["nip"]: e["warning"] for e in enrolled} == {pppk: None, pns: None, fresh: None}  # 8 + 8 ≤ 24
    enrolled = {
        e["nip"]: e for e in api("POST", f"/batches/{second['id']}/enrollments", 201, json={"nips": [pppk, pns, fresh]})
    }
    assert "24 JP" in enrolled[pppk]["warning"] and "8 + 8" not in enrolled[pppk]["warning"]
    assert "sudah 16 JP" in enrolled[pppk]["warning"]  # 8 credited + 8 enrolled, this one 12
    assert enrolled[pns]["warning"] is None and enrolled[fresh]["warning"] is None
    roster = {r["nip"] for r in api("GET", f"/batches/{second['id']}/enrollments")}
    assert roster == {pppk, pns, fresh}  # a warning, not a refusal


def test_a_pppk_with_a_known_contract_start_is_capped_per_contract_year(api, partner, program, deliver):
    """A PPPK whose TMT is 1 April 2026: 20 JP credited in contract year 2026 (1 April 2026 – 31 March 2027). A batch
    in February 2027 is in that contract year (20 + 8 > 24: warned); one in May 2027 opens the next (not warned),
    though both are in the calendar year 2027, where nothing is credited."""
    pppk = new_nip()
    events = [
        factories.employee_synced(pppk, employment_status="PPPK", jp_cap=24, contract_start=dt.date(2026, 4, 1)),
        new_event(
            "JpCredited",
            {"credit_id": "external:tmt", "nip": pppk, "year": 2026, "jp": 20, "source": "external", "year_total": 20},
        ),
    ]
    assert set(deliver(events)) == {"handled"}
    partner_code = partner()
    _, february = program(partner_code, first=dt.date(2027, 2, 8), days=1, jp=8)
    _, may = program(partner_code, first=dt.date(2027, 5, 3), days=1, jp=8)
    [warned] = api("POST", f"/batches/{february['id']}/enrollments", 201, json={"nips": [pppk]})
    assert "sudah 20 JP" in warned["warning"] and "(2026)" in warned["warning"]
    [fine] = api("POST", f"/batches/{may['id']}/enrollments", 201, json={"nips": [pppk]})
    assert fine["warning"] is None


def test_a_partner_key_hashed_with_the_older_scheme_works_and_is_upgraded_on_first_use(api, training_db):
    """Keys issued before argon2id (scrypt) keep working; the first request with one stores its argon2id hash."""
    code = f"UPG{uuid.uuid4().hex[:8].upper()}"
    created = api("POST", "/partners", 201, json={"code": code, "name": "Politeknik Aceh", "kind": "university"})
    key_id, secret = created["credential"]["key_id"], created["credential"]["secret"]
    salt = b"legacy-salt-0001"
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    with training_db.sessions() as session:
        session.get(PartnerKey, key_id).secret_hash = f"scrypt${salt.hex()}${digest.hex()}"
        session.commit()
    with UnitOfWork(training_db, Outbox) as uow:
        assert handlers.verify_partner_key(uow, key_id, "not-the-secret") is None
    with training_db.sessions() as session:
        assert session.get(PartnerKey, key_id).secret_hash.startswith("scrypt$"), "a wrong secret upgrades nothing"
    with UnitOfWork(training_db, Outbox) as uow:
        assert handlers.verify_partner_key(uow, key_id, secret) == code
    with training_db.sessions() as session:
        upgraded = session.get(PartnerKey, key_id).secret_hash
    assert upgraded.startswith("$argon2id$") and secret not in upgraded
    with UnitOfWork(training_db, Outbox) as uow:
        assert handlers.verify_partner_key(uow, key_id, secret) == code


def test_an_opd_user_reads_programs_and_only_its_own_people_in_a_roster(api, partner, program, employees):
    partner_code = partner()
    _, batch = program(partner_code, first=dt.date(2027, 4, 5), days=2)
    ours, theirs = employees(2, unit="OPD-KAMI"), employees(1, unit="OPD-LAIN")
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": [*ours, *theirs]})
    opd = {identity.HEADER: identity.encode(identity.Identity("kepegawaian", ("opd",), unit_code="OPD-KAMI"), SECRET)}
    roster = api("GET", f"/batches/{batch['id']}/enrollments", headers=opd)
    assert sorted(r["nip"] for r in roster) == sorted(ours), "another unit's participant is not listed"
    assert api("GET", f"/batches/{batch['id']}", headers=opd)["id"] == batch["id"]
    api("POST", f"/batches/{batch['id']}/enrollments", 403, headers=opd, json={"nips": ours})  # BKPSDM nominates
    api("POST", f"/batches/{batch['id']}/close", 403, headers=opd)


def test_a_non_classical_program_counts_its_jp_by_the_conversion_table_and_a_coaching_names_its_coach(api, partner):
    base = {
        "title": "Magang Satu Data",
        "form": "magang",
        "delivery": "nonklasikal",
        "partner_code": partner(),
        "capacity": 10,
        "competencies": [{"code": "T-GIS", "target_level": 2}],
    }
    made = api("POST", "/programs", 201, json=base | {"code": f"MAG-{uuid.uuid4().hex[:6]}", "quantity": 5})
    assert (made["jp"], made["quantity"]) == (30, 5)  # five days of magang: 30 JP
    wrong = api("POST", "/programs", 422, json=base | {"code": f"MAG-{uuid.uuid4().hex[:6]}", "jp": 40})
    assert wrong["errors"][0]["field"] == "quantity" and "1 hari = 6 JP" in wrong["errors"][0]["message"]
    coaching = base | {"form": "coaching", "quantity": 3}
    missing = api("POST", "/programs", 422, json=coaching | {"code": f"COA-{uuid.uuid4().hex[:6]}"})
    assert missing["errors"][0]["field"] == "coach_name"
    coached = api(
        "POST",
        "/programs",
        201,
        json=coaching
        | {"code": f"COA-{uuid.uuid4().hex[:6]}", "coach_name": "Dr. Ridwan", "coach_nip": "198001012005011003"},
    )
    assert (coached["jp"], coached["coach_name"]) == (6, "Dr. Ridwan")


def test_a_magang_completes_only_with_its_report_received_besides_attendance(api, partner, program, employees):
    partner_code = partner()
    made, batch = program(partner_code, days=2, form="magang", delivery="nonklasikal", jp=None, quantity=10)
    assert (made["jp"], made["evidence"]) == (60, "report")  # ten days of magang: 60 JP, completed by a report
    reported, silent = employees(2)
    api("POST", f"/batches/{batch['id']}/enrollments", 201, json={"nips": [reported, silent]})
    marks = [{"nip": nip, "status": "present"} for nip in (reported, silent)]
    for meeting in (1, 2):
        api("PUT", f"/batches/{batch['id']}/meetings/{meeting}/attendance", json={"records": marks})
    title = {"evidence": "Laporan magang: tata kelola Satu Data"}
    recorded = api(
        "PUT", f"/partner/batches/{batch['id']}/enrollments/{reported}/evidence", partner=partner_code, json=title
    )
    assert recorded["evidence"] == title["evidence"]
    api("PUT", f"/partner/batches/{batch['id']}/enrollments/{reported}/evidence", 404, partner=partner(), json=title)
    roster = {r["nip"]: r for r in api("GET", f"/batches/{batch['id']}/enrollments")}
    assert (roster[reported]["evidence"], roster[silent]["evidence"]) == (title["evidence"], None)
    decided = {e["nip"]: e for e in api("POST", f"/batches/{batch['id']}/close", json=EARLY)}
    assert decided[reported]["status"] == "completed"
    assert (decided[silent]["status"], decided[silent]["reason"]) == ("not_completed", "laporan belum diterima")
    api("PUT", f"/batches/{batch['id']}/enrollments/{silent}/evidence", 409, json=title)  # closed: final

    _, training = program(partner_code, days=1)
    [nip] = employees(1)
    api("POST", f"/batches/{training['id']}/enrollments", 201, json={"nips": [nip]})
    refused = api("PUT", f"/batches/{training['id']}/enrollments/{nip}/evidence", 409, json=title)
    assert refused["errors"][0]["field"] == "evidence"  # a pelatihan asks for no report
