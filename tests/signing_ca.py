"""A certification authority made by the test, standing in for the instansi's (in production, the national provider's):
a root, and the signatory's key and certificate issued by it in a PKCS#12 file as Bangkom reads it; and the two
validators a reader of a signed certificate would use (pyHanko's, poppler's ``pdfsig``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSPHRASE = "rahasia-uji"


@dataclasses.dataclass(frozen=True)
class TestCa:
    root_pem: Path
    pkcs12: Path
    passphrase: str
    nss_dir: Path  # an NSS database that trusts the root (for pdfsig)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CA Uji Bangkom"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def make(directory: Path, signatory: str) -> TestCa:
    """A root CA and ``signatory``'s signing certificate under ``directory``."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("CA Uji Bangkom"))
        .issuer_name(_name("CA Uji Bangkom"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # keyCertSign, cRLSign
        .sign(root_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(signatory))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )  # digitalSignature, nonRepudiation
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    root_pem = directory / "root.pem"
    root_pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    bundle = directory / "signatory.p12"
    bundle.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signatory", key, certificate, [root], serialization.BestAvailableEncryption(PASSPHRASE.encode())
        )
    )
    nss_dir = directory / "nss"
    nss_dir.mkdir(exist_ok=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss_dir}", "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{nss_dir}", "-n", "ca-uji", "-t", "CT,C,C", "-i", str(root_pem)], check=True
    )
    return TestCa(root_pem, bundle, PASSPHRASE, nss_dir)


def pyhanko_verdict(pdf: bytes, ca: TestCa) -> tuple[bool, bool, str]:
    """(intact and valid, trusted, signer's common name) of the document's one signature, by pyHanko's validator."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[load_cert_from_pemder(str(ca.root_pem))]))
    return status.intact and status.valid, status.trusted, status.signing_cert.subject.native["common_name"]


def where_and_why(pdf: bytes) -> tuple[str, str]:
    """The place and the reason the document's one signature gives."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return str(signature.sig_object["/Location"]), str(signature.sig_object["/Reason"])


def pdfsig_report(pdf: bytes, ca: TestCa, directory: Path) -> str:
    """What poppler's ``pdfsig`` says of the document's signatures, trusting the test's root."""
    path = directory / "checked.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{ca.nss_dir}", str(path)], capture_output=True, text=True, check=False
    )
    return done.stdout + done.stderr
