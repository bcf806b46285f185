"""Pure rules of the needs service (AKPK): no Flask, no SQLAlchemy, no Kafka.

The arithmetic rules (gap, JP shortfall, priority, job-person match) are written with plain
operators and an injected ``maximum``/``minimum`` so that the very same function computes one
value in Python and builds the SQL expression that computes it for every employee at once
(``repository.py`` passes SQL functions; tests and the row-by-row benchmark pass Python's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shared import forms, nip

# --- vocabulary ---------------------------------------------------------------------------------

GROUPS = ("teknis", "manajerial", "sosial_kultural")
POSITION_CLASSES = ("jpt", "administrator", "pengawas", "pelaksana", "fungsional")
EMPLOYMENT_STATUSES = ("PNS", "PPPK")
EMPLOYEE_SORTS = ("name", "nip", "unit_name", "position_code")  # the columns an employee list sorts by
LEVELS = range(1, 6)

# The weight of each source of a level (lower ranks first), assessment centre / competency test > supervisor >
# certificate claim > self. An assessment centre, a competency test (uji kompetensi) and a post-training evaluation
# (the supervisor's rubric on a real project) are evidence-based and share the top rank, so a newer post-training
# result replaces an older assessment-centre result: this is what closes the loop. A level claimed for development
# outside Bangkom and verified by BKPSDM ("certificate") is evidence of attendance, weaker than a supervisor's
# judgement. A self-assessment is recorded and shown but never counts: alone it neither opens nor closes a need.
SOURCE_RANK = {
    "assessment_centre": 1,
    "competency_test": 1,
    "post_training": 1,
    "supervisor": 2,
    "certificate": 3,
    "self": 4,
}
SOURCES = tuple(SOURCE_RANK)
COUNTED_SOURCES = tuple(source for source in SOURCES if source != "self")  # the sources a current level comes from
IMPORTED_SOURCES = ("assessment_centre", "competency_test")  # what an assessment file may hold
# what a person records through the API; post-training results and certificate levels arrive as events
RECORDED_SOURCES = (*IMPORTED_SOURCES, "supervisor", "self")

NEED_STATUSES = ("open", "planned", "in_training", "awaiting_evaluation", "closed")
ACTIVE_NEED_STATUSES = NEED_STATUSES[:-1]
CLOSE_REASONS = ("gap_closed", "position_changed", "standard_removed", "cancelled", "unassessed")

# Status changes BKPSDM may make by hand; the others follow events (enrolment, completion, assessment).
MANUAL_TRANSITIONS = {
    "open": {"planned", "closed"},
    "planned": {"open", "closed"},
    "in_training": {"closed"},
    "awaiting_evaluation": {"closed"},
    "closed": set(),
}

PLAN_YEARS = range(2000, 2101)  # the years a plan, its priorities and its ledger may be for


# --- NIP ----------------------------------------------------------------------------------------


nip_errors = nip.errors  # the one NIP rule (shared/nip.py): the needs service checks the whole number


# --- the arithmetic rules (Python values or SQL expressions) ------------------------------------


def gap(required: Any, current: Any, maximum: Callable = max) -> Any:
    """Competency gap: how many levels short of the standard; never negative."""
    return maximum(required - current, 0)


def jp_shortfall(realised_jp: Any, target_jp: Any, maximum: Callable = max) -> Any:
    """JP still owed this year: target − realised, never negative (0 when no target applies)."""
    return maximum(target_jp - realised_jp, 0)


def priority_score(gap_levels: Any, strategic_weight: Any, shortfall_jp: Any, annual_target_jp: int) -> Any:
    """Priority of a need: gap × (1 + strategic weight) × (1 + JP shortfall / annual target).

    Zero when there is no gap; grows with the gap, with the weight of the region's strategic
    theme that needs the competency (0 when none), and with how far the ASN is behind the JP year.
    """
    return gap_levels * (1 + strategic_weight) * (1 + shortfall_jp * 1.0 / annual_target_jp)


def job_person_match(pairs: Iterable[tuple[int, int]], minimum: Callable = min) -> float | None:
    """Job-person match %: Σ min(current, required) / Σ required × 100, over the position's standard."""
    required_total = held = 0
    for required, current in pairs:
        required_total += required
        held += minimum(current, required)
    return round(100.0 * held / required_total, 1) if required_total else None


# --- the current level -------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    level: int
    source: str
    assessed_on: dt.date
    recorded_at: dt.datetime


def current_level(assessments: Iterable[Assessment], valid_since: dt.date | None = None) -> int | None:
    """The level that counts now; None while the competency is *unassessed* (no counted source).

    Current-level rule: 1. a recent assessment (on or after ``valid_since``) before an older one; 2. then the
    stronger source (``SOURCE_RANK``); 3. then the latest ``assessed_on``, then the latest recorded. A weaker
    source thus never overrides a stronger recent one, and an old result gives way to any recent one.
    """
    counted = [a for a in assessments if a.source in COUNTED_SOURCES]
    best = min(
        counted,
        key=lambda a: (
            0 if valid_since is None or a.assessed_on >= valid_since else 1,
            SOURCE_RANK[a.source],
            -a.assessed_on.toordinal(),
            -a.recorded_at.timestamp(),
        ),
        default=None,
    )
    return best.level if best else None


def valid_since(today: dt.date, valid_years: int) -> dt.date:
    """The first day on which an assessment is still recent (``valid_years`` before ``today``)."""
    try:
        return today.replace(year=today.year - valid_years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - valid_years, day=28)


# --- standards ----------------------------------------------------------------------------------


def effective_standard(class_default: Mapping[str, int], overrides: Mapping[str, int]) -> dict[str, int]:
    """A position's standard: its class's default, overridden per competency by the position's own
    entries; an override of level 0 removes a competency from the position's standard."""
    merged = {**class_default, **overrides}
    return {code: level for code, level in merged.items() if level > 0}


# --- the annual plan ---------------------------------------------------------------------------

# Suggested form of development and JP to budget, by competency group and gap size (first match).
# A policy default for BKPSDM to review, documented in docs/needs.md.
FORM_RULES: tuple[tuple[str, int, str, int], ...] = (
    # group, minimum gap, form, JP per person
    ("teknis", 2, "pelatihan", 40),
    ("teknis", 1, "bimtek", 16),
    ("manajerial", 2, "pelatihan", 40),
    ("manajerial", 1, "coaching", 10),
    ("sosial_kultural", 2, "workshop", 16),
    ("sosial_kultural", 1, "seminar", 8),
)


def suggested_form(group: str, gap_levels: int) -> tuple[str, int]:
    """(form, JP per person) suggested to close a gap of ``gap_levels`` in a competency of ``group``."""
    for rule_group, minimum_gap, form, jp in FORM_RULES:
        if rule_group == group and gap_levels >= minimum_gap:
            return form, jp
    raise ValueError(f"no development form for group {group!r} and gap {gap_levels}")


def days_left(year: int, today: dt.date) -> int:
    """Days left to earn JP in ``year`` (0 once it is over)."""
    return max(0, (dt.date(year, 12, 31) - today).days)


# --- the JP ledger -----------------------------------------------------------------------------

CREDIT_SOURCES = ("bangkom", "external", "simpeg")  # a Bangkom training, verified outside development, SIMPEG
CAP_EXEMPT_CLASSES = ("jpt",)  # PP 49/2018 art. 40: the PPPK cap does not bind JPT


@dataclass(frozen=True)
class JpRule:
    """What an employment kind owes and may take a year: a target (0: none) and a cap (None: none)."""

    target: int
    cap: int | None


def jp_rule(employment_status: str, position_class: str | None, rules: Mapping[str, tuple[int, int]]) -> JpRule:
    """The target and cap of an ASN from the configured ``kind → (target, cap)`` table; JPT have no cap."""
    target, cap = rules.get(employment_status, (0, 0))
    return JpRule(target, None if cap <= 0 or position_class in CAP_EXEMPT_CLASSES else cap)


def jp_target(employment_status: str, rules: Mapping[str, tuple[int, int]]) -> int:
    """The JP an ASN is owed a year (PP 17/2020 for PNS; by configuration for each kind)."""
    return rules.get(employment_status, (0, 0))[0]


def priority_scale(rules: Mapping[str, tuple[int, int]]) -> int:
    """The JP that a priority's shortfall factor is measured against: the largest target (at least 1)."""
    return max([target for target, _ in rules.values()] + [1])


def jp_over_cap(cap: int | None, credited: int, committed: int, adding: int) -> int:
    """JP by which ``adding`` to what is credited and committed (enrolled, not yet completed) passes the cap."""
    return 0 if cap is None else max(0, credited + committed + adding - cap)


def credit_year(
    completed_on: dt.date, employment_status: str | None = None, contract_start: dt.date | None = None
) -> int:
    """The ledger year of a credit: the year the development ended; for a PPPK whose contract start (TMT) SIMPEG
    gives, the contract year it ended in (``forms.jp_year``). Without the TMT a PPPK's contract year is approximated
    by the calendar year (the NI PPPK carries only the year of appointment)."""
    return forms.jp_year(completed_on, contract_start if employment_status == "PPPK" else None)


# --- development outside Bangkom -----------------------------------------------------------------

EXTERNAL_STATUSES = ("submitted", "verified", "rejected", "withdrawn")
EXTERNAL_TRANSITIONS = {
    "submitted": {"verified", "rejected"},
    "verified": {"withdrawn"},  # a wrong verification taken back: its JP and levels leave the ledger
    "rejected": set(),
    "withdrawn": set(),
}


def certificate_key(number: str, organiser: str | None = None) -> str:
    """What makes two certificates the same one: the number (and the issuer), case, spaces and punctuation aside."""

    def letters(text: str) -> str:
        return "".join(ch for ch in text.upper() if ch.isalnum())

    return letters(number) + ("@" + letters(organiser) if organiser is not None else "")


# The certificate file: its type as its first bytes say, whatever the name or header claims.
CERTIFICATE_SIGNATURES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def certificate_type(content: bytes) -> str | None:
    """The media type of a certificate file (PDF, PNG or JPEG) from its first bytes; None for anything else."""
    for signature, media_type in CERTIFICATE_SIGNATURES.items():
        if content.startswith(signature):
            return media_type
    return None


def external_problems(starts_on: dt.date, ends_on: dt.date, jp: int, today: dt.date) -> dict[str, str]:
    """What is wrong with a claim of outside development (field → reason); empty when it may be submitted."""
    problems = {}
    if ends_on < starts_on:
        problems["ends_on"] = "The end date is before the start date."
    if ends_on > today:
        problems["ends_on"] = "Development that has not ended yet cannot be claimed; submit it after it ends."
    if not 1 <= jp <= 1000:
        problems["jp"] = "JP must be between 1 and 1000."
    return problems


# --- employees ----------------------------------------------------------------------------------

EMPLOYEE_FIELDS = (
    "name",
    "position_code",
    "unit_code",
    "unit_name",
    "rank",
    "employment_status",
    "contract_start",
    "supervisor_nip",
    "email",
    "active",
)


def employee_changes(current: Mapping[str, Any] | None, incoming: Mapping[str, Any]) -> dict[str, Any]:
    """The fields an upsert changes (all of them for a new employee); empty means nothing to do."""
    if current is None:
        return {field: incoming.get(field) for field in EMPLOYEE_FIELDS}
    return {
        field: incoming[field]
        for field in EMPLOYEE_FIELDS
        if field in incoming and incoming[field] != current.get(field)
    }


# --- the training history SIMPEG keeps ----------------------------------------------------------


HISTORIES = ("kursus", "diklat")  # SIASN's two training histories: courses (rw-kursus), structural (rw-diklat)
DIKLAT_NAMES = {  # the leadership and structural trainings (the kind "kepemimpinan") as rw-diklat names them
    "latsar_cpns": "Pelatihan Dasar CPNS",
    "pkp": "Pelatihan Kepemimpinan Pengawas",
    "pka": "Pelatihan Kepemimpinan Administrator",
    "pkn": "Pelatihan Kepemimpinan Nasional",
}


def history_of_form(form: str) -> str:
    """Which of SIASN's histories a completed development belongs in: ``diklat`` for the leadership and structural
    trainings (Latsar, PKP, PKA, PKN), ``kursus`` for everything else."""
    return "diklat" if form in DIKLAT_NAMES else "kursus"


def history_of_record(record: Mapping[str, Any]) -> str:
    """The history a record (SIASN field names) is written in: rw-diklat records name a structural training."""
    return "diklat" if "latihanStrukturalNama" in record else "kursus"


def history_record(credit: Mapping[str, Any]) -> dict[str, Any]:
    """A completed training → SIMPEG's training-history record, SIASN field names: ``rw-diklat`` for a leadership
    or structural training, ``rw-kursus`` for the rest (``history_of_form``).

    ``idSumber`` carries the enrolment id: the key that makes the write idempotent and lets a
    lookup find a record written before an answer was lost.
    """
    completed: dt.date = credit["completed_on"]
    started: dt.date = credit.get("started_on") or completed
    organiser = credit.get("partner_name") or credit.get("partner_code") or ""
    if history_of_form(credit["form"]) == "diklat":
        return {
            "nipBaru": credit["nip"],
            "latihanStrukturalNama": DIKLAT_NAMES[credit["form"]],
            "jenisDiklat": credit["form"],
            "namaDiklat": credit["program_title"],
            "institusiPenyelenggara": organiser,
            "tanggal": started.isoformat(),
            "tanggalSelesai": completed.isoformat(),
            "tahun": completed.year,
            "jumlahJam": credit["jp"],
            "nomor": credit.get("certificate_number") or "",
            "idSumber": credit["enrollment_id"],
        }
    return {
        "nipBaru": credit["nip"],
        "namaKursus": credit["program_title"],
        "jenisKursus": credit["form"],
        "institusiPenyelenggara": organiser,
        "tanggalKursus": started.isoformat(),
        "tanggalSelesaiKursus": completed.isoformat(),
        "tahunKursus": completed.year,
        "jumlahJam": credit["jp"],
        "noSertipikat": credit.get("certificate_number") or "",
        "idSumber": credit["enrollment_id"],
    }


def history_title(record: Mapping[str, Any]) -> str:
    return str(record.get("namaKursus") or record.get("namaDiklat") or record.get("latihanStrukturalNama") or "")


def history_ended(record: Mapping[str, Any]) -> Any:
    """A record's last day as SIASN writes it (``tanggalSelesaiKursus`` in rw-kursus, ``tanggalSelesai`` in rw-diklat)."""
    return record.get("tanggalSelesaiKursus") or record.get("tanggalSelesai")


def history_year(record: Mapping[str, Any]) -> Any:
    return record.get("tahunKursus") or record.get("tahun")
