"""The training service's messages in Indonesian (``shared/messages.py``)."""

INDONESIAN = {
    "This identity names no partner institution.": "Identitas ini tidak menyebut lembaga mitra.",
    "meets_until comes before meets_from.": "meets_until lebih awal dari meets_from.",
    "Before meets_from.": "Sebelum meets_from.",
    "At most {0} records per request; split them.": "Paling banyak {0} catatan per permintaan; bagi menjadi beberapa.",
    "{0} records, over {1}.": "{0} catatan, lebih dari {1}.",
    "No such {0} in your batches.": "Tidak ada {0} itu di angkatan Anda.",
    "Event id {0} was already received with a different body.": (
        "Event id {0} sudah diterima dengan isi yang berbeda; setiap catatan baru memerlukan id baru."
    ),
    "Reused with another body.": "Dipakai ulang dengan isi lain.",
    "The batch is closed; its attendance is final.": "Angkatan sudah ditutup; kehadirannya sudah final.",
    "Closed.": "Sudah ditutup.",
    "No meeting {0} in batch {1}.": "Tidak ada pertemuan {0} di angkatan {1}.",
    "Unknown or revoked key, or a wrong secret.": "Kunci tidak dikenal atau sudah dicabut, atau rahasianya salah.",
    "Lies more than {0} s ahead of the server's clock; send the time the attendance was taken (with its time zone) "
    "and check the sending system's clock.": (
        "Lebih dari {0} detik di depan jam server; kirim waktu kehadiran dicatat (dengan zona waktunya) dan periksa "
        "jam sistem pengirim."
    ),
    "Partner code {0} already exists.": "Kode mitra {0} sudah ada.",
    "Partner {0} has no key {1}.": "Mitra {0} tidak memiliki kunci {1}.",
    "Program code {0} already exists.": "Kode program {0} sudah ada; pilih kode lain.",
    "Each competency may appear once: {0}.": "Setiap kompetensi hanya boleh muncul sekali: {0}.",
    "Only a draft program can be edited; this one is {0}.": (
        "Hanya program berstatus draf yang dapat diubah; program ini berstatus {0}."
    ),
    "The program is closed; it takes no new batches.": "Program sudah ditutup; tidak menerima angkatan baru.",
    "No batch {0}.": "Angkatan {0} tidak ditemukan.",
    "No program {0}.": "Program {0} tidak ditemukan.",
    "No partner {0}.": "Mitra {0} tidak ditemukan.",
    "Enrol only into open batches of a published or running program.": (
        "Daftarkan peserta hanya ke angkatan terbuka dari program yang sudah diumumkan atau sedang berjalan."
    ),
    "Each NIP may appear once.": "Setiap NIP hanya boleh muncul sekali.",
    "Unknown or inactive employee {0}.": "Pegawai {0} tidak dikenal atau tidak aktif.",
    "{0} is already enrolled in this batch.": "{0} sudah terdaftar di angkatan ini.",
    "{0} is enrolled in another batch at an overlapping time.": (
        "{0} terdaftar di angkatan lain pada waktu yang bertumpang tindih."
    ),
    "Nobody was enrolled; correct these and send the list again.": (
        "Tidak ada yang didaftarkan; perbaiki yang berikut lalu kirim daftarnya lagi."
    ),
    "The batch has {0} place(s) left; {1} requested.": "Angkatan tinggal {0} tempat; diminta {1}.",
    "Over capacity.": "Melebihi kapasitas.",
    "{0} is not enrolled in batch {1}.": "{0} tidak terdaftar di angkatan {1}.",
    "The batch started on {0}: a participant can be withdrawn or replaced only before it starts. Record their "
    "absence instead; completion will be decided when the batch closes.": (
        "Angkatan sudah mulai pada {0}: peserta hanya dapat ditarik atau diganti sebelum mulai. Catat "
        "ketidakhadirannya; kelulusan ditetapkan saat angkatan ditutup."
    ),
    "The batch has started.": "Angkatan sudah mulai.",
    "This code was not made by Bangkom; scan the code shown at the venue.": (
        "Kode ini bukan buatan Bangkom; pindai kode yang ditampilkan di tempat acara."
    ),
    "Not a valid code.": "Kode tidak sah.",
    "This code has expired; scan the code on the screen again.": (
        "Kode ini sudah kedaluwarsa; pindai lagi kode di layar."
    ),
    "Expired.": "Kedaluwarsa.",
    "You are not a participant of this batch: check-in records only your own enrolment.": (
        "Anda bukan peserta angkatan ini: presensi hanya mencatat pendaftaran Anda sendiri."
    ),
    "Check-in for meeting {0} is open on {1} from {2} to {3}.": (
        "Presensi pertemuan {0} dibuka pada {1} pukul {2} sampai {3}."
    ),
    "Outside the meeting's check-in window.": "Di luar waktu presensi pertemuan.",
    "You have already checked in to this meeting.": "Anda sudah melakukan presensi untuk pertemuan ini.",
    "Already recorded.": "Sudah tercatat.",
    "Check-in was not recorded: {0}.": "Presensi tidak tercatat: {0}.",
    "The batch is closed; its results are final.": "Angkatan sudah ditutup; hasilnya sudah final.",
    "The batch is open; only a closed batch can be reopened.": (
        "Angkatan masih terbuka; hanya angkatan yang sudah ditutup yang dapat dibuka kembali."
    ),
    "Not closed.": "Belum ditutup.",
    "The batch closed on {0}, more than {1} days ago: its results are final (certificates issued, JP sent to "
    "SIMPEG).": (
        "Angkatan ditutup pada {0}, lebih dari {1} hari yang lalu: hasilnya sudah final (sertifikat terbit, JP "
        "terkirim ke SIMPEG)."
    ),
    "Past the reopen window.": "Lewat batas waktu pembukaan kembali.",
    "Unknown {0} {1}.": "{0} {1} tidak dikenal.",
    "A meeting must end after it starts.": "Pertemuan harus berakhir setelah dimulai.",
    "Must be after starts_at.": "Harus setelah starts_at.",
    "Add a batch with its meetings before publishing the program.": (
        "Tambahkan angkatan beserta jadwal pertemuannya sebelum mengumumkan program."
    ),
    "The last meeting ends on {0} at {1}: closing now decides completion on attendance so far. To close anyway, "
    "send force_reason (why it closes early).": (
        "Pertemuan terakhir berakhir pada {0} pukul {1}: menutup sekarang menetapkan kelulusan dari kehadiran "
        "sejauh ini. Untuk tetap menutup, isi alasan (force_reason) mengapa ditutup lebih awal."
    ),
    "Required before the last meeting has ended.": "Wajib diisi sebelum pertemuan terakhir berakhir.",
    "No certificate {0}.": "Sertifikat nomor {0} tidak ditemukan; periksa nomornya.",
    "No enrolment {0}.": "Keikutsertaan {0} tidak ditemukan.",
    "Only the participant, their supervisor and BKPSDM may download this certificate.": (
        "Hanya peserta, atasannya dan BKPSDM yang dapat mengunduh sertifikat ini."
    ),
    "This enrolment has no valid certificate: only a completed participant of a closed batch has one.": (
        "Keikutsertaan ini tidak memiliki sertifikat yang berlaku: hanya peserta yang lulus pada angkatan yang sudah "
        "ditutup yang memilikinya."
    ),
    "Status: {0}.": "Status: {0}.",
    "The batch has no participants yet: nominate them first.": "Angkatan belum memiliki peserta: usulkan pesertanya dulu.",
    "No participants.": "Belum ada peserta.",
    "The batch has no meeting {0}.": "Angkatan ini tidak memiliki pertemuan {0}.",
    "Attendance of meeting {0} is already recorded; it keeps its date and time.": (
        "Kehadiran pertemuan {0} sudah dicatat; tanggal dan waktunya tidak dapat diubah."
    ),
    "Attendance recorded.": "Kehadiran sudah dicatat.",
    "Not an 18-digit NIP; format the column as Text in Excel.": (
        "Bukan NIP 18 angka; format kolom NIP sebagai Teks di Excel lalu ketik ulang NIP-nya."
    ),
    "The meeting number is missing or not a number.": "Nomor pertemuan kosong atau bukan angka.",
    "Write Hadir, Tidak hadir or Izin.": "Tulis Hadir, Tidak hadir atau Izin.",
    "The program is {0} JP but the meetings hold {1} JP ({2} minutes at {3} minutes per JP).": (
        "Program {0} JP, tetapi jadwal pertemuannya memuat {1} JP ({2} menit, {3} menit per JP)."
    ),
}
