"""SIASN-shaped sample employees of a city government (Kota Lhokseumawe's OPDs), with valid and
unique NIPs: the data of the demo, of the SIMPEG benches and of the SIMPEG stand-in in the tests.

A NIP is 18 digits: date of birth (8), TMT CPNS year and month (6), sex (1: male, 2: female) and a
serial number (3). Every OPD's first employee is its head and every other one's supervisor.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

OPDS = [
    ("OPD-DISDIK", "Dinas Pendidikan dan Kebudayaan"),
    ("OPD-DINKES", "Dinas Kesehatan"),
    ("OPD-BPBD", "Badan Penanggulangan Bencana Daerah"),
    ("OPD-DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("OPD-DISKOMINFO", "Dinas Komunikasi, Informatika dan Persandian"),
    ("OPD-BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
    ("OPD-BAPPEDA", "Badan Perencanaan Pembangunan Daerah"),
    ("OPD-BPKD", "Badan Pengelolaan Keuangan Daerah"),
    ("OPD-DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("OPD-DINSOS", "Dinas Sosial"),
    ("OPD-DLH", "Dinas Lingkungan Hidup"),
    ("OPD-SETDA", "Sekretariat Daerah"),
]
POSITIONS = [  # (jabatanId suffix, jabatanNama, jenisJabatan, eselon)
    ("KADIS", "Kepala", "Struktural", "II.b"),  # the head: "Kepala Dinas Kesehatan", "Kepala Badan …" (head_title)
    ("SEKRETARIS", "Sekretaris", "Struktural", "III.a"),
    ("KABID", "Kepala Bidang", "Struktural", "III.b"),
    ("KASUBBAG", "Kepala Sub Bagian Umum dan Kepegawaian", "Struktural", "IV.a"),
    ("ANALIS-KEPEG", "Analis Kepegawaian Ahli Muda", "Fungsional Tertentu", None),
    ("PRANATA-KOMP", "Pranata Komputer Ahli Pertama", "Fungsional Tertentu", None),
    ("PENGADMIN", "Pengadministrasi Perkantoran", "Fungsional Umum", None),
    ("PENGOLAH-DATA", "Pengolah Data dan Informasi", "Fungsional Umum", None),
]
NAMES = [
    "Ahmad",
    "Muhammad",
    "Nurul",
    "Siti",
    "Teuku",
    "Cut",
    "Zulfikar",
    "Rahmat",
    "Fitri",
    "Husna",
    "Iskandar",
    "Safrida",
    "Munawar",
    "Rizki",
    "Yusri",
    "Maulida",
    "Fadhil",
    "Aida",
    "Bukhari",
    "Nadia",
]
FAMILY = ["Abdullah", "Hasan", "Ibrahim", "Ismail", "Mahmud", "Yusuf", "Saputra", "Rahman", "Hidayat", "Zulkifli"]


def head_title(unit_name: str) -> str:
    """The head of an OPD: "Kepala" and the OPD's name ("Kepala Dinas Sosial", "Kepala Badan …"), but the
    Sekretariat Daerah is led by the "Sekretaris Daerah"."""
    return "Sekretaris Daerah" if unit_name == "Sekretariat Daerah" else f"Kepala {unit_name}"


def make_nip(rng: random.Random, serial: int, pppk_code: str | None = None) -> str:
    """A NIP (appointment month), or with ``pppk_code`` an NI PPPK (year of appointment and the type code)."""
    born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 33))
    appointed = min(born.year + rng.randint(22, 32), 2024)
    middle = f"{appointed}{pppk_code}" if pppk_code else f"{appointed}{rng.randint(1, 12):02d}"
    return f"{born:%Y%m%d}{middle}{rng.choice('12')}{serial % 1000:03d}"


def generate_employees(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Plausible SIASN-style employee records of a city government, with valid and unique NIPs."""
    rng = random.Random(seed)
    employees: list[dict[str, Any]] = []
    used: set[str] = set()
    heads: dict[str, str] = {}
    serial = 0
    while len(employees) < count:
        serial += 1
        unit_id, unit_name = OPDS[len(employees) % len(OPDS)]
        suffix, title, kind, eselon = POSITIONS[0] if unit_id not in heads else rng.choice(POSITIONS[1:])
        pppk = rng.random() < 0.25 and eselon is None
        part_time = pppk and rng.random() < 0.3  # PPPK paruh waktu (type code 24), since 2025
        nip = make_nip(rng, serial, ("24" if part_time else "21") if pppk else None)
        if nip in used:
            continue
        used.add(nip)
        employees.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
                "nipBaru": nip,
                "nama": f"{rng.choice(NAMES)} {rng.choice(FAMILY)}",
                "gelarDepan": rng.choice(["", "", "", "Dr.", "Ir."]),
                "gelarBelakang": rng.choice(["S.T.", "S.E.", "S.Kom.", "S.Pd.", "M.Si.", "S.H.", ""]),
                "tglLahir": f"{nip[6:8]}-{nip[4:6]}-{nip[0:4]}",
                "jenisKelamin": "Laki-laki" if nip[14] == "1" else "Perempuan",
                "statusPegawai": "PPPK" if pppk else "PNS",
                "jenisPegawaiNama": ("PPPK Paruh Waktu" if part_time else "PPPK") if pppk else "PNS Daerah Kab/Kota",
                "unorId": f"{unit_id}-U{rng.randint(1, 4)}",
                "unorNama": f"Bidang {rng.randint(1, 4)} {unit_name}",
                "unorIndukId": unit_id,
                "unorIndukNama": unit_name,
                "jabatanId": f"{unit_id}-{suffix}",
                "jabatanNama": head_title(unit_name)
                if suffix == "KADIS"
                else f"{title} {unit_name}"
                if eselon
                else title,
                "jenisJabatan": kind,
                "eselon": eselon,
                "golRuangAkhir": rng.choice(["II/c", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b"]),
                "pangkatAkhir": "",
                "tmtJabatan": "02-01-2020",
                "tmtPensiun": None,
                "nipAtasan": heads.get(unit_id),
                "emailGov": f"{nip}@lhokseumawekota.go.id",
            }
        )
        heads.setdefault(unit_id, nip)
    return employees
