"""The audit trail (services/audit): every event of every topic becomes one entry, once, that nobody can change; BKPSDM
and auditors search it by person, object, action and time, see before and after, export it; an auditor changes
nothing anywhere."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.audit import handlers
from services.audit.config import AuditSettings
from services.audit.models import Outbox, ProcessedEvent
from shared import identity
from shared.db import Database
from shared.events import new_event
from tests.integration.conftest import kafka_feed
from tests.integration.needs.conftest import new_nip
from tests.services import SECRET, app_of

ACCESS_MD = (Path(__file__).resolve().parents[2] / "docs" / "access.md").read_text()
CHANGING = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def audit(migrated_database, kafka_bootstrap, unique):
    settings = AuditSettings(
        service="audit",
        database_url=migrated_database("audit"),
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=unique("audit") + ".",
        internal_identity_secret=SECRET,
    )
    database = Database(settings.database_url)
    yield settings, database
    database.dispose()


@pytest.fixture
def deliver(audit, kafka_producer, producer, kafka_bootstrap, unique):
    settings, database = audit
    with kafka_feed(
        service="audit",
        settings=settings,
        database=database,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        handlers=handlers.event_handlers(settings),
        topics=[settings.kafka_topic_prefix + topic for topic in handlers.TOPICS],
        group_id=unique("audit-group"),
        bootstrap=kafka_bootstrap,
        producer=producer,
        kafka_producer=kafka_producer,
    ) as send:
        yield send


def _employee(nip: str, name: str, actor: str, request_id: str, at: dt.datetime):
    event = new_event(
        "EmployeeSynced",
        {
            "nip": nip,
            "name": name,
            "position_code": "ANALIS-BENCANA",
            "position_name": "Analis Bencana",
            "unit_code": "OPD-BPBD",
            "unit_name": "BPBD",
            "rank": "III/a",
            "supervisor_nip": None,
            "employment_status": "PNS",
            "active": True,
        },
    )
    return dataclasses.replace(event, actor=actor, requestid=request_id, time=at.isoformat().replace("+00:00", "Z"))


def _change(service: str, method: str, route: str, path: str, actor: str, request_id: str, at: dt.datetime):
    event = new_event(
        f"bangkom.{service}.ChangeMade.v1", {"request_id": request_id, "method": method, "route": route, "path": path}
    )
    return dataclasses.replace(event, actor=actor, requestid=request_id, time=at.isoformat().replace("+00:00", "Z"))


def _client(settings, *roles: str, subject: str = "pemeriksa.inspektorat", **values):
    client = app_of(
        "audit", settings.database_url, kafka_topic_prefix=settings.kafka_topic_prefix, **values
    ).test_client()
    client.environ_base["HTTP_X_BANGKOM_IDENTITY"] = identity.encode(identity.Identity(subject, roles), SECRET)
    return client


def test_every_event_becomes_one_entry_found_by_person_object_action_and_time_with_before_and_after(audit, deliver):
    settings, database = audit
    nip, request_id, other_request = new_nip(), str(uuid.uuid4()), str(uuid.uuid4())
    admin = f"person:bkpsdm.{uuid.uuid4().hex[:6]}"
    first_at = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    later_at = dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.UTC)
    first = _employee(nip, "Cut Nyak Dien", "system:needs/simpeg_sync", other_request, first_at)
    change = _change(
        "needs", "PUT", "/api/v1/needs/employees/<nip>", f"/api/v1/needs/employees/{nip}", admin, request_id, later_at
    )
    renamed = _employee(nip, "Cut Nyak Dhien", admin, request_id, later_at + dt.timedelta(milliseconds=5))
    assert deliver(first, change, renamed) == ["handled"] * 3
    assert deliver(renamed) == ["duplicate"], "a redelivered event is recognised, not kept twice"

    auditor = _client(settings, "auditor")
    mine = auditor.get("/api/v1/audit/entries", query_string={"actor": admin.removeprefix("person:")})
    assert mine.status_code == 200, mine.json
    assert {(e["action"], e["request_id"], e["actor"]) for e in mine.json} == {
        ("PUT /api/v1/needs/employees/<nip>", request_id, admin),
        ("EmployeeSynced", request_id, admin),
    }
    about = auditor.get("/api/v1/audit/entries", query_string={"object": nip}).json
    assert {e["id"] for e in about} == {renamed.id, change.id, first.id}, "the NIP in the data and in the path called"
    assert about[-1]["id"] == first.id, "newest first"
    assert {e["id"] for e in auditor.get("/api/v1/audit/entries", query_string={"action": "PUT"}).json} >= {change.id}
    in_march_first_week = auditor.get(
        "/api/v1/audit/entries", query_string={"object": nip, "since": "2026-03-01", "until": "2026-03-07"}
    ).json
    assert [e["id"] for e in in_march_first_week] == [first.id]
    systems = auditor.get("/api/v1/audit/entries", query_string={"actor": "system", "object": nip}).json
    assert [e["id"] for e in systems] == [first.id]

    entry = auditor.get(f"/api/v1/audit/entries/{renamed.id}").json
    assert entry["before_id"] == first.id
    changed = {c["field"]: (c["before"], c["after"]) for c in entry["changes"] if c["changed"]}
    assert changed == {"name": ("Cut Nyak Dien", "Cut Nyak Dhien")}
    assert [r["id"] for r in entry["related"]] == [change.id], "the operation called in the same request"

    export = auditor.get("/api/v1/audit/exports/entries", query_string={"object": nip, "format": "csv"})
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Waktu (UTC)", "Pelaku", "Tindakan"]
    assert [row[7] for row in rows[1:]] == [first.id, change.id, renamed.id], "oldest first"
    assert '"Cut Nyak Dhien"' in rows[3][8]
    narrow = _client(settings, "auditor", export_max_rows=2)  # three entries found, two at most: refused
    too_many = narrow.get("/api/v1/audit/exports/entries", query_string={"object": nip})
    assert too_many.status_code == 422 and too_many.json["errors"][0]["field"] == "since"
    assert "Persempit" in too_many.json["detail"]
    backwards = auditor.get("/api/v1/audit/entries", query_string={"since": "2026-03-09", "until": "2026-03-01"})
    assert backwards.status_code == 422 and backwards.json["errors"][0]["field"] == "until"

    # only BKPSDM and auditors read it
    assert _client(settings, "admin").get("/api/v1/audit/entries").status_code == 200
    assert _client(settings, "employee", subject=nip).get("/api/v1/audit/entries").status_code == 403
    assert _client(settings, "opd").get(f"/api/v1/audit/entries/{first.id}").status_code == 403


def test_the_trail_is_append_only_in_the_database_itself(audit, deliver):
    settings, database = audit
    event = _employee(new_nip(), "Teuku Umar", "person:bkpsdm.admin", str(uuid.uuid4()), dt.datetime.now(dt.UTC))
    assert deliver(event) == ["handled"]
    for statement in (
        "UPDATE audit_entries SET actor = 'person:someone-else' WHERE id = :id",
        "DELETE FROM audit_entries WHERE id = :id",
        "DELETE FROM audit_objects WHERE entry_id = :id",
        "TRUNCATE audit_entries CASCADE",
    ):
        with database.engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
            connection.execute(text(statement), {"id": event.id})
    with database.engine.connect() as connection:
        assert connection.execute(
            text("SELECT actor FROM audit_entries WHERE id = :id"), {"id": event.id}
        ).scalar() == ("person:bkpsdm.admin")


def _state_changing_routes() -> list[tuple[str, str]]:
    """Every state-changing route of docs/access.md: (method, route)."""
    return [
        (method, route)
        for method, route in re.findall(r"^\| (POST|PUT|PATCH|DELETE) \| `([^`]+)` \|", ACCESS_MD, flags=re.M)
    ]


@pytest.mark.parametrize("service", ["needs", "training", "evaluation", "notifications"])
def test_an_auditor_changes_nothing_every_state_changing_route_refuses_the_role(service, migrated_database):
    routes = [(m, r) for m, r in _state_changing_routes() if r.startswith(f"/api/v1/{service}/")]
    assert routes, "the access page lists this service's routes"
    client = app_of(service, migrated_database(service), kafka_bootstrap_servers="127.0.0.1:1").test_client()
    auditor = identity.encode(identity.Identity("pemeriksa.inspektorat", ("auditor",)), SECRET)
    for method, route in routes:
        path = re.sub(r"<(?:int:)?(\w+)>", lambda m: "2026" if m.group(0).startswith("<int:") else "x", route)
        answer = client.open(path, method=method, json={}, headers={identity.HEADER: auditor})
        assert answer.status_code == 403, (method, route, answer.status_code)
