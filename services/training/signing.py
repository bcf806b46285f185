"""The electronic signature (TTE) of a certificate: a PAdES signature (pyHanko) made with the instansi's signing key.

The key is configuration: a PKCS#12 file (``CERTIFICATE_SIGNING_PKCS12_FILE``, its passphrase in
``CERTIFICATE_SIGNING_PASSPHRASE``) holding the key and certificate the instansi's certification authority issued to
the signatory, with the chain. Without one a certificate is issued unsigned (a warning at start-up; the demo and a
fresh installation). The national provider's remote signing (the key stays with the provider, the document's digest
is sent to be signed) plugs in here as another ``pyhanko`` signer: docs/training.md, "Signed certificates".

A signature proves who issued the file and that it is unchanged; whether the certificate still stands is what the
verification page behind its QR code says (a revoked certificate stays signed, and is shown there as revoked).
"""

from __future__ import annotations

import functools
import io

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from shared.instansi import Instansi


@functools.lru_cache(maxsize=4)
def _signer(pkcs12_file: str, passphrase: str) -> signers.SimpleSigner:
    """The key and certificates of ``pkcs12_file``, read once per process; ValueError when they cannot be read."""
    signer = signers.SimpleSigner.load_pkcs12(pkcs12_file, passphrase=passphrase.encode() if passphrase else None)
    if signer is None:
        raise ValueError(f"{pkcs12_file}: no key and certificate could be read (the file or its passphrase is wrong)")
    return signer


def check(pkcs12_file: str, passphrase: str) -> None:
    """Read the configured key at start-up, so that a wrong file or passphrase stops the service, not a download."""
    if pkcs12_file:
        _signer(pkcs12_file, passphrase)


def sign(pdf: bytes, instansi: Instansi, pkcs12_file: str, passphrase: str, number: str) -> bytes:
    """``pdf`` signed for the instansi by its certificate signatory (PAdES baseline B-B, SHA-256, invisible: the
    signatory is printed on the page); unchanged when no key is configured."""
    if not pkcs12_file:
        return pdf
    signatory = instansi.signatories["certificate"]
    metadata = signers.PdfSignatureMetadata(
        field_name="TTE",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=f"{signatory.name} (NIP {signatory.nip})",
        reason=f"Sertifikat {number}, diterbitkan oleh {instansi.agency_short}",
        location=instansi.seat,
    )
    signed = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), metadata, signer=_signer(pkcs12_file, passphrase)
    )
    return signed.getvalue()
