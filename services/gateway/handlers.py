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
from sqlalchemy import String, cast, delete, func, select, update

from services.gateway import domain
from services.gateway.config import GatewaySettings
from services.gateway.models import (
    Account,
    ActivationCode,
    KnownSupervisor,
    MailMessage,
    RateCounter,
    RefreshToken,
    SeenRequest,
)
from shared.consumer import Handler, bind
from shared.db import UnitOfWork, upsert_insert, utcnow, without_waiting_for_disk
from shared.errors import Conflict, Invalid, NotFound, Unauthorized
from shared.events import Event
from shared.identity import Identity

log = logging.getLogger(__name__)
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
_DUMMY_HASH = _hasher.hash("bangkom-timing-equaliser")


def _check_roles(roles: Sequence[str], partner_code: str | None = None) -> None:
    unknown = sorted(set(roles) - set(domain.ROLES))
    if unknown or not roles:
        raise Invalid(
            f"Roles must be among {', '.join(domain.ROLES)}.", errors=[{"field": "roles", "message": "Unknown role."}]
        )
    if ("partner" in roles) != bool(partner_code) or ("partner" in roles and len(set(roles)) > 1):
        raise Invalid(
            "A partner user has the role partner alone and names its partner institution (partner_code); "
            "other accounts name none.",
            errors=[{"field": "partner_code", "message": "Only with the role partner, and then required."}],
        )


def _check_password(password: str) -> None:
    if problem := domain.password_problem(password):
        raise Invalid(problem, errors=[{"field": "password", "message": "Too short."}])


def create_account(
    uow: UnitOfWork,
    username: str,
    password: str | None,
    roles: Sequence[str],
    nip: str | None,
    *,
    name: str | None = None,
    email: str | None = None,
    partner_code: str | None = None,
) -> Account:
    """An account made by hand (CLI or BKPSDM): active with a password, or pending until activated (no password:
    an activation e-mail is queued when there is an address; otherwise print a code). A partner institution's
    user has the role ``partner`` and its ``partner_code``."""
    _check_roles(roles, partner_code)
    if password is not None:
        _check_password(password)
    if uow.session.get(Account, username) is not None:
        raise Conflict(f"Account {username} already exists.", errors=[{"field": "username", "message": "Taken."}])
    if nip and uow.session.scalar(select(Account.username).where(Account.nip == nip)) is not None:
        raise Conflict(f"NIP {nip} already has an account.", errors=[{"field": "nip", "message": "Has an account."}])
    account = Account(
        username=username,
        password_hash=_hasher.hash(password) if password else None,
        roles=list(roles),
        nip=nip,
        status="active" if password else "pending",
        origin="manual",
        name=name,
        email=email,
        partner_code=partner_code,
        activated_at=utcnow() if password else None,
    )
    uow.session.add(account)
    if password is None and email:
        uow.session.add(
            MailMessage(id=f"create:{username}:{secrets.token_hex(8)}", username=username, purpose="activate")
        )
    uow.commit()
    return account


# --- accounts following the employee records ------------------------------------------------------


def on_employee_synced(event: Event, uow: UnitOfWork, settings: GatewaySettings) -> None:
    """An ASN in the records has an account (user name: the NIP) to activate; one who left has it closed.

    The employee's name, e-mail and OPD follow the record; a supervisor named by any record gets the
    supervisor role (now, or when their account is made). An activation e-mail is owed once per account.
    """
    data = event.load_data()
    session = uow.session
    if data["supervisor_nip"]:
        _grant_supervisor(session, data["supervisor_nip"])
    account = session.scalar(select(Account).where(Account.nip == data["nip"])) or session.get(Account, data["nip"])
    if not data["active"]:
        if account is not None and account.status != "closed":
            account.status = "closed"
            _revoke_tokens(session, account.username)
        return
    if account is None:
        supervisor = session.get(KnownSupervisor, data["nip"]) is not None
        account = Account(
            username=data["nip"],
            nip=data["nip"],
            roles=domain.roles_of_employee(supervisor),
            status="pending",
            origin="employee",
        )
        session.add(account)
    elif account.status == "closed" and account.origin == "employee":  # back in the records
        account.status = "active" if account.password_hash else "pending"
    account.name, account.unit_code, account.unit_name = data["name"], data["unit_code"], data["unit_name"]
    if data.get("email"):
        account.email = data["email"]
    if account.status == "pending" and account.email and not _mail_owed(session, account.username, "activate"):
        session.flush()
        session.add(MailMessage(id=f"event:{event.id}", username=account.username, purpose="activate"))


def _grant_supervisor(session, nip: str) -> None:
    if session.get(KnownSupervisor, nip) is None:
        session.add(KnownSupervisor(nip=nip))
    account = session.scalar(select(Account).where(Account.nip == nip))
    if account is not None and "supervisor" not in account.roles:
        account.roles = [*account.roles, "supervisor"]


def _mail_owed(session, username: str, purpose: str) -> bool:
    return (
        session.scalar(
            select(MailMessage.id).where(MailMessage.username == username, MailMessage.purpose == purpose).limit(1)
        )
        is not None
    )


def _revoke_tokens(session, username: str) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.username == username, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    )


EVENT_HANDLERS = {"EmployeeSynced": on_employee_synced}
TOPICS = ["bangkom.needs.v1"]


def event_handlers(settings: GatewaySettings) -> dict[str, Handler]:
    return bind(EVENT_HANDLERS, settings)


# --- activation and reset -----------------------------------------------------------------------


def issue_code(session, account: Account, purpose: str, channel: str, valid_for: dt.timedelta) -> str:
    """A new one-time code for the account; only its digest is stored."""
    code = domain.new_code()
    session.add(
        ActivationCode(
            code_hash=domain.code_digest(code),
            username=account.username,
            purpose=purpose,
            channel=channel,
            expires_at=utcnow() + valid_for,
        )
    )
    return code


def printed_codes(uow: UnitOfWork, settings: GatewaySettings, unit_code: str, include_unsent: bool = True) -> list:
    """Activation codes for every pending account of an OPD, for BKPSDM to print and hand out; shown this once."""
    session = uow.session
    accounts = list(
        session.scalars(
            select(Account)
            .where(Account.unit_code == unit_code, Account.status == "pending")
            .order_by(Account.name, Account.username)
        )
    )
    valid_for = dt.timedelta(days=settings.printed_code_days)
    sheet = [
        {
            "username": a.username,
            "name": a.name,
            "unit_name": a.unit_name,
            "code": issue_code(session, a, "activate", "printed", valid_for),
            "expires_at": utcnow() + valid_for,
        }
        for a in accounts
    ]
    uow.commit()
    log.info("printed activation codes issued", extra={"unit_code": unit_code, "count": len(sheet)})
    return sheet


def request_reset(uow: UnitOfWork, username: str) -> None:
    """Queue a reset e-mail when the account exists, is not closed and has an address; the caller learns nothing."""
    account = _account_as_typed(uow.session, username)
    if account is None or account.status == "closed" or not account.email:
        return
    uow.session.add(
        MailMessage(id=f"reset:{account.username}:{secrets.token_hex(8)}", username=account.username, purpose="reset")
    )
    uow.commit()


def set_password(uow: UnitOfWork, settings: GatewaySettings, username: str, code: str, password: str) -> dict:
    """Activation or reset: a valid, unused, unexpired code of that account sets the password; every other open
    code of the account is spent with it, and the person is signed in."""
    _check_password(password)
    session = uow.session
    stored = session.get(ActivationCode, domain.code_digest(code), with_for_update=True)
    account = _account_as_typed(session, username)
    if (
        stored is None
        or account is None
        or stored.username != account.username
        or stored.used_at is not None
        or stored.expires_at < utcnow()
        or account.status == "closed"
    ):
        raise Unauthorized("The code is not valid: it is wrong, used or expired. Ask BKPSDM or request a new link.")
    session.execute(
        update(ActivationCode)
        .where(ActivationCode.username == account.username, ActivationCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    _revoke_tokens(session, account.username)
    account.password_hash = _hasher.hash(password)
    if account.status == "pending":
        account.status, account.activated_at = "active", utcnow()
    return _issue(uow, settings, account)


# --- BKPSDM manages accounts ----------------------------------------------------------------------


def accounts(session, filters: dict, page_no: int, page_size: int) -> tuple[list[Account], int]:
    query = select(Account).order_by(Account.unit_code, Account.name, Account.username)
    if filters.get("status"):
        query = query.where(Account.status == filters["status"])
    if filters.get("unit_code"):
        query = query.where(Account.unit_code == filters["unit_code"])
    if filters.get("partner_code"):
        query = query.where(Account.partner_code == filters["partner_code"])
    if filters.get("q"):
        like = f"%{filters['q'].lower()}%"
        query = query.where(func.lower(Account.name).like(like) | Account.username.like(like))
    if filters.get("role"):  # roles is a JSON list; its text holds the role in quotes on every database
        query = query.where(cast(Account.roles, String).like(f'%"{filters["role"]}"%'))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars(query.limit(page_size).offset((page_no - 1) * page_size)).all()
    return list(rows), total


def change_account(uow: UnitOfWork, username: str, changes: dict, by: str) -> Account:
    """Roles or status of an account. Closing revokes its tokens; nobody can take the last admin's role away."""
    session = uow.session
    account = session.get(Account, username, with_for_update=True)
    if account is None:
        raise NotFound(f"No account {username}.")
    if "roles" in changes:
        _check_roles(changes["roles"], account.partner_code)
    losing_admin = "admin" in account.roles and (
        ("roles" in changes and "admin" not in changes["roles"]) or changes.get("status") == "closed"
    )
    if losing_admin:
        admins = [a for a in session.scalars(select(Account).where(Account.status == "active")) if "admin" in a.roles]
        if [a.username for a in admins] == [account.username]:
            raise Conflict(
                "This is the last active BKPSDM administrator; give another account the admin role first.",
                errors=[{"field": "roles", "message": "Last admin."}],
            )
    if "roles" in changes:
        account.roles = list(dict.fromkeys(changes["roles"]))
    if "status" in changes and changes["status"] != account.status:
        if changes["status"] == "closed":
            account.status = "closed"
            _revoke_tokens(session, account.username)
        else:  # reopened: active again if it had a password, else pending activation
            account.status = "active" if account.password_hash else "pending"
    if "roles" in changes or "status" in changes:
        _revoke_tokens(session, account.username)  # new tokens carry the new roles
    log.info("account changed", extra={"username": username, "by": by, "fields": sorted(changes)})
    uow.commit()
    return account


def _account_as_typed(session, username: str) -> Account | None:
    """The account a person means by what they typed at sign-in, activation or reset (a NIP with spaces too)."""
    return session.get(Account, domain.username_as_typed(username))


def login(uow: UnitOfWork, settings: GatewaySettings, username: str, password: str) -> dict:
    account = _account_as_typed(uow.session, username)
    try:
        _hasher.verify(account.password_hash if account and account.password_hash else _DUMMY_HASH, password)
        valid = account is not None and account.status == "active"
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
            return Identity(claims["sub"], tuple(claims.get("roles", ())), claims.get("partner"))
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


PURGE_EVERY_SECONDS = 60  # ids older than twice the replay window are deleted at most this often per process
_last_purge = 0.0


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
    without_waiting_for_disk(session)  # a crash forgets at most the last instant's ids; the services dedupe too
    global _last_purge
    if now - _last_purge > PURGE_EVERY_SECONDS:  # not on every request: the delete scans and contends
        _last_purge = now
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
    without_waiting_for_disk(session)  # the counter row is every request's: its lock is held until the commit
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
