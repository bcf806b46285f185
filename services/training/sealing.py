"""Partner secrets sealed at rest: the gateway must check a partner's HMAC signature without the partner ever sending
its secret, so the secret is kept — encrypted with AES-256-GCM under ``PARTNER_KEY_ENCRYPTION_KEY`` (beside its
argon2 hash), the key id bound in as associated data so that a sealed secret cannot be moved to another key's row.
A database copied without the service's environment reveals no secret."""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"


def key_of(setting: str) -> bytes:
    """The 256-bit sealing key from the setting (any long random string)."""
    return hashlib.sha256(b"bangkom-partner-keys:" + setting.encode()).digest()


def seal(secret: str, key_id: str, key: bytes) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, secret.encode(), key_id.encode())
    return f"{VERSION}:{base64.b64encode(nonce + sealed).decode()}"


def unseal(sealed: str, key_id: str, key: bytes) -> str:
    """The secret; ValueError when it was sealed under another key or for another key id, or was altered."""
    version, _, data = sealed.partition(":")
    if version != VERSION:
        raise ValueError(f"unknown sealing {version!r}")
    raw = base64.b64decode(data)
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], key_id.encode()).decode()
    except InvalidTag:
        raise ValueError("the secret cannot be unsealed with PARTNER_KEY_ENCRYPTION_KEY") from None
