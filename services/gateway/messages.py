"""The gateway's messages in Indonesian (``shared/messages.py``)."""

INDONESIAN = {
    "Managing accounts needs the role admin (BKPSDM).": "Mengelola akun memerlukan peran admin (BKPSDM).",
    "No service {0}; the services are {1}.": "Tidak ada layanan {0}; layanan yang ada: {1}.",
    "Log in first and send the access token as 'Authorization: Bearer <token>'.": (
        "Masuk dulu, lalu kirim token akses sebagai 'Authorization: Bearer <token>'."
    ),
    "Send 'Authorization: Bangkom-Partner <key id>:<secret>'.": "Kirim 'Authorization: Bangkom-Partner <key id>:<secret>'.",
    "Account {0} already exists.": "Akun {0} sudah ada.",
    "NIP {0} already has an account.": "NIP {0} sudah memiliki akun.",
    "Has an account.": "Sudah memiliki akun.",
    "Taken.": "Sudah dipakai.",
    "Too short.": "Terlalu pendek.",
    "Unknown role.": "Peran tidak dikenal.",
    "Last admin.": "Admin terakhir.",
    "Roles must be among {0}.": "Peran harus di antara {0}.",
    "No account {0}.": "Akun {0} tidak ditemukan.",
    "Missing signature header(s): {0}.": "Header tanda tangan tidak ada: {0}.",
    "Request id {0} was already used; every request needs a new id.": (
        "Request id {0} sudah dipakai; setiap permintaan memerlukan id baru."
    ),
    "The access token has expired; refresh it or log in again.": (
        "Token akses sudah kedaluwarsa; perbarui atau masuk lagi."
    ),
    "The access token is not valid.": "Token akses tidak sah.",
    "The account is not active.": "Akun tidak aktif.",
    "The code is not valid: it is wrong, used or expired. Ask BKPSDM or request a new link.": (
        "Kode tidak sah: salah, sudah dipakai, atau kedaluwarsa. Hubungi BKPSDM atau minta tautan baru."
    ),
    "The refresh token is not valid; log in again.": "Token pembaruan tidak sah; masuk lagi.",
    "The signature does not match the request body.": "Tanda tangan tidak cocok dengan isi permintaan.",
    "The timestamp is more than 5 minutes off; sign the request again now.": (
        "Stempel waktu meleset lebih dari 5 menit; tanda tangani permintaan lagi sekarang."
    ),
    "The token names no subject ({0}).": "Token tidak menyebut subjek ({0}).",
    "This is the last active BKPSDM administrator; give another account the admin role first.": (
        "Ini administrator BKPSDM aktif terakhir; berikan dulu peran admin kepada akun lain."
    ),
    "This refresh token was used before; every token issued from it is revoked. Log in again.": (
        "Token pembaruan ini sudah pernah dipakai; semua token turunannya dicabut. Masuk lagi."
    ),
    "Unknown or revoked key, or a wrong secret.": "Kunci tidak dikenal atau sudah dicabut, atau rahasianya salah.",
    "Wrong user name or password.": "Nama pengguna atau kata sandi salah.",
    "A partner user has the role partner alone and names its partner institution (partner_code); other accounts "
    "name none.": (
        "Pengguna mitra hanya berperan partner dan menyebut lembaga mitranya (partner_code); akun lain tidak menyebutnya."
    ),
    "Only with the role partner, and then required.": "Hanya untuk peran partner, dan untuk peran itu wajib diisi.",
    "The path may not contain '.' or '..' segments; name the resource directly.": (
        "Path tidak boleh memuat segmen '.' atau '..'; sebut sumber dayanya langsung."
    ),
    "The {0} service did not answer in time; try again shortly.": (
        "Layanan {0} tidak menjawab tepat waktu; coba lagi sebentar lagi."
    ),
    "The {0} service is unavailable to check the key; try again shortly.": (
        "Layanan {0} tidak tersedia untuk memeriksa kunci; coba lagi sebentar lagi."
    ),
    "The {0} service is unavailable; try again shortly.": "Layanan {0} sedang tidak tersedia; coba lagi sebentar lagi.",
    "Too many requests: at most {0} a minute. Try again in {1} s.": (
        "Terlalu banyak permintaan: paling banyak {0} per menit. Coba lagi dalam {1} detik."
    ),
    "No open account with an e-mail address.": "Tidak ada akun terbuka dengan alamat surel.",
}
