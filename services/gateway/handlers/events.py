"""Accounts follow the employee records (``EmployeeSynced``): made, kept up to date, closed; an activation message
owed once."""

from __future__ import annotations

from sqlalchemy import select

from services.gateway import domain
from services.gateway.config import GatewaySettings
from services.gateway.handlers.sign_in import _revoke_tokens
from services.gateway.models import Account, KnownSupervisor, MailMessage
from shared.consumer import Handler, bind
from shared.db import UnitOfWork
from shared.events import Event


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


EVENT_HANDLERS = {"EmployeeSynced": on_employee_synced}
TOPICS = ["bangkom.needs.v1"]


def event_handlers(settings: GatewaySettings) -> dict[str, Handler]:
    return bind(EVENT_HANDLERS, settings)
