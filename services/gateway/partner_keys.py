"""What the gateway learns of partner keys from the training service, which keeps them: the secret a key signs with
(sealed there), or, in the older scheme, whether a secret sent matches its hash. Each answer is kept by the gateway
process for PARTNER_KEY_CACHE_SECONDS, in memory only: a revoked key stops working on every gateway instance within
that time, and a secret is never written or logged here."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import time

from services.gateway import handlers, upstream
from services.gateway.config import GatewaySettings
from services.gateway.process import ProcessState
from shared.errors import Unauthorized


def of(settings: GatewaySettings, process: ProcessState) -> handlers.PartnerKeys:
    until = dt.date.fromisoformat(settings.partner_older_scheme_until)
    return handlers.PartnerKeys(
        signing_secret=functools.partial(signing_secret, settings, process),
        verify=functools.partial(verify, settings, process),
        secret_in_header_until=until,
    )


def signing_secret(settings: GatewaySettings, process: ProcessState, key_id: str) -> tuple[str, str] | None:
    """The partner and secret of a valid key; None for an unknown or revoked one."""
    cached = process.signing_secrets.get(key_id)
    if cached and cached[2] > time.monotonic():
        return cached[0], cached[1]
    response = upstream.call(
        "POST",
        f"{settings.training_url}/api/v1/training/internal/partner-keys/signing-secret",
        upstream.GATEWAY,
        json={"key_id": key_id},
    )
    if response.status_code == 401:
        return None
    if response.status_code == 409:  # issued before secrets were sealed: only the older scheme can use it
        raise Unauthorized(
            f"Key {key_id} was issued before signatures without the secret; ask BKPSDM for a new key.", check="key"
        )
    response.raise_for_status()
    found = response.json()
    expires = time.monotonic() + settings.partner_key_cache_seconds
    process.signing_secrets[key_id] = (found["partner_code"], found["secret"], expires)
    return found["partner_code"], found["secret"]


def verify(settings: GatewaySettings, process: ProcessState, key_id: str, secret: str) -> str | None:
    """The older scheme: the partner of a valid key whose secret (sent) matches its hash; None otherwise."""
    token = hashlib.sha256(f"{key_id}:{secret}".encode()).hexdigest()
    cached = process.verified_keys.get(token)
    if cached and cached[1] > time.monotonic():
        return cached[0]
    response = upstream.call(
        "POST",
        f"{settings.training_url}/api/v1/training/internal/partner-keys/verify",
        upstream.GATEWAY,
        json={"key_id": key_id, "secret": secret},
    )
    if response.status_code == 401:
        return None
    response.raise_for_status()
    partner_code = response.json()["partner_code"]
    process.verified_keys[token] = (partner_code, time.monotonic() + settings.partner_key_cache_seconds)
    return partner_code
