"""SIMPEG mapping and rules (pure), and the adapter against the stand-in (tokens, retries, timeouts)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from services.needs import domain
from services.needs.simpeg import mapping as simpeg
from services.needs.simpeg.client import SimpegClient, SimpegError, SimpegRejected
from shared import forms
from tests.simpeg_standin import SimpegStandin, generate_employees

TODAY = dt.date(2026, 11, 28)
RECORD = {
    "nipBaru": "198609262015051001",
    "nama": "Rahmat Hidayat",
    "gelarDepan": "Dr.",
    "gelarBelakang": "M.Si.",
    "statusPegawai": "PNS",
    "jenisPegawaiNama": "PNS Daerah",
    "unorIndukId": "OPD-BPBD",
    "unorIndukNama": "Badan Penanggulangan Bencana Daerah",
    "jabatanId": "BPBD-KABID",
    "jabatanNama": "Kepala Bidang",
    "jenisJabatan": "Struktural",
    "eselon": "III.b",
    "golRuangAkhir": "IV/a",
    "nipAtasan": "197501012000031002",
    "tmtPensiun": "01-01-2044",
    "email": "rahmat@example.org",
    "emailGov": "not an address",
}


@pytest.mark.parametrize(
    ("kind", "eselon", "expected"),
    [
        ("Struktural", "II.a", "jpt"),
        ("1", "III.b", "administrator"),
        ("struktural", "IV.a", "pengawas"),
        ("Fungsional Tertentu", None, "fungsional"),
        ("2", "", "fungsional"),
        ("Fungsional Umum", None, "pelaksana"),
        ("4", None, "pelaksana"),
        ("Struktural", None, None),
        ("Honorer", None, None),
    ],
)
def test_position_class_from_jenis_jabatan_and_eselon(kind, eselon, expected):
    assert simpeg.position_class(kind, eselon) == expected


def test_a_simpeg_record_maps_to_an_employee_and_its_position():
    mapped = simpeg.map_employee(RECORD, TODAY)
    assert mapped.errors == {}
    assert mapped.employee == {
        "nip": "198609262015051001",
        "name": "Dr. Rahmat Hidayat, M.Si.",
        "position_code": "BPBD-KABID",
        "unit_code": "OPD-BPBD",
        "unit_name": "Badan Penanggulangan Bencana Daerah",
        "rank": "IV/a",
        "employment_status": "PNS",
        "contract_start": None,  # a PNS's tmtPppk is no contract start
        "supervisor_nip": "197501012000031002",
        "email": "rahmat@example.org",  # emailGov is unusable, so the personal address
        "active": True,
    }
    assert mapped.position == {"code": "BPBD-KABID", "name": "Kepala Bidang", "position_class": "administrator"}


def test_mapping_without_ids_derives_codes_and_reads_cpns_pppk_and_retirement():
    record = {**RECORD, "jabatanId": None, "unorIndukId": "", "statusPegawai": "CPNS", "tmtPensiun": "2026-11-01"}
    mapped = simpeg.map_employee(record, TODAY)
    assert mapped.position["code"] == "KEPALA-BIDANG"
    assert mapped.employee["unit_code"] == "BADAN-PENANGGULANGAN-BENCANA-DAERAH"
    assert mapped.employee["employment_status"] == "PNS"
    assert mapped.employee["active"] is False  # retired before today
    pppk = simpeg.map_employee(
        {**RECORD, "statusPegawai": "", "jenisPegawaiNama": "PPPK Guru", "tmtPppk": "01-04-2024"}, TODAY
    )
    assert pppk.employee["employment_status"] == "PPPK"
    assert pppk.employee["contract_start"] == dt.date(2024, 4, 1)  # the TMT: the cap's contract year
    assert simpeg.map_employee({**RECORD, "tmtPppk": "01-04-2024"}, TODAY).employee["contract_start"] is None


def test_unusable_records_name_the_simpeg_field_and_the_reason():
    mapped = simpeg.map_employee(
        {
            "nipBaru": "",
            "nama": " ",
            "statusPegawai": "Honorer",
            "jabatanNama": "Staf",
            "jenisJabatan": "?",
            "tmtPensiun": "tahun depan",
        },
        TODAY,
    )
    assert set(mapped.errors) == {"nipBaru", "nama", "statusPegawai", "jenisJabatan", "tmtPensiun"}
    pppk = simpeg.map_employee({**RECORD, "statusPegawai": "PPPK", "tmtPppk": "April"}, TODAY)
    assert set(pppk.errors) == {"tmtPppk"}
    assert "HONORER is not PNS, CPNS or PPPK." in mapped.errors["statusPegawai"]


def test_generated_standin_employees_are_valid_and_unique():
    records = generate_employees(500)
    assert len({r["nipBaru"] for r in records}) == 500
    for record in records:
        mapped = simpeg.map_employee(record, TODAY)
        assert mapped.errors == {}, record
        assert domain.nip_errors(mapped.nip, TODAY) == []


def test_deactivation_guard():
    assert simpeg.to_deactivate(["a", "b", "c"], ["b"]) == ["a", "c"]
    assert simpeg.deactivation_allowed(10, 20, 0.1)  # small numbers always pass
    assert simpeg.deactivation_allowed(100, 1000, 0.1)
    assert not simpeg.deactivation_allowed(101, 1000, 0.1)


def test_history_record_and_reconciliation():
    credit = {
        "enrollment_id": "e-1",
        "nip": RECORD["nipBaru"],
        "program_title": "Pelatihan GIS",
        "form": "pelatihan",
        "jp": 24,
        "completed_on": dt.date(2026, 11, 20),
        "started_on": dt.date(2026, 11, 17),
        "partner_name": "Universitas Malikussaleh",
        "partner_code": "UNIMAL",
        "certificate_number": "GIS/1/001/2026",
    }
    record = simpeg.history_record(credit)
    assert record == {
        "nipBaru": RECORD["nipBaru"],
        "namaKursus": "Pelatihan GIS",
        "jenisKursus": "pelatihan",
        "institusiPenyelenggara": "Universitas Malikussaleh",
        "tanggalKursus": "2026-11-17",
        "tanggalSelesaiKursus": "2026-11-20",
        "tahunKursus": 2026,
        "jumlahJam": 24,
        "noSertipikat": "GIS/1/001/2026",
        "idSumber": "e-1",
    }
    assert (
        simpeg.history_record({**credit, "started_on": None, "partner_name": None})["institusiPenyelenggara"]
        == "UNIMAL"
    )
    nip = RECORD["nipBaru"]
    other = {**record, "idSumber": "e-2", "jumlahJam": 10}
    theirs = [
        {**record, "id": "s1"},
        {**other, "jumlahJam": 12, "tanggalSelesaiKursus": "2026-11-21", "id": "s2"},
        {**record, "idSumber": "e-9", "namaKursus": "Entah", "id": "s9"},
        {"namaKursus": "Diinput manual", "id": "s10"},  # no idSumber: not ours to judge
    ]
    differences = simpeg.reconcile(nip, [record, other, {**record, "idSumber": "e-3"}], [("kursus", r) for r in theirs])
    assert sorted((d.enrollment_id, d.kind) for d in differences) == [
        ("e-2", "dates_differ"),
        ("e-2", "jp_differs"),
        ("e-3", "missing_in_simpeg"),
        ("e-9", "unknown_to_bangkom"),
    ]
    assert simpeg.reconcile(nip, [record], [("kursus", {**record, "id": "s1"})]) == []
    assert [d.kind for d in simpeg.reconcile(nip, [record], [("diklat", {**record, "id": "s1"})])] == ["wrong_history"]


def test_a_leadership_training_is_a_rw_diklat_record_and_the_rest_rw_kursus():
    credit = {
        "enrollment_id": "e-7",
        "nip": RECORD["nipBaru"],
        "program_title": "PKA Angkatan II",
        "form": "pka",
        "jp": 360,
        "completed_on": dt.date(2026, 9, 30),
        "started_on": dt.date(2026, 6, 1),
        "partner_name": "BPSDM Aceh",
        "certificate_number": "PKA/II/12",
    }
    assert simpeg.history_record(credit) == {
        "nipBaru": RECORD["nipBaru"],
        "latihanStrukturalNama": "Pelatihan Kepemimpinan Administrator",
        "jenisDiklat": "pka",
        "namaDiklat": "PKA Angkatan II",
        "institusiPenyelenggara": "BPSDM Aceh",
        "tanggal": "2026-06-01",
        "tanggalSelesai": "2026-09-30",
        "tahun": 2026,
        "jumlahJam": 360,
        "nomor": "PKA/II/12",
        "idSumber": "e-7",
    }
    assert {form: domain.history_of_form(form) for form in forms.KINDS["kepemimpinan"]} == dict.fromkeys(
        forms.KINDS["kepemimpinan"], "diklat"
    )
    assert {domain.history_of_form(f) for f in forms.FORMS if f not in forms.KINDS["kepemimpinan"]} == {"kursus"}


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("Pelatihan Dasar CPNS Golongan III", "latsar_cpns"),
        ("PRAJABATAN GOLONGAN II", "latsar_cpns"),
        ("Pelatihan Kepemimpinan Pengawas", "pkp"),
        ("Diklatpim Tingkat IV", "pkp"),
        ("DIKLAT PIM TK. III", "pka"),
        ("Pelatihan Kepemimpinan Nasional Tingkat II", "pkn"),
        ("Diklatpim Tingkat I", "pkn"),
        ("SEPADA", "diklat_struktural"),
    ],
)
def test_a_structural_training_entered_in_simpeg_takes_its_form_from_its_name(name, form):
    credit, errors = simpeg.incoming_credit(
        RECORD["nipBaru"],
        {"id": "d1", "latihanStrukturalNama": name, "tanggalSelesai": "2019-05-31", "jumlahJam": "285"},
        "diklat",
    )
    assert errors == {}
    assert (credit["credit_id"], credit["form"], credit["jp"], credit["completed_on"]) == (
        "simpeg:diklat:d1",
        form,
        285,
        dt.date(2019, 5, 31),
    )


# --- the adapter against the stand-in -----------------------------------------------------------


@pytest.fixture
def standin():
    server = SimpegStandin(generate_employees(95)).start()
    yield server
    server.stop()


def client_for(standin, **options) -> SimpegClient:
    options = {"retries": 2, "backoff": 0.01, "page_size": 40, "timeout": 2.0, **options}
    return SimpegClient(standin.url, standin.client_id, standin.client_secret, **options)


def test_pages_through_every_employee(standin):
    pages = list(client_for(standin).employees())
    assert [len(p.records) for p in pages] == [40, 40, 15]
    assert pages[0].total == 95 and pages[0].total_pages == 3
    assert len({r["nipBaru"] for p in pages for r in p.records}) == 95
    unit = list(client_for(standin).employees("OPD-BPBD"))
    assert {r["unorIndukId"] for p in unit for r in p.records} == {"OPD-BPBD"}


def test_token_is_fetched_once_reused_and_renewed_when_refused(standin):
    client = client_for(standin)
    client.employees_page(1)
    client.employees_page(2)
    assert standin.calls["/oauth/token"] == 1
    standin.expire_tokens()
    assert len(client.employees_page(1).records) == 40  # 401 → a new token → the call succeeds
    assert standin.calls["/oauth/token"] == 2


def test_token_is_renewed_before_it_expires(standin):
    standin.token_ttl = 1.0  # a short-lived token is renewed when a fifth of its life is left
    client = client_for(standin)
    client.employees_page(1)
    client.employees_page(1)
    assert standin.calls["/oauth/token"] == 1
    time.sleep(0.85)
    client.employees_page(1)
    assert standin.calls["/oauth/token"] == 2


def test_5xx_is_retried_with_backoff_then_given_up(standin):
    client = client_for(standin)
    standin.fail_next(2)  # token call and first retry fail, the second retry succeeds
    assert client.employees_page(1).total == 95
    standin.fail_next(10)
    with pytest.raises(SimpegError, match="503"):
        client.employees_page(1)
    assert standin.calls["/api/v1/pns"] == 1 + 3  # the 8 failures left were not all spent: 3 tries then give up


def test_4xx_is_not_retried_and_names_the_reason(standin):
    client = client_for(standin)
    with pytest.raises(SimpegRejected) as refused:
        client.save_training({"nipBaru": "199001012015011001", "namaKursus": ""}, idempotency_key="k")
    assert refused.value.status == 422 and "namaKursus" in refused.value.errors
    assert standin.calls["/api/v1/kursus/save"] == 1
    bad = SimpegClient(standin.url, standin.client_id, "wrong", retries=2, backoff=0.01)
    with pytest.raises(SimpegRejected, match="401"):
        bad.employees_page(1)
    assert standin.calls["/oauth/token"] == 2  # refused credentials: asked twice (the renewal), never retried


def test_slow_answers_time_out_and_connection_errors_are_retried(standin):
    standin.delay = 0.5
    client = client_for(standin, timeout=0.1, retries=1)
    started = time.monotonic()
    with pytest.raises(SimpegError, match="unreachable"):
        client.employees_page(1)
    assert time.monotonic() - started < 2.0
    standin.delay = 0.0
    standin.stop()
    with pytest.raises(SimpegError, match="unreachable"):
        client_for(standin, timeout=0.5).employees_page(1)


def test_a_hand_entered_history_record_becomes_a_credit_once_by_its_simpeg_id():
    record = {
        "id": "rw-77",
        "nipBaru": "198609262015051001",
        "namaKursus": "Diklat Teknis Kebencanaan",
        "institusiPenyelenggara": "BPSDM Aceh",
        "tanggalKursus": "03-03-2027",
        "tanggalSelesaiKursus": "2027-03-06",
        "jumlahJam": "32",
    }
    credit, errors = simpeg.incoming_credit("198609262015051001", record)
    assert errors == {}
    assert credit["credit_id"] == "simpeg:rw-77" and credit["source"] == "simpeg"
    assert credit["jp"] == 32 and credit["completed_on"].isoformat() == "2027-03-06"
    assert credit["organiser"] == "BPSDM Aceh"
    _, errors = simpeg.incoming_credit("198609262015051001", {**record, "jumlahJam": "tiga", "id": ""})
    assert set(errors) == {"jumlahJam", "id"}
    only_year, errors = simpeg.incoming_credit(
        "198609262015051001", {**record, "tanggalSelesaiKursus": None, "tahunKursus": 2026}
    )
    assert errors == {} and only_year["completed_on"].isoformat() == "2026-12-31"
