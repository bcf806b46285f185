"""The documents people carry, read back as a person would: the certificate's text and its QR code, the public
verification (valid, then revoked by a reopen, a new number on closing again), the call-up letters per OPD and the
attendance sheet for signatures; on real PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdf
import pypdfium2
import pytest
import zxingcpp

from services.training import handlers
from services.training.app import create_app
from services.training.models import Outbox
from shared import identity
from shared.config import ConfigError
from shared.db import UnitOfWork
from tests import factories, signing_ca
from tests.integration.training.conftest import SECRET

EXAMPLES = Path(__file__).resolve().parents[3] / "deploy" / "instansi"
EARLY = {"force_reason": "Ditutup dalam uji sebelum pertemuan terakhir"}
LONG_NAME = "Teuku Muhammad Nur'Aini binti Zulkifli Abdurrahman Syah Al-Asyi, S.Kom., M.Sc."


def _as(nip: str, role: str = "employee") -> dict:
    return {identity.HEADER: identity.encode(identity.Identity(nip, (role,)), SECRET)}


def _text(pdf: bytes) -> list[str]:
    """Each page's text, whitespace folded (a long name wraps over two lines)."""
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _qr_codes(pdf: bytes) -> list[str]:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=3).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def test_certificate_pdf_its_qr_and_the_verification_valid_then_revoked_after_a_reopen(
    client, api, partner, program, employees, training_db, settings
):
    partner_code = partner()
    created, batch = program(partner_code, first=dt.date.today() + dt.timedelta(days=3), days=2)
    participant, supervisor, absent = "199001012015031001", "198001012005011001", employees(1, unit="DINKES")[0]
    with UnitOfWork(training_db, Outbox) as uow:  # a long name with an apostrophe, and their supervisor
        handlers.on_employee_synced(
            factories.employee_synced(participant, supervisor_nip=supervisor, name=LONG_NAME), uow, settings
        )
        handlers.on_employee_synced(factories.employee_synced(supervisor), uow, settings)
        uow.commit()
    path = f"/batches/{batch['id']}"
    api("POST", f"{path}/enrollments", 201, json={"nips": [participant, absent]})
    for meeting in (1, 2):
        api(
            "PUT",
            f"{path}/meetings/{meeting}/attendance",
            json={"records": [{"nip": participant, "status": "present"}]},
        )
    api("POST", f"{path}/close", json=EARLY)
    roster = {r["nip"]: r for r in api("GET", f"{path}/enrollments")}
    number, enrollment = roster[participant]["certificate_number"], roster[participant]["enrollment_id"]

    # the PDF: one page that says what it certifies, and a QR code that opens the public verification page
    response = client.get(f"/api/v1/training/enrollments/{enrollment}/certificate", headers=_as(participant))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "sertifikat-" in response.headers["Content-Disposition"]
    pages = _text(response.data)
    assert len(pages) == 1
    for expected in (
        "SERTIFIKAT",
        f"Nomor: {number}",
        LONG_NAME,
        f"NIP {participant}",
        created["title"],
        f"Mitra {partner_code}",
        "24 JP",
    ):
        assert expected in pages[0], expected
    verify_url = f"http://127.0.0.1:8000/verifikasi/{number}"
    assert _qr_codes(response.data) == [verify_url]

    # who may download it: the participant, their supervisor, BKPSDM; nobody else; not someone without one
    assert (
        client.get(
            f"/api/v1/training/enrollments/{enrollment}/certificate", headers=_as(supervisor, "supervisor")
        ).status_code
        == 200
    )
    assert client.get(f"/api/v1/training/enrollments/{enrollment}/certificate").status_code == 200  # BKPSDM
    stranger = client.get(f"/api/v1/training/enrollments/{enrollment}/certificate", headers=_as(absent))
    assert stranger.status_code == 403 and stranger.mimetype == "application/problem+json"
    none = client.get(
        f"/api/v1/training/enrollments/{roster[absent]['enrollment_id']}/certificate", headers=_as(absent)
    )
    assert none.status_code == 409 and none.json["errors"][0]["field"] == "enrollment_id"

    # the public check (the gateway asks for the page at the QR code's address): valid, what the certificate prints
    gateway = {identity.HEADER: identity.encode(identity.Identity("gateway", ("gateway",)), SECRET)}
    check = client.get("/api/v1/training/certificates/verification", query_string={"number": number}, headers=gateway)
    assert check.status_code == 200
    assert check.json | {"issued_on": None} == {
        "number": number,
        "status": "valid",
        "revoked_on": None,
        "participant_name": LONG_NAME,
        "nip": "**************" + participant[-4:],  # the rest stays on the certificate in hand
        "program_title": created["title"],
        "form": "pelatihan",
        "partner_name": f"Mitra {partner_code}",
        "started_on": batch["meetings"][0]["date"],
        "completed_on": batch["meetings"][-1]["date"],
        "jp": 24,
        "competencies": created["competencies"],
        "issued_on": None,
    }
    unknown = client.get("/api/v1/training/certificates/verification", query_string={"number": "X/1"}, headers=gateway)
    assert unknown.status_code == 404

    # a reopen revokes it (the page says so); closing again issues a new number, never the old one
    api("POST", f"{path}/reopen", json={"reason": "Nilai salah input"})
    check = client.get("/api/v1/training/certificates/verification", query_string={"number": number}, headers=gateway)
    assert (
        check.json["status"] == "revoked"
        and check.json["revoked_on"] == dt.datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
    )
    gone = client.get(f"/api/v1/training/enrollments/{enrollment}/certificate", headers=_as(participant))
    assert gone.status_code == 409
    api("POST", f"{path}/close", json=EARLY)
    renewed = {r["nip"]: r for r in api("GET", f"{path}/enrollments")}[participant]["certificate_number"]
    assert renewed and renewed != number
    again = client.get(f"/api/v1/training/enrollments/{enrollment}/certificate", headers=_as(participant))
    assert f"Nomor: {renewed}" in _text(again.data)[0]
    checks = {
        n: client.get("/api/v1/training/certificates/verification", query_string={"number": n}, headers=gateway).json
        for n in (number, renewed)
    }
    assert checks[number]["status"] == "revoked" and checks[renewed]["status"] == "valid"


def test_call_up_letters_per_opd_and_the_attendance_sheet_to_sign(client, api, partner, program, employees):
    partner_code = partner()
    created, batch = program(partner_code, first=dt.date(2027, 3, 1), days=3)
    bpbd = employees(2, unit="BPBD")
    dinkes = employees(1, unit="DINKES")
    path = f"/batches/{batch['id']}"
    nobody = client.get(f"/api/v1/training{path}/call-up-letter")
    assert nobody.status_code == 409  # nobody nominated yet: nothing to call up
    api("POST", f"{path}/enrollments", 201, json={"nips": [*bpbd, *dinkes]})

    letter = client.get(f"/api/v1/training{path}/call-up-letter")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    pages = _text(letter.data)
    assert len(pages) == 2  # one letter to each OPD, in the order of their names
    assert "Yth. Kepala Dinas BPBD" in pages[0] and "Yth. Kepala Dinas DINKES" in pages[1]
    assert all(nip in pages[0] for nip in bpbd) and dinkes[0] not in pages[0]
    assert dinkes[0] in pages[1] and not any(nip in pages[1] for nip in bpbd)
    for page in pages:
        assert created["title"] in page and "1 Maret 2027" in page and "3 Maret 2027" in page

    sheet = client.get(f"/api/v1/training{path}/meetings/2/signature-sheet")
    assert sheet.status_code == 200
    (page,) = _text(sheet.data)
    assert "DAFTAR HADIR" in page and "Pertemuan 2 · 2 Maret 2027" in page and "Tanda tangan" in page
    assert all(nip in page for nip in [*bpbd, *dinkes])
    assert client.get(f"/api/v1/training{path}/meetings/9/signature-sheet").status_code == 404

    # a partner: its own batches' sheets only; the call-up letter is BKPSDM's
    own = {identity.HEADER: identity.encode(identity.Identity("u", ("partner",), partner_code), SECRET)}
    other = {identity.HEADER: identity.encode(identity.Identity("u", ("partner",), partner()), SECRET)}
    assert client.get(f"/api/v1/training{path}/meetings/1/signature-sheet", headers=own).status_code == 200
    assert client.get(f"/api/v1/training{path}/meetings/1/signature-sheet", headers=other).status_code == 404
    assert client.get(f"/api/v1/training{path}/call-up-letter", headers=own).status_code == 403


def test_a_signed_certificate_validates_in_two_validators_fails_when_changed_and_stays_signed_when_revoked(
    api, partner, program, employees, settings, tmp_path
):
    """The instansi's electronic signature (PAdES) on the certificate, checked as its readers would: pyHanko's
    validator and poppler's ``pdfsig``, both trusting the (test's) certification authority; one byte changed in the
    file and both refuse it; a reopen revokes the certificate: its file stays validly signed, the verification page
    says revoked."""
    makassar = EXAMPLES / "kota-makassar.json"
    signer_name = "Andi Nama Kepala (contoh)"
    ca = signing_ca.make(tmp_path / "ca", signer_name)
    signed_settings = dataclasses.replace(
        settings,
        instansi_file=str(makassar),
        certificate_signing_pkcs12_file=str(ca.pkcs12),
        certificate_signing_passphrase=ca.passphrase,
    )
    signed_client = create_app(signed_settings).test_client()
    signed_client.environ_base["HTTP_X_BANGKOM_IDENTITY"] = identity.encode(
        identity.Identity("bkpsdm.admin", ("admin",)), SECRET
    )
    partner_code = partner()
    _, batch = program(partner_code, first=dt.date.today() + dt.timedelta(days=3), days=1)
    [participant] = employees(1)
    path = f"/batches/{batch['id']}"
    api("POST", f"{path}/enrollments", 201, json={"nips": [participant]})
    api("PUT", f"{path}/meetings/1/attendance", json={"records": [{"nip": participant, "status": "present"}]})
    api("POST", f"{path}/close", json=EARLY)
    [row] = api("GET", f"{path}/enrollments")
    response = signed_client.get(f"/api/v1/training/enrollments/{row['enrollment_id']}/certificate")
    assert response.status_code == 200
    pdf = response.data

    (page,) = _text(pdf)
    assert "PEMERINTAH KOTA MAKASSAR" in page and signer_name in page and "NIP 197203152000032002" in page
    assert _qr_codes(pdf) == [f"http://127.0.0.1:8000/verifikasi/{row['certificate_number']}"]  # the QR kept
    assert signing_ca.pyhanko_verdict(pdf, ca) == (True, True, signer_name)
    report = signing_ca.pdfsig_report(pdf, ca, tmp_path)
    assert "Signature is Valid" in report and "Certificate is Trusted" in report, report
    assert "ETSI.CAdES.detached" in report and "Total document signed" in report  # PAdES, the whole file
    assert f"Common Name: {signer_name}" in report
    assert signing_ca.where_and_why(pdf) == (
        "Makassar",
        f"Sertifikat {row['certificate_number']}, diterbitkan oleh BKPSDM Kota Makassar",
    )

    changed = pdf.replace(b"BKPSDM Kota Makassar", b"BKPSDM Kota Makasar_", 1)  # the document's author, signed
    assert changed != pdf and len(changed) == len(pdf)
    assert signing_ca.pyhanko_verdict(changed, ca)[0] is False
    assert "Signature is Valid" not in signing_ca.pdfsig_report(changed, ca, tmp_path)

    api("POST", f"{path}/reopen", json={"reason": "Nilai salah input"})
    gateway = {identity.HEADER: identity.encode(identity.Identity("gateway", ("gateway",)), SECRET)}
    check = signed_client.get(
        "/api/v1/training/certificates/verification",
        query_string={"number": row["certificate_number"]},
        headers=gateway,
    )
    assert check.json["status"] == "revoked"
    assert signing_ca.pyhanko_verdict(pdf, ca) == (True, True, signer_name)  # the file in hand still signed


def test_a_signing_key_that_cannot_be_read_stops_the_service(settings, tmp_path):
    ca = signing_ca.make(tmp_path / "ca", "Penandatangan")
    with pytest.raises(ConfigError, match="CERTIFICATE_SIGNING_PKCS12_FILE"):
        dataclasses.replace(
            settings, certificate_signing_pkcs12_file=str(ca.pkcs12), certificate_signing_passphrase="salah"
        )
    with pytest.raises(ConfigError, match="CERTIFICATE_SIGNING_PKCS12_FILE"):
        dataclasses.replace(settings, certificate_signing_pkcs12_file=str(tmp_path / "missing.p12"))
