"""Every secret Bangkom stores, hashed one way: account passwords and partner API keys, with argon2id (argon2-cffi,
its recommended parameters). Only the hash is kept; a secret is never stored or logged.

A hash of an older scheme still verifies (partner keys were hashed with scrypt before), and ``outdated`` then says so:
the caller that has just checked the secret stores a new hash of it (upgraded on next use, no reset for anyone).
"""

from __future__ import annotations

import hashlib
import hmac

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
