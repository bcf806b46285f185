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

# The approved plan, a line per ASN: the AKPK report's shape (docs/plan.md maps each column)
AKPK_COLUMNS: Sequence[tuple[str, str]] = (
    ("year", "Tahun"),
    ("number", "Versi"),
    ("unit_code", "Kode OPD"),
    ("unit_name", "Unit Kerja (OPD)"),
    ("nip", "NIP"),
    ("name", "Nama"),
    ("competency_code", "Kode Kompetensi"),
    ("competency_name", "Kompetensi"),
    ("kind", "Jalur Pengembangan"),
    ("form", "Bentuk Pengembangan"),
    ("month", "Bulan Rencana"),
    ("jp", "JP"),
    ("cost", "Perkiraan Biaya (Rp)"),
)
# The approved plan's Rupiah per OPD and form: the budget team's shape
BUDGET_COLUMNS: Sequence[tuple[str, str]] = (
    ("year", "Tahun Anggaran"),
    ("number", "Versi Rencana"),
    ("unit_code", "Kode OPD"),
    ("unit_name", "Unit Kerja (OPD)"),
    ("kind", "Jalur Pengembangan"),
    ("form", "Bentuk Pengembangan"),
    ("participants", "Jumlah Peserta"),
    ("jp", "Total JP"),
    ("cost", "Pagu (Rp)"),
)
REALISATION_COLUMNS: Sequence[tuple[str, str]] = (
    ("year", "Tahun"),
    ("version", "Versi Rencana"),
    ("unit_code", "Kode OPD"),
    ("unit_name", "Unit Kerja (OPD)"),
    ("planned_lines", "Rencana Peserta"),
    ("realised_lines", "Peserta Terealisasi"),
    ("planned_jp", "Rencana JP"),
    ("delivered_jp", "Realisasi JP"),
    ("jp_percent", "Realisasi JP (%)"),
    ("planned_cost", "Rencana Biaya (Rp)"),
    ("delivered_cost", "Realisasi Biaya (Rp)"),
    ("cost_percent", "Realisasi Biaya (%)"),
    ("behind", "Tertinggal"),
)
KIND_WORDS = {
    "pendidikan": "Pendidikan",
    "klasikal": "Pelatihan klasikal",
    "nonklasikal": "Pelatihan nonklasikal",
    "kepemimpinan": "Pelatihan kepemimpinan",
}


def budget_rows(lines: Sequence[dict]) -> list[dict]:
    """The lines summed per OPD and form (participants, JP, Rupiah), by OPD then form."""
    totals: dict[tuple, dict] = {}
    for line in lines:
        key = (line["unit_code"], line["form"])
        row = totals.setdefault(
            key,
            {
                **{k: line[k] for k in ("year", "number", "unit_code", "unit_name", "kind", "form")},
                "participants": 0,
                "jp": 0,
                "cost": 0,
            },
        )
        row["participants"] += 1
        row["jp"] += line["jp"]
        row["cost"] += line["cost"]
    return [totals[key] for key in sorted(totals, key=lambda k: (str(k[0]), k[1]))]


def percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)
