"""Settings of the gateway, read from the environment (see docs/operations.md and docs/gateway.md)."""

from __future__ import annotations

import dataclasses

from shared.config import Settings


@dataclasses.dataclass(frozen=True, kw_only=True)
class GatewaySettings(Settings):
    jwt_secret: str = dataclasses.field(
        default="", repr=False
    )  # signs the access tokens of people; required to start the gateway
    access_token_minutes: int = 15
    refresh_token_days: int = 7
    needs_url: str = "http://127.0.0.1:8001"
    training_url: str = "http://127.0.0.1:8002"
    evaluation_url: str = "http://127.0.0.1:8003"
    upstream_connect_timeout: float = 2.0
    upstream_read_timeout: float = 30.0
    proxy_max_body_bytes: int = 20_971_520  # bodies passed on to the services (each service has its own limits)
    oidc_jwks_url: str = ""  # set to accept tokens of an external OpenID Connect provider (RS256/ES256)
    oidc_issuer: str = ""
    oidc_audience: str = ""
    oidc_roles_claim: str = "roles"
    oidc_subject_claim: str = "sub"  # e.g. "nip" when the provider carries the ASN's NIP in its own claim
    rate_limit_per_minute: int = 600  # requests per caller (person or partner) and minute
    login_rate_limit_per_minute: int = 10  # login attempts per user name and address, and minute

    def upstreams(self) -> dict[str, str]:
        return {"needs": self.needs_url, "training": self.training_url, "evaluation": self.evaluation_url}


def load_settings() -> GatewaySettings:
    return GatewaySettings.from_env("gateway")
