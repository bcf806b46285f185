"""Calendars, moved meetings, reminders and the JP checkpoints, from events through Kafka on real PostgreSQL: the
iCalendar feeds read back with a calendar library, one e-mail per moved meeting and reminder at the SMTP stand-in."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from services.notifications import handlers
from services.notifications.app import create_app
from services.notifications.delivery import send_due
from services.notifications.models import Message, Outbox
from shared import identity
from shared.db import UnitOfWork
from shared.events import new_event
from shared.mail import SmtpChannel
from tests import factories
from tests.integration.needs.conftest import new_nip
from tests.integration.notifications.conftest import _published, _task
from tests.services import SECRET

WIB = ZoneInfo("Asia/Jakarta")
MAKASSAR = str(Path(__file__).resolve().parents[3] / "deploy" / "instansi" / "kota-makassar.json")


@pytest.fixture
def client(service):
    settings, _ = service
    return create_app(settings).test_client()


def _as(nip: str, role: str = "employee") -> dict:
    return {identity.HEADER: identity.encode(identity.Identity(nip, (role,)), SECRET)}


def _scheduled(batch_id: str, program_id: str, second_day: dt.date, changed: list[int]):
    meetings = [
        {"meeting_no": 1, "date": dt.date(2027, 3, 1), "starts_at": dt.time(8), "ends_at": dt.time(12)},
        {"meeting_no": 2, "date": second_day, "starts_at": dt.time(13), "ends_at": dt.time(16, 30)},
    ]
    return new_event(
        "BatchScheduled",
        {
            "batch_id": batch_id,
            "program_id": program_id,
            "number": 1,
            "meetings": [m | {"place": "Aula BKPSDM", "online": False} for m in meetings],
            "changed_meetings": changed,
        },
    )


def _send_all(settings, database) -> None:
    channels = {"email": SmtpChannel(settings)}
    while any(send_due(database, settings, channels, limit=500).values()):
        pass


def _events(calendar_bytes: bytes) -> dict[str, icalendar.Event]:
    parsed = icalendar.Calendar.from_ical(calendar_bytes)
    return {str(e["UID"]): e for e in parsed.walk("VEVENT")}


@pytest.mark.parametrize("service", [MAKASSAR], indirect=True)
def test_in_another_instansi_the_moved_meeting_mail_and_the_calendar_keep_its_clocks_and_its_names(
    service, deliver, smtp, client
):
    """Kota Makassar (WITA): the e-mail saying a meeting moved gives its times in WITA, comes from Makassar's sender
    and signs off as its BKPSDM; the person's calendar puts the meeting at 08.00 WITA (UTC+8)."""
    settings, database = service
    participant, program_id, batch_id = new_nip(), str(uuid.uuid4()), str(uuid.uuid4())
    address = f"{participant}@makassarkota.go.id"
    enrolment = {"enrollment_id": str(uuid.uuid4()), "nip": participant, "program_id": program_id}
    moved = _scheduled(batch_id, program_id, dt.date(2027, 3, 9), [2])
    deliver(
        factories.employee_synced(participant, email=address),
        _published(program_id),
        _scheduled(batch_id, program_id, dt.date(2027, 3, 2), []),
        new_event("ParticipantEnrolled", enrolment | {"batch_id": batch_id}),
    )
    deliver(moved)  # after the enrolment: the records of other keys may be handled in any order
    _send_all(settings, database)
    (notice,) = [m for m in smtp.to(address) if m["Subject"].startswith("Jadwal berubah")]
    text = notice.get_content()
    assert "2027-03-09 13:00–16:30 WITA, Aula BKPSDM" in text and text.rstrip().endswith("BKPSDM Kota Makassar")
    assert notice["From"] == "Bangkom BKPSDM Makassar <bangkom@makassarkota.go.id>"
    assert notice["Message-ID"].endswith("@bangkom.makassarkota.go.id>")
    mine = client.get("/api/v1/notifications/calendars/me", headers=_as(participant))
    first = _events(mine.data)[f"meeting-{batch_id}-1@bangkom.makassarkota.go.id"]
    assert first["DTSTART"].dt.utcoffset() == dt.timedelta(hours=8)
    assert first["DTSTART"].dt.astimezone(dt.UTC) == dt.datetime(2027, 3, 1, 0, tzinfo=dt.UTC)


def test_a_persons_calendar_feed_follows_a_moved_meeting_tells_them_once_and_is_revocable(
    service, deliver, smtp, client
):
    settings, database = service
    participant, program_id, batch_id = new_nip(), str(uuid.uuid4()), str(uuid.uuid4())
    address = f"{participant}@contoh.go.id"
    enrolment = {"enrollment_id": str(uuid.uuid4()), "nip": participant, "program_id": program_id}
    task = _task(participant, participant, program_id, kind="reaction")
    deliver(
        factories.employee_synced(participant, email=address),
        _published(program_id),
        _scheduled(batch_id, program_id, dt.date(2027, 3, 2), []),
        new_event("ParticipantEnrolled", enrolment | {"batch_id": batch_id}),
        task,
    )

    made = client.post("/api/v1/notifications/calendars/me/feed", headers=_as(participant))
    assert made.status_code == 200 and made.json["subscribed"] and made.json["path"].startswith("/kalender/")
    token = made.json["token"]
    gateway = _as("gateway", "gateway")
    feed = client.get("/api/v1/notifications/calendars/feed", query_string={"token": token}, headers=gateway)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    entries = _events(feed.data)
    first, second = (entries[f"meeting-{batch_id}-{n}@bangkom.lhokseumawekota.go.id"] for n in (1, 2))
    assert first["DTSTART"].dt == dt.datetime(2027, 3, 1, 8, tzinfo=WIB)
    assert second["DTEND"].dt == dt.datetime(2027, 3, 2, 16, 30, tzinfo=WIB)
    assert "Bimtek Pemetaan Risiko Bencana dengan QGIS" in str(first["SUMMARY"]) and first["LOCATION"] == "Aula BKPSDM"
    due = entries[f"task-{task.data['task_id']}@bangkom.lhokseumawekota.go.id"]
    assert due["DTSTART"].dt == dt.date.fromisoformat(task.data["due_on"]) and "Kuesioner" in str(due["SUMMARY"])
    download = client.get("/api/v1/notifications/calendars/me", headers=_as(participant))
    assert download.status_code == 200 and set(_events(download.data)) == set(entries)
    assert "attachment" in download.headers["Content-Disposition"]

    # meeting 2 moves: one e-mail saying so (also when the event comes twice), and the same entry moves in the feed
    moved = _scheduled(batch_id, program_id, dt.date(2027, 3, 9), [2])
    deliver(moved, moved)
    _send_all(settings, database)
    (notice,) = [m for m in smtp.to(address) if m["Subject"].startswith("Jadwal berubah")]
    assert "2027-03-09 13:00–16:30 WIB, Aula BKPSDM" in notice.get_content()
    entries = _events(
        client.get("/api/v1/notifications/calendars/feed", query_string={"token": token}, headers=gateway).data
    )
    assert entries[f"meeting-{batch_id}-2@bangkom.lhokseumawekota.go.id"]["DTSTART"].dt.date() == dt.date(2027, 3, 9)
    assert len(entries) == 3  # the same meetings, moved: not added

    # the batch's own calendar; a stranger's secret, a revoked one and one replaced by a new one open nothing
    batch = client.get(f"/api/v1/notifications/calendars/batches/{batch_id}", headers=_as(participant))
    assert len(_events(batch.data)) == 2

    def partner(code: str) -> dict:
        return {identity.HEADER: identity.encode(identity.Identity("u", ("partner",), code), SECRET)}

    path = f"/api/v1/notifications/calendars/batches/{batch_id}"
    assert client.get(path, headers=partner("UNIMAL")).status_code == 200  # the program's partner
    assert client.get(path, headers=partner("LAINNYA")).status_code == 404  # another's batch: as if none
    assert (
        client.get(f"/api/v1/notifications/calendars/batches/{uuid.uuid4()}", headers=_as(participant)).status_code
        == 404
    )
    renewed = client.post("/api/v1/notifications/calendars/me/feed", headers=_as(participant)).json["token"]
    old = client.get("/api/v1/notifications/calendars/feed", query_string={"token": token}, headers=gateway)
    assert old.status_code == 404 and old.mimetype == "application/problem+json"
    stopped = client.delete("/api/v1/notifications/calendars/me/feed", headers=_as(participant))
    assert stopped.json["subscribed"] is False
    assert (
        client.get("/api/v1/notifications/calendars/feed", query_string={"token": renewed}, headers=gateway).status_code
        == 404
    )
    # only the gateway reads a feed by its secret (it serves /kalender/<token>.ics); a person cannot
    assert (
        client.get(
            "/api/v1/notifications/calendars/feed", query_string={"token": renewed}, headers=_as(participant)
        ).status_code
        == 403
    )


def test_due_soon_and_overdue_reminders_once_each_and_none_once_answered(service, deliver, smtp):
    settings, database = service
    program_id = str(uuid.uuid4())
    soon, late, answered, later = (new_nip() for _ in range(4))
    today = settings.today()
    tasks = {}
    for nip, due_in in ((soon, 2), (late, -1), (answered, 1), (later, 10)):
        tasks[nip] = _task(nip, nip, program_id)
        tasks[nip].data["due_on"] = (today + dt.timedelta(days=due_in)).isoformat()
    deliver(
        _published(program_id),
        *(factories.employee_synced(n, email=f"{n}@contoh.go.id") for n in (soon, late, answered, later)),
        *tasks.values(),
    )
    done = tasks[answered].data
    deliver(
        new_event(
            "EvaluationTaskSubmitted",
            {key: done[key] for key in ("task_id", "kind", "nip", "assignee_nip", "enrollment_id", "program_id")}
            | {"submitted_at": dt.datetime.now(dt.UTC)},
        )
    )
    for _ in range(2):  # a second round writes nothing new
        with UnitOfWork(database, Outbox) as uow:
            handlers.remind(uow, settings, today)
    _send_all(settings, database)
    subjects = {
        nip: [m["Subject"] for m in smtp.to(f"{nip}@contoh.go.id") if "valuasi" in m["Subject"]] for nip in tasks
    }
    reminders = {nip: [s for s in found if s.startswith(("Pengingat", "Terlambat"))] for nip, found in subjects.items()}
    assert [s.split(":")[0] for s in reminders[soon]] == ["Pengingat"]
    assert [s.split(":")[0] for s in reminders[late]] == ["Terlambat"]
    assert reminders[answered] == [] and reminders[later] == []
    # a reminder cannot be muted: it is the due evaluation itself
    with database.sessions() as session:
        kinds = set(session.scalars(select(Message.kind).where(Message.nip.in_([soon, late]))))
    assert {"due_soon", "overdue"} <= kinds


def test_jp_checkpoints_tell_who_is_behind_their_opd_head_and_bkpsdm_once(service, deliver, smtp):
    settings, database = service
    settings = dataclasses.replace(settings, bkpsdm_email="bangkom@bkpsdm.contoh.go.id")
    unit, other = f"U{uuid.uuid4().hex[:6]}", f"U{uuid.uuid4().hex[:6]}"
    head, behind, fine, pppk, lone = (new_nip() for _ in range(5))
    people = [
        factories.employee_synced(head, unit=unit, email=f"{head}@contoh.go.id", jp_target=20),
        factories.employee_synced(behind, head, unit=unit, email=f"{behind}@contoh.go.id", jp_target=20),
        factories.employee_synced(fine, head, unit=unit, email=f"{fine}@contoh.go.id", jp_target=20),
        factories.employee_synced(pppk, head, unit=unit, email=f"{pppk}@contoh.go.id", jp_target=0),
        factories.employee_synced(lone, head, unit=other, email=f"{lone}@contoh.go.id", jp_target=20),
    ]
    credits = [
        new_event(
            "JpCredited",
            {"credit_id": str(uuid.uuid4()), "nip": n, "year": 2027, "jp": jp, "source": "bangkom", "year_total": jp},
        )
        for n, jp in ((head, 24), (fine, 20), (behind, 8))
    ]
    deliver(*people, *credits)

    with UnitOfWork(database, Outbox) as uow:
        assert handlers.jp_checkpoint(uow, settings, dt.date(2027, 6, 30)) == 0  # before July: none
    with UnitOfWork(database, Outbox) as uow:
        assert handlers.jp_checkpoint(uow, settings, dt.date(2027, 7, 2)) > 0
    with UnitOfWork(database, Outbox) as uow:
        assert handlers.jp_checkpoint(uow, settings, dt.date(2027, 7, 20)) == 0  # once per checkpoint
    _send_all(settings, database)

    def mail(nip: str) -> list:
        return [m for m in smtp.to(f"{nip}@contoh.go.id") if "JP" in m["Subject"]]

    (told,) = mail(behind)
    assert told["Subject"] == "JP Anda tahun 2027: 8 dari 20" and "kurang 12 JP" in told.get_content()
    assert mail(fine) == [] and mail(pppk) == []
    (digest,) = mail(head)  # the OPD's head: nobody above them in the unit
    assert (
        "1 dari 4 pegawai" in digest.get_content()
        and behind in digest.get_content()
        and fine not in digest.get_content()
        and digest.get_content().split("Bangkom: ")[1].split()[0].endswith("/opd")  # the OPD's own view
    )
    (own,) = [m for m in mail(lone) if m["Subject"].startswith("JP Anda")]  # alone in their unit: its head too
    assert [m for m in mail(lone) if m["Subject"].startswith("Rekap")]
    assert own
    (bkpsdm,) = [m for m in smtp.to("bangkom@bkpsdm.contoh.go.id") if "2027" in m["Subject"]]
    assert f"Dinas {unit}: 1/4" in bkpsdm.get_content()


def test_a_reassigned_project_assessment_tells_the_new_supervisor_and_reminds_only_them(service, deliver, smtp):
    settings, database = service
    program_id, participant, former, chosen = str(uuid.uuid4()), new_nip(), new_nip(), new_nip()
    task = _task(participant, former, program_id)
    task.data["due_on"] = (settings.today() + dt.timedelta(days=2)).isoformat()  # due soon: a reminder is owed
    deliver(
        _published(program_id),
        *(factories.employee_synced(n, email=f"{n}@contoh.go.id") for n in (participant, former, chosen)),
        task,
        new_event(
            "EvaluationTaskReassigned",
            {key: task.data[key] for key in ("task_id", "kind", "nip", "enrollment_id", "program_id")}
            | {"due_on": dt.date.fromisoformat(task.data["due_on"]), "assignee_nip": chosen}
            | {"previous_assignee_nip": former, "reason": "Atasan sedang tugas belajar"},
        ),
    )
    with UnitOfWork(database, Outbox) as uow:
        handlers.remind(uow, settings, settings.today())
    _send_all(settings, database)
    told = [m["Subject"] for m in smtp.to(f"{chosen}@contoh.go.id")]
    assert any("valuasi" in s and not s.startswith("Pengingat") for s in told), told  # the task itself
    assert [s.split(":")[0] for s in told if s.startswith(("Pengingat", "Terlambat"))] == ["Pengingat"]
    assert not [s for s in (m["Subject"] for m in smtp.to(f"{former}@contoh.go.id")) if s.startswith("Pengingat")]
