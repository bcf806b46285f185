"""The caller's identity, as the gateway forwards it to the services.

The gateway authenticates people (JWT) and partners (signed requests), then sends the identity in
``X-Bangkom-Identity``: a JWT (HS256, PyJWT) signed with the shared ``INTERNAL_IDENTITY_SECRET``. A service trusts
nothing else: a missing, forged or stale header (issued more than ``max_age`` seconds ago) is refused, so calling a
service directly bypasses nothing.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import Any

import jwt

from shared.errors import Forbidden, Unauthorized

HEADER = "X-Bangkom-Identity"


@dataclasses.dataclass(frozen=True)
class Identity:
    subject: str  # a NIP, a staff user name, or the partner's key id
    roles: tuple[str, ...]  # admin, supervisor, employee, ops, partner, opd
    partner_code: str | None = None  # set for partner institutions
    issued_at: int = 0
    unit_code: str | None = None  # set for an OPD's user (role opd): the unit it is kept to
    address: str | None = None  # the client's network address as the gateway saw it (past trusted proxies): audit

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def actor(self) -> str:
        """Who this is in the audit trail: ``person:<subject>``, ``partner:<code>/<key id>``, or ``system:gateway``."""
        if self.partner_code and self.has_role("partner") and not self.has_role("admin"):
            return f"partner:{self.partner_code}/{self.subject}"
        return "system:gateway" if self.roles == ("gateway",) else f"person:{self.subject}"


ALGORITHM = "HS256"
CLOCK_SKEW_SECONDS = 30  # a gateway's clock may run this far ahead of a service's


def encode(identity: Identity, secret: str, now: float | None = None) -> str:
    claims = {
        "sub": identity.subject,
        "roles": list(identity.roles),
        "partner": identity.partner_code,
        "unit": identity.unit_code,
        "addr": identity.address,
        "iat": int(now if now is not None else time.time()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode(value: str | None, secret: str, max_age: int = 300, now: float | None = None) -> Identity:
    if not value:
        raise Unauthorized(f"No caller identity: call this service through the gateway ({HEADER} is missing).")
    try:
        claims = jwt.decode(
            value, secret, algorithms=[ALGORITHM], options={"require": ["sub", "iat"], "verify_iat": False}
        )
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"The caller identity ({HEADER}) is not valid: {exc}.") from None
    age = (now if now is not None else time.time()) - claims["iat"]
    if not -CLOCK_SKEW_SECONDS <= age <= max_age:
        raise Unauthorized(f"The caller identity ({HEADER}) has expired; send the request again.")
    return Identity(
        claims["sub"],
        tuple(claims.get("roles", ())),
        claims.get("partner"),
        claims["iat"],
        claims.get("unit"),
        claims.get("addr"),
    )


def own_unit(who: Identity, args: Mapping[str, Any]) -> dict[str, Any]:
    """A query kept to the caller's own unit when the caller is an OPD user (BKPSDM's and others' as asked): an OPD
    user who asks for another unit's ``unit_code`` is refused (403), one who names none gets its own."""
    if who.has_role("opd") and not who.has_role("admin"):
        if args.get("unit_code") not in (None, who.unit_code):
            raise Forbidden(
                f"You see your own unit ({who.unit_code}) only: leave unit_code out or give your own.",
                errors=[{"field": "unit_code", "message": "Another unit's."}],
            )
        return {**args, "unit_code": who.unit_code}
    return dict(args)
