"""Pure rules of the training service: no Flask, no SQLAlchemy, no Kafka.

Completion (who completed a batch), overlap (who cannot be in two places at once), candidate ranking
(whose open development needs a program closes best), attendance corrections, credentials.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shared import catalogue

FORMS = tuple(catalogue.FORMS)  # the forms of development: part of the event contract, kept there once
DELIVERIES = ("klasikal", "nonklasikal")
PARTNER_KINDS = ("university", "training_agency", "government", "private")
# BKPSDM's own trainings: BKPSDM is their organiser, a partner of its own that exists once a program names it
IN_HOUSE, IN_HOUSE_KIND = "BKPSDM", "in_house"
ATTENDANCE_STATUSES = ("present", "absent", "excused")
ENROLLMENT_STATUSES = ("enrolled", "withdrawn", "completed", "not_completed")
# withdrawn: by BKPSDM before the batch starts; completed / not_completed: when the batch closes
# (and back to enrolled when BKPSDM reopens a closed batch to correct it).
ENROLLMENT_TRANSITIONS = {
    "enrolled": {"withdrawn", "completed", "not_completed"},
    "withdrawn": set(),
    "completed": {"enrolled"},
    "not_completed": {"enrolled"},
}
PROGRAM_STATUSES = ("draft", "published", "running", "closed")
PROGRAM_TRANSITIONS = {
    "draft": {"published"},
    "published": {"running", "closed"},
    "running": {"closed"},
    "closed": set(),
}


# --- completion ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionRule:
    min_attendance: float  # share of the batch's meetings attended (present), 0–1
    post_test_required: bool = False
    passing_score: float | None = None  # 0–100
    evidence: str | None = None  # report or product: the form's evidence, received besides attendance (shared/forms)


@dataclass(frozen=True)
class Decision:
    completed: bool
    attendance_rate: float
    reason: str | None


def attendance_rate(present: int, meetings: int) -> float:
    """Share of the batch's meetings the participant was present at; excused counts as not present."""
    return round(present / meetings, 4) if meetings else 0.0


EVIDENCE_WORDS = {"report": "laporan", "product": "produk"}


def decide(
    rule: CompletionRule, meetings: int, present: int, post_test_score: float | None, evidence: str | None = None
) -> Decision:
    """Completed when the attendance share reaches the rule's minimum, the evidence its form asks for (a magang's
    report, a workshop's product) was received and, if the program requires a post-test, its score reaches the
    passing score."""
    rate = attendance_rate(present, meetings)
    if rate < rule.min_attendance:
        return Decision(False, rate, f"kehadiran {rate:.0%} di bawah minimum {rule.min_attendance:.0%}")
    if rule.evidence and not evidence:
        return Decision(False, rate, f"{EVIDENCE_WORDS.get(rule.evidence, rule.evidence)} belum diterima")
    if rule.post_test_required:
        if post_test_score is None:
            return Decision(False, rate, "nilai post-test belum ada")
        if rule.passing_score is not None and post_test_score < rule.passing_score:
            return Decision(
                False, rate, f"nilai post-test {post_test_score:g} di bawah batas lulus {rule.passing_score:g}"
            )
    return Decision(True, rate, None)


def certificate_number(program_code: str, batch_number: int, serial: int, year: int) -> str:
    return f"{program_code}/ANGK-{batch_number}/{serial:04d}/{year}"


# --- schedules and overlap ----------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    date: dt.date
    starts_at: dt.time
    ends_at: dt.time


def slots_overlap(a: Slot, b: Slot) -> bool:
    return a.date == b.date and a.starts_at < b.ends_at and b.starts_at < a.ends_at


def schedules_overlap(a: Iterable[Slot], b: Iterable[Slot]) -> bool:
    """Two batches overlap when any of their meetings share a date and a moment of time."""
    b = list(b)
    return any(slots_overlap(x, y) for x in a for y in b)


# --- candidate ranking --------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    nip: str
    matched_needs: int  # open needs of the employee that the program's competencies address
    priority: float  # their summed priority scores
    largest_gap: int
    in_plan: bool = False  # one of those needs is in the year's approved plan (planned)


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Those the approved plan names first (the plan is the basis of nominations); then the highest summed priority,
    more needs addressed, the largest gap, and the NIP for a stable order."""
    return sorted(candidates, key=lambda c: (not c.in_plan, -c.priority, -c.matched_needs, -c.largest_gap, c.nip))


# --- attendance ---------------------------------------------------------------------------------


def supersedes(incoming_recorded_at: dt.datetime, current_recorded_at: dt.datetime | None) -> bool:
    """A record corrects the current one of the same meeting when it was recorded later (arrival order
    does not matter); equal times keep the current one, so replays change nothing."""
    return current_recorded_at is None or incoming_recorded_at > current_recorded_at


@dataclass(frozen=True)
class AttendanceDecision:
    """What one attendance record does: its ``outcome``; for ``not_found`` the ``field`` at fault."""

    outcome: str  # accepted, superseded, duplicate, conflict, not_found, closed
    field: str | None = None

    @property
    def keeps_receipt(self) -> bool:
        """The record is remembered (its event id answered ``duplicate`` from now on)."""
        return self.outcome in ("accepted", "superseded")


def decide_attendance(
    *,
    seen_body: str | None,
    body: str,
    batch_known: bool,
    participant_known: bool,
    meeting_known: bool,
    batch_closed: bool,
    recorded_at: dt.datetime,
    held_recorded_at: dt.datetime | None,
) -> AttendanceDecision:
    """The six outcomes of an attendance record, in the order they are decided: a known event id first
    (``duplicate`` with the same body, ``conflict`` with another), then what it names (``not_found`` and
    the field), a ``closed`` batch, and finally whether it is later than what the meeting holds."""
    if seen_body is not None:
        return AttendanceDecision("duplicate" if seen_body == body else "conflict")
    if not batch_known:
        return AttendanceDecision("not_found", "batch_id")
    if not participant_known:
        return AttendanceDecision("not_found", "nip")
    if not meeting_known:
        return AttendanceDecision("not_found", "meeting_no")
    if batch_closed:
        return AttendanceDecision("closed")
    return AttendanceDecision("accepted" if supersedes(recorded_at, held_recorded_at) else "superseded")


# --- partner credentials ------------------------------------------------------------------------


def new_credentials() -> tuple[str, str]:
    """A key id and a secret; the secret is shown once and only its hash is kept (``shared.hashing``)."""
    return f"pk_{secrets.token_hex(8)}", secrets.token_urlsafe(32)


def duplicates(values: Sequence[str]) -> list[str]:
    seen, repeated = set(), []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


# --- attendance without a partner integration -------------------------------------------------------

ATTENDANCE_SOURCES = ("partner", "roster", "sheet", "check_in")
# The words an attendance sheet may use for a status (Indonesian first; the codes too); case does not matter.
STATUS_WORDS = {
    "hadir": "present",
    "present": "present",
    "h": "present",
    "tidak hadir": "absent",
    "absen": "absent",
    "alpa": "absent",
    "absent": "absent",
    "a": "absent",
    "izin": "excused",
    "sakit": "excused",
    "cuti": "excused",
    "dinas luar": "excused",
    "excused": "excused",
    "i": "excused",
    "s": "excused",
}


def status_of(word: str) -> str | None:
    """The attendance status a sheet's word means (``Hadir``, ``Izin``, ``present``…); None when it means none."""
    return STATUS_WORDS.get(" ".join(str(word).lower().split()))


# --- check-in at the venue ----------------------------------------------------------------------------
# A code names one meeting and a time window; it is signed (HMAC-SHA256 with a key only the training service
# holds), so it cannot be made up or altered, and it rotates: valid in its own window and the one after.


def check_in_code(key: bytes, batch_id: str, meeting_no: int, now: float, rotate_seconds: int) -> tuple[str, float]:
    """The code shown at the venue now, and when it stops being shown (the next one takes over)."""
    window = int(now // rotate_seconds)
    body = f"{batch_id}.{meeting_no}.{window}"
    tag = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{tag}", (window + 1) * rotate_seconds


@dataclass(frozen=True)
class CheckIn:
    batch_id: str
    meeting_no: int


def read_check_in_code(key: bytes, code: str, now: float, rotate_seconds: int) -> CheckIn | str:
    """The meeting a code names, or why it is refused: ``forged`` (not ours, altered or garbled) or ``expired``."""
    parts = code.strip().split(".")
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        return "forged"
    batch_id, meeting_no, window, tag = parts
    expected = hmac.new(key, f"{batch_id}.{meeting_no}.{window}".encode(), hashlib.sha256).hexdigest()[:32]
    if not hmac.compare_digest(tag, expected):
        return "forged"
    if int(now // rotate_seconds) - int(window) not in (0, 1):
        return "expired"
    return CheckIn(batch_id, int(meeting_no))


def has_ended(now: dt.datetime, date: dt.date, ends_at: dt.time) -> bool:
    """Whether a meeting is over at ``now`` (local time of the venue)."""
    return now >= dt.datetime.combine(date, ends_at, now.tzinfo)


def within_meeting(now: dt.datetime, date: dt.date, starts_at: dt.time, ends_at: dt.time, early: dt.timedelta) -> bool:
    """Whether ``now`` (local time of the venue) is in the meeting's check-in window: from ``early`` before it
    starts until it ends."""
    start = dt.datetime.combine(date, starts_at, now.tzinfo)
    return start - early <= now <= dt.datetime.combine(date, ends_at, now.tzinfo)


# --- JP against the meetings' hours -------------------------------------------------------------------


def minutes_of(starts_at: dt.time, ends_at: dt.time) -> int:
    return (ends_at.hour * 60 + ends_at.minute) - (starts_at.hour * 60 + starts_at.minute)


def jp_of_hours(minutes: int, minutes_per_jp: int) -> float:
    """How many JP the meetings' time holds (one JP is ``minutes_per_jp`` minutes of learning)."""
    return minutes / minutes_per_jp


def jp_mismatch(jp: int, minutes: int, minutes_per_jp: int, tolerance: float = 0.1) -> str | None:
    """A warning when the JP of a program and the hours of a batch's meetings disagree by more than ``tolerance``."""
    held = jp_of_hours(minutes, minutes_per_jp)
    if minutes and abs(held - jp) > tolerance * jp:
        return (
            f"The program is {jp} JP but the meetings hold {held:.1f} JP ({minutes} minutes at {minutes_per_jp} "
            "minutes per JP)."
        )
    return None
