"""Pure rules of the gateway: no Flask, no SQLAlchemy, no Kafka."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable

ROLES = ("admin", "supervisor", "employee", "ops")

# RFC 9110 §7.6.1 connection-specific headers, never forwarded by a proxy; plus what the gateway sets itself.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
NEVER_FROM_CALLER = frozenset({"authorization", "x-bangkom-identity", "cookie"})


def forwardable(headers: Iterable[tuple[str, str]], drop: frozenset[str] = HOP_BY_HOP) -> list[tuple[str, str]]:
    """Headers to pass on: not hop-by-hop, not listed in Connection, not the caller's credentials."""
    headers = list(headers)
    named = {v.strip().lower() for k, v in headers if k.lower() == "connection" for v in v.split(",")}
    return [(k, v) for k, v in headers if k.lower() not in drop and k.lower() not in named]


def subject_of(username: str, nip: str | None) -> str:
    """The identity's subject: the NIP of an ASN (so services can match their records), else the user name."""
    return nip or username


# --- partner signatures (Standard Webhooks style) -----------------------------------------------

REPLAY_WINDOW_SECONDS = 300


def signature(secret: str, message_id: str, timestamp: str, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>." + body)>``, as in the Standard Webhooks scheme."""
    digest = hmac.new(secret.encode(), f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_matches(header: str, expected: str) -> bool:
    """The header may carry several space-separated signatures (key rotation); one must match."""
    return any(hmac.compare_digest(candidate, expected) for candidate in header.split())


def timestamp_fresh(timestamp: str, now: float, window: int = REPLAY_WINDOW_SECONDS) -> bool:
    try:
        return abs(now - int(timestamp)) <= window
    except ValueError:
        return False


def partner_credentials(authorization: str | None) -> tuple[str, str] | None:
    """(key id, secret) from ``Authorization: Bangkom-Partner <key id>:<secret>``."""
    if not authorization or not authorization.startswith("Bangkom-Partner "):
        return None
    key_id, _, secret = authorization[len("Bangkom-Partner ") :].strip().partition(":")
    return (key_id, secret) if key_id and secret else None


# --- one OpenAPI document for all services ------------------------------------------------------


def merge_openapi(
    documents: dict[str, dict], title: str, version: str = "v1", security: list[dict] | None = None
) -> dict:
    """Merge the services' OpenAPI documents: paths as they are (each service owns its prefix);
    every component renamed ``<service>.<name>`` and every ``$ref`` rewritten to match. An operation that
    needs the gateway's identity header inside needs, outside, what the gateway takes instead: ``security``."""
    merged: dict = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": {},
        "tags": [],
        "components": {},
    }
    for service, document in sorted(documents.items()):
        renamed = _rename_refs(document, service)
        renamed.get("components", {}).pop("securitySchemes", None)  # the identity header is the gateway's own
        for item in renamed.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, dict) and operation.get("security") and security is not None:
                    operation["security"] = security
        merged["paths"].update(renamed.get("paths", {}))
        merged["tags"].extend(renamed.get("tags", []))
        for section, entries in renamed.get("components", {}).items():
            target = merged["components"].setdefault(section, {})
            for name, value in entries.items():
                target[f"{service}.{name}"] = value
    return merged


def _rename_refs(node, service: str):
    if isinstance(node, dict):
        return {
            key: (
                _renamed_ref(value, service)
                if key == "$ref" and isinstance(value, str)
                else _rename_refs(value, service)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rename_refs(item, service) for item in node]
    return node


def _renamed_ref(ref: str, service: str) -> str:
    if not ref.startswith("#/components/"):
        return ref
    _, _, section, name = ref.split("/", 3)
    return f"#/components/{section}/{service}.{name}"


def climbs_out(rest: str) -> bool:
    """A proxied path with a '.' or '..' segment (``%2e%2e`` arrives decoded) could leave ``/api/v1/<service>/``."""
    return any(segment in (".", "..") for segment in rest.replace("\\", "/").split("/"))


def route_family(service: str, rest: str) -> str:
    """A bounded metrics label for a proxied path: the service and its first segment (``/api/v1/needs/employees``)."""
    first = rest.split("/", 1)[0]
    return f"/api/v1/{service}/{first}" if first.replace("-", "").isalpha() else f"/api/v1/{service}/*"
