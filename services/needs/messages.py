"""The needs service's messages in Indonesian (``shared/messages.py``)."""

INDONESIAN = {
    "No row was valid; nothing was saved. See `rejected` for each row's problems.": (
        "Tidak ada baris yang sah; tidak ada yang disimpan. Lihat `rejected` untuk masalah tiap baris."
    ),
    "At most {0} employees per request; split the list.": "Paling banyak {0} pegawai per permintaan; bagi daftarnya.",
    "{0} rows, over {1}.": "{0} baris, lebih dari {1}.",
    "No position class {0}; use one of {1}.": "Tidak ada kelas jabatan {0}; gunakan salah satu dari {1}.",
    "You may record only a {0} assessment for this employee.": (
        "Anda hanya dapat mencatat penilaian {0} untuk pegawai ini."
    ),
    "You may claim development only for yourself.": "Anda hanya dapat mengajukan pengembangan untuk diri sendiri.",
    "Only the ASN or BKPSDM may attach the certificate.": "Hanya ASN yang bersangkutan atau BKPSDM yang dapat melampirkan sertifikat.",
    "No certificate file has been attached to this record yet.": "Belum ada berkas sertifikat yang dilampirkan.",
    "You may see only your own records.": "Anda hanya dapat melihat catatan Anda sendiri.",
    "Attach the certificate file before verifying.": "Lampirkan berkas sertifikat sebelum verifikasi.",
    "No certificate file.": "Tidak ada berkas sertifikat.",
    "Not a PDF, PNG or JPEG file (judged by its content).": "Bukan berkas PDF, PNG atau JPEG (dinilai dari isinya).",
    "The certificate file is larger than {0} MB; scan it at a lower resolution or as a PDF.": (
        "Berkas sertifikat lebih besar dari {0} MB; pindai dengan resolusi lebih rendah atau sebagai PDF."
    ),
    "The certificate must be a PDF, PNG or JPEG file.": "Sertifikat harus berkas PDF, PNG atau JPEG.",
    "Too large.": "Terlalu besar.",
    "A need that is {0} is closed by hand only with a note saying why (for example: the evaluation will not come "
    "and the gap is accepted).": (
        "Kebutuhan berstatus {0} hanya dapat ditutup manual dengan catatan alasannya (misalnya: evaluasi tidak akan "
        "datang dan kesenjangan diterima)."
    ),
    "Required to close this need.": "Wajib diisi untuk menutup kebutuhan ini.",
    "Competency code {0} already exists; choose another code or update that competency.": (
        "Kode kompetensi {0} sudah ada; pilih kode lain atau ubah kompetensi itu."
    ),
    "Duplicate code.": "Kode duplikat.",
    "Each {0} may appear once: {1}.": "Setiap {0} hanya boleh muncul sekali: {1}.",
    "Must not be after today.": "Tidak boleh setelah hari ini.",
    "The assessment date is in the future.": "Tanggal penilaian ada di masa depan.",
    "No position with code {0}.": "Tidak ada jabatan dengan kode {0}.",
    "Position code {0} already exists; update it instead.": "Kode jabatan {0} sudah ada; ubah jabatan itu saja.",
    "Plan years run from {0} to {1}.": "Tahun rencana dari {0} sampai {1}.",
    "{0} is not a plan year.": "{0} bukan tahun rencana.",
    "Theme codes must be unique within a year: {0}.": "Kode tema harus unik dalam satu tahun: {0}.",
    "Unknown competency code(s): {0}. Add them to the dictionary first.": (
        "Kode kompetensi tidak dikenal: {0}. Tambahkan dulu ke kamus kompetensi."
    ),
    "Unknown competency {0}.": "Kompetensi {0} tidak dikenal.",
    "Give exactly five descriptors, level 1 first.": "Isi tepat lima deskripsi level, mulai dari level 1.",
    "Level must be between 0 (not required) and 5.": "Level harus antara 0 (tidak dipersyaratkan) dan 5.",
    "Level must be between 1 and 5.": "Level harus antara 1 dan 5.",
    "List each one once; repeated: {0}.": "Sebut masing-masing sekali; berulang: {0}.",
    "Weight must be between 0 and 1.": "Bobot harus antara 0 dan 1.",
    "No sync run {0}.": "Proses sinkronisasi {0} tidak ditemukan.",
    "No recompute run {0}.": "Proses hitung ulang {0} tidak ditemukan.",
    "The file is larger than {0} MB; import it with `bangkom simpeg import` on the server instead.": (
        "Berkas lebih besar dari {0} MB; impor dengan `bangkom simpeg import` di server."
    ),
    "No sign of life within the lease; taken over.": "Tidak ada tanda hidup dalam batas waktu; diambil alih.",
    "No competency {0}.": "Kompetensi {0} tidak ditemukan.",
    "No employee with NIP {0}.": "Pegawai dengan NIP {0} tidak ditemukan.",
    "No external development record {0}.": "Catatan pengembangan luar {0} tidak ditemukan.",
    "No position {0}.": "Jabatan {0} tidak ditemukan.",
    "You may see only your own record (or, as a supervisor, those of the ASN you supervise).": (
        "Anda hanya dapat melihat data Anda sendiri (atau, sebagai atasan, data ASN yang Anda bimbing)."
    ),
    # the rows of a SIMPEG sync or export file (a run's report)
    "Missing NIP.": "NIP tidak ada.",
    "Missing name.": "Nama tidak ada.",
    "{0} is not PNS, CPNS or PPPK.": "{0} bukan PNS, CPNS atau PPPK.",
    "Empty": "Kosong",
    "Cannot tell the position class from jenisJabatan {0} and eselon {1}.": (
        "Kelas jabatan tidak dapat ditentukan dari jenisJabatan {0} dan eselon {1}."
    ),
    "Not a date (YYYY-MM-DD or DD-MM-YYYY).": "Bukan tanggal (TTTT-BB-HH atau HH-BB-TTTT).",
    "Missing or not a date: the year to credit is unknown.": (
        "Tidak ada atau bukan tanggal: tahun yang dikreditkan tidak diketahui."
    ),
    "{0} is not a number of JP between 1 and 1000.": "{0} bukan jumlah JP antara 1 dan 1000.",
    "SIMPEG gave the record no id; it cannot be counted exactly once.": (
        "SIMPEG tidak memberi id pada catatan ini; catatan tidak dapat dihitung tepat satu kali."
    ),
    "Listed twice: first at row {0}.": "Tercantum dua kali: pertama di baris {0}.",
    "Nobody was deactivated because some NIPs could not be read.": (
        "Tidak ada yang dinonaktifkan karena sebagian NIP tidak terbaca."
    ),
    "The cell is a number; Excel keeps only 15 digits, so the NIP has lost its last digits. Format the column as "
    "Text in SIMPEG's export and export again.": (
        "Selnya berupa angka; Excel hanya menyimpan 15 digit, sehingga digit terakhir NIP hilang. Format kolom "
        "sebagai Teks di ekspor SIMPEG lalu ekspor lagi."
    ),
    "{0} of {1} active employees are missing from the source; that is more than {2}, so none were deactivated. If "
    "SIMPEG is right, run again allowing mass deactivation (--allow-mass-deactivation / allow_mass_deactivation: "
    "true).": (
        "{0} dari {1} pegawai aktif tidak ada di sumber; itu lebih dari {2}, jadi tidak ada yang dinonaktifkan. Bila "
        "SIMPEG benar, jalankan lagi dengan izin penonaktifan massal (--allow-mass-deactivation / "
        "allow_mass_deactivation: true)."
    ),
    "The claim cannot be submitted: {0}": "Klaim belum dapat diajukan: {0}",
    "The end date is before the start date.": "Tanggal selesai sebelum tanggal mulai.",
    "Development that has not ended yet cannot be claimed; submit it after it ends.": (
        "Pengembangan yang belum selesai belum dapat diklaim; ajukan setelah selesai."
    ),
    "JP must be between 1 and 1000.": "JP harus antara 1 dan 1000.",
    "Unknown position {0}; create it first.": "Jabatan {0} tidak dikenal; buat jabatannya terlebih dahulu.",
}
