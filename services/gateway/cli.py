"""``bangkom gateway …``: accounts of the people who log in."""

from __future__ import annotations

import click

from services.gateway import handlers
from services.gateway.config import load_settings
from shared.service import ServiceContext


@click.group(help="The gateway: accounts of BKPSDM staff, supervisors, employees and operators.")
def gateway() -> None:
    pass


@gateway.command("create-account", help="Create a login; the password is asked for (or read from standard input).")
@click.argument("username")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="admin, supervisor, employee, ops, partner or opd (repeatable)",
)
@click.option("--partner", "partner_code", default=None, help="With --role partner: the partner institution's code")
@click.option("--unit", "unit_code", default=None, help="With --role opd: the OPD's unit code (its own unit only)")
@click.option(
    "--nip", default=None, help="The ASN's NIP: the subject services see (needed for supervisors and employees)"
)
@click.password_option()
def create_account(
    username: str,
    roles: tuple[str, ...],
    partner_code: str | None,
    unit_code: str | None,
    nip: str | None,
    password: str,
) -> None:
    with ServiceContext.create(load_settings()).uow() as uow:
        handlers.create_account(uow, username, password, roles, nip, partner_code=partner_code, unit_code=unit_code)
    click.echo(f"account {username} created with role(s) {', '.join(roles)}")
