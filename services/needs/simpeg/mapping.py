"""SIMPEG records ↔ Bangkom, as pure functions: the field mapping of docs/simpeg.md and its rules.

No I/O here: the adapter (client) fetches and writes, the use-cases (runs, history, reconciliation) apply.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.needs import domain

# the record of a credit that SIMPEG keeps: a rule of the ledger (which writes it), given here with the rest
from services.needs.domain import history_record as history_record
from shared import nip as employee_number

# The SIASN-style fields of an employee that Bangkom reads (an export file carries the same headers).
EMPLOYEE_COLUMNS = (
    "nipBaru",
    "nama",
    "gelarDepan",
    "gelarBelakang",
    "statusPegawai",
    "jenisPegawaiNama",
    "unorIndukId",
    "unorIndukNama",
    "unorId",
    "unorNama",
    "jabatanId",
    "jabatanNama",
    "jenisJabatan",
    "eselon",
    "golRuangAkhir",
    "nipAtasan",
    "tmtPensiun",
    "tmtPppk",
)

HISTORY_STATUSES = ("pending", "sent", "failed")
SYNC_STATUSES = ("queued", "running", "succeeded", "partial", "failed", "abandoned")
FINISHED = ("succeeded", "partial")  # the run went through; ``partial``: some rows were rejected

# statusPegawai / jenisPegawaiNama → employment status (a CPNS, on probation, is owed the same development)
_STATUS = {"PNS": "PNS", "CPNS": "PNS", "PPPK": "PPPK"}


@dataclass
class MappedEmployee:
    """One SIMPEG record in Bangkom's terms, or why it cannot be used (``errors``: field → messages)."""

    nip: str | None
    employee: dict[str, Any] = field(default_factory=dict)
    position: dict[str, str] | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


def position_class(jenis_jabatan: Any, eselon: Any) -> str | None:
    """The position class of a jabatan from SIASN's ``jenisJabatan`` (name or id) and ``eselon``.

    Struktural by eselon: I–II → jpt, III → administrator, IV–V → pengawas; fungsional tertentu →
    fungsional; fungsional umum / pelaksana → pelaksana. None when it cannot be told.
    """
    kind = str(jenis_jabatan or "").strip().lower()
    if kind in {"1", "struktural", "jabatan struktural"}:
        grade = str(eselon or "").strip().upper().split(".")[0].split("/")[0]
        return {"I": "jpt", "II": "jpt", "III": "administrator", "IV": "pengawas", "V": "pengawas"}.get(grade)
    if kind in {"2", "fungsional", "fungsional tertentu", "jabatan fungsional", "jabatan fungsional tertentu"}:
        return "fungsional"
    if kind in {"4", "fungsional umum", "pelaksana", "jabatan pelaksana", "jabatan fungsional umum"}:
        return "pelaksana"
    return None


def slug(text: str, length: int = 60) -> str:
    """A stable code from a name when SIMPEG gives no id: upper case, words joined by '-'."""
    return re.sub(r"[^A-Z0-9]+", "-", text.upper()).strip("-")[:length].rstrip("-")


def full_name(record: Mapping[str, Any]) -> str:
    name = " ".join(p for p in (_text(record.get("gelarDepan")), _text(record.get("nama"))) if p)
    suffix = _text(record.get("gelarBelakang"))
    return f"{name}, {suffix}" if name and suffix else name


def map_employee(record: Mapping[str, Any], today: dt.date) -> MappedEmployee:
    """A SIMPEG employee record → the needs service's employee row (validated later by its schema)
    and the position it names (created when Bangkom does not know it yet)."""
    nip = employee_number.normalise(_text(record.get("nipBaru"))) or None
    mapped = MappedEmployee(nip=nip)
    errors = mapped.errors
    if not nip:
        errors["nipBaru"] = ["Missing NIP."]
    name = full_name(record)
    if not _text(record.get("nama")):
        errors["nama"] = ["Missing name."]
    status_text = _text(record.get("statusPegawai")).upper()
    status = _STATUS.get(status_text)
    if status is None and "PPPK" in _text(record.get("jenisPegawaiNama")).upper():
        status = "PPPK"
    if status is None:
        errors["statusPegawai"] = [f"{status_text or 'Empty'} is not PNS, CPNS or PPPK."]

    position = None
    title = _text(record.get("jabatanNama"))
    if title:
        klass = position_class(record.get("jenisJabatan"), record.get("eselon"))
        if klass is None:
            errors["jenisJabatan"] = [
                f"Cannot tell the position class from jenisJabatan {record.get('jenisJabatan')!r} "
                f"and eselon {record.get('eselon')!r}."
            ]
        else:
            code = _text(record.get("jabatanId")) or slug(title)
            position = {"code": code[:60], "name": title[:300], "position_class": klass}

    unit_name = _text(record.get("unorIndukNama")) or _text(record.get("unorNama")) or None
    unit_code = _text(record.get("unorIndukId")) or (slug(unit_name) if unit_name else "") or None
    retired_on = _checked_date(record, "tmtPensiun", errors)
    contract_start = _checked_date(record, "tmtPppk", errors) if status == "PPPK" else None  # a PPPK's TMT
    mapped.position = position
    mapped.employee = {
        "nip": nip,
        "name": name,
        "position_code": position["code"] if position else None,
        "unit_code": unit_code,
        "unit_name": unit_name,
        "rank": _text(record.get("golRuangAkhir")) or None,
        "employment_status": status,
        "contract_start": contract_start,
        "supervisor_nip": employee_number.normalise(_text(record.get("nipAtasan"))) or None,
        "email": _email(record),
        "active": not (retired_on and retired_on <= today),
    }
    return mapped


def _checked_date(record: Mapping[str, Any], field: str, errors: dict[str, list[str]]) -> dt.date | None:
    """A date field of the record; an unreadable one is named in ``errors`` and taken as missing."""
    day = _date(record.get(field))
    if day is False:
        errors[field] = ["Not a date (YYYY-MM-DD or DD-MM-YYYY)."]
        return None
    return day


def to_deactivate(active_nips: Iterable[str], seen_nips: Iterable[str]) -> list[str]:
    """Employees active in Bangkom whom SIMPEG no longer returns (retired, moved away)."""
    return sorted(set(active_nips) - set(seen_nips))


def deactivation_allowed(count: int, active: int, max_share: float, minimum: int = 10) -> bool:
    """A guard against a SIMPEG that answers with a truncated list: deactivating more than
    ``max_share`` of the active employees (and more than ``minimum``) needs an explicit override."""
    return count <= minimum or count <= max_share * active


# --- training history ------------------------------------------------------------------------


def incoming_credit(
    nip: str, record: Mapping[str, Any], history: str = "kursus"
) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """A record of SIMPEG's training history (``rw-kursus``, or ``rw-diklat`` when ``history`` is ``diklat``) → a
    JP credit (source ``simpeg``), or the problems.

    The credit id is SIMPEG's record id (``simpeg:<id>``; ``simpeg:diklat:<id>`` from rw-diklat, whose ids are its
    own), so importing the histories again counts nothing twice. Records Bangkom wrote (``idSumber``) are not credits
    from SIMPEG: the caller leaves them out.
    """
    errors: dict[str, list[str]] = {}
    ended_field = "tanggalSelesai" if history == "diklat" else "tanggalSelesaiKursus"
    ended = _date(domain.history_ended(record))
    started = _date(record.get("tanggalKursus") or record.get("tanggal"))
    if not ended:
        year = _text(domain.history_year(record))
        ended = dt.date(int(year), 12, 31) if year.isdigit() and 2000 <= int(year) <= 2100 else ended
    if not ended:
        errors[ended_field] = ["Missing or not a date: the year to credit is unknown."]
    try:
        jp = int(str(record.get("jumlahJam") or "").strip())
    except ValueError:
        jp = 0
    if not 1 <= jp <= 1000:
        errors["jumlahJam"] = [f"{record.get('jumlahJam')!r} is not a number of JP between 1 and 1000."]
    source_id = _text(record.get("id"))
    if not source_id:
        errors["id"] = ["SIMPEG gave the record no id; it cannot be counted exactly once."]
    if errors:
        return None, errors
    if history == "diklat":
        credit_id, form = f"simpeg:diklat:{source_id}", diklat_form(record)
        certificate = record.get("nomor")
    else:
        credit_id, form = f"simpeg:{source_id}", _text(record.get("jenisKursus"))[:40] or "kursus"
        certificate = record.get("noSertipikat")
    return {
        "credit_id": credit_id[:80],
        "source": "simpeg",
        "nip": nip,
        "jp": jp,
        "program_title": (_text(domain.history_title(record)) or "Riwayat diklat SIMPEG")[:300],
        "organiser": _text(record.get("institusiPenyelenggara"))[:300] or None,
        "form": form,
        "started_on": started or ended,
        "completed_on": ended,
        "competencies": [],
        "certificate_number": _text(certificate)[:100] or None,  # a certificate counts once
    }, {}


# a structural training's name in rw-diklat → its form (the old Diklatpim tiers are the new leadership levels)
_DIKLAT_FORMS = (
    (re.compile(r"dasar|latsar|prajabatan"), "latsar_cpns"),
    (re.compile(r"pengawas|\b(tingkat|tk\.?|pim)\s*iv\b"), "pkp"),
    (re.compile(r"administrator|\b(tingkat|tk\.?|pim)\s*iii\b"), "pka"),
    (re.compile(r"nasional|\b(tingkat|tk\.?|pim)\s*(ii|i)\b"), "pkn"),
)


def diklat_form(record: Mapping[str, Any]) -> str:
    """The form of a rw-diklat record: its ``jenisDiklat`` when Bangkom wrote one, else read from the training's name
    (Latsar, PKP, PKA, PKN, or the Diklatpim tier they replaced); ``diklat_struktural`` when the name says neither."""
    given = _text(record.get("jenisDiklat"))
    if given in domain.DIKLAT_NAMES:
        return given
    name = _text(record.get("latihanStrukturalNama") or record.get("namaDiklat")).lower()
    return next((form for pattern, form in _DIKLAT_FORMS if pattern.search(name)), "diklat_struktural")


@dataclass(frozen=True)
class Difference:
    nip: str
    enrollment_id: str | None
    kind: str  # missing_in_simpeg, unknown_to_bangkom, wrong_history, jp_differs, dates_differ
    detail: str


def reconcile(
    nip: str, ours: Sequence[Mapping[str, Any]], theirs: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[Difference]:
    """Bangkom's completed trainings of one employee (as history records) against SIMPEG's two histories
    ((``kursus``/``diklat``, record) each).

    Records are matched on ``idSumber``; SIMPEG records without one (entered there by hand) are not ours to judge. A
    record found in the other history than its kind's is ``wrong_history``.
    """
    by_source = {str(r.get("idSumber")): (history, r) for history, r in theirs if r.get("idSumber")}
    ours_by_id = {r["idSumber"]: r for r in ours}
    differences = []
    for source_id, record in ours_by_id.items():
        history, found = by_source.get(source_id, (None, None))
        if found is None:
            differences.append(Difference(nip, source_id, "missing_in_simpeg", domain.history_title(record)))
            continue
        if history != domain.history_of_record(record):
            differences.append(
                Difference(
                    nip,
                    source_id,
                    "wrong_history",
                    f"in rw-{history}, belongs in rw-{domain.history_of_record(record)}",
                )
            )
        if int(found.get("jumlahJam") or 0) != int(record["jumlahJam"]):
            differences.append(
                Difference(
                    nip, source_id, "jp_differs", f"Bangkom {record['jumlahJam']} JP, SIMPEG {found.get('jumlahJam')}"
                )
            )
        if str(domain.history_ended(found)) != domain.history_ended(record):
            differences.append(
                Difference(
                    nip,
                    source_id,
                    "dates_differ",
                    f"Bangkom ends {domain.history_ended(record)}, SIMPEG {domain.history_ended(found)}",
                )
            )
    for source_id, (_, found) in by_source.items():
        if source_id not in ours_by_id:
            differences.append(Difference(nip, source_id, "unknown_to_bangkom", domain.history_title(found)))
    return differences


def _email(record: Mapping[str, Any]) -> str | None:
    """The work address (``emailGov``), else the personal one; an unusable address is left out rather than
    costing the employee their row (BKPSDM can still print an activation code)."""
    for key in ("emailGov", "email"):
        text = _text(record.get(key))
        if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text) and len(text) <= 254:
            return text
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> dt.date | None | bool:
    """A date from SIMPEG (ISO or the DD-MM-YYYY used by SIASN); None when empty, False when unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()[:10]
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return False
