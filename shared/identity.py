"""The caller's identity, as the gateway forwards it to the services.

The gateway authenticates people (JWT) and partners (signed requests), then sends the identity in
``X-Bangkom-Identity``: ``base64url(JSON) "." base64url(HMAC-SHA256(secret, first part))`` with the
shared ``INTERNAL_IDENTITY_SECRET``. A service trusts nothing else: a missing, forged or stale
header (older than ``max_age`` seconds) is refused, so calling a service directly bypasses nothing.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import time

from shared.errors import Unauthorized

HEADER = "X-Bangkom-Identity"


@dataclasses.dataclass(frozen=True)
class Identity:
    subject: str  # a NIP, a staff user name, or the partner's key id
    roles: tuple[str, ...]  # admin, supervisor, employee, ops, partner
    partner_code: str | None = None  # set for partner institutions
    issued_at: int = 0

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(identity: Identity, secret: str, now: float | None = None) -> str:
    body = {
        "sub": identity.subject,
        "roles": list(identity.roles),
        "partner": identity.partner_code,
        "iat": int(now if now is not None else time.time()),
    }
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    signature = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{signature}"


def decode(value: str | None, secret: str, max_age: int = 300, now: float | None = None) -> Identity:
    if not value:
        raise Unauthorized(f"No caller identity: call this service through the gateway ({HEADER} is missing).")
    try:
        payload, signature = value.split(".")
        expected = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(signature, expected):
            raise ValueError("bad signature")
        body = json.loads(_unb64(payload))
    except (ValueError, json.JSONDecodeError) as exc:
        raise Unauthorized(f"The caller identity ({HEADER}) is not valid: {exc}.") from None
    age = (now if now is not None else time.time()) - body.get("iat", 0)
    if not -30 <= age <= max_age:
        raise Unauthorized(f"The caller identity ({HEADER}) has expired; send the request again.")
    return Identity(body["sub"], tuple(body.get("roles", ())), body.get("partner"), body["iat"])
