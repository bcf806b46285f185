"""The columns of the gap report, the annual plan and the JP ledger as files, with Indonesian headers (BKPSDM works
in Excel); the files themselves are written by shared/sheets.py."""

from __future__ import annotations

from collections.abc import Sequence

GAP_COLUMNS: Sequence[tuple[str, str]] = (
    ("nip", "NIP"),
    ("name", "Nama"),
    ("unit_name", "Unit Kerja (OPD)"),
    ("competency_code", "Kode Kompetensi"),
    ("competency_name", "Kompetensi"),
    ("competency_group", "Jenis Kompetensi"),
    ("required_level", "Level Standar"),
    ("current_level", "Level Saat Ini"),
    ("assessed", "Sudah Dinilai"),
    ("gap", "Kesenjangan"),
    ("strategic_weight", "Bobot Prioritas Daerah"),
    ("jp_shortfall", "Kekurangan JP"),
    ("priority_score", "Skor Prioritas"),
)

PLAN_COLUMNS: Sequence[tuple[str, str]] = (
    ("step", "Langkah"),
    ("unit_code", "Kode OPD"),
    ("unit_name", "Unit Kerja (OPD)"),
    ("competency_code", "Kode Kompetensi"),
    ("competency_name", "Kompetensi"),
    ("competency_group", "Jenis Kompetensi"),
    ("form", "Bentuk Pengembangan"),
    ("employees", "Jumlah ASN"),
    ("jp_per_person", "JP per Orang"),
    ("jp_budget", "Total JP"),
)
# what a plan line's step says in the file
PLAN_STEPS = {"develop": "Pengembangan", "assess_first": "Asesmen dahulu (belum dinilai)"}

EMPLOYEE_COLUMNS: Sequence[tuple[str, str]] = (
    ("nip", "NIP"),
    ("name", "Nama"),
    ("employment_status", "Jenis ASN"),
    ("rank", "Pangkat/Golongan"),
    ("position_code", "Kode Jabatan"),
    ("unit_code", "Kode OPD"),
    ("unit_name", "Unit Kerja (OPD)"),
    ("supervisor_nip", "NIP Atasan"),
    ("active", "Aktif"),
)

LEDGER_COLUMNS: Sequence[tuple[str, str]] = (
    ("nip", "NIP"),
    ("name", "Nama"),
    ("unit_name", "Unit Kerja (OPD) saat itu"),
    ("employment_status", "Jenis ASN"),
    ("title", "Nama Pengembangan"),
    ("organiser", "Penyelenggara"),
    ("form", "Bentuk Pengembangan"),
    ("source", "Sumber"),
    ("completed_on", "Tanggal Selesai"),
    ("jp", "JP"),
)
