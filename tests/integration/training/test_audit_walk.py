"""The training service's part of the walk of docs/access.md (tests/audit_walk.py): each of its state-changing routes,
called as a role the page gives it (BKPSDM, the batch's partner, the participant) and accepted, leaves its ChangeMade
naming the caller, the request and the time; the gateway's two key lookups leave none."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from zoneinfo import ZoneInfo

from services.training import handlers
from services.training.models import Outbox
from shared import identity
from shared.db import UnitOfWork
from tests import factories
from tests.audit_walk import Walk
from tests.integration.needs.conftest import new_nip

ADMIN = identity.Identity("bkpsdm.walk", ("admin",))
GATEWAY = identity.Identity("gateway", ("gateway",))
BASE = "/api/v1/training"


def _program(code: str, partner_code: str, **changes) -> dict:
    return {
        "code": code,
        "title": "Pelatihan GIS untuk Kebencanaan",
        "form": "pelatihan",
        "delivery": "klasikal",
        "jp": 24,
        "partner_code": partner_code,
        "capacity": 10,
        "competencies": [{"code": "T-GIS", "target_level": 3}],
        **changes,
    }


def test_every_state_changing_route_of_training_leaves_its_audit_record(client, training_db, settings):
    step = Walk("training", client, training_db, Outbox)
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    later = today + dt.timedelta(days=2)
    tag = uuid.uuid4().hex[:6].upper()

    # a partner and its keys; the gateway's lookups of a key change nothing
    partner_code = f"W{tag}"
    made = step(
        "POST", f"{BASE}/partners", ADMIN, json={"code": partner_code, "name": "Mitra jalan", "kind": "university"}
    )
    key_id, secret = made["credential"]["key_id"], made["credential"]["secret"]
    spare = step("POST", f"{BASE}/partners/<code>/keys", ADMIN, {"code": partner_code})
    step("DELETE", f"{BASE}/partners/<code>/keys/<key_id>", ADMIN, {"code": partner_code, "key_id": spare["key_id"]})
    step.lookup("POST", f"{BASE}/internal/partner-keys/verify", GATEWAY, json={"key_id": key_id, "secret": secret})
    step.lookup("POST", f"{BASE}/internal/partner-keys/signing-secret", GATEWAY, json={"key_id": key_id})
    partner = identity.Identity(key_id, ("partner",), partner_code)

    # a program with a batch meeting today (check-in) and later; published; three participants
    program = step("POST", f"{BASE}/programs", ADMIN, json=_program(f"PLT-W{tag}", partner_code))
    step(
        "PUT",
        f"{BASE}/programs/<program_id>",
        ADMIN,
        {"program_id": program["id"]},
        json=_program(f"PLT-W{tag}", partner_code, capacity=12),
    )
    meetings = [
        {"date": today.isoformat(), "starts_at": "00:00", "ends_at": "23:59"},
        {"date": later.isoformat(), "starts_at": "08:00", "ends_at": "12:00"},
    ]
    batch = step(
        "POST",
        f"{BASE}/programs/<program_id>/batches",
        ADMIN,
        {"program_id": program["id"]},
        json={"meetings": meetings},
    )
    step(
        "PUT",
        f"{BASE}/programs/<program_id>/status",
        ADMIN,
        {"program_id": program["id"]},
        json={"status": "published"},
    )
    here, there, third, leaving = _employees(training_db, settings, 4)
    on_batch = {"batch_id": batch["id"]}
    step("POST", f"{BASE}/batches/<batch_id>/enrollments", ADMIN, on_batch, json={"nips": [here, there, third]})
    moved = {**meetings[1], "place": "Aula BPBD"}
    step(
        "PUT", f"{BASE}/batches/<batch_id>/meetings/<int:meeting_no>", ADMIN, {**on_batch, "meeting_no": 2}, json=moved
    )

    # attendance, every way it comes: a check-in, BKPSDM's roster, the partner's records, a sheet
    shown = client.get(f"{BASE}/batches/{batch['id']}/meetings/1/check-in-code", headers=_as(ADMIN))
    assert shown.status_code == 200, shown.json
    step("POST", f"{BASE}/check-in", identity.Identity(here, ("employee",)), json={"code": shown.json["code"]})
    roster = {"records": [{"nip": there, "status": "present"}]}
    step(
        "PUT",
        f"{BASE}/batches/<batch_id>/meetings/<int:meeting_no>/attendance",
        ADMIN,
        {**on_batch, "meeting_no": 1},
        json=roster,
    )
    record = {
        "batch_id": batch["id"],
        "nip": third,
        "meeting_no": 1,
        "status": "present",
        "recorded_at": "2026-11-02T08:05:00+07:00",
    }
    step("POST", f"{BASE}/partner/attendance", partner, json={"records": [{**record, "event_id": f"w-{tag}-1"}]})
    step(
        "POST", f"{BASE}/partner/attendance/record", partner, json={**record, "event_id": f"w-{tag}-2", "meeting_no": 2}
    )
    sheet = io.StringIO()
    csv.writer(sheet, delimiter=";").writerows(
        [["NIP", "Nama", "Pertemuan", "Tanggal", "Status", "Catatan"], [f'="{there}"', "", "2", "", "Hadir", ""]]
    )
    upload = {"file": (io.BytesIO(("\ufeff" + sheet.getvalue()).encode()), "daftar-hadir.csv")}
    step("POST", f"{BASE}/batches/<batch_id>/attendance-sheet", ADMIN, on_batch, data=upload)

    # the tests' scores, by BKPSDM and by the partner
    for test, score in (("pre-test", 40), ("post-test", 80)):
        step(
            "PUT",
            f"{BASE}/batches/<batch_id>/enrollments/<nip>/{test}",
            ADMIN,
            {**on_batch, "nip": here},
            json={"score": score},
        )
        step(
            "PUT",
            f"{BASE}/partner/batches/<batch_id>/enrollments/<nip>/{test}",
            partner,
            {**on_batch, "nip": there},
            json={"score": score},
        )

    # a magang, completed by a report: its evidence; a participant withdrawn before it starts
    magang = step(
        "POST",
        f"{BASE}/programs",
        ADMIN,
        json=_program(f"MAG-W{tag}", partner_code, form="magang", delivery="nonklasikal", jp=None, quantity=10),
    )
    second = {
        "meetings": [{"date": (today + dt.timedelta(days=30)).isoformat(), "starts_at": "08:00", "ends_at": "16:00"}]
    }
    intern = client.post(f"{BASE}/programs/{magang['id']}/batches", json=second, headers=_as(ADMIN)).json
    client.put(f"{BASE}/programs/{magang['id']}/status", json={"status": "published"}, headers=_as(ADMIN))
    on_intern = {"batch_id": intern["id"]}
    step("POST", f"{BASE}/batches/<batch_id>/enrollments", ADMIN, on_intern, json={"nips": [here, leaving]})
    report = {"evidence": "Laporan magang: tata kelola Satu Data"}
    step("PUT", f"{BASE}/batches/<batch_id>/enrollments/<nip>/evidence", ADMIN, {**on_intern, "nip": here}, json=report)
    step(
        "PUT",
        f"{BASE}/partner/batches/<batch_id>/enrollments/<nip>/evidence",
        partner,
        {**on_intern, "nip": here},
        json=report,
    )
    step(
        "POST",
        f"{BASE}/batches/<batch_id>/enrollments/<nip>/withdrawal",
        ADMIN,
        {**on_intern, "nip": leaving},
        json={"reason": "Tugas dinas ke Banda Aceh"},
    )

    # the first batch closed early, then reopened for a correction
    step(
        "POST",
        f"{BASE}/batches/<batch_id>/close",
        ADMIN,
        on_batch,
        json={"force_reason": "Ditutup dalam uji jalan audit"},
    )
    step("POST", f"{BASE}/batches/<batch_id>/reopen", ADMIN, on_batch, json={"reason": "Koreksi daftar hadir"})

    step.covers_the_access_page()


def _as(who: identity.Identity) -> dict:
    from tests.services import SECRET

    return {identity.HEADER: identity.encode(who, SECRET)}


def _employees(training_db, settings, count: int) -> list[str]:
    nips = [new_nip() for _ in range(count)]
    with UnitOfWork(training_db, Outbox) as uow:
        for nip in nips:
            handlers.on_employee_synced(factories.employee_synced(nip, unit="BPBD"), uow, settings)
        uow.commit()
    return nips
