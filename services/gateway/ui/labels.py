"""The Indonesian (and English) words for the codes a person sees: months, recommendations, feedback themes."""

from __future__ import annotations

from shared import messages

MONTHS = messages.MONTHS


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


FORMS = {  # every form of Perlan LAN 10/2018 (shared/forms.py), in its order
    "tugas_belajar": ("Tugas belajar", "Study assignment"),
    "izin_belajar": ("Izin belajar", "Study leave"),
    "pelatihan": ("Pelatihan", "Training"),
    "seminar": ("Seminar/konferensi", "Seminar/conference"),
    "workshop": ("Lokakarya (workshop)", "Workshop"),
    "kursus": ("Kursus", "Course"),
    "penataran": ("Penataran", "Upgrading course"),
    "bimtek": ("Bimbingan teknis", "Technical guidance"),
    "sosialisasi": ("Sosialisasi", "Briefing"),
    "coaching": ("Coaching", "Coaching"),
    "mentoring": ("Mentoring", "Mentoring"),
    "e-learning": ("E-learning", "E-learning"),
    "pembelajaran_jarak_jauh": ("Pelatihan jarak jauh", "Distance learning"),
    "magang": ("Magang/praktik kerja", "Internship"),
    "detasering": ("Detasering (penugasan sementara)", "Secondment"),
    "rotasi_jabatan": ("Rotasi jabatan (job rotation)", "Job rotation"),
    "pertukaran": ("Pertukaran PNS dengan swasta", "Exchange with the private sector"),
    "benchmarking": ("Studi banding (benchmarking)", "Benchmarking visit"),
    "outbound": ("Pembelajaran alam terbuka", "Outdoor learning"),
    "belajar_mandiri": ("Belajar mandiri", "Self-development"),
    "komunitas_belajar": ("Komunitas belajar", "Learning community"),
    "on_the_job": ("Belajar di tempat kerja", "On-the-job learning"),
    "latsar_cpns": ("Pelatihan Dasar CPNS (Latsar)", "Basic training of new civil servants (Latsar)"),
    "pkp": ("Pelatihan Kepemimpinan Pengawas (PKP)", "Leadership training, supervisors (PKP)"),
    "pka": ("Pelatihan Kepemimpinan Administrator (PKA)", "Leadership training, administrators (PKA)"),
    "pkn": ("Pelatihan Kepemimpinan Nasional (PKN)", "National leadership training (PKN)"),
}
FORM_KINDS = {
    "pendidikan": ("Pendidikan", "Education (a degree)"),
    "klasikal": ("Pelatihan klasikal", "Classroom training"),
    "nonklasikal": ("Pelatihan nonklasikal", "Non-classroom training"),
    "kepemimpinan": ("Pelatihan kepemimpinan", "Leadership training"),
}
FORM_UNITS = {
    "jp": ("JP", "JP"),
    "minute": ("menit", "minutes"),
    "day": ("hari", "days"),
    "session": ("sesi", "sessions"),
    "semester": ("semester", "semesters"),
}
EVIDENCE = {
    "certificate": ("Sertifikat", "Certificate"),
    "report": ("Laporan", "Report"),
    "product": ("Produk/hasil karya", "Product"),
}
EVALUATION_LEVELS = {
    "reaction": ("Umpan balik", "Feedback"),
    "learning": ("Tes", "Test"),
    "behavior": ("Proyek di tempat kerja", "Project at work"),
}

EXTERNAL_STATUSES = {
    "submitted": ("Menunggu verifikasi BKPSDM", "Waiting for BKPSDM to verify"),
    "verified": ("Terverifikasi: JP dihitung", "Verified: the JP count"),
    "rejected": ("Ditolak", "Rejected"),
    "withdrawn": ("Verifikasi ditarik: JP dicabut", "Verification withdrawn: the JP taken back"),
}


PROPOSAL_STATES = {
    "draft": ("Draf", "Draft"),
    "agreed": ("Disetujui atasan", "Agreed by the supervisor"),
    "submitted": ("Diajukan ke BKPSDM", "Submitted to BKPSDM"),
    "returned": ("Dikembalikan", "Returned"),
    "validated": ("Divalidasi BKPSDM", "Validated by BKPSDM"),
    "planned": ("Masuk rencana yang ditetapkan", "In the approved plan"),
    "withdrawn": ("Ditarik", "Withdrawn"),
}

REALISATION = {  # of a planned proposal
    "realised": ("Terealisasi", "Realised"),
    "not_realised": ("Tidak terealisasi", "Not realised"),
    "pending": ("Belum terealisasi", "Not yet realised"),
}

SERVICES = {  # the services, as the audit trail names where an entry came from
    "needs": ("Kebutuhan kompetensi", "Needs"),
    "training": ("Pelatihan", "Training"),
    "evaluation": ("Evaluasi", "Evaluation"),
    "notifications": ("Pemberitahuan", "Notifications"),
    "gateway": ("Akun dan akses", "Accounts and access"),
}

ROLE_LABELS = {
    "admin": ("Staf BKPSDM", "BKPSDM staff"),
    "supervisor": ("Atasan langsung", "Supervisor"),
    "employee": ("Pegawai", "Employee"),
    "ops": ("Operator sistem", "Operator"),
    "partner": ("Pengguna lembaga mitra", "Partner institution user"),
    "opd": ("Pengelola kepegawaian OPD", "OPD personnel officer"),
    "auditor": ("Auditor (hanya membaca jejak audit)", "Auditor (reads the audit trail only)"),
}
ACCOUNT_STATUSES = {
    "pending": ("Belum diaktifkan", "Not activated yet"),
    "active": ("Aktif", "Active"),
    "closed": ("Ditutup", "Closed"),
}

ASSESSMENT_SOURCES = {
    "assessment_centre": ("Assessment center", "Assessment centre"),
    "competency_test": ("Uji kompetensi", "Competency test"),
    "post_training": ("Evaluasi pasca pelatihan (proyek)", "Post-training evaluation (project)"),
    "supervisor": ("Penilaian atasan", "Supervisor's assessment"),
    "certificate": ("Sertifikat terverifikasi", "Verified certificate"),
    "self": ("Penilaian diri (dicatat, tidak dihitung)", "Self-assessment (recorded, not counted)"),
}

RUN_STATUSES = {
    "queued": ("Menunggu", "Queued"),
    "running": ("Berjalan", "Running"),
    "succeeded": ("Berhasil", "Succeeded"),
    "partial": ("Selesai, sebagian baris ditolak", "Finished, some rows rejected"),
    "failed": ("Gagal, tidak ada yang diterapkan", "Failed, nothing applied"),
    "abandoned": ("Terhenti (diambil alih)", "Abandoned (taken over)"),
}

COMPETENCY_GROUPS = {
    "teknis": ("Teknis", "Technical"),
    "manajerial": ("Manajerial", "Managerial"),
    "sosial_kultural": ("Sosial kultural", "Socio-cultural"),
}

PARTNER_KINDS = {
    "university": ("Perguruan tinggi", "University"),
    "training_agency": ("Lembaga pelatihan", "Training agency"),
    "government": ("Instansi pemerintah", "Government agency"),
    "private": ("Swasta", "Private"),
    "in_house": ("Penyelenggara internal (BKPSDM)", "In-house (BKPSDM)"),
}

POSITION_CLASSES = {
    "jpt": ("Jabatan pimpinan tinggi (JPT)", "Senior executive (JPT)"),
    "administrator": ("Administrator", "Administrator"),
    "pengawas": ("Pengawas", "Supervisor (pengawas)"),
    "pelaksana": ("Pelaksana", "Staff (pelaksana)"),
    "fungsional": ("Fungsional", "Functional"),
}

ENROLLMENT_STATUSES = {
    "enrolled": ("Terdaftar", "Enrolled"),
    "completed": ("Lulus", "Completed"),
    "not_completed": ("Tidak lulus", "Not completed"),
    "withdrawn": ("Ditarik", "Withdrawn"),
}

PROGRAM_STATUSES = {
    "draft": ("Draf", "Draft"),
    "published": ("Diumumkan", "Published"),
    "running": ("Berjalan", "Running"),
    "closed": ("Ditutup", "Closed"),
}

MESSAGE_KINDS = {
    "enrolled": ("Panggilan pelatihan saat saya didaftarkan", "Call-up when I am enrolled"),
    "withdrawn": ("Pembatalan keikutsertaan", "My place withdrawn"),
    "task_created": ("Evaluasi yang menunggu saya", "An evaluation waiting for me"),
    "completed": ("Kelulusan dan sertifikat", "Completion and certificate"),
    "completed_again": ("Kelulusan setelah koreksi angkatan", "Completion after a batch's correction"),
    "completion_revoked": ("Sertifikat dicabut untuk koreksi", "Certificate revoked for a correction"),
    "not_completed": ("Hasil tidak lulus", "Not completed"),
    "external_verified": ("Pengembangan di luar Bangkom diverifikasi", "Outside development verified"),
    "external_rejected": ("Pengembangan di luar Bangkom ditolak", "Outside development rejected"),
    "schedule_changed": ("Jadwal pertemuan berubah", "A meeting moved"),
    "due_soon": ("Pengingat evaluasi yang hampir jatuh tempo", "Reminder of an evaluation almost due"),
    "overdue": ("Evaluasi yang terlambat", "An evaluation overdue"),
    "jp_behind": ("JP saya yang belum terpenuhi (Juli dan Oktober)", "My JP behind (July and October)"),
    "jp_digest": ("Rekap JP pegawai OPD saya (kepala OPD)", "JP digest of my OPD's staff (OPD head)"),
}
MESSAGE_STATUSES = {
    "queued": ("Menunggu dikirim", "Waiting to be sent"),
    "sent": ("Terkirim", "Sent"),
    "failed": ("Gagal terkirim", "Failed"),
    "no_address": ("Tanpa alamat surel", "No e-mail address"),
}

ATTENDANCE_OUTCOMES = {
    "accepted": ("Tercatat", "Recorded"),
    "duplicate": ("Sudah tercatat", "Recorded before"),
    "superseded": ("Tidak dipakai: sudah ada catatan yang lebih baru", "Not used: a later record is held"),
    "conflict": ("Bertentangan dengan catatan lain bernomor sama", "Conflicts with another record of the same id"),
    "not_found": ("Tidak ditemukan", "Not found"),
    "closed": ("Angkatan sudah ditutup", "The batch is closed"),
    "invalid": ("Tidak terbaca", "Unreadable"),
}

# the fields the services name in their refusals, as a person calls them (a path's indexes are left out:
# "competencies.0.code" is "competencies.code"); a field without words here is not named, only its reason is shown
FIELDS = {
    "nip": ("NIP", "NIP"),
    "nips": ("Peserta (NIP)", "Participants (NIP)"),
    "replacement_nip": ("Pengganti (NIP)", "Replacement (NIP)"),
    "supervisor_nip": ("NIP atasan", "Supervisor's NIP"),
    "enrollment_id": ("Peserta", "Participant"),
    "batch_id": ("Angkatan", "Batch"),
    "meeting_no": ("Pertemuan", "Meeting"),
    "meetings": ("Pertemuan", "Meetings"),
    "meetings.date": ("Tanggal pertemuan", "Meeting date"),
    "meetings.starts_at": ("Jam mulai", "Start time"),
    "meetings.ends_at": ("Jam selesai", "End time"),
    "date": ("Tanggal", "Date"),
    "starts_at": ("Jam mulai", "Start time"),
    "ends_at": ("Jam selesai", "End time"),
    "place": ("Tempat", "Place"),
    "jp": ("JP", "JP"),
    "code": ("Kode", "Code"),
    "title": ("Judul", "Title"),
    "name": ("Nama", "Name"),
    "form": ("Bentuk pengembangan", "Form of development"),
    "delivery": ("Cara penyelenggaraan", "Delivery"),
    "capacity": ("Kapasitas", "Capacity"),
    "partner_code": ("Penyelenggara", "Organiser"),
    "organiser": ("Penyelenggara", "Organiser"),
    "competencies": ("Kompetensi", "Competencies"),
    "competencies.code": ("Kompetensi", "Competency"),
    "competencies.target_level": ("Level sasaran", "Target level"),
    "competencies.level": ("Level", "Level"),
    "competency_code": ("Kompetensi", "Competency"),
    "level": ("Level", "Level"),
    "starts_on": ("Tanggal mulai", "Start date"),
    "ends_on": ("Tanggal selesai", "End date"),
    "assessed_on": ("Tanggal penilaian", "Assessed on"),
    "certificate_number": ("Nomor sertifikat", "Certificate number"),
    "score": ("Nilai", "Score"),
    "reason": ("Alasan", "Reason"),
    "force_reason": ("Alasan menutup lebih awal", "Why close early"),
    "status": ("Status", "Status"),
    "file": ("Berkas", "File"),
    "unit_code": ("OPD", "OPD"),
    "position_code": ("Jabatan", "Position"),
    "employment_status": ("Status kepegawaian", "Employment status"),
    "email": ("Surel", "E-mail"),
    "username": ("Nama pengguna", "User name"),
    "password": ("Kata sandi", "Password"),
    "roles": ("Peran", "Roles"),
    "evidence": ("Bukti", "Evidence"),
    "answers": ("Jawaban", "Answers"),
    "rubric": ("Rubrik", "Rubric"),
    "records": ("Kehadiran", "Attendance"),
    "group": ("Jenis", "Group"),
    "level_descriptors": ("Deskripsi level", "Level descriptors"),
    "weight": ("Bobot", "Weight"),
    "required_level": ("Level standar", "Required level"),
}
