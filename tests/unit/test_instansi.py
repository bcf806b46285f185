"""Any instansi: what a deployment names, signs and shows comes from its instansi file. The documents, an e-mail, a
calendar and the sign-in mail of two other instansi (Kota Makassar in WITA, Kabupaten Jayapura in WIT) are read back
as their readers would and checked for the names, the signatory and the local times; nothing of the demo's city."""

from __future__ import annotations

import datetime as dt
import email
import io
import json
from pathlib import Path

import pypdf
import pytest

from services.gateway import domain as gateway_domain
from services.notifications import domain as notifications_domain
from services.notifications.calendars import MeetingEntry, calendar
from services.training import documents
from shared import instansi as instansi_module
from shared.config import ConfigError, Settings
from shared.mail import SmtpChannel
from tests.readback import read_calendar

EXAMPLES = Path(__file__).resolve().parents[2] / "deploy" / "instansi"
MAKASSAR = instansi_module.load(EXAMPLES / "kota-makassar.json")
JAYAPURA = instansi_module.load(EXAMPLES / "kabupaten-jayapura.json")
DEMO_CITY = "lhokseumawe"


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _batch() -> documents.BatchText:
    return documents.BatchText(
        program_title="Pelatihan Analisis Data",
        program_code="PAD-01",
        batch_number=2,
        form="pelatihan",
        partner_name="Universitas Hasanuddin",
        jp=24,
        meetings=[documents.Session(1, dt.date(2027, 3, 2), dt.time(8), dt.time(12, 30), "Aula", False)],
    )


@pytest.mark.parametrize("instansi", [MAKASSAR, JAYAPURA], ids=lambda i: i.code)
def test_the_certificate_names_the_instansi_its_seat_and_its_signatory(instansi):
    text = documents.CertificateText(
        number="BKPSDM/2027/000001",
        participant_name="Andi Pratiwi",
        nip="199001012015032001",
        program_title="Pelatihan Analisis Data",
        form="pelatihan",
        partner_name="Universitas Hasanuddin",
        started_on=dt.date(2027, 3, 1),
        completed_on=dt.date(2027, 3, 3),
        jp=24,
        competencies=[],
        verify_url="https://bangkom.example/verifikasi/BKPSDM/2027/000001",
    )
    printed = _text(documents.certificate(text, instansi))
    signatory = instansi.signatories["certificate"]
    for expected in (
        instansi.government.upper(),
        f"{instansi.seat}, 3 Maret 2027",
        signatory.position,
        signatory.name,
        f"NIP {signatory.nip}",
    ):
        assert expected in printed, expected
    assert DEMO_CITY not in printed.lower()


@pytest.mark.parametrize(("instansi", "zone"), [(MAKASSAR, "WITA"), (JAYAPURA, "WIT")], ids=["wita", "wit"])
def test_the_call_up_letter_and_the_signature_sheet_print_the_local_times_and_the_letters_signatory(instansi, zone):
    people = [documents.Participant("199001012015032001", "Andi Pratiwi", "Analis Data", "Dinas Kesehatan")]
    letter = _text(documents.call_up_letter(_batch(), [("Dinas Kesehatan", people)], dt.date(2027, 2, 20), instansi))
    signatory = instansi.signatories["call_up_letter"]
    for expected in (
        instansi.government.upper(),
        f"{instansi.seat}, 20 Februari 2027",
        f"di {instansi.seat}",
        f"Waktu ({zone})",
        "08.00–12.30",
        signatory.name,
        f"NIP {signatory.nip}",
    ):
        assert expected in letter, expected
    sheet = _text(documents.attendance_sheet(_batch(), _batch().meetings[0], people, instansi))
    assert f"08.00–12.30 {zone}" in sheet
    assert DEMO_CITY not in (letter + sheet).lower()


@pytest.mark.parametrize(
    ("instansi", "offset", "utc"),
    [
        (MAKASSAR, 8, dt.datetime(2027, 3, 2, 0, tzinfo=dt.UTC)),
        (JAYAPURA, 9, dt.datetime(2027, 3, 1, 23, tzinfo=dt.UTC)),
    ],
    ids=["wita", "wit"],
)
def test_a_calendar_puts_a_meeting_at_its_local_time_and_names_the_instansi(instansi, offset, utc):
    meeting = MeetingEntry(
        "b1", 1, "Pelatihan Analisis Data", 2, dt.date(2027, 3, 2), dt.time(8), dt.time(12), "Aula", False
    )
    content = calendar("Bangkom", [meeting], [], instansi, "https://bangkom.example/", dt.datetime.now(dt.UTC))
    [entry] = read_calendar(content).events
    assert entry.dtstart.utcoffset() == dt.timedelta(hours=offset)
    assert entry.dtstart == utc  # 08.00 on the instansi's clocks
    assert f"@bangkom.{instansi.mail_domain}".encode() in content
    assert instansi.agency_short.encode() in content and DEMO_CITY.encode() not in content.lower()


def test_an_email_signs_off_with_the_agency_and_comes_from_its_sender_and_domain(monkeypatch):
    letter = notifications_domain.render(
        "enrolled", "id", {"name": "Andi", "program_title": "Pelatihan", "agency": MAKASSAR.agency_short}
    )
    assert letter.text.endswith("BKPSDM Kota Makassar")
    sent: list[email.message.EmailMessage] = []

    class Client:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message)

    class Mailing:
        smtp_host, smtp_port, smtp_security, smtp_username, smtp_password, smtp_timeout_seconds = (
            "x",
            25,
            "none",
            "",
            "",
            1,
        )
        mail_from, instansi = "", JAYAPURA

    channel = SmtpChannel(Mailing())
    monkeypatch.setattr(channel, "_connect", lambda: Client())
    channel.send("andi@example.go.id", letter.subject, letter.text, "abc123")
    assert sent[0]["From"] == JAYAPURA.mail_from
    assert sent[0]["Message-ID"] == "<abc123@bangkom.jayapurakab.go.id>"
    _, text = gateway_domain.activation_mail(
        "activate", "Andi", "https://x/aktivasi", "123456", 24, JAYAPURA.agency_short
    )
    assert text.rstrip().endswith("BKPSDM Kabupaten Jayapura")


def test_local_time_follows_the_instansis_zone():
    moment = dt.datetime(2027, 3, 1, 23, 30, tzinfo=dt.UTC)
    assert (MAKASSAR.local(moment).date(), MAKASSAR.zone_name) == (dt.date(2027, 3, 2), "WITA")
    assert JAYAPURA.local(moment).hour == 8 and JAYAPURA.zone_name == "WIT"
    demo = instansi_module.configured("")
    assert (demo.local(moment).hour, demo.zone_name) == (6, "WIB")


def test_a_settings_object_takes_its_zone_and_today_from_the_instansi_file():
    settings = Settings(
        service="needs", database_url="sqlite://", instansi_file=str(EXAMPLES / "kabupaten-jayapura.json")
    )
    assert settings.timezone == "Asia/Jayapura" and settings.instansi.region == "Kabupaten Jayapura"


def test_a_broken_instansi_file_stops_the_service_naming_every_problem(tmp_path):
    broken = json.loads((EXAMPLES / "kota-makassar.json").read_text())
    broken.update(kind="desa", time_zone="Europe/Berlin", government="")
    broken["signatories"]["certificate"]["nip"] = "12"
    del broken["signatories"]["call_up_letter"]
    path = tmp_path / "instansi.json"
    path.write_text(json.dumps(broken))
    with pytest.raises(ConfigError) as raised:
        Settings(service="training", database_url="sqlite://", instansi_file=str(path))
    message = str(raised.value)
    for problem in ("INSTANSI_FILE", "kind:", "time_zone:", "government:", "certificate.nip", "call_up_letter"):
        assert problem in message, problem


def test_the_web_ui_names_the_instansi_and_shows_times_on_its_clocks():
    from services.gateway.ui.session import local_time
    from tests.services import app_of

    app = app_of("gateway", "sqlite://", instansi_file=str(EXAMPLES / "kabupaten-jayapura.json"))
    with app.app_context():
        assert local_time("2027-03-01T23:30:00+00:00") == "2027-03-02 08.30 WIT"
        assert local_time(dt.datetime(2027, 3, 1, 23, 30, tzinfo=dt.UTC), date_only=True) == "2027-03-02"
        assert local_time(None) == "–"
    page = app.test_client().get("/masuk").get_data(as_text=True)
    assert "BKPSDM Kabupaten Jayapura" in page and "ASN Kabupaten Jayapura" in page
    assert DEMO_CITY not in page.lower()
