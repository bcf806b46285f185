"""Spreadsheets as BKPSDM and partners use them (Excel in an Indonesian locale): XLSX or CSV (semicolon, UTF-8
with BOM), Indonesian headers, 18-digit NIPs kept as text; and reading such files back, rows numbered as the
spreadsheet numbers them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from shared.errors import Invalid

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# the OpenAPI answer of a route that returns a file (``file_response``)
EXPORT_DOC = {
    "responses": {
        "200": {
            "description": "An XLSX or CSV file with Indonesian column headers",
            "content": {
                media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                for media in CONTENT_TYPES.values()
            },
        }
    }
}
TEXT_COLUMNS = {"nip"}  # 18-digit numbers that Excel would turn into 1.99E+17


def delimiter_of(text: str) -> str:
    """The separator of a CSV file people made: ';' (Excel in an Indonesian locale) or ','."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, str):  # names that came in before the edge refused control characters (or from SIMPEG)
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


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


def render(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[tuple[str, str]], file_format: str, title: str
) -> bytes:
    """``columns``: (key in the rows, header people read)."""
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


def file_response(content: bytes, file_format: str, name: str) -> Response:
    """A rendered file as the answer: its type, and saved by the browser as ``name.<format>``."""
    return Response(
        content,
        mimetype=CONTENT_TYPES[file_format].split(";")[0],
        headers={
            "Content-Type": CONTENT_TYPES[file_format],
            "Content-Disposition": f'attachment; filename="{name}.{file_format}"',
        },
    )


def read(content: bytes, filename: str, required: str, what: str) -> list[tuple[int, dict[str, Any]]]:
    """The rows of an XLSX (first sheet) or CSV file (comma or semicolon) under the header of row 1, numbered as
    the spreadsheet numbers them; blank lines left out. Invalid when the file cannot be used at all: not XLSX or
    CSV, unreadable, empty, or without the ``required`` column (``what`` names the file for the message)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith(".csv"):
        rows = _csv_rows(content)
    else:
        raise Invalid(
            f"The file must be an Excel workbook (.xlsx) or a CSV file (.csv): {what}.",
            errors=[{"field": "file", "message": f"Unsupported file type: {filename}."}],
        )
    try:
        header = next(rows)
    except StopIteration:
        raise Invalid("The file is empty.", errors=[{"field": "file", "message": "No header row."}]) from None
    columns = [str(c).strip() if c is not None else "" for c in header]
    if required not in columns:
        raise Invalid(
            f"Row 1 must hold the column names of {what}; {required} was not found.",
            errors=[{"field": "file", "message": f"Missing column {required} in row 1."}],
        )
    numbered = []
    for number, values in enumerate(rows, start=2):
        record = {col: _read_cell(v) for col, v in zip(columns, values, strict=False) if col}
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
    return iter(list(csv.reader(io.StringIO(text), delimiter=delimiter_of(text))))


def _read_cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        return value.strip()
    return value
