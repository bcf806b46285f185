"""SIMPEG export files (XLSX or CSV with SIASN column names in row 1): reading them, numbered as the spreadsheet
numbers its rows, and the checks a file gets before its rows are applied."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared import sheets


def rejection(row: int, nip: str | None, errors: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "row": row,
        "nip": nip,
        "errors": [{"field": name, "message": message} for name, messages in errors.items() for message in messages],
    }


def read_export(content: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a SIMPEG export (XLSX: first sheet; CSV: comma or semicolon), numbered as the
    spreadsheet numbers them (the header is row 1). Raises Invalid when the file cannot be used at all."""
    return sheets.read(content, filename, "nipBaru", "a SIMPEG export (nipBaru, nama, statusPegawai, …)")


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
