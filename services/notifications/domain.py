"""What people are told, in their language: the kinds of message, which cannot be muted, and their words.

Pure: no Flask, Kafka or SQL. A message is decided from an event and a person; it is identified by the event and the
person (``message_id``), so an event delivered twice still gives one message.
"""

from __future__ import annotations

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
            "Jadwal pertemuan dan surat panggilan ada di Bangkom: {link}\n\nBKPSDM Kota Lhokseumawe",
        ),
        (
            "Call-up: {program_title}",
            "Dear {name},\n\nYou are enrolled in {program_title} ({starts_on} to {ends_on}). The meetings and the "
            "call-up letter are in Bangkom: {link}\n\nBKPSDM Kota Lhokseumawe",
        ),
    ),
    "withdrawn": (
        False,
        (
            "Pembatalan keikutsertaan: {program_title}",
            "Yth. {name},\n\nKeikutsertaan Anda pada {program_title} dibatalkan: {reason}.\n\nBKPSDM Kota Lhokseumawe",
        ),
        (
            "Withdrawn: {program_title}",
            "Dear {name},\n\nYour place in {program_title} was withdrawn: {reason}.\n\nBKPSDM Kota Lhokseumawe",
        ),
    ),
    "task_created": (
        True,
        (
            "Evaluasi menunggu Anda: {program_title}",
            "Yth. {name},\n\n{task_words} untuk {program_title} menunggu Anda, paling lambat {due_on}: {link}\n\n"
            "BKPSDM Kota Lhokseumawe",
        ),
        (
            "An evaluation is waiting for you: {program_title}",
            "Dear {name},\n\n{task_words} of {program_title} is waiting for you, due {due_on}: {link}\n\n"
            "BKPSDM Kota Lhokseumawe",
        ),
    ),
    "completed": (
        False,
        (
            "Selamat, Anda lulus: {program_title}",
            "Yth. {name},\n\nAnda dinyatakan lulus {program_title}: {jp} JP tercatat untuk tahun ini. Sertifikat "
            "nomor {certificate_number} dapat diunduh di Bangkom: {link}\n\nBKPSDM Kota Lhokseumawe",
        ),
        (
            "Congratulations, you completed {program_title}",
            "Dear {name},\n\nYou completed {program_title}: {jp} JP are credited for this year. Certificate "
            "{certificate_number} can be downloaded in Bangkom: {link}\n\nBKPSDM Kota Lhokseumawe",
        ),
    ),
    "not_completed": (
        False,
        (
            "Hasil pelatihan: {program_title}",
            "Yth. {name},\n\nAnda belum memenuhi syarat kelulusan {program_title} ({reason}). Kebutuhan "
            "pengembangan Anda tetap terbuka untuk kesempatan berikutnya.\n\nBKPSDM Kota Lhokseumawe",
        ),
        (
            "Training result: {program_title}",
            "Dear {name},\n\nYou did not meet the completion rule of {program_title} ({reason}). Your development "
            "need stays open for the next opportunity.\n\nBKPSDM Kota Lhokseumawe",
        ),
    ),
    "external_verified": (
        False,
        (
            "Pengembangan diverifikasi: {title}",
            'Yth. {name},\n\nPengembangan "{title}" telah diverifikasi BKPSDM; {jp} JP tercatat.\n\n'
            "BKPSDM Kota Lhokseumawe",
        ),
        (
            "Development verified: {title}",
            'Dear {name},\n\nBKPSDM verified "{title}"; {jp} JP are credited.\n\nBKPSDM Kota Lhokseumawe',
        ),
    ),
    "external_rejected": (
        False,
        (
            "Pengembangan ditolak: {title}",
            'Yth. {name},\n\nPengembangan "{title}" tidak dapat diverifikasi: {reason}. Perbaiki di Bangkom: '
            "{link}\n\nBKPSDM Kota Lhokseumawe",
        ),
        (
            "Development not verified: {title}",
            'Dear {name},\n\n"{title}" could not be verified: {reason}. Correct it in Bangkom: {link}\n\n'
            "BKPSDM Kota Lhokseumawe",
        ),
    ),
}
KINDS = tuple(TEMPLATES)
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
        filled["task_words"] = TASK_WORDS[values["task_kind"]][1 if language == "en" else 0]
    return Letter(subject.format_map(filled), text.format_map(filled))


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "-"


def may_send(kind: str, muted: set[str]) -> bool:
    """Whether a person who muted ``muted`` receives ``kind``: mandatory messages cannot be muted."""
    return kind in MANDATORY or kind not in muted


def message_id(event_id: str, kind: str, nip: str) -> str:
    """One message per event, kind and person, however often the event arrives."""
    return hashlib.sha256(f"{event_id}|{kind}|{nip}".encode()).hexdigest()[:40]


def retry_delay(attempts: int, base_seconds: float, cap_seconds: float = 3600.0) -> float:
    """Seconds before the next attempt after ``attempts`` failures (exponential, capped)."""
    return min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1))
