"""Every secret Bangkom stores, hashed one way: account passwords and partner API keys, with argon2id (argon2-cffi,
its recommended parameters). Only the hash is kept; a secret is never stored or logged.

A hash of an older scheme still verifies (partner keys were hashed with scrypt before), and ``outdated`` then says so:
the caller that has just checked the secret stores a new hash of it (upgraded on next use, no reset for anyone).
"""

from __future__ import annotations

import hashlib
import hmac
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

hasher = PasswordHasher()
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}  # the partner keys' scheme before argon2id


def hash_secret(secret: str) -> str:
    """A new salted argon2id hash of ``secret``."""
    return hasher.hash(secret)


def verify_secret(secret: str, stored: str) -> bool:
    """Whether ``secret`` is the one ``stored`` was made from (argon2id, or the older scrypt); never raises."""
    if stored.startswith("scrypt$"):
        return _verify_scrypt(secret, stored)
    try:
        return hasher.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


REMEMBERED_MAX = 4096
_remembered: dict[bytes, None] = {}  # SHA-256 of (stored hash, secret) pairs this process saw verify
_remembering = threading.Lock()  # gunicorn's threads verify side by side


def verify_secret_remembered(secret: str, stored: str) -> bool:
    """``verify_secret`` for a machine's key checked again and again (a partner's API key, re-confirmed by every
    gateway process every few seconds): a pair that verified once is remembered by this process, as a SHA-256 of
    both and never the secret, so it verifies again with a lookup instead of argon2id's 100 ms of both cores and
    64 MiB. A new stored hash (the key rotated or rehashed) verifies anew; a wrong secret always pays the full cost.
    Only for random secrets of 256 bits (a SHA-256 of one cannot be searched); passwords use ``verify_secret``."""
    token = hashlib.sha256(f"{stored}\n{secret}".encode()).digest()
    if token in _remembered:
        return True
    if not verify_secret(secret, stored):
        return False
    with _remembering:
        if len(_remembered) >= REMEMBERED_MAX:
            _remembered.pop(next(iter(_remembered)))  # the oldest
        _remembered[token] = None
    return True


def outdated(stored: str) -> bool:
    """Whether ``stored`` should be replaced by a new hash, once its secret has verified."""
    if stored.startswith("scrypt$"):
        return True
    try:
        return hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def _verify_scrypt(secret: str, stored: str) -> bool:
    try:
        _scheme, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt), **_SCRYPT)
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)
