"""Accounts: made by BKPSDM (or from the records), listed, their roles and status changed; passwords hashed with
argon2id."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence

from sqlalchemy import String, cast, func, select

from services.gateway import domain
from services.gateway.commands import AccountChange
from services.gateway.handlers import passwords
from services.gateway.handlers.sign_in import _revoke_tokens
from services.gateway.models import Account, MailMessage
from shared import hashing
from shared.db import UnitOfWork, utcnow
from shared.errors import Conflict, Invalid, NotFound

log = logging.getLogger(__name__)


def _check_roles(roles: Sequence[str], partner_code: str | None = None, unit_code: str | None = None) -> None:
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
    if "opd" in roles and not unit_code:
        raise Invalid(
            "An OPD user works on its own unit only: name the unit (unit_code).",
            errors=[{"field": "unit_code", "message": "Required with the role opd."}],
        )


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
    unit_code: str | None = None,
) -> Account:
    """An account made by hand (CLI or BKPSDM): active with a password, or pending until activated (no password:
    an activation e-mail is queued when there is an address; otherwise print a code). A partner institution's
    user has the role ``partner`` and its ``partner_code``; an OPD's user the role ``opd`` and its ``unit_code``."""
    _check_roles(roles, partner_code, unit_code)
    if password is not None:
        passwords.check_password(password)
    if uow.session.get(Account, username) is not None:
        raise Conflict(f"Account {username} already exists.", errors=[{"field": "username", "message": "Taken."}])
    if nip and uow.session.scalar(select(Account.username).where(Account.nip == nip)) is not None:
        raise Conflict(f"NIP {nip} already has an account.", errors=[{"field": "nip", "message": "Has an account."}])
    account = Account(
        username=username,
        password_hash=hashing.hash_secret(password) if password else None,
        roles=list(roles),
        nip=nip,
        status="active" if password else "pending",
        origin="manual",
        name=name,
        email=email,
        partner_code=partner_code,
        unit_code=unit_code,
        activated_at=utcnow() if password else None,
    )
    uow.session.add(account)
    if password is None and email:
        uow.session.add(
            MailMessage(id=f"create:{username}:{secrets.token_hex(8)}", username=username, purpose="activate")
        )
    uow.commit()
    return account


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


def change_account(uow: UnitOfWork, username: str, changes: AccountChange, by: str) -> Account:
    """Roles or status of an account. Closing revokes its tokens; nobody can take the last admin's role away."""
    session = uow.session
    account = session.get(Account, username, with_for_update=True)
    if account is None:
        raise NotFound(f"No account {username}.")
    if changes.roles is not None:
        _check_roles(changes.roles, account.partner_code, account.unit_code)
    losing_admin = "admin" in account.roles and (
        (changes.roles is not None and "admin" not in changes.roles) or changes.status == "closed"
    )
    if losing_admin:
        admins = [a for a in session.scalars(select(Account).where(Account.status == "active")) if "admin" in a.roles]
        if [a.username for a in admins] == [account.username]:
            raise Conflict(
                "This is the last active BKPSDM administrator; give another account the admin role first.",
                errors=[{"field": "roles", "message": "Last admin."}],
            )
    if changes.roles is not None:
        account.roles = list(dict.fromkeys(changes.roles))
    if changes.status is not None and changes.status != account.status:
        if changes.status == "closed":
            account.status = "closed"
            _revoke_tokens(session, account.username)
        else:  # reopened: active again if it had a password, else pending activation
            account.status = "active" if account.password_hash else "pending"
    if changes.fields():
        _revoke_tokens(session, account.username)  # new tokens carry the new roles
    log.info("account changed", extra={"username": username, "by": by, "fields": changes.fields()})
    uow.commit()
    return account
