"""What people are told, in their language: the kinds of message, which cannot be muted, and their words.

Pure: no Flask, Kafka or SQL. A message is decided from an event and a person; it is identified by the event and the
person (``message_id``), so an event delivered twice still gives one message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

LANGUAGES = ("id", "en")

# kind → (mandatory, Indonesian subject and text, English subject and text); the texts are str.format templates
TEMPLATES: dict[str, tuple[bool, tuple[str, str], tuple[str, str]]] = {
    "enrolled": (
        True,
        (
            "Panggilan pelatihan: {program_title}",
            "Yth. {name},\n\nAnda didaftarkan sebagai peserta {program_title} ({starts_on} s.d. {ends_on}). "
            "Jadwal pertemuan dan surat panggilan ada di Bangkom: {link}\n\n{agency}",
        ),
        (
            "Call-up: {program_title}",
            "Dear {name},\n\nYou are enrolled in {program_title} ({starts_on} to {ends_on}). The meetings and the "
            "call-up letter are in Bangkom: {link}\n\n{agency}",
        ),
    ),
    "withdrawn": (
        False,
        (
            "Pembatalan keikutsertaan: {program_title}",
            "Yth. {name},\n\nKeikutsertaan Anda pada {program_title} dibatalkan: {reason}.\n\n{agency}",
        ),
        (
            "Withdrawn: {program_title}",
            "Dear {name},\n\nYour place in {program_title} was withdrawn: {reason}.\n\n{agency}",
        ),
    ),
    "task_created": (
        True,
        (
            "Evaluasi menunggu Anda: {program_title}",
            "Yth. {name},\n\n{task_words} untuk {program_title} menunggu Anda, paling lambat {due_on}: {link}\n\n"
            "{agency}",
        ),
        (
            "An evaluation is waiting for you: {program_title}",
            "Dear {name},\n\n{task_words} of {program_title} is waiting for you, due {due_on}: {link}\n\n{agency}",
        ),
    ),
    "completed": (
        False,
        (
            "Selamat, Anda lulus: {program_title}",
            "Yth. {name},\n\nAnda dinyatakan lulus {program_title}: {jp} JP tercatat untuk tahun ini. Sertifikat "
            "nomor {certificate_number} dapat diunduh di Bangkom: {link}\n\n{agency}",
        ),
        (
            "Congratulations, you completed {program_title}",
            "Dear {name},\n\nYou completed {program_title}: {jp} JP are credited for this year. Certificate "
            "{certificate_number} can be downloaded in Bangkom: {link}\n\n{agency}",
        ),
    ),
    "completed_again": (
        False,
        (
            "Hasil setelah koreksi: Anda lulus {program_title}",
            "Yth. {name},\n\nSetelah koreksi angkatan, Anda tetap dinyatakan lulus {program_title}: {jp} JP "
            "tercatat untuk tahun ini. Sertifikat baru nomor {certificate_number} menggantikan sertifikat yang "
            "dicabut dan dapat diunduh di Bangkom: {link}\n\n{agency}",
        ),
        (
            "Result after a correction: you completed {program_title}",
            "Dear {name},\n\nAfter the batch was corrected you still completed {program_title}: {jp} JP are "
            "credited for this year. The new certificate {certificate_number} replaces the revoked one and can be "
            "downloaded in Bangkom: {link}\n\n{agency}",
        ),
    ),
    "completion_revoked": (
        True,
        (
            "Sertifikat dicabut untuk koreksi: {program_title}",
            "Yth. {name},\n\nBKPSDM membuka kembali angkatan {program_title} untuk koreksi ({reason}). Kelulusan "
            "Anda dibatalkan sementara: sertifikatnya dicabut dan JP-nya tidak dihitung sampai angkatan ditutup "
            "kembali. Hasil akhirnya akan diberitahukan kepada Anda.\n\n{agency}",
        ),
        (
            "Certificate revoked for a correction: {program_title}",
            "Dear {name},\n\nBKPSDM reopened the batch of {program_title} for a correction ({reason}). Your "
            "completion is withdrawn for now: its certificate is revoked and its JP do not count until the batch is "
            "closed again. You will be told the final result.\n\n{agency}",
        ),
    ),
    "not_completed": (
        False,
        (
            "Hasil pelatihan: {program_title}",
            "Yth. {name},\n\nAnda belum memenuhi syarat kelulusan {program_title} ({reason}). Kebutuhan "
            "pengembangan Anda tetap terbuka untuk kesempatan berikutnya.\n\n{agency}",
        ),
        (
            "Training result: {program_title}",
            "Dear {name},\n\nYou did not meet the completion rule of {program_title} ({reason}). Your development "
            "need stays open for the next opportunity.\n\n{agency}",
        ),
    ),
    "external_verified": (
        False,
        (
            "Pengembangan diverifikasi: {title}",
            'Yth. {name},\n\nPengembangan "{title}" telah diverifikasi BKPSDM; {jp} JP tercatat.\n\n{agency}',
        ),
        (
            "Development verified: {title}",
            'Dear {name},\n\nBKPSDM verified "{title}"; {jp} JP are credited.\n\n{agency}',
        ),
    ),
    "external_rejected": (
        False,
        (
            "Pengembangan ditolak: {title}",
            'Yth. {name},\n\nPengembangan "{title}" tidak dapat diverifikasi: {reason}. Perbaiki di Bangkom: '
            "{link}\n\n{agency}",
        ),
        (
            "Development not verified: {title}",
            'Dear {name},\n\n"{title}" could not be verified: {reason}. Correct it in Bangkom: {link}\n\n{agency}',
        ),
    ),
    "schedule_changed": (
        False,
        (
            "Jadwal berubah: {program_title}",
            "Yth. {name},\n\nJadwal {program_title} angkatan {batch_number} berubah:\n{changes}\n\nKalender Anda di "
            "Bangkom sudah mengikuti jadwal baru: {link}\n\n{agency}",
        ),
        (
            "Schedule changed: {program_title}",
            "Dear {name},\n\nThe schedule of {program_title}, batch {batch_number}, changed:\n{changes}\n\nYour "
            "calendar in Bangkom follows the new schedule: {link}\n\n{agency}",
        ),
    ),
    "due_soon": (
        True,
        (
            "Pengingat: evaluasi {program_title} paling lambat {due_on}",
            "Yth. {name},\n\n{task_words} untuk {program_title} belum diisi dan jatuh tempo {due_on}. Isi di "
            "Bangkom: {link}\n\n{agency}",
        ),
        (
            "Reminder: the evaluation of {program_title} is due {due_on}",
            "Dear {name},\n\n{task_words} of {program_title} is not answered yet and is due {due_on}. Answer it in "
            "Bangkom: {link}\n\n{agency}",
        ),
    ),
    "overdue": (
        True,
        (
            "Terlambat: evaluasi {program_title}",
            "Yth. {name},\n\n{task_words} untuk {program_title} melewati batas {due_on} dan belum diisi. Mohon "
            "segera diisi di Bangkom: {link}\n\n{agency}",
        ),
        (
            "Overdue: the evaluation of {program_title}",
            "Dear {name},\n\n{task_words} of {program_title} was due {due_on} and is not answered yet. Please "
            "answer it in Bangkom now: {link}\n\n{agency}",
        ),
    ),
    "jp_behind": (
        False,
        (
            "JP Anda tahun {year}: {realised} dari {target}",
            "Yth. {name},\n\nSampai {checkpoint_words}, pengembangan kompetensi Anda tahun {year} tercatat "
            "{realised} JP dari {target} JP yang menjadi hak Anda (kurang {shortfall} JP). Lihat pelatihan yang "
            "sesuai kebutuhan Anda atau catat pengembangan di luar Bangkom: {link}\n\n{agency}",
        ),
        (
            "Your JP for {year}: {realised} of {target}",
            "Dear {name},\n\nBy {checkpoint_words}, your competency development in {year} counts {realised} "
            "JP of the {target} JP you are owed ({shortfall} JP short). See the trainings that fit your needs or "
            "record development outside Bangkom: {link}\n\n{agency}",
        ),
    ),
    "jp_digest": (
        False,
        (
            "Rekap JP {unit_name} tahun {year}: {behind} pegawai belum memenuhi",
            "Yth. {name},\n\nSampai {checkpoint_words}, {behind} dari {staff} pegawai {unit_name} belum "
            "memenuhi JP tahun {year}:\n{people}\n\nDasbor di Bangkom: {link}\n\n{agency}",
        ),
        (
            "JP of {unit_name} in {year}: {behind} behind",
            "Dear {name},\n\nBy {checkpoint_words}, {behind} of the {staff} staff of {unit_name} are behind "
            "their JP for {year}:\n{people}\n\nThe dashboard in Bangkom: {link}\n\n{agency}",
        ),
    ),
}
CHOSEN_WITH = {"completed_again": "completed"}  # a kind a person mutes or keeps together with another
KINDS = tuple(kind for kind in TEMPLATES if kind not in CHOSEN_WITH)  # the kinds a person chooses among
MANDATORY = frozenset(kind for kind, (mandatory, _, _) in TEMPLATES.items() if mandatory)

TASK_WORDS = {
    "reaction": ("Kuesioner umpan balik", "The feedback questionnaire"),
    "learning": ("Nilai pre-test dan post-test", "The pre-test and post-test scores"),
    "behavior": ("Penilaian proyek peserta", "The assessment of the participant's project"),
}


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str


def render(kind: str, language: str, values: dict[str, object]) -> Letter:
    """The message of ``kind`` in ``language`` (Indonesian unless ``en``); a missing value shows as "-"."""
    _, indonesian, english = TEMPLATES[kind]
    subject, text = english if language == "en" else indonesian
    filled = _Defaulting({key: "-" if value is None else value for key, value in values.items()})
    if values.get("task_kind") in TASK_WORDS:
        filled["task_words"] = TASK_WORDS[str(values["task_kind"])][1 if language == "en" else 0]
    for name, _, _, indonesian_words, english_words in CHECKPOINTS:
        if values.get("checkpoint") == name:
            filled["checkpoint_words"] = english_words if language == "en" else indonesian_words
    return Letter(subject.format_map(filled), text.format_map(filled))


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "-"


def may_send(kind: str, muted: set[str]) -> bool:
    """Whether a person who muted ``muted`` receives ``kind``: mandatory messages cannot be muted."""
    return kind in MANDATORY or CHOSEN_WITH.get(kind, kind) not in muted


def message_id(event_id: str, kind: str, nip: str) -> str:
    """One message per event, kind and person, however often the event arrives."""
    return hashlib.sha256(f"{event_id}|{kind}|{nip}".encode()).hexdigest()[:40]


BKPSDM = "BKPSDM"  # the recipient of BKPSDM's own digest: the address BKPSDM_EMAIL, not a person's record
# where a message's link opens (the rest: the person's own start page): an OPD head's JP digest opens their OPD's
# view, BKPSDM's own digest its dashboard
LINK_PATHS = {"jp_digest": "/opd"}


def link_path(kind: str, nip: str) -> str:
    if kind == "jp_digest" and nip == BKPSDM:
        return "/bkpsdm"
    return LINK_PATHS.get(kind, "/")


CHECKPOINTS = (  # (name, month, day it is reached, words in Indonesian, in English)
    ("mid_year", 7, 1, "pertengahan tahun", "mid-year"),
    ("q4", 10, 1, "awal triwulan terakhir", "the start of the last quarter"),
)


def checkpoint_reached(today: dt.date) -> tuple[str, str, str] | None:
    """The latest JP checkpoint of the year reached by ``today`` (name and its words), or None before July."""
    reached = [(name, id_, en) for name, month, day, id_, en in CHECKPOINTS if today >= dt.date(today.year, month, day)]
    return reached[-1] if reached else None


def reminder(due_on: dt.date, today: dt.date, days_before: int) -> str | None:
    """Which reminder an open task is owed today: ``due_soon`` within ``days_before`` of its due date, ``overdue``
    after it; None before that."""
    if today > due_on:
        return "overdue"
    if (due_on - today).days <= days_before:
        return "due_soon"
    return None


def unit_heads(people: list[tuple[str, str | None, str | None]]) -> dict[str, list[str]]:
    """The head of each OPD from the records alone: an active ASN of the unit whose supervisor is outside it (or
    nobody). ``people`` are (nip, unit_code, supervisor_nip) of the active ASN."""
    unit_of = {nip: unit for nip, unit, _ in people}
    heads: dict[str, list[str]] = {}
    for nip, unit, supervisor in people:
        if unit and (supervisor is None or unit_of.get(supervisor) != unit):
            heads.setdefault(unit, []).append(nip)
    return heads
