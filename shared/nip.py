"""The NIP (Nomor Induk Pegawai), the 18-digit number of every ASN: its one rule, for every service.

``PATTERN``/``FORMAT`` check the form (what every service's schemas and the event catalogue need); ``errors``
checks the whole number (what the needs service, which keeps the employee records, applies on every entry).
"""

from __future__ import annotations

import datetime as dt

from marshmallow import validate

PATTERN = r"^\d{18}$"


def format_check(error: str = "NIP must be exactly 18 digits.") -> validate.Regexp:
    return validate.Regexp(PATTERN, error=error)


FORMAT = format_check()


def errors(nip: str, today: dt.date | None = None) -> list[str]:
    """Why ``nip`` is not a valid NIP (empty when it is): 18 digits = birth date YYYYMMDD,
    appointment YYYYMM, sex digit 1/2, serial of 3; appointment after birth and not in the future."""
    if not isinstance(nip, str) or len(nip) != 18 or not nip.isdigit():
        return ["NIP must be exactly 18 digits."]
    errors = []
    try:
        born = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        born = None
        errors.append(f"NIP digits 1-8 ({nip[:8]}) are not a real birth date (YYYYMMDD).")
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12 or year < 1900:
        errors.append(f"NIP digits 9-14 ({nip[8:14]}) are not a valid appointment month (YYYYMM).")
    else:
        appointed = dt.date(year, month, 1)
        if born and (year, month) <= (born.year, born.month):
            errors.append("NIP appointment month (digits 9-14) must be after the birth date.")
        if appointed > (today or dt.date.today()):
            errors.append("NIP appointment month (digits 9-14) is in the future.")
    if nip[14] not in "12":
        errors.append("NIP digit 15 (sex) must be 1 or 2.")
    return errors
