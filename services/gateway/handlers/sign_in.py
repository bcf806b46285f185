"""Signing in: a password checked, tokens issued and refreshed (a reused refresh token revokes its family), the
identity of a bearer token (ours or an OpenID Connect provider's)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

import jwt
from sqlalchemy import update

from services.gateway import domain
from services.gateway.config import GatewaySettings
from services.gateway.handlers import passwords
from services.gateway.models import Account, RefreshToken
from services.gateway.process import ProcessState
from shared import hashing
from shared.db import UnitOfWork, utcnow
from shared.errors import Unauthorized
from shared.identity import Identity

log = logging.getLogger(__name__)


def _account_as_typed(session, username: str) -> Account | None:
    """The account a person means by what they typed at sign-in, activation or reset (a NIP with spaces too)."""
    return session.get(Account, domain.username_as_typed(username))


def login(uow: UnitOfWork, settings: GatewaySettings, username: str, password: str) -> dict:
    account = _account_as_typed(uow.session, username)
    known = account.password_hash if account and account.password_hash else passwords.DUMMY_HASH
    valid = hashing.verify_secret(password, known) and account is not None and account.status == "active"
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
    if account is None or account.status != "active":
        raise Unauthorized("The account is not active.")
    return _issue(uow, settings, account, family=stored.family)


def _issue(uow: UnitOfWork, settings: GatewaySettings, account: Account, family: str | None = None) -> dict:
    now = utcnow()
    claims = {
        "sub": domain.subject_of(account.username, account.nip),
        "name": account.username,
        "roles": list(account.roles),
        **({"partner": account.partner_code} if account.partner_code else {}),
        **({"unit": account.unit_code} if "opd" in account.roles and account.unit_code else {}),
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


def identity_of_bearer(settings: GatewaySettings, authorization: str | None, process: ProcessState) -> Identity:
    """The identity in a valid ``Authorization: Bearer <JWT>``: Bangkom's own tokens (HS256), or, when
    OIDC_JWKS_URL is set, an external OpenID Connect provider's (checked against its published keys,
    issuer and audience). Unauthorized saying what is wrong otherwise."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("Log in first and send the access token as 'Authorization: Bearer <token>'.")
    token = authorization[7:].strip()
    try:
        if jwt.get_unverified_header(token).get("alg") == "HS256":
            claims = jwt.decode(token, settings.jwt_secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
            return Identity(
                claims["sub"], tuple(claims.get("roles", ())), claims.get("partner"), unit_code=claims.get("unit")
            )
        if not settings.oidc_jwks_url:
            raise Unauthorized("The access token is not valid.")
        client = process.jwks_client(settings.oidc_jwks_url)
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


def _revoke_tokens(session, username: str) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.username == username, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
