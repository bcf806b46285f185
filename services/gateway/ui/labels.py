"""The Indonesian (and English) words for the codes a person sees: months, recommendations, feedback themes."""

from __future__ import annotations

MONTHS = [
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
]


RECOMMENDATIONS = {
    "repeat": ("Ulangi: program efektif", "Repeat: the program works"),
    "improve": ("Perbaiki: program perlu dibenahi", "Improve: the program needs work"),
    "discontinue": ("Hentikan: program tidak efektif", "Discontinue: the program does not work"),
    "insufficient_data": (
        "Belum cukup data: terlalu sedikit peserta mengisi kuesioner",
        "Not enough data: too few participants answered the questionnaire",
    ),
}


THEMES = {
    "materi": ("Materi", "Content"),
    "narasumber": ("Narasumber", "Trainer"),
    "metode": ("Metode", "Method"),
    "waktu": ("Waktu", "Timing"),
    "fasilitas": ("Fasilitas", "Facilities"),
    "relevansi_tugas": ("Relevansi dengan tugas", "Relevance to the job"),
    "praktik": ("Praktik", "Practice"),
    "administrasi": ("Administrasi", "Administration"),
    "konsumsi": ("Konsumsi", "Catering"),
}
