"""The notifications service's part of the walk of docs/access.md (tests/audit_walk.py): each of its state-changing
routes, called as a role the page gives it and accepted, leaves its ChangeMade naming the caller, the request and the
time."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import update

from services.notifications.app import create_app
from services.notifications.models import Message, Outbox
from shared import identity
from shared.events import new_event
from tests import factories
from tests.audit_walk import Walk
from tests.integration.needs.conftest import new_nip
from tests.integration.notifications.conftest import _published
from tests.integration.notifications.test_calendars_reminders import _scheduled

ADMIN = identity.Identity("bkpsdm.walk", ("admin",))
BASE = "/api/v1/notifications"


def test_every_state_changing_route_of_notifications_leaves_its_audit_record(service, deliver):
    settings, database = service
    nip, program_id, batch_id = new_nip(), str(uuid.uuid4()), str(uuid.uuid4())
    enrolment = {"enrollment_id": str(uuid.uuid4()), "nip": nip, "program_id": program_id, "batch_id": batch_id}
    deliver(
        factories.employee_synced(nip, email=f"{nip}@contoh.go.id"),
        _published(program_id),
        _scheduled(batch_id, program_id, dt.date(2027, 3, 2), []),
        new_event("ParticipantEnrolled", enrolment),
    )
    with database.sessions() as session:  # the call-up could not be delivered: failed for good
        session.execute(update(Message).where(Message.nip == nip).values(status="failed", last_error="550 tidak ada"))
        session.commit()
        [message_id] = session.scalars(
            Message.__table__.select().with_only_columns(Message.id).where(Message.nip == nip)
        )
    step = Walk("notifications", create_app(settings).test_client(), database, Outbox)
    person = identity.Identity(nip, ("employee",))

    step("PUT", f"{BASE}/preferences/me", person, json={"language": "en", "muted": []})
    step("POST", f"{BASE}/calendars/me/feed", person)
    step("DELETE", f"{BASE}/calendars/me/feed", person)
    step("POST", f"{BASE}/calendars/batches/<batch_id>/feed", ADMIN, {"batch_id": batch_id})
    step("DELETE", f"{BASE}/calendars/batches/<batch_id>/feed", ADMIN, {"batch_id": batch_id})
    again = step("POST", f"{BASE}/messages/<message_id>/resend", ADMIN, {"message_id": message_id})
    assert again["status"] == "queued"

    step.covers_the_access_page()
