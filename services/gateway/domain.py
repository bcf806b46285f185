"""Pure rules of the gateway: no Flask, no SQLAlchemy, no Kafka."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Iterable

from shared import nip as employee_number

# partner: a partner institution's staff; opd: an OPD's personnel officer or head, kept to its own unit
ROLES = ("admin", "supervisor", "employee", "ops", "partner", "opd", "auditor")

# RFC 9110 §7.6.1 connection-specific headers, never forwarded by a proxy; plus what the gateway sets itself.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
NEVER_FROM_CALLER = frozenset({"authorization", "x-bangkom-identity", "cookie"})


def forwardable(headers: Iterable[tuple[str, str]], drop: frozenset[str] = HOP_BY_HOP) -> list[tuple[str, str]]:
    """Headers to pass on: not hop-by-hop, not listed in Connection, not the caller's credentials."""
    headers = list(headers)
    named = {v.strip().lower() for k, v in headers if k.lower() == "connection" for v in v.split(",")}
    return [(k, v) for k, v in headers if k.lower() not in drop and k.lower() not in named]


def username_as_typed(text: str) -> str:
    """A user name as people type it: an ASN's is their NIP, often written with its customary spaces or dots
    (``19940819 202221 2 734``) or with Excel's apostrophe; those are read as the 18 digits, anything else as is."""
    text = text.strip()
    digits = employee_number.normalise(text)
    return digits if len(digits) == 18 and digits.isdigit() else text


def subject_of(username: str, nip: str | None) -> str:
    """The identity's subject: the NIP of an ASN (so services can match their records), else the user name."""
    return nip or username


# --- accounts ------------------------------------------------------------------------------------

ACCOUNT_STATUSES = ("pending", "active", "closed")
MIN_PASSWORD_LENGTH = 12
# Printed codes are typed by hand: no 0/O, 1/I/L; 12 characters of 31 ≈ 59 bits, and tries are rate-limited.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code(length: int = 12) -> str:
    """A one-time activation or reset code, grouped by four for reading aloud or typing (``7KQM-2XWD-9HTE``)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def code_digest(code: str) -> str:
    """The stored form of a code; what people type is read leniently (case, spaces and dashes do not matter)."""
    canonical = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(canonical.encode()).hexdigest()


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use a password of at least {MIN_PASSWORD_LENGTH} characters."
    return None


def roles_of_employee(is_supervisor: bool) -> list[str]:
    """The roles an ASN's account gets from the employee records; BKPSDM adds admin or ops by hand."""
    return ["employee", "supervisor"] if is_supervisor else ["employee"]


def activation_mail(purpose: str, name: str | None, link: str, code: str, hours: int, agency: str) -> tuple[str, str]:
    """(subject, text) of an activation or password-reset message, Bahasa Indonesia first, English below."""
    greeting = f"Yth. {name}," if name else "Yth. Bapak/Ibu,"
    if purpose == "reset":
        subject = "Bangkom: atur ulang kata sandi / reset your password"
        opening = "Ada permintaan untuk mengatur ulang kata sandi akun Bangkom Anda."
        english = "Someone asked to reset the password of your Bangkom account."
    else:
        subject = "Bangkom: aktifkan akun Anda / activate your account"
        opening = "Akun Bangkom Anda telah dibuat dari data kepegawaian (SIMPEG)."
        english = "Your Bangkom account was created from the personnel records (SIMPEG)."
    text = (
        f"{greeting}\n\n{opening} Buka tautan berikut dan tetapkan kata sandi Anda:\n{link}\n\n"
        f"Atau masukkan kode {code} di halaman aktivasi. Kode berlaku {hours} jam dan hanya sekali pakai.\n"
        "Jika Anda tidak memintanya, abaikan pesan ini.\n\n---\n"
        f"{english} Open the link above and set your password, or enter the code {code} on the activation page. "
        f"The code is valid for {hours} hours and works once. If you did not ask for it, ignore this message.\n\n"
        f"{agency}\n"
    )
    return subject, text


# --- partner signatures (Standard Webhooks style) -----------------------------------------------

REPLAY_WINDOW_SECONDS = 300


def signature(secret: str, message_id: str, timestamp: str, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>." + body)>``, as in the Standard Webhooks scheme."""
    digest = hmac.new(secret.encode(), f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(
    key_id: str,
    secret: str,
    body: bytes,
    message_id: str | None = None,
    timestamp: int | None = None,
    secret_in_header: bool = False,
) -> dict[str, str]:
    """The headers a partner's system sends with ``body``: its key id, a message id, the time and the signature made
    with its secret (the scheme of docs/gateway.md, written once: the tests and the bench sign with it as a partner
    would). ``secret_in_header``: the older scheme, the secret sent too, accepted only until the transition ends."""
    message_id = message_id or f"msg_{uuid.uuid4().hex}"
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    return {
        "Authorization": f"Bangkom-Partner {key_id}" + (f":{secret}" if secret_in_header else ""),
        "webhook-id": message_id,
        "webhook-timestamp": stamp,
        "webhook-signature": signature(secret, message_id, stamp, body),
        "Content-Type": "application/json",
    }


def signature_matches(header: str, expected: str) -> bool:
    """The header may carry several space-separated signatures (key rotation); one must match."""
    return any(hmac.compare_digest(candidate, expected) for candidate in header.split())


def timestamp_fresh(timestamp: str, now: float, window: int = REPLAY_WINDOW_SECONDS) -> bool:
    try:
        return abs(now - int(timestamp)) <= window
    except ValueError:
        return False


def partner_credentials(authorization: str | None) -> tuple[str, str | None] | None:
    """(key id, None) from ``Authorization: Bangkom-Partner <key id>``; (key id, secret) from the older
    ``Bangkom-Partner <key id>:<secret>``; None from anything else."""
    if not authorization or not authorization.startswith("Bangkom-Partner "):
        return None
    key_id, colon, secret = authorization[len("Bangkom-Partner ") :].strip().partition(":")
    if not key_id or (colon and not secret):
        return None
    return key_id, secret or None


# --- one OpenAPI document for all services ------------------------------------------------------


def merge_openapi(
    documents: dict[str, dict], title: str, version: str = "v1", security: list[dict] | None = None
) -> dict:
    """Merge the services' OpenAPI documents: paths as they are (each service owns its prefix);
    every component renamed ``<service>.<name>`` and every ``$ref`` rewritten to match. An operation that
    needs the gateway's identity header inside needs, outside, what the gateway takes instead: ``security``."""
    merged: dict = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": {},
        "tags": [],
        "components": {},
    }
    for service, document in sorted(documents.items()):
        renamed = _rename_refs(document, service)
        renamed.get("components", {}).pop("securitySchemes", None)  # the identity header is the gateway's own
        for item in renamed.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, dict) and operation.get("security") and security is not None:
                    operation["security"] = security
        merged["paths"].update(renamed.get("paths", {}))
        merged["tags"].extend(renamed.get("tags", []))
        for section, entries in renamed.get("components", {}).items():
            target = merged["components"].setdefault(section, {})
            for name, value in entries.items():
                target[f"{service}.{name}"] = value
    return merged


def _rename_refs(node, service: str):
    if isinstance(node, dict):
        return {
            key: (
                _renamed_ref(value, service)
                if key == "$ref" and isinstance(value, str)
                else _rename_refs(value, service)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rename_refs(item, service) for item in node]
    return node


def _renamed_ref(ref: str, service: str) -> str:
    if not ref.startswith("#/components/"):
        return ref
    _, _, section, name = ref.split("/", 3)
    return f"#/components/{section}/{service}.{name}"


def climbs_out(rest: str) -> bool:
    """A proxied path with a '.' or '..' segment (``%2e%2e`` arrives decoded) could leave ``/api/v1/<service>/``."""
    return any(segment in (".", "..") for segment in rest.replace("\\", "/").split("/"))


def route_family(service: str, rest: str) -> str:
    """A bounded metrics label for a proxied path: the service and its first segment (``/api/v1/needs/employees``)."""
    first = rest.split("/", 1)[0]
    return f"/api/v1/{service}/{first}" if first.replace("-", "").isalpha() else f"/api/v1/{service}/*"
