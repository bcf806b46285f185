"""SIMPEG export files (XLSX or CSV with SIASN column names in row 1): reading them, numbered as the spreadsheet
numbers its rows, and the checks a file gets before its rows are applied."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

from services.needs import exports
from shared.errors import Invalid


def rejection(row: int, nip: str | None, errors: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "row": row,
        "nip": nip,
        "errors": [{"field": name, "message": message} for name, messages in errors.items() for message in messages],
    }


def read_export(content: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a SIMPEG export (XLSX: first sheet; CSV: comma or semicolon), numbered as the
    spreadsheet numbers them (the header is row 1). Raises Invalid when the file cannot be used at all."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith(".csv"):
        rows = _csv_rows(content)
    else:
        raise Invalid(
            "The file must be an Excel workbook (.xlsx) or a CSV file (.csv) exported from SIMPEG.",
            errors=[{"field": "file", "message": f"Unsupported file type: {filename}."}],
        )
    try:
        header = next(rows)
    except StopIteration:
        raise Invalid("The file is empty.", errors=[{"field": "file", "message": "No header row."}]) from None
    columns = [str(c).strip() if c is not None else "" for c in header]
    if "nipBaru" not in columns:
        raise Invalid(
            "Row 1 must hold the SIMPEG column names (nipBaru, nama, statusPegawai, …); nipBaru was not found.",
            errors=[{"field": "file", "message": "Missing column nipBaru in row 1."}],
        )
    numbered = []
    for number, values in enumerate(rows, start=2):
        record = {col: _cell(v) for col, v in zip(columns, values, strict=False) if col}
        if all(v in (None, "") for v in record.values()):
            continue  # blank line
        numbered.append((number, record))
    return numbered


def _xlsx_rows(content: bytes) -> Iterator[Sequence[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file problem
        raise Invalid(
            "The Excel file cannot be read; save it again as .xlsx and retry.",
            errors=[{"field": "file", "message": f"Unreadable workbook: {type(exc).__name__}."}],
        ) from None
    return iter(list(workbook.worksheets[0].iter_rows(values_only=True)))


def _csv_rows(content: bytes) -> Iterator[Sequence[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")
    return iter(list(csv.reader(io.StringIO(text), delimiter=exports.delimiter_of(text))))


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def check_numeric_nips(numbered: Sequence[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Rows whose NIP (or supervisor's NIP) is a number cell: Excel keeps 15 significant digits, so an
    18-digit NIP stored as a number has lost its last digits and must not be trusted."""
    rejected = []
    for number, record in numbered:
        problems = {
            column: [
                "The cell is a number; Excel keeps only 15 digits, so the NIP has lost its last digits. "
                "Format the column as Text in SIMPEG's export and export again."
            ]
            for column in ("nipBaru", "nipAtasan")
            if isinstance(record.get(column), int | float) and not isinstance(record.get(column), bool)
        }
        if problems:
            rejected.append(rejection(number, str(record.get("nipBaru")), problems))
    return rejected
