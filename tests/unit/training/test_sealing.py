"""Partner secrets sealed at rest (services/training/sealing.py): only the right key opens them, for the right key id."""

from __future__ import annotations

import pytest

from services.training import sealing


def test_a_sealed_secret_opens_with_its_key_for_its_key_id_only():
    key = sealing.key_of("a-long-random-setting")
    sealed = sealing.seal("s3cret", "pk_1", key)
    assert "s3cret" not in sealed and sealing.unseal(sealed, "pk_1", key) == "s3cret"
    assert sealing.seal("s3cret", "pk_1", key) != sealed, "a new nonce every time"
    with pytest.raises(ValueError):
        sealing.unseal(sealed, "pk_2", key)  # moved to another key's row
    with pytest.raises(ValueError):
        sealing.unseal(sealed, "pk_1", sealing.key_of("another-setting"))
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(ValueError):
        sealing.unseal(tampered, "pk_1", key)
