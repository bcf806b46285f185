"""The web UI in headless Chromium (Debian's ``chromium``, driven by Playwright) against the demo stack.

One story, as the people would live it: BKPSDM sees the gap heatmap, creates a GIS program for the demo
employee's gap and enrols them from the suggestions; the partner posts attendance; BKPSDM closes the batch;
the employee gives feedback; the supervisor assesses the project; the program then shows its effectiveness.
Every page is screenshotted to ``artifacts/screenshots`` (ignored by git), and any console error fails it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pypdf
import pytest
import requests
from playwright.sync_api import Page, expect, sync_playwright

from services.gateway import domain as gateway_domain
from tests.e2e.conftest import GATEWAY, ROOT, login
from tests.e2e.test_loop import qr_codes
from tests.waiting import wait_for

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SHOTS = ROOT / "artifacts" / "screenshots"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORDS = {
    "mitra": "demo-mitra-2026",
    "bkpsdm": "demo-bkpsdm-2026",
    "pegawai": "demo-pegawai-2026",
    "atasan": "demo-atasan-2026",
    "ops": "demo-ops-2026!",
    "opd": "demo-opd-2026",
    "auditor": "demo-auditor-2026",
}


@pytest.fixture(scope="module")
def browser(demo):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


class Person:
    """A signed-in person in their own browser context; every console error is kept and fails the test."""

    def __init__(self, browser, username: str, mobile: bool = False) -> None:
        viewport = {"width": 390, "height": 844} if mobile else {"width": 1366, "height": 900}
        self.context = browser.new_context(viewport=viewport, base_url=GATEWAY)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto("/")
        expect(self.page).to_have_url(f"{GATEWAY}/masuk")
        self.page.get_by_label("Nama pengguna").fill(username)
        self.page.get_by_label("Kata sandi").fill(PASSWORDS[username])
        self.page.get_by_role("button", name="Masuk").click()

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        assert not self.errors, f"console errors on {self.page.url}: {self.errors}"

    def close(self) -> None:
        assert not self.errors, self.errors
        self.context.close()


def subject(username: str) -> str:
    token = login(username, PASSWORDS[username])["Authorization"].split()[1]
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


def downloaded_pdf(page: Page, link_name: str) -> tuple[bytes, str]:
    """The PDF behind a link on the page, and its text (whitespace folded)."""
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).first.click()
    content = Path(download.value.path()).read_bytes()
    reader = pypdf.PdfReader(download.value.path())
    return content, " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def close_batch(page: Page, reason: str) -> None:
    """Close the batch shown, through the confirmation page; before its last meeting has ended it asks why."""
    page.get_by_role("link", name="Tutup angkatan").click()
    expect(page.get_by_role("button", name="Ya, tutup angkatan")).to_be_visible()
    if page.get_by_label("Alasan menutup lebih awal").count():
        page.get_by_label("Alasan menutup lebih awal").fill(reason)
    page.get_by_role("button", name="Ya, tutup angkatan").click()


def test_the_loop_in_the_browser(browser):
    employee_nip, supervisor_nip = subject("pegawai"), subject("atasan")
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()  # the services' day (WIB)

    # BKPSDM: the dashboard with the heatmap, in Indonesian, then in English
    bkpsdm = Person(browser, "bkpsdm")
    page = bkpsdm.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dasbor BKPSDM")
    heatmap = page.get_by_test_id("heatmap").locator("svg")
    expect(heatmap).to_be_visible()
    assert heatmap.locator("g.cell").count() >= 12 * 10  # twelve OPDs × the competencies with needs
    assert max(int(n) for n in heatmap.locator("g.cell text").all_text_contents()) > 0
    columns = heatmap.locator("text.col").all_text_contents()
    assert columns and not any(c.startswith(("M-", "T-", "S-")) for c in columns)  # names, not codes
    assert "Badan Penanggulangan Bencana Daerah" in heatmap.locator("text.row").all_text_contents()  # whole
    bkpsdm.shot("01-bkpsdm-dasbor")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("BKPSDM dashboard")
    page.get_by_role("link", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dasbor BKPSDM")

    page.get_by_role("link", name="Kebutuhan").first.click()
    expect(page.get_by_role("heading", name="Rencana tahunan per OPD dan kompetensi")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Bentuk yang disarankan")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Pelatihan", exact=True).first
    ).to_be_visible()  # the form's name, not its code
    bkpsdm.shot("02-kebutuhan")
    with page.expect_download() as download:
        page.get_by_role("link", name="Rencana tahunan (XLSX)").click()
    assert download.value.suggested_filename == f"rencana-{dt.datetime.now(ZoneInfo('Asia/Jakarta')).year}.xlsx"
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"  # an XLSX is a zip
    page.goto(f"/pegawai/{employee_nip}")
    expect(page.get_by_test_id("levels").locator("svg")).to_be_visible()
    bkpsdm.shot("03-profil-pegawai")

    # a program for the employee's GIS gap, created and published in the UI
    page.get_by_role("link", name="Pelatihan").first.click()
    expect(page.locator("table.calendar")).to_be_visible()
    bkpsdm.shot("04-pelatihan-kalender")
    page.get_by_role("link", name="Buat program").click()
    code = f"UI-GIS-{uuid.uuid4().hex[:6].upper()}"
    page.get_by_label("Kode program").fill(code)
    page.get_by_label("Judul").fill("Pelatihan Pemetaan Rawan Banjir dengan QGIS")
    page.get_by_label("Bentuk pengembangan").select_option("pelatihan")
    page.get_by_label("JP (jam pelajaran)").fill("16")
    page.get_by_label("Mitra penyelenggara").select_option("UNIMAL")
    page.get_by_label("Kompetensi 1", exact=True).select_option("T-GIS")
    page.get_by_label("Level sasaran 1", exact=True).fill("3")
    page.get_by_label("Tanggal pertemuan 1").fill((today - dt.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Tambah pertemuan").click()  # the form comes back with one more row, kept
    expect(page.get_by_label("Kode program")).to_have_value(code)
    page.get_by_label("Tanggal pertemuan 2").fill((today - dt.timedelta(days=1)).isoformat())  # both past
    page.get_by_role("button", name="Tambah kompetensi").click()
    page.get_by_label("Kompetensi 2", exact=True).select_option("T-GIS")  # twice: the service refuses it
    bkpsdm.shot("05-buat-program")
    page.get_by_role("button", name="Simpan program").click()
    expect(page.get_by_role("alert")).to_contain_text("Setiap kompetensi hanya boleh muncul sekali")
    expect(page.locator("#competencies-0-code-error")).to_have_text("Duplikat.")  # beside the field, in Indonesian
    expect(page.get_by_label("Tanggal pertemuan 2")).to_have_value((today - dt.timedelta(days=1)).isoformat())
    bkpsdm.errors.clear()  # the refused form answered 422, as it should
    page.get_by_label("Kompetensi 2", exact=True).select_option("M-INTEGRITAS")
    page.get_by_label("Level sasaran 2", exact=True).fill("3")
    page.get_by_role("button", name="Simpan program").click()
    expect(page.get_by_role("status")).to_contain_text("Program dibuat")
    program_path = page.url.removeprefix(GATEWAY)
    page.get_by_role("button", name="Terbitkan program").click()
    expect(page.get_by_test_id("program-status")).to_have_text("Diumumkan")
    page.get_by_role("link", name="Angkatan 1").click()

    # one click enrols the suggested candidate
    candidates = page.get_by_test_id("candidates")
    row = candidates.locator("tr", has_text=employee_nip)
    expect(row).to_be_visible()
    bkpsdm.shot("06-kandidat")
    row.get_by_role("button", name="Daftarkan").click()
    expect(page.get_by_role("status")).to_contain_text("1 peserta didaftarkan")
    expect(page.get_by_test_id("roster").locator("tr", has_text=employee_nip)).to_be_visible()
    expect(candidates.locator("tr", has_text=employee_nip)).to_have_count(0)

    # the partner posts attendance through the gateway, signed with a fresh key
    admin = login("bkpsdm", PASSWORDS["bkpsdm"])
    key = requests.post(f"{GATEWAY}/api/v1/training/partners/UNIMAL/keys", headers=admin, timeout=10).json()
    batch_id = page.url.rsplit("/", 1)[1]
    records = [
        {
            "event_id": f"ui-{batch_id}-{m}",
            "batch_id": batch_id,
            "nip": employee_nip,
            "meeting_no": m,
            "status": "present",
            "recorded_at": f"{(today - dt.timedelta(days=3 - m)).isoformat()}T08:05:00+07:00",  # past at any hour
        }
        for m in (1, 2)
    ]
    signed_post("/api/v1/training/partner/attendance", {"records": records}, key)
    page.reload()
    expect(page.get_by_test_id("roster").locator("tr", has_text=employee_nip)).to_contain_text("2/2 (100%)")
    bkpsdm.shot("07-angkatan-kehadiran")
    close_batch(page, "Peserta hadir penuh; ditutup sesuai jadwal")
    expect(page.get_by_role("status")).to_contain_text("Angkatan ditutup")
    expect(page.get_by_test_id("roster").locator("tr", has_text=employee_nip)).to_contain_text("Lulus")
    bkpsdm.shot("08-angkatan-ditutup")
    _, letter = downloaded_pdf(page, "Surat panggilan untuk OPD peserta (PDF)")
    assert "Yth. Kepala Badan Penanggulangan Bencana Daerah" in letter and employee_nip in letter
    _, sheet = downloaded_pdf(page, "daftar hadir untuk ditandatangani (PDF)")
    assert "DAFTAR HADIR" in sheet and "Pertemuan 1" in sheet and employee_nip in sheet
    # the batch's calendar for its trainers: a secret address read without a login, then stopped
    page.get_by_role("button", name="Alamat langganan kalender untuk pengajar").click()
    feed_url = page.get_by_label("Alamat langganan kalender angkatan").input_value()
    feed = requests.get(feed_url, timeout=10)
    assert feed.status_code == 200 and feed.content.count(b"BEGIN:VEVENT") == 2  # its two meetings
    bkpsdm.shot("kalender-angkatan")
    page.get_by_role("button", name="Hentikan alamat langganan").click()
    expect(page.get_by_role("status")).to_contain_text("Alamat langganan dihentikan")
    assert requests.get(feed_url, timeout=10).status_code == 404
    page.get_by_role("link", name="Kembali ke angkatan").click()
    tasks = wait_for(
        "the evaluation tasks",
        lambda: (lambda found: found if len(found) == 3 else None)(
            requests.get(f"{GATEWAY}/api/v1/evaluation/tasks?batch_id={batch_id}", headers=admin, timeout=10).json()
        ),
    )
    learning = next(t for t in tasks if t["kind"] == "learning")
    assert next(t for t in tasks if t["kind"] == "behavior")["assignee_nip"] == supervisor_nip
    answer = signed_post(
        f"/api/v1/evaluation/tasks/{learning['id']}/submission", {"pre_score": 45, "post_score": 85}, key
    )
    assert answer.status_code == 201, answer.text

    # the employee, on a phone: their profile and the feedback form
    employee = Person(browser, "pegawai", mobile=True)
    page = employee.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Profil saya")
    employee.shot("09-pegawai-profil")
    # her certificate from her training history (once the JP are credited); its QR code opens the public page
    certificate = page.get_by_role("link", name="Unduh sertifikat (PDF)")
    wait_for("the certificate in her training history", lambda: page.reload() or certificate.count() > 0)
    content, text = downloaded_pdf(page, "Unduh sertifikat (PDF)")
    assert "SERTIFIKAT" in text and "Pelatihan Pemetaan Rawan Banjir dengan QGIS" in text and "16 JP" in text
    (verify_url,) = qr_codes(content)
    stranger = browser.new_context(base_url=GATEWAY, bypass_csp=True)  # nobody signed in (axe needs past the CSP)
    public = stranger.new_page()
    public.goto(verify_url)
    expect(public.get_by_test_id("certificate-status")).to_contain_text("SAH")
    expect(public.get_by_text("Pelatihan Pemetaan Rawan Banjir dengan QGIS")).to_be_visible()
    public.add_script_tag(path=str(AXE))
    assert public.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})")["violations"] == []
    public.screenshot(path=str(SHOTS / "verifikasi-sertifikat.png"), full_page=True)
    assert public.goto("/verifikasi/TIDAK/ADA/0001/2026").status == 404
    stranger.close()
    page.get_by_role("link", name="Isi umpan balik").first.click()
    for legend, value in (
        ("Materi pelatihan", "5"),
        ("Narasumber", "4"),
        ("Relevansi dengan tugas saya", "5"),
        ("Penyelenggaraan", "4"),
    ):
        page.get_by_role("group", name=legend).get_by_label(value, exact=True).check()
    page.get_by_label("Praktik").check()
    page.get_by_label("Saran dan komentar").fill("Praktik QGIS sangat membantu pemetaan di BPBD.")
    employee.shot("10-umpan-balik")
    page.get_by_role("button", name="Kirim").click()
    expect(page.get_by_role("status")).to_contain_text("Terima kasih")
    employee.close()

    # the supervisor assesses the project with the rubric
    supervisor = Person(browser, "atasan")
    page = supervisor.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Penilaian proyek")
    page.get_by_role("link", name=f"Nilai proyek NIP {employee_nip}").first.click()
    page.get_by_label("Judul proyek").fill("Peta rawan banjir Kecamatan Banda Sakti")
    page.get_by_label("Uraian proyek dan hasilnya").fill("Peta rawan banjir dengan QGIS dan data curah hujan BMKG.")
    page.get_by_role("group", name="Rubrik: Analisis Geospasial untuk Kebencanaan").get_by_label("Level 3").check()
    page.get_by_role("group", name="Rubrik: Integritas").get_by_label("Level 3").check()
    supervisor.shot("11-penilaian-proyek")
    page.get_by_role("button", name="Kirim").click()
    expect(page.get_by_role("status")).to_contain_text("Terima kasih")
    supervisor.close()

    # the program's effectiveness
    page = bkpsdm.page
    page.goto("/pelatihan")
    page.locator("table:not(.calendar)").get_by_role("link", name="Pelatihan Pemetaan Rawan Banjir dengan QGIS").click()
    expect(page).to_have_url(GATEWAY + program_path)
    page.get_by_role("link", name="Efektivitas program").click()
    figures = page.get_by_test_id("effectiveness")
    expect(figures).to_contain_text("peserta")
    expect(figures.locator(".figure").first).to_have_text("1")
    expect(page.get_by_test_id("responses")).to_contain_text("mengisi kuesioner (100%)")  # the answers behind it
    expect(figures).to_contain_text("4.5")  # the mean of the four answers
    expect(figures).to_contain_text("40.0")  # the post-test gain
    expect(figures).to_contain_text("100%")  # the project reached the target level
    expect(page.get_by_test_id("recommendation")).to_have_text("Perbaiki: program perlu dibenahi")
    expect(page.get_by_text("Belum cukup pasangan nilai")).to_be_visible()
    bkpsdm.shot("12-efektivitas")
    bkpsdm.close()


def test_pages_need_a_login_and_forms_a_csrf_token(demo):
    anonymous = requests.get(f"{GATEWAY}/bkpsdm", allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/masuk")
    forged = requests.post(f"{GATEWAY}/masuk", data={"username": "bkpsdm", "password": PASSWORDS["bkpsdm"]}, timeout=10)
    assert forged.status_code == 400 and "Formulir kedaluwarsa" in forged.text
    wrong = requests.Session()
    form = wrong.get(f"{GATEWAY}/masuk", timeout=10).text
    csrf = form.split('name="csrf" value="')[1].split('"')[0]
    refused = wrong.post(
        f"{GATEWAY}/masuk", data={"csrf": csrf, "username": "bkpsdm", "password": "salah-sekali-123"}, timeout=10
    )
    assert refused.status_code == 401 and "Nama pengguna atau kata sandi salah" in refused.text


def signed_post(path: str, payload: dict, key: dict) -> requests.Response:
    body = json.dumps(payload).encode()
    headers = gateway_domain.signed_headers(key["key_id"], key["secret"], body)
    answer = requests.post(GATEWAY + path, data=body, headers=headers, timeout=10)
    assert answer.status_code in (200, 201), answer.text
    return answer


AXE = ROOT / "deploy/tools/axe/node_modules/axe-core/axe.min.js"
PAGES = {
    "bkpsdm": [
        "/masuk",
        "/bkpsdm",
        "/kebutuhan",
        "/pelatihan",
        "/pelatihan/baru",
        "/pelatihan?lang=en",
        "/akun?unit_code=OPD-BPBD",
        "/verifikasi-pengembangan",
        "/kompetensi",
        "/mitra",
        "/standar",
        "/prioritas",
        "/penilaian?unit_code=OPD-BPBD&competency_code=M-INTEGRITAS",
        "/pegawai?sort=-name",
        "/pegawai/impor",
        "/simpeg",
        "/notifikasi?status=sent",
        "/aktivasi",
        "/lupa-sandi",
    ],
    "pegawai": ["/saya", "/saya/pengembangan", "/saya/notifikasi", "/bentuk-pengembangan"],
    "mitra": ["/mitra-saya"],
    "atasan": ["/atasan"],
    "ops": ["/ops"],
    "opd": ["/opd", "/usulan", "/rencana-tahunan"],
}


@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
def test_bkpsdm_finds_employees_and_imports_a_file_with_progress_and_row_results(browser, tmp_path, mobile):
    """The employee list sorts and pages on the server and downloads as XLSX; a SIMPEG export file goes to the needs
    worker, its page shows the progress and then each rejected row; the imported ASN is found in the list."""
    bkpsdm = Person(browser, "bkpsdm", mobile=mobile)
    page = bkpsdm.page
    page.goto("/pegawai")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pegawai")
    page.get_by_role("link", name="Nama").click()  # sorted by name already: a second click turns it round
    expect(page.get_by_role("columnheader", name="Nama")).to_have_attribute("aria-sort", "descending")
    names = page.locator("tbody tr td:first-child").all_inner_texts()
    assert names == sorted(names, key=str.lower, reverse=True) and len(names) == 50, names[:5]
    page.get_by_role("link", name="Berikutnya").click()
    expect(page.get_by_text("Halaman 2 /")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh daftar ini (XLSX)").click()
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"

    serial = uuid.uuid4().int % 100
    nip, name = f"1990010120150310{serial:02d}"[:18], f"Uji Impor {uuid.uuid4().hex[:6]}"
    export = tmp_path / "ekspor-simpeg.csv"
    export.write_text(
        "nipBaru,nama,statusPegawai,unorIndukId,unorIndukNama\n"
        f"{nip},{name},PNS,OPD-BPBD,Badan Penanggulangan Bencana Daerah\n"
        "12345,NIP pendek,PNS,OPD-BPBD,Badan Penanggulangan Bencana Daerah\n"
    )
    page.get_by_role("link", name="Impor berkas SIMPEG").first.click()
    page.get_by_label("Berkas", exact=True).set_input_files(str(export))
    page.get_by_role("button", name="Impor", exact=True).click()
    expect(page.get_by_label("Kemajuan")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Selesai, sebagian baris ditolak", timeout=60_000)
    expect(page.get_by_label("Kemajuan")).to_have_attribute("value", "100")
    rejected = page.get_by_role("region", name="Baris yang ditolak").get_by_role("row").filter(has_text="12345")
    expect(rejected).to_contain_text("3")  # the spreadsheet's row number (the header is row 1)
    bkpsdm.shot(f"impor-pegawai{'-ponsel' if mobile else ''}")
    page.get_by_role("link", name="Daftar pegawai").click()
    page.get_by_label("Cari nama/NIP").fill(name)
    page.get_by_role("button", name="Tampilkan").click()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    bkpsdm.close()


def test_an_in_house_batch_with_roster_attendance_and_check_in_at_the_venue(browser):
    """BKPSDM's own training: the batch page's roster for meeting 1, the QR code of meeting 2 on the venue's screen,
    the participant checking in on a phone, and the batch closed: completed, from the UI alone."""
    admin = login("bkpsdm", PASSWORDS["bkpsdm"])
    nip = subject("pegawai")
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()

    def call(method, path, **kwargs):
        answer = requests.request(method, GATEWAY + path, headers=admin, timeout=20, **kwargs)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()

    program = call(  # BKPSDM as the organiser needs no partner made first: it is the in-house one
        "POST",
        "/api/v1/training/programs",
        json={
            "code": f"UI-INH-{uuid.uuid4().hex[:6].upper()}",  # UI-: the demo's own checks leave it out
            "title": "Coaching Pelayanan Prima (internal)",
            "form": "coaching",
            "delivery": "nonklasikal",
            "quantity": 4,  # sessions: 8 JP by the conversion table
            "coach_name": "Nurhayati, S.Sos., M.Si.",
            "partner_code": "BKPSDM",
            "capacity": 10,
            "min_attendance": 1.0,
            "competencies": [{"code": "M-PELAYANANPUBLIK", "target_level": 2, "name": "Pelayanan Publik"}],
        },
    )
    batch = call(
        "POST",
        f"/api/v1/training/programs/{program['id']}/batches",
        json={
            "meetings": [
                {"date": (today - dt.timedelta(days=1)).isoformat(), "starts_at": "20:00", "ends_at": "23:00"},
                {"date": today.isoformat(), "starts_at": "00:00", "ends_at": "23:59"},
            ]
        },
    )
    call("PUT", f"/api/v1/training/programs/{program['id']}/status", json={"status": "published"})
    call("POST", f"/api/v1/training/batches/{batch['id']}/enrollments", json={"nips": [nip]})

    bkpsdm = Person(browser, "bkpsdm")
    page = bkpsdm.page
    page.goto("/pelatihan/baru")  # the program form offers BKPSDM itself as the organiser, first
    expect(page.get_by_label("Mitra penyelenggara")).to_have_value("BKPSDM")
    expect(page.get_by_label("Mitra penyelenggara").locator("option").first).to_have_text(
        "BKPSDM sendiri (pelatihan internal)"
    )
    page.goto(f"/angkatan/{batch['id']}")
    page.get_by_role("link", name="Pertemuan 1").click()
    page.get_by_label("Kehadiran", exact=False).first.select_option("present")
    page.get_by_label("Catatan", exact=False).first.fill("Hadir tepat waktu")
    page.get_by_role("button", name="Simpan kehadiran").click()
    expect(page.get_by_text("Kehadiran 1 peserta tercatat")).to_be_visible()
    expect(page.get_by_test_id("attendance")).to_contain_text("BKPSDM")
    bkpsdm.shot("kehadiran-roster")
    # the meeting's place corrected; its date stays once its attendance is recorded
    page.get_by_label("Tempat", exact=True).fill("Aula BKPSDM lantai 2")
    page.get_by_role("button", name="Simpan jadwal").click()
    expect(page.get_by_role("status")).to_contain_text("Jadwal disimpan")
    expect(page.get_by_label("Tempat", exact=True)).to_have_value("Aula BKPSDM lantai 2")
    page.get_by_label("Tanggal", exact=True).fill((today - dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Simpan jadwal").click()
    expect(page.get_by_role("alert")).to_contain_text("sudah dicatat")
    bkpsdm.errors.clear()  # the refused move answered 409, as it should
    page.goto(f"/angkatan/{batch['id']}/pertemuan/2/qr")
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    link = page.locator("code").inner_text()
    bkpsdm.shot("kode-qr-hadir")

    participant = Person(browser, "pegawai", mobile=True)
    participant.page.goto(link.replace(GATEWAY, ""))
    participant.page.get_by_role("button", name="Catat kehadiran saya").click()
    expect(participant.page.get_by_text("Kehadiran Anda tercatat")).to_be_visible()
    participant.shot("hadir-ponsel")
    participant.page.goto(link.replace(GATEWAY, ""))
    participant.page.get_by_role("button", name="Catat kehadiran saya").click()
    expect(participant.page.get_by_text("Anda sudah melakukan presensi")).to_be_visible()  # the service's words
    participant.errors.clear()  # the refused second check-in answers 400, as it should
    participant.close()

    page.goto(f"/angkatan/{batch['id']}")
    expect(page.get_by_test_id("roster")).to_contain_text("2/2")
    page.get_by_test_id("roster").locator("input[id^=post-test]").first.fill("82.5")
    page.get_by_test_id("roster").get_by_role("button", name="Simpan nilai post-test").first.click()
    expect(page.get_by_role("status")).to_contain_text("disimpan")
    expect(page.get_by_test_id("roster").locator("input[id^=post-test]").first).to_have_value("82.5")
    # a coaching is completed by its report besides attendance (the forms' table): BKPSDM records it received
    page.get_by_test_id("roster").locator("input[id^=evidence]").first.fill("Laporan coaching pelayanan prima")
    page.get_by_test_id("roster").get_by_role("button", name="Simpan laporan atau produk").first.click()
    expect(page.get_by_role("status")).to_contain_text("disimpan")
    close_batch(page, "Coaching selesai lebih awal")
    expect(page.get_by_test_id("roster")).to_contain_text("Lulus")
    bkpsdm.close()
    call(
        "PUT", f"/api/v1/training/programs/{program['id']}/status", json={"status": "closed"}
    )  # leave the demo as it was


def bkpsdm_calls():
    """Calls of the API through the gateway as BKPSDM, failing the test on any answer but 200 or 201."""
    admin = login("bkpsdm", PASSWORDS["bkpsdm"])

    def call(method, path, **kwargs):
        answer = requests.request(method, GATEWAY + path, headers=admin, timeout=20, **kwargs)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()

    return call


def new_batch(
    call,
    partner_code: str,
    nips: list[str],
    title: str,
    form: str = "workshop",
    hours=("08:00", "16:00"),
    competency: str = "T-GIS",
    day: dt.date | None = None,
):
    """A published program of ``partner_code`` with one batch, one meeting a month or more ahead (a day nobody else's
    batch is likely to take), and ``nips`` enrolled."""
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    named = call("GET", f"/api/v1/needs/competencies/{competency}")
    program = call(
        "POST",
        "/api/v1/training/programs",
        json={
            "code": f"UI-{uuid.uuid4().hex[:8].upper()}",
            "title": f"{title} {uuid.uuid4().hex[:8].upper()}",
            "form": form,
            "delivery": "klasikal",
            **({"jp": 8} if form == "pelatihan" else {"quantity": 2}),  # a workshop's two days: 10 JP
            "partner_code": partner_code,
            "capacity": max(5, len(nips)),
            "competencies": [{"code": competency, "target_level": 3, "name": named["name"]}],  # certificates name it
        },
    )
    day = day or today + dt.timedelta(days=30 + uuid.uuid4().int % 300)
    batch = call(
        "POST",
        f"/api/v1/training/programs/{program['id']}/batches",
        json={"meetings": [{"date": day.isoformat(), "starts_at": hours[0], "ends_at": hours[1]}]},
    )
    call("PUT", f"/api/v1/training/programs/{program['id']}/status", json={"status": "published"})
    call("POST", f"/api/v1/training/batches/{batch['id']}/enrollments", json={"nips": nips})
    return program, batch


def completed_batch(
    call, nips: list[str], title: str, hours: tuple[str, str], competency: str = "T-GIS", day: dt.date | None = None
) -> tuple[dict, dict]:
    """A pelatihan of UNIMAL whose participants all attended and completed (closed early, with a reason; on ``day``
    it is completed that day)."""
    program, batch = new_batch(call, "UNIMAL", nips, title, "pelatihan", hours, competency, day)
    present = [{"nip": nip, "status": "present"} for nip in nips]
    call("PUT", f"/api/v1/training/batches/{batch['id']}/meetings/1/attendance", json={"records": present})
    call("POST", f"/api/v1/training/batches/{batch['id']}/close", json={"force_reason": "uji peramban"})
    return program, batch


@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
def test_a_partner_user_works_on_its_own_batches_only(browser, mobile):
    """A person of UNIMAL signs in: the list holds UNIMAL's batches and no other; on one of them they mark a meeting,
    download the attendance sheet and give a pre-test and a post-test score (which answer the learning task once the
    batch closes); another partner's batch is not found."""
    admin = login("bkpsdm", PASSWORDS["bkpsdm"])
    call = bkpsdm_calls()

    staff = call("GET", "/api/v1/needs/employees?unit_code=OPD-DLH&active=true&page_size=2")
    ours, our_batch = new_batch(call, "UNIMAL", [staff[0]["nip"]], "Workshop Data Spasial")
    theirs, their_batch = new_batch(call, "BPSDM-ACEH", [staff[1]["nip"]], "Workshop Data Spasial")

    if not mobile:  # BKPSDM replaces the other partner's participant before the start, from the batch page
        bkpsdm = Person(browser, "bkpsdm")
        bkpsdm.page.goto(f"/angkatan/{their_batch['id']}")
        bkpsdm.page.get_by_role("link", name=f"tarik/ganti {staff[1]['name']}").click()
        bkpsdm.page.get_by_label("Alasan").fill("Tugas dinas luar kota")
        replacement = bkpsdm.page.get_by_label("Pengganti (opsional)").locator("option").nth(1)
        replacement_nip = replacement.get_attribute("value")
        bkpsdm.page.get_by_label("Pengganti (opsional)").select_option(replacement_nip)
        bkpsdm.shot("tarik-ganti")
        bkpsdm.page.get_by_role("button", name="Tarik peserta").click()
        expect(bkpsdm.page.get_by_role("status")).to_contain_text("ditarik")
        roster = bkpsdm.page.get_by_test_id("roster")
        expect(roster.locator("tr", has_text=staff[1]["nip"])).to_contain_text("Ditarik")
        expect(roster.locator("tr", has_text=replacement_nip)).to_contain_text("Terdaftar")
        bkpsdm.close()

    partner = Person(browser, "mitra", mobile=mobile)
    page = partner.page
    expect(page).to_have_url(f"{GATEWAY}/mitra-saya")
    listed = page.get_by_test_id("batches")
    expect(listed.get_by_role("link", name=ours["title"])).to_have_count(1)
    expect(listed.get_by_role("link", name=theirs["title"])).to_have_count(0)
    unimal = {p["id"] for p in call("GET", "/api/v1/training/programs?partner_code=UNIMAL")}
    shown = listed.get_by_role("link").evaluate_all("links => links.map(a => a.href.split('/').pop())")
    assert shown and all(
        requests.get(f"{GATEWAY}/api/v1/training/batches/{b}", headers=admin, timeout=10).json()["program_id"] in unimal
        for b in shown
    ), "only UNIMAL's batches"
    partner.shot(f"mitra-angkatan-kami{'-ponsel' if mobile else ''}")

    page.goto(f"/mitra-saya/angkatan/{our_batch['id']}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh daftar hadir (Excel)").click()
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"
    page.get_by_role("link", name="Pertemuan 1").click()
    page.get_by_label("Kehadiran", exact=False).first.select_option("present")
    page.get_by_role("button", name="Simpan kehadiran").click()
    expect(page.get_by_text("Kehadiran 1 peserta tercatat")).to_be_visible()
    page.get_by_role("link", name="← Angkatan").click()
    expect(page).to_have_url(f"{GATEWAY}/mitra-saya/angkatan/{our_batch['id']}")
    expect(page.get_by_test_id("missing-pre-test")).to_contain_text("1 peserta belum memiliki nilai pre-test")
    learner = staff[0]["name"]
    page.get_by_label(f"Nilai pre-test {learner}", exact=True).fill("60")
    page.get_by_role("button", name=f"Simpan nilai pre-test {learner}").click()
    expect(page.get_by_role("status")).to_contain_text("Nilai pre-test")
    expect(page.get_by_test_id("missing-pre-test")).to_have_count(0)
    page.get_by_label(f"Nilai post-test {learner}", exact=True).fill("77")
    page.get_by_role("button", name=f"Simpan nilai post-test {learner}").click()
    expect(page.get_by_role("status")).to_contain_text("Nilai post-test")
    # a workshop is completed by its product besides attendance: the partner records it received
    page.get_by_label(f"Judul laporan atau produk {learner}", exact=True).fill("Peta rawan banjir Banda Sakti")
    page.get_by_role("button", name=f"Simpan laporan atau produk {learner}").click()
    expect(page.get_by_role("status")).to_contain_text("disimpan")
    expect(page.get_by_test_id("roster")).to_contain_text("1/1 (100%)")
    assert page.get_by_label(f"Nilai pre-test {learner}", exact=True).input_value() == "60.0"
    partner.shot(f"mitra-angkatan{'-ponsel' if mobile else ''}")

    refused = page.goto(f"/mitra-saya/angkatan/{their_batch['id']}")
    assert refused.status == 404
    expect(page.get_by_text(f"Angkatan {their_batch['id']} tidak ditemukan")).to_be_visible()
    assert page.goto("/pegawai").status == 403  # BKPSDM's pages are not theirs
    partner.errors.clear()  # the refusals above answer 404 and 403, as they should
    partner.close()
    for program, batch in ((ours, our_batch), (theirs, their_batch)):
        call("POST", f"/api/v1/training/batches/{batch['id']}/close", json={"force_reason": "uji peramban"})
        call("PUT", f"/api/v1/training/programs/{program['id']}/status", json={"status": "closed"})
    # the scores the partner entered answer the learning task (L2) the evaluation worker made at completion
    deadline, learning = time.monotonic() + 60, []
    while time.monotonic() < deadline and not (learning and learning[0]["status"] == "submitted"):
        time.sleep(1)
        learning = call(
            "GET", f"/api/v1/evaluation/tasks?nip={staff[0]['nip']}&kind=learning&batch_id={our_batch['id']}"
        )
    assert [(t["assignee_partner"], t["status"], t["submission"]) for t in learning] == [
        ("UNIMAL", "submitted", {"pre_score": 60.0, "post_score": 77.0})
    ]


def test_bkpsdm_gives_a_project_assessment_nobody_can_answer_to_a_supervisor_and_closes_another(browser):
    """Two OPD heads (no supervisor on record) complete a training: their project assessments (L3) are flagged.
    BKPSDM gives one to a supervisor in the browser (who then finds it on their page), closes the other with a reason,
    and opens it again."""
    call = bkpsdm_calls()
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    supervisor, heads = subject("atasan"), []
    for number in range(1, 100):  # the OPD heads: no supervisor on record
        staff = call("GET", f"/api/v1/needs/employees?active=true&employment_status=PNS&page_size=100&page={number}")
        heads += [e["nip"] for e in staff if not e["supervisor_nip"] and e["nip"] != supervisor]
        if len(heads) >= 2 or len(staff) < 100:
            break
    heads = heads[:2]
    assert len(heads) == 2, "the demo's OPD heads have no supervisor on record"
    program, batch = completed_batch(call, heads, "Pelatihan Kepemimpinan Kebencanaan", ("16:30", "17:00"))
    given, closed = (
        wait_for(
            f"the flagged project assessment of {nip}",
            lambda nip=nip: [
                t["id"]
                for t in call("GET", f"/api/v1/evaluation/tasks?nip={nip}&kind=behavior&batch_id={batch['id']}")
                if t["flagged"]
            ],
        )[0]
        for nip in heads
    )

    bkpsdm = Person(browser, "bkpsdm")
    page = bkpsdm.page
    page.goto(f"/bkpsdm/tugas?lihat=flagged&nip={heads[0]}")  # a page of 50, earliest due first: found by NIP
    page.locator(f"#assignee-{given}").fill(supervisor)
    page.locator(f"#reason-{given}").fill("Atasan langsung belum tercatat di SIMPEG")
    page.locator(f"form:has(#assignee-{given})").get_by_role("button", name="Berikan").click()
    expect(page.get_by_role("status")).to_contain_text(f"Tugas diberikan kepada {supervisor}")
    page.goto(f"/bkpsdm/tugas?lihat=flagged&nip={heads[1]}")
    page.locator(f"#close-{closed}").fill("Pejabat pindah tugas ke provinsi")
    page.locator(f"form:has(#close-{closed})").get_by_role("button", name="Tutup tugas").click()
    expect(page.get_by_role("status")).to_contain_text("Tugas ditutup")
    page.goto(f"/bkpsdm/tugas?lihat=expired&nip={heads[1]}")
    expect(page.get_by_text("Ditutup: Pejabat pindah tugas ke provinsi")).to_be_visible()
    bkpsdm.shot("tugas-l3-ditutup")
    page.locator(f"#due-{closed}").fill((today + dt.timedelta(days=14)).isoformat())
    page.locator(f"form:has(#due-{closed})").get_by_role("button", name="Buka lagi").click()
    expect(page.get_by_role("status")).to_contain_text("dibuka lagi")
    bkpsdm.close()
    after = {t["id"]: t for nip in heads for t in call("GET", f"/api/v1/evaluation/tasks?nip={nip}&kind=behavior")}
    assert (after[given]["assignee_nip"], after[given]["flagged"]) == (supervisor, False)
    assert (after[closed]["status"], after[closed]["closed_reason"]) == ("open", None)

    boss = Person(browser, "atasan")
    boss.page.goto("/atasan")
    expect(boss.page.locator(f'a[href="/tugas/{given}"]')).to_have_count(1)
    boss.close()
    call("PUT", f"/api/v1/training/programs/{program['id']}/status", json={"status": "closed"})


def test_a_supervisor_opens_every_one_of_more_than_thirty_project_assessments_from_their_page(browser):
    """Thirty-one project assessments (L3) wait on the demo's supervisor: every one is linked from /atasan (the UI
    reads every page of the evaluation service's list) and opens."""
    call = bkpsdm_calls()
    supervisor = subject("atasan")
    staff = call("GET", "/api/v1/needs/employees?active=true&employment_status=PNS&page_size=100")
    people = [e["nip"] for e in staff if e["nip"] != supervisor][:31]
    program, batch = completed_batch(call, people, "Pelatihan Pelayanan Publik", ("07:00", "07:30"))
    tasks = wait_for(
        "thirty-one project assessments",
        lambda: (lambda found: found if len(found) == len(people) else None)(
            call("GET", f"/api/v1/evaluation/tasks?batch_id={batch['id']}&kind=behavior&page_size=100")
        ),
    )
    reason = {"reason": "Penilai proyek seluruh angkatan ini"}
    for task in tasks:  # one supervisor assesses the whole batch's projects
        call("PUT", f"/api/v1/evaluation/tasks/{task['id']}/assignee", json={"assignee_nip": supervisor, **reason})

    boss = Person(browser, "atasan")
    page = boss.page
    page.goto("/atasan")
    for task in tasks:
        expect(page.locator(f'a[href="/tugas/{task["id"]}"]')).to_have_count(1)
    page.locator(f'a[href="/tugas/{tasks[-1]["id"]}"]').click()
    expect(page).to_have_url(f"{GATEWAY}/tugas/{tasks[-1]['id']}")
    expect(page.get_by_label("Judul proyek")).to_be_visible()
    boss.close()
    call("PUT", f"/api/v1/training/programs/{program['id']}/status", json={"status": "closed"})


def test_four_roles_carry_a_proposal_from_the_employee_to_its_realisation_in_the_browser(browser):
    """The year's AKPK in Indonesian: the employee proposes a course for themself, their supervisor agrees, the OPD's
    personnel officer submits it, BKPSDM returns it with a reason, the OPD submits it again and BKPSDM validates it;
    BKPSDM approves the plan, a program from it completes, and the realisation shows planned against delivered JP and
    Rupiah for the OPD, which sees its own."""
    year = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date().year
    note = f"Kursus analisis data {uuid.uuid4().hex[:6]}"

    def row(person: Person):
        person.page.goto(f"/usulan?year={year}")
        return person.page.get_by_test_id("proposals").locator("tr", has_text=employee_name)

    employee = Person(browser, "pegawai")
    page = employee.page
    page.goto("/saya")
    employee_name = page.get_by_role("heading", level=1).inner_text().split(": ", 1)[1]
    page.goto(f"/usulan?year={year}")
    page.get_by_label("Kompetensi").select_option(label="Integritas")
    page.get_by_label("Bentuk pengembangan").select_option("kursus")
    page.get_by_label("JP", exact=True).fill("24")
    page.get_by_label("Perkiraan biaya (Rupiah)").fill("2500000")
    page.get_by_label("Catatan (mis. alasan, rencana penerapan)").fill(note)
    page.get_by_role("button", name="Simpan usulan").click()
    expect(page.get_by_role("status")).to_contain_text("Usulan tersimpan sebagai draf")
    expect(row(employee)).to_contain_text("Draf")
    employee.close()

    steps = [
        ("atasan", "Setujui", None, "Usulan disetujui", "Disetujui atasan"),
        ("opd", "Ajukan", None, "Usulan diajukan ke BKPSDM", "Diajukan ke BKPSDM"),
        ("bkpsdm", "Kembalikan", "Biaya melebihi standar biaya kursus", "dikembalikan", "Dikembalikan"),
        ("opd", "Ajukan", None, "Usulan diajukan ke BKPSDM", "Diajukan ke BKPSDM"),
        ("bkpsdm", "Validasi", None, "Usulan divalidasi", "Divalidasi BKPSDM"),
    ]
    for username, button, reason, said, state in steps:
        person = Person(browser, username)
        line = row(person)
        if reason:
            line.get_by_label("Alasan dikembalikan").fill(reason)
        line.get_by_role("button", name=f"{button} {employee_name}").click()
        expect(person.page.get_by_role("status")).to_contain_text(said)
        expect(row(person)).to_contain_text(state)
        if username == "opd":
            person.shot("usulan-opd")
        person.close()

    # BKPSDM approves the year's plan: the validated course is in version 1, with its Rupiah
    bkpsdm = Person(browser, "bkpsdm")
    page = bkpsdm.page
    page.get_by_role("link", name="Rencana tahunan").click()
    page.get_by_role("button", name="Tetapkan rencana").click()
    expect(page.get_by_role("status")).to_contain_text("Rencana ditetapkan sebagai versi baru")
    expect(page.get_by_test_id("versions")).to_contain_text("Penetapan awal")
    expect(row(bkpsdm)).to_contain_text("Masuk rencana yang ditetapkan")

    # a program from the plan: the ASN completes an Integritas course, and the ledger credits it
    call = bkpsdm_calls()
    nip = subject("pegawai")
    today = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    held = max(today - dt.timedelta(days=3), dt.date(year, 1, 1))  # this year's plan: completed this year
    completed_batch(call, [nip], f"Kursus Integritas {note[-6:]}", ("06:00", "06:30"), "M-INTEGRITAS", held)
    page.goto(f"/rencana-tahunan?year={year}")
    realisation = page.get_by_test_id("realisation").locator("tr", has_text="Penanggulangan Bencana")
    for _ in range(60):  # the needs worker credits the completion from Kafka
        if "1 / 1" in realisation.inner_text():
            break
        time.sleep(1)
        page.reload()
    expect(realisation).to_contain_text("1 / 1")  # the planned course is realised
    expect(realisation).to_contain_text("24")  # planned JP
    expect(realisation).to_contain_text("2.500.000")  # planned Rupiah
    bkpsdm.shot("rencana-realisasi")
    expect(row(bkpsdm)).to_contain_text("Terealisasi")  # the proposal itself says it was realised
    bkpsdm.close()

    opd = Person(browser, "opd")
    opd.page.goto(f"/rencana-tahunan?year={year}")
    rows = opd.page.get_by_test_id("realisation").locator("tbody tr")
    expect(rows).to_have_count(1)  # its own unit only
    expect(rows.first).to_contain_text("1 / 1")
    opd.close()


def test_bkpsdm_keeps_the_dictionary_and_the_partners_keys_in_the_ui(browser):
    code = f"T-UI{uuid.uuid4().hex[:4].upper()}"
    bkpsdm = Person(browser, "bkpsdm")
    page = bkpsdm.page
    page.get_by_role("link", name="Kompetensi", exact=True).click()
    page.get_by_label("Kode (mis. T-GIS)").fill(code)
    page.get_by_label("Nama kompetensi").fill("Analisis Data Kepegawaian")
    page.get_by_label("Jenis", exact=True).select_option("teknis")
    for n in range(1, 6):
        page.get_by_label(f"Level {n}", exact=True).fill(f"Deskripsi level {n}")
    page.get_by_role("button", name="Simpan kompetensi").click()
    expect(page.get_by_text(f"Kompetensi {code} ditambahkan")).to_be_visible()
    row = page.get_by_test_id("dictionary").get_by_role("row", name=code)
    expect(row).to_contain_text("Deskripsi level 5")
    row.get_by_role("link", name="Ubah Analisis Data Kepegawaian").click()
    page.get_by_label("Nama kompetensi").fill("Analisis Data Kepegawaian (SIASN)")
    page.get_by_role("button", name="Simpan perubahan").click()
    expect(page.get_by_test_id("dictionary").get_by_role("row", name=code)).to_contain_text("(SIASN)")
    bkpsdm.shot("kamus-kompetensi")

    partner = f"UIP{uuid.uuid4().hex[:4].upper()}"
    page.get_by_role("link", name="Mitra", exact=True).click()
    page.get_by_label("Kode (mis. UNIMAL)").fill(partner)
    page.get_by_label("Nama lembaga").fill(f"Balai Diklat Uji {partner[3:].lower()}")  # its name, not its code
    page.get_by_label("Jenis", exact=True).select_option("university")
    page.get_by_role("button", name="Simpan mitra dan buat kunci").click()
    secret = page.get_by_test_id("secret").input_value()
    assert len(secret) > 30
    expect(page.get_by_role("button", name="Salin rahasia")).to_be_visible()
    bkpsdm.shot("mitra-rahasia")
    page.get_by_role("link", name=f"Kunci Balai Diklat Uji {partner[3:].lower()}").click()
    assert secret not in page.content()  # shown once, never again
    first_key = page.get_by_test_id("keys").locator("tbody tr td").first.inner_text()
    page.get_by_role("button", name="Buat kunci baru").click()
    expect(page.get_by_test_id("secret")).to_be_visible()
    page.get_by_role("button", name=f"Cabut {first_key}").click()
    expect(page.get_by_test_id("keys").get_by_role("row", name=first_key)).to_contain_text("Dicabut")
    bkpsdm.close()


def test_bkpsdm_sets_priorities_and_standards_in_the_ui(browser):
    next_year = dt.date.today().year + 1
    bkpsdm = Person(browser, "bkpsdm")
    page = bkpsdm.page
    page.goto(f"/prioritas?year={next_year}")
    page.get_by_label("Kode tema (mis. DIGITAL)").fill("UJI-DIGITAL")
    page.get_by_label("Nama tema", exact=True).fill("Transformasi digital (uji)")
    page.get_by_label("Bobot (0–1)").fill("0.5")
    page.get_by_label("Kompetensi yang dibutuhkan tema ini").select_option(index=0)
    page.get_by_role("button", name="Simpan tema").click()
    expect(page.get_by_text(f"Prioritas {next_year} disimpan")).to_be_visible()
    expect(page.get_by_test_id("priorities")).to_contain_text("Transformasi digital (uji)")
    bkpsdm.shot("prioritas")
    page.get_by_role("button", name="Hapus Transformasi digital (uji)").click()
    expect(page.get_by_test_id("priorities")).not_to_contain_text("Transformasi digital (uji)")

    page.get_by_role("link", name="Standar", exact=True).click()
    expect(page.get_by_test_id("class-standard")).to_be_visible()
    page.get_by_role("link", name="Administrator", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Administrator")).to_be_visible()
    bkpsdm.shot("standar-kelas")
    page.locator("main ul li a").first.click()
    rule = page.get_by_test_id("position-standard").locator("select").first
    rule.select_option("5")
    page.get_by_role("button", name="Simpan standar jabatan").click()
    expect(page.get_by_text("Standar jabatan disimpan")).to_be_visible()
    expect(page.get_by_test_id("position-standard").locator("tbody tr").first).to_contain_text("5")
    page.get_by_test_id("position-standard").locator("select").first.select_option("")  # back to the class rule
    page.get_by_role("button", name="Simpan standar jabatan").click()
    expect(page.get_by_text("Standar jabatan disimpan")).to_be_visible()

    # assessments for a whole OPD at once: two ASN of BPBD in integrity, with the evidence
    page.get_by_role("link", name="Penilaian", exact=True).click()
    page.get_by_label("OPD", exact=True).select_option("OPD-BPBD")
    page.get_by_label("Kompetensi", exact=True).select_option("M-INTEGRITAS")
    page.get_by_role("button", name="Tampilkan ASN").click()
    levels = page.get_by_test_id("assess").locator("select")
    levels.nth(0).select_option("3")
    levels.nth(1).select_option("2")
    page.get_by_label("Bukti (mis. laporan assessment center, nomor dokumen)").fill("Laporan AC BKPSDM 2026/017")
    page.get_by_role("button", name="Simpan penilaian").click()
    expect(page.get_by_text("2 penilaian tercatat")).to_be_visible()
    bkpsdm.shot("penilaian-opd")
    bkpsdm.close()


def test_bkpsdm_prints_activation_codes_and_an_asn_activates_on_a_phone(browser):
    """Every ASN of the demo has an account from the records (the gateway worker); BKPSDM prints the codes of
    BPBD's accounts not yet activated, and one of those ASN activates on a phone and lands on their own page."""
    bkpsdm = Person(browser, "bkpsdm")
    page = bkpsdm.page
    page.goto("/akun?unit_code=OPD-BPBD&status=pending")
    wait_for("BPBD's accounts from the records", lambda: page.reload() or "Belum diaktifkan" in page.content())
    expect(page.get_by_role("heading", name="Akun dan peran")).to_be_visible()
    bkpsdm.shot("akun")
    page.get_by_role("button", name="Buat lembar kode").click()
    expect(page.get_by_text("hanya ditampilkan sekali")).to_be_visible()
    first = page.locator("tbody tr").first
    nip, code = first.locator("td").nth(1).inner_text(), first.locator("code").inner_text()
    bkpsdm.shot("akun-kode")
    bkpsdm.close()

    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=GATEWAY)
    phone = context.new_page()
    phone.goto(f"/aktivasi?u={nip}")
    phone.get_by_label("Kode aktivasi").fill(code.lower())  # as people type it
    phone.get_by_label("Kata sandi baru").fill("kata-sandi-dari-ponsel")
    phone.get_by_label("Ulangi kata sandi").fill("kata-sandi-dari-ponsel")
    phone.get_by_role("button", name="Aktifkan dan masuk").click()
    expect(phone).to_have_url(f"{GATEWAY}/saya")
    expect(phone.get_by_role("link", name="Profil saya")).to_be_visible()
    phone.screenshot(path=str(SHOTS / "aktivasi-ponsel.png"), full_page=True)
    context.close()


def test_an_asn_records_outside_development_on_a_phone_and_bkpsdm_verifies_it(browser, tmp_path):
    certificate = tmp_path / "sertifikat.pdf"
    certificate.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    title = f"E-learning Literasi Digital {uuid.uuid4().hex[:4]}"
    employee = Person(browser, "pegawai", mobile=True)
    page = employee.page
    page.get_by_role("link", name="Pengembangan di luar").click()
    page.get_by_label("Bentuk pengembangan").select_option("e-learning")
    page.get_by_label("Nama kegiatan").fill(title)
    page.get_by_label("Penyelenggara (mis. BPSDM Aceh, LAN RI)").fill("LAN RI")
    ended = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    page.get_by_label("Tanggal mulai").fill(ended)
    page.get_by_label("Tanggal selesai").fill(ended)
    page.get_by_label("Jumlah JP (jam pelajaran)").fill("6")
    page.get_by_label("Nomor sertifikat").fill("LAN/LD/0099")
    # the competency is chosen by its name from the dictionary, not typed as a code
    page.get_by_label("Kompetensi yang dikembangkan (opsional)").select_option(label="Integritas")
    page.get_by_label("Level yang dicapai (1–5, opsional)").fill("2")
    page.get_by_label("Sertifikat (PDF, PNG atau JPEG, maks. 5 MB)").set_input_files(str(certificate))
    page.get_by_role("button", name="Kirim untuk diverifikasi").click()
    expect(page.get_by_text("BKPSDM akan memverifikasinya")).to_be_visible()
    expect(page.get_by_role("row", name=title)).to_contain_text("Menunggu verifikasi BKPSDM")
    employee.shot("pengembangan-luar-ponsel")

    bkpsdm = Person(browser, "bkpsdm")
    bkpsdm.page.goto("/verifikasi-pengembangan")
    row = bkpsdm.page.get_by_role("row", name=title)
    expect(row.get_by_role("link", name="Lihat berkas")).to_be_visible()
    bkpsdm.shot("verifikasi")
    row.get_by_role("button", name="Verifikasi").click()
    expect(bkpsdm.page.get_by_text("Terverifikasi: JP akan dihitung")).to_be_visible()
    bkpsdm.close()

    page.reload()
    expect(page.get_by_role("row", name=title)).to_contain_text("Terverifikasi")
    employee.close()


def test_an_asn_chooses_their_notifications_on_a_phone_and_bkpsdm_sees_the_deliveries(browser):
    """Optional messages can be muted, mandatory ones cannot; the choice is kept; BKPSDM lists the messages sent."""
    employee = Person(browser, "pegawai", mobile=True)
    page = employee.page
    page.get_by_role("link", name="Pemberitahuan").click()
    expect(page.get_by_label("Panggilan pelatihan saat saya didaftarkan")).to_be_disabled()  # mandatory
    page.get_by_label("Kelulusan dan sertifikat").check()
    page.get_by_label("Bahasa pesan").select_option("en")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("status")).to_contain_text("Pilihan pemberitahuan disimpan")
    page.reload()
    expect(page.get_by_label("Kelulusan dan sertifikat")).to_be_checked()
    expect(page.get_by_label("Bahasa pesan")).to_have_value("en")
    employee.shot("notifikasi-ponsel")
    page.get_by_label("Kelulusan dan sertifikat").uncheck()  # leave the demo person as they were
    page.get_by_label("Bahasa pesan").select_option("id")
    page.get_by_role("button", name="Simpan").click()
    # the calendar: a secret address a calendar application reads without a login, shown once, stopped at will
    page.get_by_role("button", name="Buat alamat langganan baru").click()
    address = page.get_by_label("Alamat langganan kalender").input_value()
    assert address.startswith(f"{GATEWAY}/kalender/") and address.endswith(".ics")
    feed = requests.get(address, timeout=10)
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("text/calendar")
    assert icalendar.Calendar.from_ical(feed.content)["X-WR-CALNAME"].startswith("Bangkom")
    employee.shot("kalender-langganan")
    page.get_by_role("button", name="Hentikan alamat langganan").click()
    expect(page.get_by_role("status")).to_contain_text("Alamat langganan dihentikan")
    assert requests.get(address, timeout=10).status_code == 404
    employee.close()

    bkpsdm = Person(browser, "bkpsdm")
    bkpsdm.page.get_by_role("link", name="Pengiriman").click()
    bkpsdm.page.get_by_label("Status").select_option("sent")
    bkpsdm.page.get_by_role("button", name="Tampilkan").click()
    expect(bkpsdm.page.get_by_test_id("messages")).to_contain_text("Terkirim")  # the demo's call-ups
    bkpsdm.shot("notifikasi-pengiriman")
    bkpsdm.close()


def _tab_to(page: Page, target, limit: int = 40) -> None:
    """Press Tab until ``target`` has the focus, as a person without a mouse does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} was not reached with Tab")


def test_keyboard_only_sign_in_search_and_sort(browser):
    """No mouse: the sign-in form has the focus on its first field and is sent with Enter; on the pages the skip link
    is the first stop; the employee search is typed and sent with Enter, a column header sorts with Enter."""
    context = browser.new_context(base_url=GATEWAY)
    page = context.new_page()
    page.goto("/masuk")
    expect(page.get_by_label("Nama pengguna")).to_be_focused()  # autofocus: type at once
    page.keyboard.type("bkpsdm")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Kata sandi")).to_be_focused()
    page.keyboard.type(PASSWORDS["bkpsdm"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dasbor BKPSDM")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Langsung ke isi")).to_be_focused()  # the first stop
    _tab_to(page, page.get_by_role("link", name="Pegawai", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pegawai")
    _tab_to(page, page.get_by_label("Cari nama/NIP"))
    page.keyboard.type("a")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=a"))
    _tab_to(page, page.get_by_role("link", name="Unit kerja (OPD)"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("columnheader", name="Unit kerja (OPD)")).to_have_attribute("aria-sort", "ascending")
    expect(page).to_have_url(re.compile(r"q=a"))  # the search is kept when sorting
    context.close()


def test_every_page_passes_the_axe_accessibility_rules(browser):
    """WCAG 2 A and AA rules of axe-core (labels, names, contrast, landmarks, language, …) on the main pages,
    on a desktop and a phone screen. axe is injected as a script, so this context lets it past the CSP."""
    assert AXE.exists(), f"{AXE} is missing: run deploy/tools/install.sh (make test does)"
    found = {}
    for username, paths in PAGES.items():
        for mobile in (False, True):
            viewport = {"width": 390, "height": 844} if mobile else {"width": 1366, "height": 900}
            context = browser.new_context(viewport=viewport, base_url=GATEWAY, bypass_csp=True)
            page = context.new_page()
            page.goto("/masuk")
            page.get_by_label("Nama pengguna").fill(username)
            page.get_by_label("Kata sandi").fill(PASSWORDS[username])
            page.get_by_role("button", name="Masuk").click()
            page.wait_for_load_state()
            # each role's landing page, as docs/ui.md shows it
            page.screenshot(path=str(SHOTS / f"peran-{username}{'-ponsel' if mobile else ''}.png"))
            for path in paths:
                page.goto(path)
                page.add_script_tag(path=str(AXE))
                result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
                for violation in result["violations"]:
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    found[f"{path} ({'phone' if mobile else 'desktop'}) {violation['id']}"] = (
                        violation["help"],
                        targets,
                    )
            context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_api_documentation_renders(browser):
    """/api/docs: Swagger UI reads the merged OpenAPI 3.1 document and shows every service's operations."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=GATEWAY)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Bangkom API", timeout=30_000)
    for tag in ("needs", "training", "evaluation"):
        expect(page.locator(f"#operations-tag-{tag}")).to_be_visible()
    expect(page.get_by_text("Unable to render this definition")).to_have_count(0)
    assert page.locator(".opblock").count() > 50
    page.screenshot(path=str(SHOTS / "api-docs.png"), full_page=False)
    assert not errors, errors
    context.close()
