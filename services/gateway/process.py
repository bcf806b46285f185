"""What one gateway process remembers between requests: never shared between processes, made by ``create_app``
(after gunicorn forks) and passed to the handlers that use it, so no handler keeps state of its own."""

from __future__ import annotations

from dataclasses import dataclass, field

import jwt


@dataclass
class ProcessState:
    # sha256(key id:secret) → (partner code, valid until, monotonic): keys the training service confirmed, kept for
    # PARTNER_KEY_CACHE_SECONDS, so a revoked key stops working on every gateway process within that time
    verified_keys: dict[str, tuple[str, float]] = field(default_factory=dict)
    # key id → (partner code, secret, valid until): the secrets partners sign with, from the training service, kept
    # for PARTNER_KEY_CACHE_SECONDS in this process's memory only (never written, never logged)
    signing_secrets: dict[str, tuple[str, str, float]] = field(default_factory=dict, repr=False)
    last_purge: float = 0.0  # when this process last deleted the replay window's old request ids
    jwks_clients: dict[str, jwt.PyJWKClient] = field(default_factory=dict)  # an OIDC provider's published keys

    def jwks_client(self, url: str) -> jwt.PyJWKClient:
        """The client of an OpenID Connect provider's key set, made once per process (it caches the keys 5 min)."""
        if url not in self.jwks_clients:
            self.jwks_clients[url] = jwt.PyJWKClient(url, lifespan=300)
        return self.jwks_clients[url]
