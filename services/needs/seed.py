"""The national competency dictionary (Permenpan RB 38/2017): the eight managerial competencies and
the socio-cultural Perekat Bangsa, with a short descriptor per level, and the default managerial
standard per position class. Loaded by ``bangkom needs seed``; re-running it updates in place.

The class defaults follow common practice (JPT 4, administrator 3, pengawas 2, pelaksana 1,
fungsional 2): unverified, so they are data BKPSDM edits through the API, not code.
"""

from __future__ import annotations

MANAGERIAL: dict[str, tuple[str, list[str]]] = {
    "M-INTEGRITAS": (
        "Integritas",
        [
            "Bertindak sesuai nilai, norma dan etika organisasi dalam kapasitas pribadi.",
            "Mengingatkan dan mengajak rekan kerja bertindak sesuai nilai, norma dan etika organisasi.",
            "Memastikan anggota yang dipimpin bertindak sesuai nilai, norma dan etika organisasi.",
            "Menciptakan situasi kerja yang membuat rekan kerja berperilaku sesuai etika organisasi.",
            "Menjadi teladan penerapan standar keadilan dan etika di tingkat nasional.",
        ],
    ),
    "M-KERJASAMA": (
        "Kerja Sama",
        [
            "Berpartisipasi sebagai anggota tim yang baik dan melakukan tugas bagiannya.",
            "Menumbuhkan tim kerja yang partisipatif dan efektif.",
            "Efektif membangun tim kerja untuk peningkatan kinerja organisasi.",
            "Membangun komitmen tim dan sinergi lintas unit kerja.",
            "Menciptakan hubungan kerja sama yang strategis lintas instansi dan sektor.",
        ],
    ),
    "M-KOMUNIKASI": (
        "Komunikasi",
        [
            "Menyampaikan informasi dengan jelas, lengkap dan mudah dipahami.",
            "Aktif menjalankan komunikasi secara formal dan informal; bersedia mendengarkan.",
            "Berkomunikasi secara asertif, terampil berkomunikasi lisan dan tertulis untuk menyampaikan informasi yang sensitif.",
            "Mengemukakan pemikiran multidimensi secara lisan dan tertulis untuk mendorong kesepakatan.",
            "Menggagas sistem komunikasi yang terbuka secara strategis untuk mencari solusi.",
        ],
    ),
    "M-ORIENTASIHASIL": (
        "Orientasi pada Hasil",
        [
            "Bertanggung jawab untuk memenuhi standar kerja.",
            "Berupaya meningkatkan hasil kerja pribadi yang lebih tinggi dari standar.",
            "Menetapkan target kerja yang menantang bagi unit kerja.",
            "Mendorong unit kerja mencapai target yang melampaui standar yang ditetapkan.",
            "Kemampuan menciptakan budaya organisasi yang berorientasi pada hasil.",
        ],
    ),
    "M-PELAYANANPUBLIK": (
        "Pelayanan Publik",
        [
            "Menjalankan tugas mengikuti standar pelayanan.",
            "Mengupayakan pelayanan yang responsif dan mengatasi keluhan pelanggan.",
            "Memanfaatkan kekuatan kelompok serta memperbaiki standar pelayanan publik.",
            "Memonitor, mengevaluasi dan mengantisipasi dampak pelayanan publik.",
            "Menciptakan kebijakan pelayanan publik yang menjamin transparansi dan akuntabilitas.",
        ],
    ),
    "M-PENGEMBANGANDIRI": (
        "Pengembangan Diri dan Orang Lain",
        [
            "Mengembangkan diri sendiri sesuai kebutuhan tugas.",
            "Meningkatkan kemampuan bawahan dengan memberikan contoh dan penjelasan.",
            "Memberikan umpan balik dan membimbing pengembangan bawahan.",
            "Menyusun program pengembangan jangka panjang untuk mendorong pembelajaran.",
            "Menciptakan situasi yang mendorong organisasi mengembangkan kemampuan belajar.",
        ],
    ),
    "M-MENGELOLAPERUBAHAN": (
        "Mengelola Perubahan",
        [
            "Menyesuaikan diri dengan perubahan.",
            "Proaktif beradaptasi mengikuti perubahan.",
            "Membantu orang lain mengikuti perubahan dan mengantisipasi dampaknya.",
            "Memimpin perubahan pada unit kerja.",
            "Memimpin, menggalang dan menggerakkan dukungan pemangku kepentingan untuk perubahan.",
        ],
    ),
    "M-PENGAMBILANKEPUTUSAN": (
        "Pengambilan Keputusan",
        [
            "Mengumpulkan informasi untuk bertindak sesuai kewenangan.",
            "Menganalisis masalah secara mendalam.",
            "Membandingkan berbagai alternatif dan mengambil keputusan tepat waktu.",
            "Menyelesaikan masalah yang mengandung risiko tinggi secara tuntas.",
            "Menghasilkan solusi strategis yang berdampak jangka panjang.",
        ],
    ),
}

SOCIO_CULTURAL: dict[str, tuple[str, list[str]]] = {
    "SK-PEREKATBANGSA": (
        "Perekat Bangsa",
        [
            "Peka memahami dan menerima kemajemukan.",
            "Aktif mengembangkan sikap saling menghargai dan menekankan persamaan dan persatuan.",
            "Mempromosikan dan mengembangkan sikap toleransi dan persatuan.",
            "Mendayagunakan perbedaan secara konstruktif dan kreatif untuk efektivitas organisasi.",
            "Menjadi wakil pemerintah yang membangun hubungan sosial psikologis dengan masyarakat.",
        ],
    ),
}

CLASS_LEVELS = {"jpt": 4, "administrator": 3, "pengawas": 2, "pelaksana": 1, "fungsional": 2}


def competencies() -> list[dict]:
    rows = []
    for group, entries in (("manajerial", MANAGERIAL), ("sosial_kultural", SOCIO_CULTURAL)):
        for code, (name, levels) in entries.items():
            rows.append(
                {
                    "code": code,
                    "name": name,
                    "group": group,
                    "description": f"Kompetensi {name} (Permenpan RB 38/2017).",
                    "level_descriptors": levels,
                }
            )
    return rows


def class_standards() -> list[dict]:
    codes = [*MANAGERIAL, *SOCIO_CULTURAL]
    return [
        {"position_class": position_class, "competency_code": code, "required_level": level}
        for position_class, level in CLASS_LEVELS.items()
        for code in codes
    ]
