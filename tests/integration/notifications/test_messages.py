"""Messages from events, on real Kafka and PostgreSQL with a local SMTP receiver (the city's mail server's
stand-in): exactly one e-mail per event and person under redelivery, muted optional kinds, a failing mail server
retried and then recorded failed."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import uuid

from sqlalchemy import func, select

from services.notifications.config import NotificationSettings
from services.notifications.delivery import send_again, send_due
from services.notifications.models import Message, Preference
from shared.events import new_event
from shared.mail import SmtpChannel
from tests import factories
from tests.integration.needs.conftest import new_nip
from tests.integration.notifications.conftest import _enrolled, _published, _task
from tests.services import SECRET


def test_an_enrolment_and_a_due_evaluation_each_give_one_email_also_when_delivered_again(service, deliver, smtp):
    settings, database = service
    participant, supervisor, program_id = new_nip(), new_nip(), str(uuid.uuid4())
    deliver(
        factories.employee_synced(participant, email=f"{participant}@contoh.go.id", supervisor_nip=supervisor),
        factories.employee_synced(supervisor, email=f"{supervisor}@contoh.go.id"),
        _published(program_id),
    )
    enrolled, task = _enrolled(participant, program_id), _task(participant, supervisor, program_id)
    deliver(enrolled, task, enrolled, task)  # the same events twice: redelivery
    assert send_due(database, settings, {"email": SmtpChannel(settings)}) == {"sent": 2, "failed": 0, "retrying": 0}
    assert send_due(database, settings, {"email": SmtpChannel(settings)})["sent"] == 0

    [call_up] = smtp.to(f"{participant}@contoh.go.id")
    assert call_up["Subject"] == "Panggilan pelatihan: Bimtek Pemetaan Risiko Bencana dengan QGIS"
    assert "2027-03-01 s.d. 2027-03-03" in call_up.get_content()
    [due] = smtp.to(f"{supervisor}@contoh.go.id")
    assert due["Subject"].startswith("Evaluasi menunggu Anda") and "Penilaian proyek peserta" in due.get_content()


def test_muted_optional_kinds_are_not_written_and_mandatory_ones_are(service, deliver, smtp):
    settings, database = service
    nip, program_id = new_nip(), str(uuid.uuid4())
    with database.sessions() as session:
        session.add(Preference(nip=nip, language="en", muted=["withdrawn", "enrolled"]))
        session.commit()
    deliver(factories.employee_synced(nip, email=f"{nip}@contoh.go.id"), _published(program_id))
    enrolled = _enrolled(nip, program_id)
    withdrawn = new_event(
        "ParticipantWithdrawn",
        {**enrolled.load_data(), "reason": "Tugas dinas", "replaced_by": None},
    )
    deliver(enrolled, withdrawn)
    send_due(database, settings, {"email": SmtpChannel(settings)})
    [message] = smtp.to(f"{nip}@contoh.go.id")
    assert message["Subject"] == "Call-up: Bimtek Pemetaan Risiko Bencana dengan QGIS"  # English, and not muted


def test_a_failing_mail_server_is_retried_then_recorded_failed_and_can_be_sent_again(service, deliver, smtp):
    settings, database = service
    nip, program_id = new_nip(), str(uuid.uuid4())
    deliver(factories.employee_synced(nip, email=f"{nip}@contoh.go.id"), _published(program_id))
    deliver(_enrolled(nip, program_id))
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    dead_port = closed.getsockname()[1]
    closed.close()  # nothing listens there: every attempt fails
    broken = SmtpChannel(NotificationSettings(**{**settings.__dict__, "smtp_port": dead_port}))
    outcomes = [send_due(database, settings, {"email": broken}) for _ in range(3)]
    assert [o["retrying"] for o in outcomes] == [1, 1, 0] and outcomes[-1]["failed"] == 1
    with database.sessions() as session:
        [failed] = session.scalars(select(Message).where(Message.nip == nip)).all()
        assert (failed.status, failed.attempts) == ("failed", 3) and "ConnectionRefusedError" in failed.last_error
    assert send_again(database, settings, failed.id).status == "queued"
    assert send_due(database, settings, {"email": SmtpChannel(settings)})["sent"] == 1
    assert len(smtp.to(f"{nip}@contoh.go.id")) == 1
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Message).where(Message.nip == nip)) == 1


def test_the_worker_killed_mid_stream_and_restarted_sends_each_message_once(
    service, kafka_producer, kafka_bootstrap, smtp, unique
):
    """The real worker process (consumer and delivery loop) gets 40 enrolments and 40 due evaluations; it is killed
    (SIGKILL: no goodbye) while they arrive and started again: the receiver counts exactly one e-mail for each."""
    settings, database = service
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_TOPIC_PREFIX": settings.kafka_topic_prefix,
        "INTERNAL_IDENTITY_SECRET": SECRET,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "MAIL_POLL_SECONDS": "0.2",
        "MAIL_LEASE_SECONDS": "3",
        "SMTP_TIMEOUT_SECONDS": "1",
        "OUTBOX_POLL_SECONDS": "0.2",
        "LOG_LEVEL": "WARNING",
    }

    def start() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "services.notifications.worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def send(*events) -> None:
        for event in events:
            kafka_producer.send(
                settings.kafka_topic_prefix + event.topic, key=event.key.encode(), value=event.to_json()
            )
        kafka_producer.flush()

    people = [new_nip() for _ in range(40)]
    supervisor, program_id = new_nip(), str(uuid.uuid4())
    send(
        factories.employee_synced(supervisor, email=f"{supervisor}@contoh.go.id"),
        *(factories.employee_synced(n, email=f"{n}@contoh.go.id", supervisor_nip=supervisor) for n in people),
        _published(program_id),
    )
    worker = start()
    try:
        send(*(_enrolled(n, program_id) for n in people[:20]))
        time.sleep(1.5)
        worker.kill()  # mid-stream: some sent, some written and not sent, some not read
        worker.wait(timeout=10)
        send(*(_enrolled(n, program_id) for n in people[20:]), *(_task(n, supervisor, program_id) for n in people))
        worker = start()
        deadline = time.monotonic() + 120
        while len(smtp.inbox.messages) < 80:
            if time.monotonic() > deadline:
                with database.sessions() as session:
                    states = session.execute(
                        select(Message.kind, Message.status, Message.attempts, func.count()).group_by(
                            Message.kind, Message.status, Message.attempts
                        )
                    ).all()
                raise AssertionError(f"{len(smtp.inbox.messages)} of 80 e-mails arrived; messages: {states}")
            time.sleep(0.5)
        time.sleep(2)  # anything more would arrive now
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    for nip in people:
        assert len(smtp.to(f"{nip}@contoh.go.id")) == 1, nip
    assert len(smtp.to(f"{supervisor}@contoh.go.id")) == 40
    assert len(smtp.inbox.messages) == 80
    # sent again only if the kill fell between the server's acceptance and the record: at most one, the same
    # Message-ID, kept once by the mailbox
    assert smtp.inbox.duplicates <= 1


def test_a_reopened_batch_tells_the_certificate_revoked_and_the_second_close_is_no_second_congratulation(
    service, deliver, smtp
):
    """Close → "Selamat, Anda lulus"; reopen (TrainingDecisionRevoked) → "Sertifikat dicabut", which cannot be muted;
    close again → the corrected result with the new certificate, not a second congratulation; all once under
    redelivery."""
    settings, database = service
    nip, program_id = new_nip(), str(uuid.uuid4())
    address = f"{nip}@contoh.go.id"
    deliver(factories.employee_synced(nip, email=address), _published(program_id))
    enrolled = _enrolled(nip, program_id)
    data = enrolled.load_data()
    completion = {
        **data,
        "program_title": "Bimtek Pemetaan Risiko Bencana dengan QGIS",
        "form": "bimtek",
        "jp": 24,
        "competencies": [{"code": "T-GIS", "target_level": 3}],
        "attendance_rate": 1.0,
        "completed_on": dt.date(2027, 3, 3),
        "partner_code": "UNIMAL",
    }
    first = new_event("TrainingCompleted", completion | {"certificate_number": "BKPSDM-LSM/2027/00001"})
    revoked = new_event(
        "TrainingDecisionRevoked",
        {
            **data,
            "revoked": "completed",
            "reason": "Koreksi daftar hadir",
            "competencies": completion["competencies"],
        },
    )
    second = new_event("TrainingCompleted", completion | {"certificate_number": "BKPSDM-LSM/2027/00002"})
    deliver(enrolled, first, revoked, revoked, second, second)
    send_due(database, settings, {"email": SmtpChannel(settings)})
    told = {m["Subject"].strip(): m for m in smtp.to(address)}  # a long subject is folded
    title = "Bimtek Pemetaan Risiko Bencana dengan QGIS"
    assert len(smtp.to(address)) == 4 and set(told) == {
        f"Panggilan pelatihan: {title}",
        f"Selamat, Anda lulus: {title}",
        f"Sertifikat dicabut untuk koreksi: {title}",
        f"Hasil setelah koreksi: Anda lulus {title}",
    }
    revocation = told[f"Sertifikat dicabut untuk koreksi: {title}"]
    correction = told[f"Hasil setelah koreksi: Anda lulus {title}"]
    assert "Koreksi daftar hadir" in revocation.get_content()
    assert "BKPSDM-LSM/2027/00002" in correction.get_content() and "Selamat" not in correction.get_content()

    # one who muted completions still learns of the revocation, and the correction follows their choice
    muted = new_nip()
    with database.sessions() as session:
        session.add(Preference(nip=muted, language="id", muted=["completed"]))
        session.commit()
    deliver(factories.employee_synced(muted, email=f"{muted}@contoh.go.id"))
    again = _enrolled(muted, program_id)
    theirs = completion | again.load_data()
    deliver(
        again,
        new_event("TrainingCompleted", theirs),
        new_event(
            "TrainingDecisionRevoked",
            {**again.load_data(), "revoked": "completed", "reason": "Koreksi", "competencies": theirs["competencies"]},
        ),
        new_event("TrainingCompleted", theirs),
    )
    send_due(database, settings, {"email": SmtpChannel(settings)})
    assert sorted(m["Subject"].strip() for m in smtp.to(f"{muted}@contoh.go.id")) == [
        f"Panggilan pelatihan: {title}",
        f"Sertifikat dicabut untuk koreksi: {title}",
    ]
