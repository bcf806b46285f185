"""The forms of development of Perlan LAN 10/2018 and how each one's JP is counted.

The forms and their kinds are the regulation's (and part of the event contract: ``shared/catalogue.py`` names them).
How a form's length becomes JP differs by agency, so it is a **conversion table**, versioned and configurable
(``JP_CONVERSION_FILE``; the default is ``shared/jp_conversion.json``, which names its source): a form counted in
``jp`` takes the JP as given; any other unit (day, session, minute, semester) converts ``quantity`` × ``jp`` ÷ ``per``,
rounded down. The training service converts a program's length with it, the needs ledger a claimed activity's.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shared.errors import Invalid

# kind → the forms of that kind, in the regulation's order
KINDS: dict[str, tuple[str, ...]] = {
    "pendidikan": ("tugas_belajar", "izin_belajar"),
    "klasikal": ("pelatihan", "seminar", "workshop", "kursus", "penataran", "bimtek", "sosialisasi"),
    "nonklasikal": (
        "coaching",
        "mentoring",
        "e-learning",
        "pembelajaran_jarak_jauh",
        "magang",
        "detasering",
        "rotasi_jabatan",
        "pertukaran",
        "benchmarking",
        "outbound",
        "belajar_mandiri",
        "komunitas_belajar",
        "on_the_job",
    ),
    "kepemimpinan": ("latsar_cpns", "pkp", "pka", "pkn"),
}
FORMS: tuple[str, ...] = tuple(form for forms in KINDS.values() for form in forms)
KIND_OF: dict[str, str] = {form: kind for kind, forms in KINDS.items() for form in forms}
UNITS = ("jp", "minute", "day", "session", "semester")
EVIDENCE = ("certificate", "report", "product")  # what completes a form besides attendance
LEVELS = ("reaction", "learning", "behavior")  # the evaluation levels (Kirkpatrick 1–3)
# a coach or mentor, a person, guides these forms
GUIDED = ("coaching", "mentoring")
DEFAULT_TABLE = Path(__file__).with_name("jp_conversion.json")


def jp_year(day: dt.date, contract_start: dt.date | None = None) -> int:
    """The year of the JP ledger ``day`` counts in: the calendar year; for a PPPK whose contract start (TMT) is known,
    the contract year it falls in, named by the calendar year that contract year begins (a contract from 1 April
    2024: 1 April 2026 – 31 March 2027 is 2026), so that the 24-JP cap of PP 49/2018 counts per contract year."""
    if contract_start is None:
        return day.year
    try:
        anniversary = contract_start.replace(year=day.year)
    except ValueError:  # a contract from 29 February: its anniversary is 1 March in other years
        anniversary = dt.date(day.year, 3, 1)
    return day.year if day >= anniversary else day.year - 1


@dataclass(frozen=True)
class Conversion:
    """How one form is counted: ``quantity`` in ``unit`` gives ``quantity × jp ÷ per`` JP; which evaluation levels
    apply to it; what evidence completes it."""

    unit: str
    jp: int = 1
    per: int = 1
    levels: tuple[str, ...] = LEVELS
    evidence: str = "certificate"

    def jp_for(self, quantity: int) -> int:
        return quantity * self.jp // self.per


@dataclass(frozen=True)
class ConversionTable:
    version: str
    source: str
    forms: Mapping[str, Conversion]

    def of(self, form: str) -> Conversion:
        return self.forms[form]


@functools.lru_cache(maxsize=8)
def table(path: str = "") -> ConversionTable:
    """The conversion table of ``path`` (the default when empty), read once per process."""
    return load(path or None)


def load(path: str | Path | None = None) -> ConversionTable:
    """The conversion table from ``path`` (the default table when empty); ValueError naming every problem (a form
    missing or unknown, a unit, level or evidence not known, a number below 1)."""
    raw = json.loads(Path(path or DEFAULT_TABLE).read_text(encoding="utf-8"))
    problems: list[str] = []
    forms: dict[str, Conversion] = {}
    for form, entry in (raw.get("forms") or {}).items():
        if form not in KIND_OF:
            problems.append(f"{form}: not a form of development ({', '.join(FORMS)})")
            continue
        conversion = Conversion(
            unit=entry.get("unit", ""),
            jp=int(entry.get("jp", 1)),
            per=int(entry.get("per", 1)),
            levels=tuple(entry.get("levels", LEVELS)),
            evidence=entry.get("evidence", "certificate"),
        )
        problems.extend(f"{form}: {problem}" for problem in _problems(conversion))
        forms[form] = conversion
    problems.extend(f"{form}: missing from the table" for form in FORMS if form not in forms)
    if not raw.get("version") or not raw.get("source"):
        problems.append("the table names its version and its source")
    if problems:
        raise ValueError("JP conversion table: " + "; ".join(problems))
    return ConversionTable(version=str(raw["version"]), source=str(raw["source"]), forms=forms)


def _problems(conversion: Conversion) -> list[str]:
    problems = []
    if conversion.unit not in UNITS:
        problems.append(f"unit {conversion.unit!r} is not one of {', '.join(UNITS)}")
    if conversion.jp < 1 or conversion.per < 1:
        problems.append("jp and per are whole numbers of at least 1")
    if conversion.unit == "jp" and (conversion.jp, conversion.per) != (1, 1):
        problems.append("a form counted in jp takes the JP as given (jp 1, per 1)")
    if "reaction" not in conversion.levels or any(level not in LEVELS for level in conversion.levels):
        problems.append(f"levels are among {', '.join(LEVELS)}, reaction always included")
    if conversion.evidence not in EVIDENCE:
        problems.append(f"evidence {conversion.evidence!r} is not one of {', '.join(EVIDENCE)}")
    return problems


class NotCounted(ValueError):
    """An activity whose JP cannot be counted: ``field`` (``jp`` or ``quantity``) and why (``missing``: the form is
    counted in it; ``disagrees``: the JP given is not the conversion's ``counted``; ``too_short``: it converts to 0)."""

    def __init__(self, field: str, why: str, conversion: Conversion, counted: int = 0):
        super().__init__(f"{field}: {why}")
        self.field, self.why, self.conversion, self.counted = field, why, conversion, counted


def jp_of(table: ConversionTable, form: str, quantity: int | None, jp: int | None) -> int:
    """The JP of an activity of ``form``: the JP given for a form counted in JP; for any other, its ``quantity`` in
    the form's unit, converted (a JP given as well must agree). :class:`NotCounted` otherwise."""
    conversion = table.of(form)
    if conversion.unit == "jp":
        if jp is None:
            raise NotCounted("jp", "missing", conversion)
        return jp
    if quantity is None:
        raise NotCounted("quantity", "missing", conversion)
    counted = conversion.jp_for(quantity)
    if counted < 1:
        raise NotCounted("quantity", "too_short", conversion)
    if jp is not None and jp != counted:
        raise NotCounted("jp", "disagrees", conversion, counted)
    return counted


UNIT_WORDS = {"jp": "JP", "minute": "menit", "day": "hari", "session": "sesi", "semester": "semester"}


def counted_jp(table: ConversionTable, form: str, quantity: int | None, jp: int | None) -> int:
    """:func:`jp_of` for a caller's input: what cannot be counted is a 422 naming the field and the table's rule."""
    try:
        return jp_of(table, form, quantity, jp)
    except NotCounted as exc:
        rule = f"{exc.conversion.per} {UNIT_WORDS[exc.conversion.unit]} = {exc.conversion.jp} JP"
        messages = {
            ("jp", "missing"): f"A {form} is counted in JP: give its jp.",
            ("quantity", "missing"): f"A {form} is counted by its length ({rule}): give its quantity.",
            ("quantity", "too_short"): f"Too short to count a JP ({rule}).",
            (
                "jp",
                "disagrees",
            ): f"By the JP conversion table ({rule}) this is {exc.counted} JP: leave jp out or give that number.",
        }
        message = messages[(exc.field, exc.why)]
        raise Invalid(message, errors=[{"field": exc.field, "message": message}]) from None
