"""Application use-cases of the gateway: accounts, login, token refresh, and the identity of a bearer token."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable, Sequence

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, update

from services.gateway import domain
from services.gateway.config import GatewaySettings
from services.gateway.models import Account, RateCounter, RefreshToken, SeenRequest
from shared.db import UnitOfWork, upsert_insert, utcnow
from shared.errors import Conflict, Invalid, Unauthorized
from shared.identity import Identity

log = logging.getLogger(__name__)
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
_DUMMY_HASH = _hasher.hash("bangkom-timing-equaliser")


def create_account(uow: UnitOfWork, username: str, password: str, roles: Sequence[str], nip: str | None) -> Account:
    unknown = sorted(set(roles) - set(domain.ROLES))
    if unknown or not roles:
        raise Invalid(
            f"Roles must be among {', '.join(domain.ROLES)}.", errors=[{"field": "roles", "message": "Unknown role."}]
        )
    if len(password) < 12:
        raise Invalid(
            "Use a password of at least 12 characters.", errors=[{"field": "password", "message": "Too short."}]
        )
    if uow.session.get(Account, username) is not None:
        raise Conflict(f"Account {username} already exists.")
    account = Account(username=username, password_hash=_hasher.hash(password), roles=list(roles), nip=nip, active=True)
    uow.session.add(account)
    uow.commit()
    return account


def login(uow: UnitOfWork, settings: GatewaySettings, username: str, password: str) -> dict:
    account = uow.session.get(Account, username)
    try:
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
        valid = account is not None and account.active
    except (VerificationError, InvalidHashError):
        valid = False
    if not valid:
        raise Unauthorized("Wrong user name or password.")
    return _issue(uow, settings, account)


def refresh(uow: UnitOfWork, settings: GatewaySettings, refresh_token: str) -> dict:
    """A new pair for a valid refresh token, which is then spent.

    A spent token presented again means it was copied: every token of its family (the chain issued
    from one login) is revoked, the thief's and the owner's alike, and the owner logs in again.
    """
    stored = uow.session.get(RefreshToken, _digest(refresh_token), with_for_update=True)
    if stored is not None and stored.used_at is not None:
        uow.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family == stored.family, RefreshToken.used_at.is_(None))
            .values(used_at=utcnow())
        )
        uow.commit()
        log.warning("refresh token reused: family of %s revoked", stored.username)
        raise Unauthorized("This refresh token was used before; every token issued from it is revoked. Log in again.")
    if stored is None or stored.expires_at < utcnow():
        raise Unauthorized("The refresh token is not valid; log in again.")
    stored.used_at = utcnow()
    account = uow.session.get(Account, stored.username)
    if account is None or not account.active:
        raise Unauthorized("The account is not active.")
    return _issue(uow, settings, account, family=stored.family)


def _issue(uow: UnitOfWork, settings: GatewaySettings, account: Account, family: str | None = None) -> dict:
    now = utcnow()
    claims = {
        "sub": domain.subject_of(account.username, account.nip),
        "name": account.username,
        "roles": list(account.roles),
        "iat": int(now.timestamp()),
        "exp": int((now + dt.timedelta(minutes=settings.access_token_minutes)).timestamp()),
    }
    access = jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
    refresh_token = secrets.token_urlsafe(32)
    uow.session.add(
        RefreshToken(
            token_hash=_digest(refresh_token),
            family=family or secrets.token_hex(16),
            username=account.username,
            expires_at=now + dt.timedelta(days=settings.refresh_token_days),
        )
    )
    uow.commit()
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": settings.access_token_minutes * 60,
        "refresh_token": refresh_token,
    }


_jwks_clients: dict[str, jwt.PyJWKClient] = {}


def identity_of_bearer(settings: GatewaySettings, authorization: str | None) -> Identity:
    """The identity in a valid ``Authorization: Bearer <JWT>``: Bangkom's own tokens (HS256), or, when
    OIDC_JWKS_URL is set, an external OpenID Connect provider's (checked against its published keys,
    issuer and audience). Unauthorized saying what is wrong otherwise."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("Log in first and send the access token as 'Authorization: Bearer <token>'.")
    token = authorization[7:].strip()
    try:
        if jwt.get_unverified_header(token).get("alg") == "HS256":
            claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
            return Identity(claims["sub"], tuple(claims.get("roles", ())))
        if not settings.oidc_jwks_url:
            raise Unauthorized("The access token is not valid.")
        client = _jwks_clients.setdefault(settings.oidc_jwks_url, jwt.PyJWKClient(settings.oidc_jwks_url, lifespan=300))
        claims = jwt.decode(
            token,
            client.get_signing_key_from_jwt(token).key,
            algorithms=["RS256", "ES256"],
            issuer=settings.oidc_issuer or None,
            audience=settings.oidc_audience or None,
            options={"require": ["exp", "iss"] if settings.oidc_issuer else ["exp"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The access token has expired; refresh it or log in again.") from None
    except (jwt.InvalidTokenError, jwt.PyJWKClientError):
        raise Unauthorized("The access token is not valid.") from None
    roles = claims.get(settings.oidc_roles_claim, [])
    roles = tuple(r for r in ([roles] if isinstance(roles, str) else roles) if r in domain.ROLES)
    subject = claims.get(settings.oidc_subject_claim) or claims.get("sub")
    if not subject:
        raise Unauthorized(f"The token names no subject ({settings.oidc_subject_claim}).")
    return Identity(str(subject), roles)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- partner institutions -----------------------------------------------------------------------


def authenticate_partner(
    uow: UnitOfWork, headers, body: bytes, verify_key: Callable[[str, str], str | None], now: float
) -> Identity:
    """A partner's signed request: key id and secret (verified against the stored hash by the training
    service), a fresh timestamp, an HMAC over id, timestamp and the raw body, and an id not seen
    within the replay window. Each failure says which check failed, never a secret."""
    credentials = domain.partner_credentials(headers.get("Authorization"))
    if credentials is None:
        raise Unauthorized("Send 'Authorization: Bangkom-Partner <key id>:<secret>'.", check="credentials")
    missing = [h for h in ("webhook-id", "webhook-timestamp", "webhook-signature") if not headers.get(h)]
    if missing:
        raise Unauthorized(f"Missing signature header(s): {', '.join(missing)}.", check="headers")
    message_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if not domain.timestamp_fresh(timestamp, now):
        raise Unauthorized("The timestamp is more than 5 minutes off; sign the request again now.", check="timestamp")
    key_id, secret = credentials
    partner_code = verify_key(key_id, secret)
    if partner_code is None:
        raise Unauthorized("Unknown or revoked key, or a wrong secret.", check="key")
    if not domain.signature_matches(
        headers["webhook-signature"], domain.signature(secret, message_id, timestamp, body)
    ):
        raise Unauthorized("The signature does not match the request body.", check="signature")
    session = uow.session
    cutoff = dt.datetime.fromtimestamp(now - 2 * domain.REPLAY_WINDOW_SECONDS, dt.UTC)
    session.execute(delete(SeenRequest).where(SeenRequest.seen_at < cutoff))
    inserted = session.execute(
        upsert_insert(session)(SeenRequest)
        .values(partner_code=partner_code, request_id=message_id, seen_at=utcnow())
        .on_conflict_do_nothing()
        .returning(SeenRequest.request_id)
    ).first()
    if inserted is None:
        raise Unauthorized(f"Request id {message_id} was already used; every request needs a new id.", check="replay")
    uow.commit()
    return Identity(key_id, ("partner",), partner_code)


# --- rate limits --------------------------------------------------------------------------------


def take_rate(uow: UnitOfWork, key: str, limit: int, now: float) -> tuple[bool, int, int]:
    """Count one request of ``key`` in the current minute: (allowed, remaining, seconds to the next window)."""
    window = int(now // 60)
    session = uow.session
    count = session.execute(
        upsert_insert(session)(RateCounter)
        .values(key=key, window_start=window, count=1)
        .on_conflict_do_update(index_elements=["key", "window_start"], set_={"count": RateCounter.count + 1})
        .returning(RateCounter.count)
    ).scalar_one()
    if count == 1:  # first request of a window: forget older windows of this caller
        session.execute(delete(RateCounter).where(RateCounter.key == key, RateCounter.window_start < window))
    uow.commit()
    return count <= limit, max(0, limit - count), 60 - int(now % 60)
