"""Settings of the gateway, read from the environment (see docs/operations.md and docs/gateway.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from services.gateway import forwarded
from shared.config import ConfigError, Settings


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
    notifications_url: str = "http://127.0.0.1:8004"
    audit_url: str = "http://127.0.0.1:8005"
    upstream_connect_timeout: float = 2.0
    upstream_read_timeout: float = 30.0
    proxy_max_body_bytes: int = 20_971_520  # bodies passed on to the services (each service has its own limits)
    oidc_jwks_url: str = ""  # set to accept tokens of an external OpenID Connect provider (RS256/ES256)
    oidc_issuer: str = ""
    oidc_audience: str = ""
    oidc_roles_claim: str = "roles"
    oidc_subject_claim: str = "sub"  # e.g. "nip" when the provider carries the ASN's NIP in its own claim
    rate_limit_per_minute: int = 600  # requests per caller (person or partner) and minute
    # a partner key confirmed by the training service is trusted this long by each gateway process: a revoked key
    # stops working on every instance within it
    partner_key_cache_seconds: float = 10.0
    # the last day a partner may still send its secret in the Authorization header (the older scheme); after it only
    # the key id and the signature are accepted (docs/gateway.md, "Partner institutions")
    partner_older_scheme_until: str = "2027-03-31"
    login_rate_limit_per_minute: int = 10  # login attempts per user name and address, and minute
    # accounts of every ASN (docs/gateway.md, "Accounts"): activation by e-mail link or printed code
    activation_link_hours: int = 72  # an e-mailed activation or reset code is valid this long
    printed_code_days: int = 14  # a code printed by BKPSDM for an OPD is valid this long
    smtp_host: str = ""  # empty: no e-mail is sent (codes can still be printed)
    smtp_port: int = 587
    smtp_security: str = "starttls"  # starttls, ssl or none
    smtp_username: str = ""
    smtp_password: str = dataclasses.field(default="", repr=False)  # never printed or logged
    smtp_timeout_seconds: float = 10.0
    mail_from: str = ""  # empty: the instansi's sender (INSTANSI_FILE)
    mail_max_attempts: int = 8  # sends of one message before it is marked failed
    mail_retry_seconds: float = 30.0  # pause after the first failed send, doubled each time (max 1 h)
    mail_poll_seconds: float = 2.0  # how often the worker looks for messages to send
    # the reverse proxies in front of the gateway that set X-Forwarded-For/-Proto (the TLS-terminating ingress: 1);
    # 0: none, the forwarded headers are ignored
    proxy_hops: int = 0
    # the addresses or networks the nearest proxy connects from; the forwarded headers of anyone else are removed
    trusted_proxies: str = "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16"
    hsts_seconds: int = 31_536_000  # Strict-Transport-Security's max-age over HTTPS (0: not sent)

    def __post_init__(self) -> None:
        super().__post_init__()
        try:
            forwarded.networks(self.trusted_proxies)
        except ValueError as exc:
            raise ConfigError(f"The gateway cannot start: {exc}") from None
        try:
            dt.date.fromisoformat(self.partner_older_scheme_until)
        except ValueError:
            raise ConfigError(
                "The gateway cannot start: PARTNER_OLDER_SCHEME_UNTIL must be a date (YYYY-MM-DD)."
            ) from None
        if self.proxy_hops < 0:
            raise ConfigError("The gateway cannot start: PROXY_HOPS must be 0 or more.")

    def upstreams(self) -> dict[str, str]:
        return {
            "needs": self.needs_url,
            "training": self.training_url,
            "evaluation": self.evaluation_url,
            "notifications": self.notifications_url,
            "audit": self.audit_url,
        }


def load_settings() -> GatewaySettings:
    return GatewaySettings.from_env("gateway")
