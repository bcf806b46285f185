"""Every change made through an API leaves an event, ``ChangeMade``: which operation, on which path, in which request,
and (as every event does) who made it. It is written by the first unit of work the request commits, in the
transaction of the change itself (the outbox), so a change is never without its record; a change request that
succeeded without writing anything (an idempotent repeat) is recorded as it ends; a refused one leaves none. The
audit service (services/audit) reads it from the topics with the domain's own events."""

from __future__ import annotations

import logging
from typing import Any

from flask import g
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from shared.db import UnitOfWork
from shared.events import new_event
from shared.logging import actor, request_id
from shared.service import ServiceContext

log = logging.getLogger(__name__)

CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Recording:
    """The ``ChangeMade`` of one request that may change something: written by its first unit of work that commits a
    write (``shared.db.before_commit``), in that transaction; or, when the request succeeded (2xx) having written
    nothing (asked to change what already was so: an idempotent repeat), in a transaction of its own as it ends — every
    accepted change request is on record, a refused one never."""

    def __init__(self, service: str, request: Any) -> None:
        self.service, self.method, self.path = service, request.method, request.path
        self.route = request.url_rule.rule if request.url_rule else request.path
        who = g.get("identity")  # a service: the address the gateway signed; the gateway: the client's own
        self.address = who.address if who is not None else (request.remote_addr if service == "gateway" else None)
        self.recorded = False
        self.settles = True  # False where the change is made (and recorded) by the services the request calls

    def __call__(self, uow: UnitOfWork, wrote: bool | None = None) -> None:
        if self.recorded or not (changed(uow) if wrote is None else wrote):
            return
        self.recorded = True
        data = {
            "request_id": request_id.get() or "",
            "method": self.method,
            "route": self.route,
            "path": self.path,
            "address": self.address,
        }
        uow.publish(new_event(f"bangkom.{self.service}.ChangeMade.v1", data))

    def settle(self, status: int, service: ServiceContext) -> None:
        """As the request ends: a successful change not yet on record is recorded now — but not the gateway's own
        lookups (a partner's key, asked for by POST: its identity alone), which change nothing by their nature. Should
        the database fail just then, the answer stands (the request changed nothing) and the miss is logged."""
        if self.recorded or not self.settles or not 200 <= status < 300 or service.outbox_model is None:
            return
        if actor.get() == "system:gateway":
            return
        try:
            with service.uow() as unit:
                self(unit, wrote=True)
                unit.commit()
        except SQLAlchemyError:
            log.exception("the record of a change that wrote nothing could not be written", extra={"route": self.route})


def recording(service: str, request: Any) -> Recording | None:
    """For a request that may change something (its method), its :class:`Recording` (kept for ``settle``, and set as
    ``shared.db.before_commit`` for the request); None for the others."""
    g.audit = Recording(service, request) if request.method in CHANGING else None
    return g.audit


def made_by_the_services() -> None:
    """The gateway, for a request it passes on (the API proxy, a page of the web UI): the services it calls record
    what they change, so its own ending records nothing (what it writes itself, accounts, is still recorded)."""
    if g.get("audit") is not None:
        g.audit.settles = False


def settle(status: int, service: ServiceContext) -> None:
    """As a request ends, with its status: see :meth:`Recording.settle`."""
    if g.get("audit") is not None:
        g.audit.settle(status, service)


def changed(uow: UnitOfWork) -> bool:
    """Whether the unit of work's transaction wrote anything: on PostgreSQL, whether it was given a transaction id
    (which happens at its first write, whichever way it was written); elsewhere (the demo's SQLite), assumed."""
    session = uow.session
    session.flush()
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.execute(text("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")).scalar())


def acting_as(actor_name: str) -> None:
    """Inside a request whose caller a service identifies itself (the gateway's own routes: sign-in, accounts): every
    event the request causes, its ``ChangeMade`` too, names them (``person:<user name>``); reset with the request."""
    g.context_tokens = g.get("context_tokens", ()) + (actor.set(actor_name),)
