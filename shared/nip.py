"""The employee number of every ASN, 18 digits: its one rule, for every service and every entry point.

Two kinds (docs/needs.md):

- **NIP** of a PNS (and CPNS): birth date ``YYYYMMDD`` + appointment (TMT CPNS) ``YYYYMM`` + sex ``1``/``2`` + serial;
- **NI PPPK** of contract staff: birth date ``YYYYMMDD`` + year of appointment ``YYYY`` + a two-digit type code
  (``21`` PPPK, ``24`` PPPK *paruh waktu*, from configuration: the codes are not published as a rule) + sex + serial.

``normalise`` turns what people type and what exports carry into the 18 digits; ``FORMAT``/``Field`` check the form
(every schema and the event catalogue); ``errors`` checks the whole number by kind (the needs service, which keeps
the employee records, on every entry: the API, a file, SIMPEG). Messages are written in English, their Indonesian
in ``shared/locale`` (shared/messages.py gives callers their language).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from typing import Any

from marshmallow import validate

from shared import fields

PATTERN = r"^\d{18}$"
PNS, PPPK = "PNS", "PPPK"
DEFAULT_PPPK_CODES = ("21", "24")
MIN_APPOINTMENT_AGE = 18
_WRITTEN_BETWEEN = re.compile(r"[\s.\-\u00a0]")  # spaces, dots, dashes people and exports put between the digits
_EXCEL_TEXT_MARK = "'’`"  # Excel's leading apostrophe (kept by some exports) marks a number stored as text


def format_check(error: str = "NIP must be exactly 18 digits.") -> validate.Regexp:
    return validate.Regexp(PATTERN, error=error)


FORMAT = format_check()


def normalise(raw: str) -> str:
    """``'19850312 201001 1 003``, ``19850312.201001.1.003``, ``19850312-201001-1-003`` → ``198503122010011003``.

    Bangkom's own CSV exports write ``="198503122010011003"`` so that Excel keeps the number as text: read back too.
    Only separators go; anything else stays, for ``errors`` to name (a letter, a digit of another script)."""
    text = raw.strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    return _WRITTEN_BETWEEN.sub("", text.lstrip(_EXCEL_TEXT_MARK))


class Field(fields.String):
    """A NIP field of a schema: normalised as typed, then held to the form (18 ASCII digits)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validate", FORMAT)
        super().__init__(*args, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return normalise(super()._deserialize(value, attr, data, **kwargs))


def kind_of(nip: str, pppk_codes: Collection[str] = DEFAULT_PPPK_CODES) -> str:
    """PPPK when digits 13-14 are a PPPK type code (never a month: the codes are above 12), else PNS."""
    return PPPK if nip[12:14] in pppk_codes else PNS


def errors(
    nip: str,
    today: dt.date | None = None,
    *,
    kind: str | None = None,
    pppk_codes: Collection[str] = DEFAULT_PPPK_CODES,
    min_age: int = MIN_APPOINTMENT_AGE,
) -> list[str]:
    """Why ``nip`` is not a valid number of its ``kind`` (PNS or PPPK; read from the number when not given):
    empty when it is valid."""
    if not isinstance(nip, str) or len(nip) != 18 or not nip.isdigit():
        return ["NIP must be exactly 18 digits."]
    if not nip.isascii():
        return ["NIP must be 18 digits 0-9; other scripts' digits are not accepted."]
    today = today or dt.date.today()
    kind = kind or kind_of(nip, pppk_codes)
    found = []
    try:
        born: dt.date | None = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        born = None
        found.append(f"NIP digits 1-8 ({nip[:8]}) are not a real birth date (YYYYMMDD); check the number.")
    if born and born > today:
        found.append(f"The birth date in NIP digits 1-8 ({born.isoformat()}) is in the future; check the number.")
    found += _appointment_errors(nip, born, today, kind, pppk_codes, min_age)
    if nip[14] not in "12":
        found.append("NIP digit 15 (sex) must be 1 or 2.")
    return found


def _appointment_errors(
    nip: str, born: dt.date | None, today: dt.date, kind: str, pppk_codes: Collection[str], min_age: int
) -> list[str]:
    codes = ", ".join(sorted(pppk_codes))
    if kind == PPPK:
        year, code = int(nip[8:12]), nip[12:14]
        found = []
        if code not in pppk_codes:
            found.append(
                f"NI PPPK digits 13-14 ({code}) are not a PPPK type code ({codes}); check the number, or whether the "
                "employee is a PNS."
            )
        if year < 1900 or year > today.year:
            found.append(f"NI PPPK digits 9-12 ({nip[8:12]}) are not a possible year of appointment (YYYY).")
        elif born and year - born.year < min_age:
            found.append(_too_young(nip[8:12], "9-12", min_age))
        return found
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12 or year < 1900:
        return [
            f"NIP digits 9-14 ({nip[8:14]}) are not a valid appointment month (YYYYMM). If this is an NI PPPK, "
            f"digits 13-14 are its type code ({codes})."
        ]
    found = []
    if born and (year, month) <= (born.year, born.month):
        found.append("The appointment month in NIP digits 9-14 must be after the birth date.")
    elif born and year - born.year < min_age:
        found.append(_too_young(nip[8:14], "9-14", min_age))
    if dt.date(year, month, 1) > today:
        found.append("The appointment month in NIP digits 9-14 is in the future.")
    return found


def _too_young(digits: str, where: str, min_age: int) -> str:
    return f"The appointment in digits {where} ({digits}) is before the age of {min_age}; check the number."


NUMBER_CELL = (
    "The cell is a number; Excel keeps only 15 digits, so the NIP has lost its last digits. Format the column as "
    "Text, type the NIPs again (or export again) and import the file again."
)


def is_number_cell(value: Any) -> bool:
    """A spreadsheet cell read as a number (``1.98503E+17`` too): an 18-digit NIP in it has lost its last digits."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and re.fullmatch(r"\s*\d(?:[.,]\d+)?[eE]\+?\d+\s*", value) is not None
