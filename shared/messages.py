"""Problem details in the caller's language: Bahasa Indonesia first, English on request (``Accept-Language``).

Services write their messages once, in English, where the rule is (``raise Conflict(f"No batch {id}.")``); each
service keeps a table from those English templates to Indonesian (``services/<name>/messages.py``) and the edge
(``shared.web.problem``) translates the ``detail`` and every field ``message`` of a problem as it leaves. A template
names its values ``{0}``, ``{1}``… in the order the English sentence has them; the Indonesian sentence may use them in
any order. ``tests/unit/test_messages.py`` checks that every message the code can raise has its Indonesian.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

from shared import nip

LANGUAGES = ("id", "en")  # the first is the default: a caller who says nothing gets Indonesian
MONTHS = (  # the months in Indonesian: dates in letters (7 Juli 2026), on documents and pages
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


class Catalogue:
    """English message templates → Indonesian; unknown text passes unchanged (and the completeness test fails)."""

    def __init__(self, *tables: Mapping[str, str]) -> None:
        self.templates: set[str] = set()
        self.exact: dict[str, str] = {}
        self.patterns: list[tuple[re.Pattern[str], str, int]] = []
        for table in tables:
            for english, indonesian in table.items():
                self.templates.add(english)
                fields = [name for _, name, _, _ in string.Formatter().parse(english) if name is not None]
                if not fields:
                    self.exact[english.replace("{{", "{").replace("}}", "}")] = indonesian.replace("{{", "{").replace(
                        "}}", "}"
                    )
                else:
                    fixed = sum(len(literal) for literal, *_ in string.Formatter().parse(english))
                    self.patterns.append((_pattern(english), indonesian, fixed))
        # the templates with the most fixed words first, so that a specific sentence wins over a general one
        self.patterns.sort(key=lambda entry: -entry[2])

    def indonesian(self, text: str) -> str | None:
        if text in self.exact:
            return self.exact[text]
        for pattern, indonesian, _ in self.patterns:
            found = pattern.fullmatch(text)
            if found:
                values = [self._value(value) for value in found.groups()]
                return indonesian.format(*values)
        return None

    def _value(self, value: str) -> str:
        """A template's value in Indonesian: a whole sentence or word, or several sentences one by one, or a list
        ("employee or supervisor", "open, planned") item by item; what has no Indonesian (a number, a name, a code)
        as it is."""
        if (whole := self.indonesian(value)) is not None:
            return whole
        sentences = re.split(r"(?<=\.) (?=[A-Z])", value)
        if len(sentences) > 1:  # "The end date is before the start date. JP must be …"
            return " ".join(self._value(sentence) for sentence in sentences)
        for english, indonesian in ((" or ", " atau "), (", ", ", ")):
            if english in value:
                return indonesian.join(self.indonesian(item) or item for item in value.split(english))
        return value

    def translate(self, text: str, language: str) -> str:
        if language == "en" or not text:
            return text
        found = self.indonesian(text) or text
        return found[:1].upper() + found[1:] if text[:1].isupper() else found  # "A task …" → "Tugas …"

    def covers(self, english_template: str) -> bool:
        """Whether a template as written in the code (``{0}`` for each value) has its own Indonesian."""
        return english_template in self.templates


def _pattern(english: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _, _ in string.Formatter().parse(english):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append("(.+?)")
    return re.compile("".join(parts), re.DOTALL)


def language_of(accept_language: str | None) -> str:
    """The caller's language from an ``Accept-Language`` header: ``en`` only when English is preferred."""
    best, best_quality = LANGUAGES[0], -1.0
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, parameters = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        quality = 1.0
        if parameters.strip().startswith("q="):
            try:
                quality = float(parameters.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality <= 0:  # q=0: "not this one"
            continue
        quality -= position * 1e-6  # equal weights: the first named wins
        if primary in LANGUAGES and quality > best_quality:
            best, best_quality = primary, quality
        elif primary == "ms" and quality > best_quality:  # Malay readers read Indonesian
            best, best_quality = "id", quality
    return best


# What every service can answer: the edge's own messages, marshmallow's and the shared modules'.
COMMON = {
    # edge and web
    "The request has {0} invalid field(s): {1}. Correct them and send it again.": (
        "Permintaan memuat {0} isian yang tidak sah: {1}. Perbaiki lalu kirim lagi."
    ),
    "The database is unavailable for a moment; nothing was saved. Send the request again shortly.": (
        "Basis data sedang tidak dapat dijangkau; tidak ada yang tersimpan. Kirim ulang permintaan sebentar lagi."
    ),
    "An unexpected error occurred. It has been logged; quote the request id when you report it.": (
        "Terjadi kesalahan yang tidak terduga. Kesalahan ini telah dicatat; sebutkan request id saat melaporkannya."
    ),
    "The JSON body is nested too deeply to read; send a flatter document.": (
        "Isi JSON terlalu dalam bersarang untuk dibaca; kirim dokumen yang lebih datar."
    ),
    "The request conflicts with data already held (a duplicate, or a reference to something that does not exist); "
    "check it and send it again.": (
        "Permintaan bertentangan dengan data yang sudah ada (duplikat, atau merujuk sesuatu yang tidak ada); "
        "periksa lalu kirim lagi."
    ),
    "A value does not fit what can be stored (too long or out of range); correct it.": (
        "Ada nilai yang tidak dapat disimpan (terlalu panjang atau di luar batas); perbaiki."
    ),
    "Not ready: {0} unavailable.": "Belum siap: {0} tidak tersedia.",
    "No access rule for {0} {1}; nobody may call it.": "Tidak ada aturan akses untuk {0} {1}; tidak seorang pun boleh memanggilnya.",
    "This needs the role {0}; you have {1}.": "Ini memerlukan peran {0}; peran Anda: {1}.",
    "The number {0} in the path is too large (at most {1}).": "Angka {0} pada path terlalu besar (paling besar {1}).",
    "The path contains a control character (such as %00); remove it.": (
        "Path memuat karakter kontrol (seperti %00); hapus karakter itu."
    ),
    "Contains a control character (such as %00); remove it.": "Memuat karakter kontrol (seperti %00); hapus karakter itu.",
    "Contains the control character U+{0} at position {1}; remove it (tab and line breaks are allowed).": (
        "Memuat karakter kontrol U+{0} pada posisi {1}; hapus karakter itu (tab dan ganti baris boleh)."
    ),
    "No {0} {1}.": "{0} {1} tidak ditemukan.",  # UnitOfWork.get: "No batch 42."
    "Unknown parameter; this operation takes {0}.": "Parameter tidak dikenal; operasi ini menerima {0}.",
    "Must be between {0} and {1}.": "Harus antara {0} dan {1}.",
    "Send the body as {0} (Content-Type: {1}); it came as {2}.": (
        "Kirim isi sebagai {0} (Content-Type: {1}); yang diterima: {2}."
    ),
    "Use a date between {0} and {1}.": "Gunakan tanggal antara {0} dan {1}.",
    "Must be a whole number, not {0}.": "Harus bilangan bulat, bukan {0}.",
    "The requested URL was not found on the server. If you entered the URL manually please check your spelling and "
    "try again.": "Alamat yang diminta tidak ada. Jika Anda mengetiknya sendiri, periksa ejaannya lalu coba lagi.",
    "The method is not allowed for the requested URL.": "Metode ini tidak diizinkan untuk alamat yang diminta.",
    "The data value transmitted exceeds the capacity limit.": "Data yang dikirim melebihi batas ukuran.",
    "Send a JSON object.": "Kirim sebuah objek JSON.",
    "Not a JSON object.": "Bukan objek JSON.",
    "Not found.": "Tidak ditemukan.",
    "Duplicate.": "Duplikat.",
    "Duplicate: {0}.": "Duplikat: {0}.",
    "Already exists.": "Sudah ada.",
    "Unknown {0}.": "{0} tidak dikenal.",
    "Not allowed from {0}.": "Tidak diizinkan dari status {0}.",
    "A {0} that is {1} cannot become {2} (allowed: {3}).": (
        "{0} yang berstatus {1} tidak dapat menjadi {2} (yang diizinkan: {3})."
    ),
    "none": "tidak ada",
    "{0}: {1}": "{0}: {1}",
    # the things messages name, translated where they fill a template's value
    "batch": "angkatan",
    "program": "program",
    "partner": "mitra",
    "competency": "kompetensi",
    "employee": "pegawai",
    "position": "jabatan",
    "need": "kebutuhan",
    "need (changed by hand)": "kebutuhan (diubah manual)",
    "enrolment": "pendaftaran",
    "task": "tugas",
    "meeting": "pertemuan",
    "external development record": "catatan pengembangan luar",
    "Another {0} job holds the lock.": "Pekerjaan {0} lain sedang memegang kunci; tunggu sampai selesai.",
    "Must not be 0.": "Tidak boleh 0.",
    # the caller identity (shared/identity.py)
    "No caller identity: call this service through the gateway ({0} is missing).": (
        "Tidak ada identitas pemanggil: panggil layanan ini melalui gateway ({0} tidak ada)."
    ),
    "The caller identity ({0}) has expired; send the request again.": (
        "Identitas pemanggil ({0}) sudah kedaluwarsa; kirim permintaan lagi."
    ),
    "The caller identity ({0}) is not valid: {1}.": "Identitas pemanggil ({0}) tidak sah: {1}.",
    # spreadsheets (shared/sheets.py)
    "Row 1 must hold the column names of {0}; {1} was not found.": (
        "Baris 1 harus berisi nama kolom {0}; {1} tidak ditemukan."
    ),
    "The file must be an Excel workbook (.xlsx) or a CSV file (.csv): {0}.": (
        "Berkas harus buku kerja Excel (.xlsx) atau berkas CSV (.csv): {0}."
    ),
    "The file is empty.": "Berkasnya kosong.",
    "The Excel file cannot be read; save it again as .xlsx and retry.": (
        "Berkas Excel tidak dapat dibaca; simpan ulang sebagai .xlsx lalu coba lagi."
    ),
    "Missing column {0} in row 1.": "Kolom {0} tidak ada di baris 1.",
    "Unsupported file type: {0}.": "Jenis berkas tidak didukung: {0}.",
    "No header row.": "Tidak ada baris judul kolom.",
    "Unreadable workbook: {0}.": "Buku kerja tidak terbaca: {0}.",
    # marshmallow's own messages
    "Missing data for required field.": "Wajib diisi.",
    "Field may not be null.": "Tidak boleh kosong (null).",
    "Invalid input type.": "Jenis masukan tidak sah.",
    "Invalid input.": "Masukan tidak sah.",
    "Invalid type.": "Jenis tidak sah.",
    "Invalid value.": "Nilai tidak sah.",
    "Unknown field.": "Isian tidak dikenal.",
    "Not a valid integer.": "Bukan bilangan bulat yang sah.",
    "Not a valid number.": "Bukan angka yang sah.",
    "Not a valid string.": "Bukan teks yang sah.",
    "Not a valid boolean.": "Bukan nilai benar/salah yang sah.",
    "Not a valid date.": "Bukan tanggal yang sah (gunakan TTTT-BB-HH).",
    "Not a valid datetime.": "Bukan tanggal dan waktu yang sah.",
    "Not a valid time.": "Bukan waktu yang sah (gunakan JJ:MM).",
    "Not a valid list.": "Bukan daftar yang sah.",
    "Not a valid mapping type.": "Bukan objek yang sah.",
    "Not a valid UUID.": "Bukan UUID yang sah.",
    "Not a valid email address.": "Bukan alamat surel yang sah.",
    "Not a valid URL.": "Bukan URL yang sah.",
    "Not a valid utf-8 string.": "Bukan teks UTF-8 yang sah.",
    "Number too large.": "Angka terlalu besar.",
    "Special numeric values (nan or infinity) are not permitted.": "Nilai khusus (nan atau tak hingga) tidak diizinkan.",
    "String does not match expected pattern.": "Teks tidak sesuai pola yang diharapkan.",
    "Length must be between {0} and {1}.": "Panjang harus antara {0} dan {1}.",
    "Length must be {0}.": "Panjang harus {0}.",
    "Longer than maximum length {0}.": "Lebih panjang dari batas {0}.",
    "Shorter than minimum length {0}.": "Lebih pendek dari batas {0}.",
    "Must be one of: {0}.": "Harus salah satu dari: {0}.",
    "Must be equal to {0}.": "Harus sama dengan {0}.",
    "Must be greater than or equal to {0} and less than or equal to {1}.": "Harus antara {0} dan {1}.",
    "Must be greater than {0} and less than {1}.": "Harus lebih dari {0} dan kurang dari {1}.",
    "Must be greater than or equal to {0}.": "Paling kecil {0}.",
    "Must be less than or equal to {0}.": "Paling besar {0}.",
    "Must be greater than {0}.": "Harus lebih dari {0}.",
    "Must be less than {0}.": "Harus kurang dari {0}.",
    "One or more of the choices you made was not in: {0}.": "Ada pilihan yang tidak termasuk: {0}.",
    "One or more of the choices you made was in: {0}.": "Ada pilihan yang termasuk yang dilarang: {0}.",
    "{0} cannot be formatted as a date.": "{0} tidak dapat dibaca sebagai tanggal.",
    "Not a valid {0}.": "Bukan {0} yang sah.",
    # schema messages shared by services
    "Use 1-40 letters, digits, '.', '_' or '-'.": "Gunakan 1-40 huruf, angka, '.', '_' atau '-'.",
    "Not a valid id.": "Bukan id yang sah.",
}
COMMON.update(nip.MESSAGES)  # the one NIP rule's messages (shared/nip.py)
COMMON.update(
    {  # the states messages name ("a task that is submitted …"), translated where they fill a template's value
        "enrolled": "terdaftar",
        "completed": "lulus",
        "not_completed": "tidak lulus",
        "withdrawn": "ditarik",
        "draft": "draf",
        "published": "diumumkan",
        "running": "berjalan",
        "closed": "ditutup",
        "open": "terbuka",
        "planned": "direncanakan",
        "in_training": "sedang dilatih",
        "awaiting_evaluation": "menunggu evaluasi",
        "submitted": "terkirim",
        "expired": "kedaluwarsa",
        "cancelled": "dibatalkan",
        "verified": "terverifikasi",
        "rejected": "ditolak",
        "pending": "menunggu",
        "active": "aktif",
        "queued": "menunggu dikirim",
        "sent": "terkirim",
        "failed": "gagal",
        "no_address": "tanpa alamat surel",
        # the roles a refusal names
        "admin": "staf BKPSDM",
        "supervisor": "atasan",
        "ops": "operator sistem",
        "gateway": "gateway",
    }
)
