"""Activation and reset: one-time codes, by e-mail or on a sheet BKPSDM prints, that set a password."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from sqlalchemy import select, update

from services.gateway import domain
from services.gateway.config import GatewaySettings
from services.gateway.handlers import passwords
from services.gateway.handlers.sign_in import _account_as_typed, _issue, _revoke_tokens
from services.gateway.models import Account, ActivationCode, MailMessage
from shared import hashing
from shared.db import UnitOfWork, utcnow
from shared.errors import Unauthorized

log = logging.getLogger(__name__)


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
    passwords.check_password(password)
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
    account.password_hash = hashing.hash_secret(password)
    if account.status == "pending":
        account.status, account.activated_at = "active", utcnow()
    return _issue(uow, settings, account)
