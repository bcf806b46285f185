"""SIMPEG integration on real PostgreSQL and Kafka, against the SIMPEG stand-in: the employee sync
(CLI and API), its lock, the export-file import, training history out (exactly once through outages),
retries of failed records and the reconciliation.

A sync judges the whole population (who is missing is deactivated), so each test gets a database of
its own rather than sharing the session's needs database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import func, select

from services.cli import main
from services.needs import handlers
from services.needs.app import create_app
from services.needs.config import NeedsSettings
from services.needs.models import Employee, JpCredit, Outbox, Position, SimpegHistory, SimpegSyncRun
from services.needs.simpeg import history as history_sender
from services.needs.simpeg import runs
from services.needs.simpeg.client import SimpegClient
from shared import identity
from shared.db import Database, UnitOfWork, utcnow
from shared.events import new_event
from shared.migrations import upgrade
from tests.integration.conftest import consume_until, record_outcomes
from tests.integration.needs.conftest import ADMIN, SECRET
from tests.simpeg_standin import SimpegStandin, generate_employees


@pytest.fixture
def standin():
    server = SimpegStandin(generate_employees(120, seed=uuid.uuid4().int)).start()
    yield server
    server.stop()


@pytest.fixture
def own_db(make_database):
    url = make_database("simpeg")
    upgrade("services.needs", url)
    database = Database(url)
    with UnitOfWork(database, Outbox) as uow:
        handlers.seed_dictionary(uow)
    yield database
    database.dispose()


@pytest.fixture
def settings(own_db, standin, kafka_bootstrap, unique) -> NeedsSettings:
    return NeedsSettings(
        service="needs",
        database_url=own_db.engine.url.render_as_string(hide_password=False),
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=unique("simpeg") + ".",
        internal_identity_secret=SECRET,
        simpeg_base_url=standin.url,
        simpeg_client_id=standin.client_id,
        simpeg_client_secret=standin.client_secret,
        simpeg_retries=1,
        simpeg_backoff_seconds=0.01,
        simpeg_timeout_seconds=2.0,
        simpeg_page_size=25,
        simpeg_chunk_size=40,
        simpeg_history_retry_seconds=0.0,
        simpeg_history_max_attempts=4,
        consumer_backoff_seconds=0.01,
        consumer_max_attempts=2,
    )


@pytest.fixture
def cli(settings, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("KAFKA_TOPIC_PREFIX", settings.kafka_topic_prefix)
    monkeypatch.setenv("SIMPEG_BASE_URL", settings.simpeg_base_url)
    monkeypatch.setenv("SIMPEG_CLIENT_ID", settings.simpeg_client_id)
    monkeypatch.setenv("SIMPEG_CLIENT_SECRET", settings.simpeg_client_secret)
    monkeypatch.setenv("SIMPEG_PAGE_SIZE", "25")
    monkeypatch.setenv("SIMPEG_BACKOFF_SECONDS", "0.01")
    monkeypatch.setenv("SIMPEG_RETRIES", "1")
    monkeypatch.setenv("SIMPEG_HISTORY_RETRY_SECONDS", "0")
    runner = CliRunner()
    return lambda *args: runner.invoke(main, ["simpeg", *args])


@pytest.fixture
def client(settings):
    client = create_app(settings).test_client()
    client.environ_base["HTTP_X_BANGKOM_IDENTITY"] = identity.encode(ADMIN, SECRET)
    return client


def events(database: Database, event_type: str = "EmployeeSynced") -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).where(Outbox.type.like(f"%.{event_type}.%")))


def employee(database: Database, nip: str) -> Employee:
    with database.sessions() as session:
        return session.get(Employee, nip)


# --- inbound ------------------------------------------------------------------------------------


def test_sync_applies_every_page_and_a_second_run_changes_nothing(cli, standin, own_db):
    standin.fail_next(1)  # the first call (the token) fails once: retried
    first = cli("sync")
    assert first.exit_code == 0, first.output
    assert "received 120, added 120, updated 0, unchanged 0, deactivated 0" in first.output
    assert events(own_db) == 120
    with own_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Position)) > 5  # created from jabatanId/jenisJabatan
        kadis = session.scalars(select(Position).where(Position.code.like("%-KADIS"))).first()
        assert kadis.position_class == "jpt"

    second = cli("sync")
    assert second.exit_code == 0, second.output
    assert (
        "received 120, added 0, updated 0, unchanged 120, deactivated 0, new positions 0, rejected 0" in second.output
    )
    assert events(own_db) == 120  # no event the second time

    nips = sorted(standin.employees)
    retired = nips[1]
    # one who is not an Analis Kepegawaian yet (the stand-in's positions are drawn at random)
    mover = next(n for n in nips if n != retired and standin.employees[n].get("jabatanId") != "OPD-BPBD-ANALIS-KEPEG")
    moved = standin.employees[mover]
    moved.update(
        jabatanId="OPD-BPBD-ANALIS-KEPEG",
        jabatanNama="Analis Kepegawaian Ahli Muda",
        jenisJabatan="Fungsional Tertentu",
        eselon=None,
    )
    del standin.employees[retired]
    third = cli("sync")
    assert "received 119, added 0, updated 1, unchanged 118, deactivated 1" in third.output, third.output
    assert employee(own_db, mover).position_code == "OPD-BPBD-ANALIS-KEPEG"
    assert employee(own_db, retired).active is False
    assert events(own_db) == 122
    with own_db.sessions() as session:
        runs = session.scalars(select(SimpegSyncRun).order_by(SimpegSyncRun.created_at)).all()
    assert [(r.status, r.done, r.total, r.trigger) for r in runs] == [("succeeded", 120, 120, "cli")] * 2 + [
        ("succeeded", 119, 119, "cli")
    ]


def test_a_short_list_from_simpeg_deactivates_nobody_without_the_override(cli, standin, own_db):
    assert cli("sync").exit_code == 0
    for nip in sorted(standin.employees)[:30]:  # a quarter of everyone vanished: more likely a SIMPEG fault
        del standin.employees[nip]
    guarded = cli("sync")
    assert "deactivated 0" in guarded.output and "none were deactivated" in guarded.output
    forced = cli("sync", "--allow-mass-deactivation")
    assert "deactivated 30" in forced.output, forced.output


def test_failed_sync_keeps_what_it_applied_and_deactivates_nobody(cli, standin, own_db):
    assert cli("sync").exit_code == 0
    del standin.employees[sorted(standin.employees)[0]]
    standin.fail_for(60)
    failed = cli("sync")
    assert failed.exit_code == 1 and "Nobody was deactivated" in failed.output
    standin.recover()
    with own_db.sessions() as session:
        assert session.scalar(select(func.count()).where(Employee.active.is_(False))) == 0
        last = session.scalars(select(SimpegSyncRun).order_by(SimpegSyncRun.created_at.desc())).first()
    assert last.status == "failed" and "503" in last.error


def test_one_sync_at_a_time_and_a_dead_one_is_taken_over(cli, settings, own_db, client):
    uow = UnitOfWork(own_db, Outbox)
    with uow:
        holder = runs.start_run(uow, settings, source="simpeg", trigger="cron")
    busy = cli("sync")
    assert busy.exit_code == 3 and "already in progress" in busy.output and holder.id in busy.output
    refused = client.post("/api/v1/needs/simpeg/sync-runs", json={})
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    # the holder stops beating: after the lease the next sync takes over
    with own_db.sessions() as session:
        run = session.get(SimpegSyncRun, holder.id)
        run.heartbeat_at = utcnow() - dt.timedelta(seconds=settings.simpeg_sync_lease_seconds + 1)
        session.commit()
    assert cli("sync").exit_code == 0
    with own_db.sessions() as session:
        assert session.get(SimpegSyncRun, holder.id).status == "abandoned"


def test_sync_requested_over_http_is_run_by_the_worker_with_progress(client, settings, own_db, standin):
    queued = client.post("/api/v1/needs/simpeg/sync-runs", json={"unit_id": "OPD-BPBD"})
    assert queued.status_code == 202, queued.json
    assert queued.json["status"] == "queued" and queued.json["requested_by"] == ADMIN.subject
    run_id = runs.run_queued(own_db, settings, SimpegClient.from_settings(settings))
    assert run_id == queued.json["id"]
    run = client.get(f"/api/v1/needs/simpeg/sync-runs/{run_id}").json
    in_unit = sum(1 for e in standin.employees.values() if e["unorIndukId"] == "OPD-BPBD")
    assert run["status"] == "succeeded" and run["done"] == run["total"] == in_unit
    assert run["report"]["added"] == in_unit
    status = client.get("/api/v1/needs/simpeg/status").json
    assert status["configured"] and status["last_success"]["id"] == run_id
    assert client.get("/api/v1/needs/simpeg/sync-runs").json[0]["id"] == run_id
    bad = client.post("/api/v1/needs/simpeg/sync-runs", json={"unit_id": ""})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "unit_id"


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_malformed_export_file_is_imported_row_by_row_with_row_numbers(client, own_db, standin):
    good = [standin.employees[nip] for nip in sorted(standin.employees)[:3]]
    columns = [
        "nipBaru",
        "nama",
        "statusPegawai",
        "unorIndukId",
        "unorIndukNama",
        "jabatanId",
        "jabatanNama",
        "jenisJabatan",
        "eselon",
        "golRuangAkhir",
        "nipAtasan",
        "tmtPensiun",
    ]
    rows = [columns] + [[g.get(c) for c in columns] for g in good]
    rows += [
        ["19860926201505100", "NIP pendek", "PNS", "OPD-X", "Dinas X", None, None, None, None, None, None, None],
        [198609262015051001, "NIP angka", "PNS", "OPD-X", "Dinas X", None, None, None, None, None, None, None],
        [None] * len(columns),  # a blank line is skipped, not rejected
        ["198001012005011001", "Honorer", "Honorer", "OPD-X", "Dinas X", None, None, None, None, None, None, None],
        [good[0]["nipBaru"], "Dua kali", "PNS", "OPD-X", "Dinas X", None, None, None, None, None, None, None],
        [
            "198001012005011002",
            "Pensiunan",
            "PNS",
            "OPD-X",
            "Dinas X",
            None,
            None,
            None,
            None,
            None,
            None,
            "31-12-2000",
        ],
    ]
    response = client.post(
        "/api/v1/needs/simpeg/imports",
        data={"file": (io.BytesIO(_xlsx(rows)), "ekspor-simpeg.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.json
    report = response.json
    assert (report["received"], report["added"], report["rejected"] and len(report["rejected"])) == (8, 4, 4)
    rejected = {r["row"]: r["errors"][0] for r in report["rejected"]}
    assert rejected[5]["field"] == "nipBaru" and "18 angka" in rejected[5]["message"]
    assert rejected[6]["field"] == "nipBaru" and "Format kolom sebagai Teks" in rejected[6]["message"]
    assert rejected[8]["field"] == "statusPegawai"
    assert rejected[9]["field"] == "nipBaru" and "pertama di baris 2" in rejected[9]["message"]
    assert employee(own_db, good[0]["nipBaru"]).unit_code == good[0]["unorIndukId"]
    assert employee(own_db, "198001012005011002").active is False  # retired in 2000: kept, inactive

    not_a_sheet = client.post(
        "/api/v1/needs/simpeg/imports",
        data={"file": (io.BytesIO(b"nama,umur\nA,1\n"), "pegawai.csv")},
        content_type="multipart/form-data",
    )
    assert not_a_sheet.status_code == 422 and "nipBaru" in not_a_sheet.json["detail"]
    with own_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Employee)) == 4  # nothing partial from that one


def test_a_file_queued_through_the_api_is_applied_by_the_worker_with_progress_and_row_results(
    client, own_db, settings, standin
):
    """The web UI's way: the file is kept with a queued run (answered at once), the worker applies it — also where
    SIMPEG is not configured — and the run tells the truth: partial, with the rejected row's number."""
    good = standin.employees[sorted(standin.employees)[0]]
    columns = ["nipBaru", "nama", "statusPegawai", "unorIndukId", "unorIndukNama"]
    written = io.StringIO()
    csv.writer(written).writerows([columns, [good[c] for c in columns], ["12345", "NIP pendek", "PNS", "OPD-X", "X"]])
    content = written.getvalue().encode()
    queued = client.post(
        "/api/v1/needs/simpeg/import-runs",
        data={"file": (io.BytesIO(content), "pegawai.csv")},
        content_type="multipart/form-data",
    )
    assert queued.status_code == 202, queued.json
    assert (queued.json["status"], queued.json["source"], queued.json["done"]) == ("queued", "file:pegawai.csv", 0)
    busy = client.post(
        "/api/v1/needs/simpeg/import-runs",
        data={"file": (io.BytesIO(content), "pegawai.csv")},
        content_type="multipart/form-data",
    )
    assert busy.status_code == 409, "one employee job at a time"

    assert runs.run_queued(own_db, settings, None) == queued.json["id"]  # the worker without a SIMPEG client
    run = client.get(f"/api/v1/needs/simpeg/sync-runs/{queued.json['id']}").json
    assert (run["status"], run["done"], run["total"]) == ("partial", 2, 2), run["report"]
    assert [(r["row"], r["errors"][0]["field"]) for r in run["report"]["rejected"]] == [(3, "nipBaru")]
    assert employee(own_db, good["nipBaru"]).name == good["nama"]
    with own_db.sessions() as session:
        assert session.get(SimpegSyncRun, run["id"]).upload is None, "the file is not kept once applied"
    assert client.get("/api/v1/needs/simpeg/status").json["last_success"]["id"] == run["id"]

    unreadable = client.post(
        "/api/v1/needs/simpeg/import-runs",
        data={"file": (io.BytesIO(b"nama,umur\nA,1\n"), "pegawai.csv")},
        content_type="multipart/form-data",
    )
    assert unreadable.status_code == 422 and "nipBaru" in unreadable.json["detail"]
    assert runs.run_queued(own_db, settings, None) is None, "nothing was queued for it"


def test_csv_export_through_the_cli(cli, tmp_path, own_db, standin):
    first = standin.employees[sorted(standin.employees)[0]]
    export = tmp_path / "simpeg.csv"
    export.write_text(
        "nipBaru;nama;statusPegawai;unorIndukId;unorIndukNama;jabatanNama;jenisJabatan;eselon\n"
        f"{first['nipBaru']};{first['nama']};{first['statusPegawai']};OPD-BPBD;BPBD;Kepala Bidang;Struktural;III.b\n"
        "123;Salah;PNS;OPD-BPBD;BPBD;;;\n",
        encoding="utf-8",
    )
    result = cli("import", str(export))
    assert result.exit_code == 1
    assert "received 2, added 1" in result.output and "row 3 (NIP 123): nipBaru:" in result.output


# --- outbound -----------------------------------------------------------------------------------


def _completed(nip: str, jp: int = 24, form: str = "pelatihan", title: str = "Pelatihan GIS untuk Kebencanaan"):
    return new_event(
        "TrainingCompleted",
        {
            "enrollment_id": str(uuid.uuid4()),
            "nip": nip,
            "program_id": "p-gis",
            "batch_id": "b-1",
            "program_title": title,
            "form": form,
            "jp": jp,
            "competencies": [],
            "attendance_rate": 0.9,
            "completed_on": dt.date.today(),
            "partner_code": "UNIMAL",
            "partner_name": "Universitas Malikussaleh",
            "started_on": dt.date.today() - dt.timedelta(days=3),
            "certificate_number": "GIS/1/001",
        },
    )


@pytest.fixture
def consume(settings, own_db, producer, kafka_bootstrap, kafka_producer, unique):
    """Deliver events through Kafka to the needs handlers (on this test's database)."""
    from services.needs.models import ProcessedEvent
    from shared.consumer import EventConsumer

    topic = settings.kafka_topic_prefix + "bangkom.training.v1"
    consumer = EventConsumer(
        service="needs",
        database=own_db,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        topic_prefix=settings.kafka_topic_prefix,
        handlers=handlers.event_handlers(settings),
        topics=[topic],
        group_id=unique("simpeg-group"),
        bootstrap_servers=kafka_bootstrap,
        producer=producer,
        dead_letter_topic=settings.dead_letter_topic,
        max_attempts=2,
        backoff_seconds=0.01,
        poll_ms=200,
    )
    outcomes = record_outcomes(consumer)

    def deliver(*events):
        for event in events:
            kafka_producer.send(topic, key=event.key.encode(), value=event.to_json())
        kafka_producer.flush()
        expected = len(outcomes) + len(events)
        consume_until(consumer, lambda: len(outcomes) >= expected)
        return outcomes[-len(events) :]

    yield deliver
    consumer.close()


def history(database: Database) -> dict[str, SimpegHistory]:
    with database.sessions() as session:
        return {h.enrollment_id: h for h in session.scalars(select(SimpegHistory))}


def test_training_history_reaches_simpeg_exactly_once_through_an_outage(
    cli, settings, standin, own_db, consume, client
):
    assert cli("sync").exit_code == 0
    nips = sorted(standin.employees)[:4]
    completed = [_completed(nip) for nip in nips]
    outcomes = consume(*completed, completed[0])  # partitions by NIP: the replay need not come last
    assert sorted(outcomes) == ["duplicate"] + ["handled"] * 4  # a replay queues nothing twice
    assert {h.status for h in history(own_db).values()} == {"pending"} and len(history(own_db)) == 4

    simpeg = SimpegClient.from_settings(settings)
    standin.honour_idempotency_keys = False  # the worst case: only the lookup before a retry protects
    standin.lose_answers(2)  # two writes land in SIMPEG but their answers are lost
    counts = history_sender.send_due_history(own_db, settings, simpeg)
    assert counts == {"sent": 2, "failed": 0, "retrying": 2}
    standin.fail_for(60)  # then SIMPEG is down for a while
    assert history_sender.send_due_history(own_db, settings, simpeg) == {"sent": 0, "failed": 0, "retrying": 2}
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'bangkom_simpeg_history_records{status="pending"} 2.0' in metrics
    standin.recover()
    assert history_sender.send_due_history(own_db, settings, simpeg) == {"sent": 2, "failed": 0, "retrying": 0}
    assert history_sender.send_due_history(own_db, settings, simpeg) == {"sent": 0, "failed": 0, "retrying": 0}

    sent = [record for nip in nips for record in standin.history_of(nip)]
    assert sorted(r["idSumber"] for r in sent) == sorted(e.data["enrollment_id"] for e in completed)  # once each
    assert sent[0]["institusiPenyelenggara"] == "Universitas Malikussaleh" and sent[0]["jumlahJam"] == 24
    assert {h.status for h in history(own_db).values()} == {"sent"}
    assert all(h.simpeg_id for h in history(own_db).values())
    assert cli("reconcile").output.endswith("0 difference(s)\n")


def test_a_rejected_record_fails_with_the_reason_and_is_retried_on_request(
    cli, settings, standin, own_db, consume, client
):
    assert cli("sync").exit_code == 0
    nip = sorted(standin.employees)[0]
    event = _completed(nip, jp=500)
    consume(event)
    standin.reject = lambda record: {"jumlahJam": "maksimal 200 JP"} if record["jumlahJam"] > 200 else None
    assert cli("send").output.startswith("sent 0, failed 1")
    [failed] = client.get("/api/v1/needs/simpeg/history?status=failed").json
    assert failed["enrollment_id"] == event.data["enrollment_id"]
    assert "422" in failed["last_error"] and "jumlahJam: maksimal 200 JP" in failed["last_error"]
    assert 'bangkom_simpeg_history_records{status="failed"} 1.0' in client.get("/metrics").get_data(as_text=True)

    standin.reject = None  # SIMPEG's rule was changed
    assert client.post("/api/v1/needs/simpeg/history/retry", json={}).json == {"retried": 1}
    assert cli("send").output.startswith("sent 1, failed 0")
    assert cli("status").output.endswith("training history: pending 0, sent 1, failed 0\n")


def test_an_outage_longer_than_the_attempts_ends_failed_and_retry_failed_resends(
    cli, settings, standin, own_db, consume
):
    assert cli("sync").exit_code == 0
    consume(_completed(sorted(standin.employees)[0]))
    standin.fail_for(60)
    for _ in range(settings.simpeg_history_max_attempts):
        history_sender.send_due_history(own_db, settings, SimpegClient.from_settings(settings))
    [record] = history(own_db).values()
    assert record.status == "failed" and record.last_error.startswith("Gave up after 4 attempts")
    standin.recover()
    assert cli("retry-failed").output.startswith("1 record(s) pending again")
    assert cli("send").output.startswith("sent 1")


def test_reconciliation_lists_the_differences_and_queues_what_simpeg_lacks(cli, settings, standin, own_db, consume):
    assert cli("sync").exit_code == 0
    a, b, c = sorted(standin.employees)[:3]
    events = [_completed(a), _completed(b), _completed(c)]
    consume(*events)
    assert cli("send").output.startswith("sent 3")
    standin.history[a].clear()  # lost in SIMPEG
    standin.history[b][0]["jumlahJam"] = 12  # edited there
    standin.history[c].append({"id": "x", "idSumber": "e-unknown", "namaKursus": "Entah", "jumlahJam": 8})
    with own_db.sessions() as session:  # a training completed before the adapter existed: never queued
        session.delete(session.get(SimpegHistory, events[0].data["enrollment_id"]))
        session.commit()
    result = cli("reconcile", "--queue-missing")
    assert result.exit_code == 1
    lines = [line.split()[0] for line in result.output.splitlines() if line[:1].islower()]
    assert sorted(lines) == ["jp_differs", "missing_in_simpeg", "unknown_to_bangkom"], result.output
    assert cli("send").output.startswith("sent 1")
    assert [r["idSumber"] for r in standin.history_of(a)] == [events[0].data["enrollment_id"]]
    standin.history[b].clear()  # lost in SIMPEG after it was sent: pending again, sent again
    assert "missing_in_simpeg" in cli("reconcile", "--queue-missing").output
    assert cli("send").output.startswith("sent 1")
    assert [r["idSumber"] for r in standin.history_of(b)] == [events[1].data["enrollment_id"]]


def test_pppk_of_both_kinds_come_in_through_an_export_as_people_write_them(client, own_db):
    """NI PPPK (type 21, and 24 for paruh waktu) and NIPs written with spaces or Excel's apostrophe."""
    header = "nipBaru;nama;statusPegawai;jenisPegawaiNama;unorIndukId;unorIndukNama"
    rows = [
        "'199204272022212010;Cut Meutia;PPPK;PPPK;OPD-DINKES;Dinas Kesehatan",
        "19951102 2025 24 2 003;Teuku Umar;PPPK;PPPK Paruh Waktu;OPD-DINKES;Dinas Kesehatan",
        "19850312 201001 1 003;Sultan Iskandar;PNS;PNS Daerah;OPD-DINKES;Dinas Kesehatan",
        "199204272022222011;Keliru;PPPK;PPPK;OPD-DINKES;Dinas Kesehatan",
    ]
    content = "\n".join([header, *rows]).encode()
    response = client.post(
        "/api/v1/needs/simpeg/imports",
        data={"file": (io.BytesIO(content), "pppk.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.json
    report = response.json
    assert (report["added"], len(report["rejected"])) == (3, 1), report
    assert [e["field"] for e in report["rejected"][0]["errors"]] == ["nipBaru"]
    assert "bukan kode jenis PPPK" in report["rejected"][0]["errors"][0]["message"]
    for number, status in (
        ("199204272022212010", "PPPK"),
        ("199511022025242003", "PPPK"),
        ("198503122010011003", "PNS"),
    ):
        assert employee(own_db, number).employment_status == status


def test_both_histories_a_leadership_training_is_sent_as_diklat_a_seminar_as_kursus_and_rw_diklat_is_credited_once(
    cli, settings, standin, own_db, consume
):
    """SIASN keeps two training histories: rw-diklat (the leadership and structural trainings: Latsar, PKP, PKA, PKN)
    and rw-kursus (the rest). Each completion goes to the history of its kind, once; a Latsar entered in SIMPEG by
    hand lands in the JP ledger with its JP, once; reconciliation reads both."""
    assert cli("sync").exit_code == 0
    leader, speaker, newcomer = sorted(standin.employees)[:3]
    pkp = _completed(leader, jp=240, form="pkp", title="Pelatihan Kepemimpinan Pengawas Angkatan I")
    seminar = _completed(speaker, jp=4, form="seminar", title="Seminar Nasional Kebencanaan")
    consume(pkp, seminar, pkp)
    assert cli("send").output.startswith("sent 2, failed 0")
    [diklat] = standin.diklat_of(leader)
    assert standin.history_of(leader) == []
    assert (diklat["idSumber"], diklat["jenisDiklat"], diklat["jumlahJam"]) == (pkp.data["enrollment_id"], "pkp", 240)
    assert diklat["latihanStrukturalNama"] == "Pelatihan Kepemimpinan Pengawas"
    assert diklat["namaDiklat"] == "Pelatihan Kepemimpinan Pengawas Angkatan I" and diklat["nomor"] == "GIS/1/001"
    [kursus] = standin.history_of(speaker)
    assert standin.diklat_of(speaker) == [] and (kursus["jenisKursus"], kursus["jumlahJam"]) == ("seminar", 4)
    assert cli("reconcile").output.endswith("0 difference(s)\n")

    # a Latsar CPNS entered in SIMPEG by hand (the old way: no jenisDiklat, SIASN's name only): credited once
    latsar = {
        "id": f"diklat-{uuid.uuid4().hex[:8]}",
        "nipBaru": newcomer,
        "latihanStrukturalNama": "Pelatihan Dasar CPNS Golongan III",
        "institusiPenyelenggara": "BPSDM Aceh",
        "tanggal": "2026-03-02",
        "tanggalSelesai": "2026-05-29",
        "tahun": 2026,
        "jumlahJam": 241,
        "nomor": "LATSAR/2026/77",
    }
    standin.diklat.setdefault(newcomer, []).append(latsar)
    for expected in ({"credited": 1, "already_counted": 0}, {"credited": 0, "already_counted": 1}):
        assert cli("import-history").exit_code == 0
        with own_db.sessions() as session:
            run = session.scalars(select(SimpegSyncRun).order_by(SimpegSyncRun.created_at.desc())).first()
            assert {k: run.report[k] for k in expected} == expected, run.report
            assert run.report["ours"] == 2  # what Bangkom sent, in either history, is not credited again
    with own_db.sessions() as session:
        credit = session.scalar(select(JpCredit).where(JpCredit.nip == newcomer))
        assert (credit.credit_id, credit.source, credit.jp, credit.form, credit.year) == (
            f"simpeg:diklat:{latsar['id']}",
            "simpeg",
            241,
            "latsar_cpns",
            2026,
        )
        assert credit.program_title == "Pelatihan Dasar CPNS Golongan III"

    # a record SIMPEG moved to the wrong history is found by reconciliation
    standin.history.setdefault(leader, []).append(standin.diklat[leader].pop())
    assert "wrong_history" in cli("reconcile").output
