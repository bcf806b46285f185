"""Every stored secret hashed one way (argon2id); a partner key of the older scheme (scrypt) still verifies, and is
due for a new hash."""

import hashlib

from shared import hashing


def _scrypt(secret: str, salt: bytes = b"0123456789abcdef") -> str:
    """A partner key's hash as Bangkom stored it before argon2id."""
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def test_argon2id_for_every_new_hash():
    stored = hashing.hash_secret("rahasia-mitra")
    assert stored.startswith("$argon2id$") and "rahasia-mitra" not in stored
    assert hashing.verify_secret("rahasia-mitra", stored) and not hashing.outdated(stored)
    assert not hashing.verify_secret("rahasia-lain", stored)


def test_an_older_scrypt_hash_verifies_and_is_outdated():
    stored = _scrypt("rahasia-mitra")
    assert hashing.verify_secret("rahasia-mitra", stored)
    assert not hashing.verify_secret("rahasia-lain", stored)
    assert hashing.outdated(stored)
    assert not hashing.verify_secret("rahasia-mitra", "scrypt$zz$00")  # a broken hash is no match, not an error
    assert not hashing.verify_secret("rahasia-mitra", "garbage") and hashing.outdated("garbage")
