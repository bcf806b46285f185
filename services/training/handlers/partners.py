"""Partner institutions and their API keys (a secret shown once, only its hash kept)."""

from __future__ import annotations

import dataclasses

from services.training import domain
from services.training.commands import PartnerDetails
from services.training.models import Partner, PartnerKey
from shared import hashing
from shared.db import UnitOfWork, utcnow
from shared.errors import Conflict, NotFound


def create_partner(uow: UnitOfWork, data: PartnerDetails) -> tuple[Partner, str, str]:
    """A partner and its first credential; the secret is returned once and only its hash is stored."""
    if uow.session.get(Partner, data.code) is not None:
        raise Conflict(
            f"Partner code {data.code} already exists.", errors=[{"field": "code", "message": "Already exists."}]
        )
    partner = Partner(**dataclasses.asdict(data))
    uow.session.add(partner)
    uow.session.flush()
    key_id, secret = _add_key(uow, partner.code)
    uow.commit()
    return partner, key_id, secret


def _add_key(uow: UnitOfWork, partner_code: str) -> tuple[str, str]:
    key_id, secret = domain.new_credentials()
    uow.session.add(PartnerKey(key_id=key_id, partner_code=partner_code, secret_hash=hashing.hash_secret(secret)))
    return key_id, secret


def add_partner_key(uow: UnitOfWork, partner_code: str) -> tuple[str, str]:
    """Rotation: a new key beside the old ones, which stay valid until revoked."""
    uow.get(Partner, partner_code, "partner")
    key_id, secret = _add_key(uow, partner_code)
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
