"""The notifications service's messages in Indonesian (``shared/messages.py``)."""

INDONESIAN = {
    "No message {0}.": "Pesan {0} tidak ditemukan.",
    "Only a failed message with an address can be sent again; this one is {0}.": (
        "Hanya pesan gagal yang memiliki alamat yang dapat dikirim ulang; pesan ini berstatus {0}."
    ),
    "Not failed, or no address.": "Tidak gagal, atau tanpa alamat.",
    "No batch {0}.": "Angkatan {0} tidak ditemukan.",
    "No calendar at this address: it was revoked or never existed.": (
        "Tidak ada kalender di alamat ini: alamatnya sudah dicabut atau tidak pernah ada."
    ),
    "No e-mail address in the employee records.": "Tidak ada alamat surel di data pegawai.",
}
