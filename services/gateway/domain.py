"""Pure rules of the gateway: no Flask, no SQLAlchemy, no Kafka."""

from __future__ import annotations

from collections.abc import Iterable

ROLES = ("admin", "supervisor", "employee", "ops")

# RFC 9110 §7.6.1 connection-specific headers, never forwarded by a proxy; plus what the gateway sets itself.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
     "upgrade", "host", "content-length"}
)  # fmt: skip
NEVER_FROM_CALLER = frozenset({"authorization", "x-bangkom-identity", "cookie"})


def forwardable(headers: Iterable[tuple[str, str]], drop: frozenset[str] = HOP_BY_HOP) -> list[tuple[str, str]]:
    """Headers to pass on: not hop-by-hop, not listed in Connection, not the caller's credentials."""
    headers = list(headers)
    named = {v.strip().lower() for k, v in headers if k.lower() == "connection" for v in v.split(",")}
    return [(k, v) for k, v in headers if k.lower() not in drop and k.lower() not in named]


def subject_of(username: str, nip: str | None) -> str:
    """The identity's subject: the NIP of an ASN (so services can match their records), else the user name."""
    return nip or username
