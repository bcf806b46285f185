"""The evaluation service's messages in Indonesian (``shared/messages.py``)."""

INDONESIAN = {
    "The {0} submission has invalid fields; correct them and send it again.": (
        "Jawaban {0} memuat isian yang tidak sah; perbaiki lalu kirim lagi."
    ),
    "No task {0}.": "Tugas {0} tidak ditemukan.",
    "No evaluation tasks for {0}.": "Tidak ada tugas evaluasi untuk {0}.",
    "Only the task's assignee may submit it.": "Hanya orang yang ditugasi yang dapat mengirim tugas ini.",
    "This task is already {0}; a submission is final (BKPSDM can correct it with a reason).": (
        "Tugas ini sudah berstatus {0}; jawaban yang terkirim sudah final (BKPSDM dapat mengoreksinya dengan alasan)."
    ),
    "Already {0}.": "Sudah {0}.",
    "This task opens on {0}.": "Tugas ini dibuka pada {0}.",
    "Only BKPSDM may correct a submitted task.": "Hanya BKPSDM yang dapat mengoreksi tugas yang sudah dikirim.",
    "Only a submitted task can be corrected; submit it first.": (
        "Hanya tugas yang sudah dikirim yang dapat dikoreksi; kirim dulu."
    ),
    "Only an expired task can be reopened; this one is {0}.": (
        "Hanya tugas yang kedaluwarsa yang dapat dibuka kembali; tugas ini berstatus {0}."
    ),
    "The new due date must not be in the past.": "Batas waktu baru tidak boleh di masa lalu.",
    "In the past.": "Di masa lalu.",
    "The rubric names competencies the program does not target.": (
        "Rubrik menyebut kompetensi yang tidak menjadi sasaran program."
    ),
    "Answer 1 (sangat tidak setuju) to 5 (sangat setuju).": "Jawab 1 (sangat tidak setuju) sampai 5 (sangat setuju).",
    "A score is between 0 and 100.": "Nilai antara 0 dan 100.",
    "A level is between 1 and 5.": "Level antara 1 dan 5.",
    "The program does not target {0}; rate only {1}.": "Program ini tidak menyasar {0}; nilai hanya {1}.",
}
