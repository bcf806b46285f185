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


def test_a_partner_key_that_verified_once_verifies_again_without_argon2_and_a_wrong_one_never(monkeypatch):
    secret, stored = "k" * 43, hashing.hash_secret("k" * 43)
    assert hashing.verify_secret_remembered(secret, stored)
    calls = []
    monkeypatch.setattr(hashing, "verify_secret", lambda s, h: calls.append(s) or False)
    assert hashing.verify_secret_remembered(secret, stored), "remembered: no second argon2"
    assert calls == []
    assert not hashing.verify_secret_remembered(secret + "x", stored), "a wrong secret is checked in full"
    assert not hashing.verify_secret_remembered(secret, hashing.hash_secret("other")), "another stored hash anew"
    assert len(calls) == 2
    assert all(secret.encode() not in token for token in hashing._remembered), "never the secret itself"
