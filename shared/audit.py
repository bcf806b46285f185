"""Every change made through an API leaves an event, ``ChangeMade``: which operation, on which path, in which request,
and (as every event does) who made it. It is written by the first unit of work the request commits, in the
transaction of the change itself (the outbox): a request that changed nothing (refused, or only read) leaves none, and
a change is never without its record (a transaction that wrote nothing is no change). The audit store reads it from the topics with the domain's own events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g
from sqlalchemy import text

from shared.db import UnitOfWork
from shared.events import new_event
from shared.logging import actor, request_id

CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def recording(service: str, request: Any) -> Callable[[UnitOfWork], None] | None:
    """For a request that may change something (its method), what its first committing unit of work calls (set as
    ``shared.db.before_commit`` for the request); None for the others."""
    if request.method not in CHANGING:
        return None
    route = request.url_rule.rule if request.url_rule else request.path
    recorded = False

    def record(uow: UnitOfWork) -> None:
        nonlocal recorded
        if recorded or not changed(uow):
            return
        recorded = True
        data = {"request_id": request_id.get() or "", "method": request.method, "route": route, "path": request.path}
        uow.publish(new_event(f"bangkom.{service}.ChangeMade.v1", data))

    return record


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
