"""Partner institutions and their API keys (a secret shown once; kept as a hash, and sealed for the gateway to check
signatures with)."""

from __future__ import annotations

import dataclasses

from services.training import domain, sealing
from services.training.commands import PartnerDetails
from services.training.config import TrainingSettings
from services.training.models import Partner, PartnerKey
from shared import hashing
from shared.db import UnitOfWork, utcnow
from shared.errors import Conflict, NotFound, Unauthorized


def create_partner(uow: UnitOfWork, settings: TrainingSettings, data: PartnerDetails) -> tuple[Partner, str, str]:
    """A partner and its first credential; the secret is returned once (stored hashed, and sealed)."""
    if uow.session.get(Partner, data.code) is not None:
        raise Conflict(
            f"Partner code {data.code} already exists.", errors=[{"field": "code", "message": "Already exists."}]
        )
    partner = Partner(**dataclasses.asdict(data))
    uow.session.add(partner)
    uow.session.flush()
    key_id, secret = _add_key(uow, settings, partner.code)
    uow.commit()
    return partner, key_id, secret


def _add_key(uow: UnitOfWork, settings: TrainingSettings, partner_code: str) -> tuple[str, str]:
    key_id, secret = domain.new_credentials()
    sealed = sealing.seal(secret, key_id, settings.partner_sealing_key)
    uow.session.add(
        PartnerKey(
            key_id=key_id, partner_code=partner_code, secret_hash=hashing.hash_secret(secret), secret_sealed=sealed
        )
    )
    return key_id, secret


def add_partner_key(uow: UnitOfWork, settings: TrainingSettings, partner_code: str) -> tuple[str, str]:
    """Rotation: a new key beside the old ones, which stay valid until revoked."""
    uow.get(Partner, partner_code, "partner")
    key_id, secret = _add_key(uow, settings, partner_code)
    uow.commit()
    return key_id, secret


def revoke_partner_key(uow: UnitOfWork, partner_code: str, key_id: str) -> PartnerKey:
    key = uow.session.get(PartnerKey, key_id)
    if key is None or key.partner_code != partner_code:
        raise NotFound(f"Partner {partner_code} has no key {key_id}.")
    key.revoked_at = key.revoked_at or utcnow()
    uow.commit()
    return key


def verify_partner_key(uow: UnitOfWork, key_id: str, secret: str) -> str | None:
    """The partner code of a valid, unrevoked key whose secret matches; None otherwise."""
    key = uow.session.get(PartnerKey, key_id)
    if key is None or key.revoked_at is not None or not hashing.verify_secret_remembered(secret, key.secret_hash):
        return None
    if hashing.outdated(key.secret_hash):  # an older scheme (scrypt): argon2id from now on
        key.secret_hash = hashing.hash_secret(secret)
        uow.commit()
    partner = uow.session.get(Partner, key.partner_code)
    return partner.code if partner is not None and partner.active else None


def signing_secret(uow: UnitOfWork, settings: TrainingSettings, key_id: str) -> tuple[str, str]:
    """For the gateway, which checks a partner's signature with it: the partner code and secret of a valid, unrevoked
    key of an active partner. Unauthorized for any other key; Conflict for a key issued before secrets were sealed
    (it can only send its secret, during the transition: the partner needs a new key)."""
    key = uow.session.get(PartnerKey, key_id)
    partner = uow.session.get(Partner, key.partner_code) if key is not None else None
    if key is None or key.revoked_at is not None or partner is None or not partner.active:
        raise Unauthorized("Unknown or revoked key.")
    if key.secret_sealed is None:
        raise Conflict(
            f"Key {key_id} was issued before signatures without the secret; issue a new key for the partner."
        )
    try:
        return partner.code, sealing.unseal(key.secret_sealed, key_id, settings.partner_sealing_key)
    except ValueError:
        raise Conflict(
            f"The secret of key {key_id} cannot be unsealed (PARTNER_KEY_ENCRYPTION_KEY changed); issue a new key."
        ) from None
