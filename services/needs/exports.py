"""The gap report and the annual plan as XLSX or CSV, with Indonesian column headers (BKPSDM works in Excel)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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
TEXT_COLUMNS = {"nip"}  # 18-digit numbers that Excel would turn into 1.99E+17

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def delimiter_of(text: str) -> str:
    """The separator of a CSV file people made: ';' (Excel in an Indonesian locale) or ','."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _csv_cell(key: str, value: Any) -> Any:
    """A CSV cell; an 18-digit number is written as the formula ="…" so that Excel keeps it as text."""
    if key in TEXT_COLUMNS and value is not None:
        return f'="{value}"'
    return _cell(value)


def _xlsx_cell(sheet, key: str, value: Any) -> Any:
    if key in TEXT_COLUMNS and value is not None:
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.number_format = "@"  # text
        return cell
    return _cell(value)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, str):  # names that came in before the edge refused control characters (or from SIMPEG)
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def render(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]], file_format: str, title: str
) -> bytes:
    headers = [header for _, header in columns]
    if file_format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")  # the separator Excel expects in an Indonesian locale
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_cell(key, row.get(key)) for key, _ in columns])
        return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, key, row.get(key)) for key, _ in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
