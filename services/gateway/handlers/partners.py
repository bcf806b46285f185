"""Partner institutions' signed requests: the key confirmed by the training service, the signature, the replay
window."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from sqlalchemy import bindparam, delete

from services.gateway import domain
from services.gateway.models import SeenRequest
from services.gateway.process import ProcessState
from shared.db import UnitOfWork, upsert_insert, utcnow, without_waiting_for_disk
from shared.errors import Unauthorized
from shared.identity import Identity

PURGE_EVERY_SECONDS = 60  # ids older than twice the replay window are deleted at most this often per process


@functools.cache
def _first_sight(dialect: str):
    """Record a partner's request id unless it was seen: answers the id when it was new. Built once per dialect, as
    Core (every signed request runs it)."""
    table = SeenRequest.__table__
    return (
        upsert_insert(dialect)(table)
        .values(partner_code=bindparam("partner"), request_id=bindparam("request"), seen_at=bindparam("at"))
        .on_conflict_do_nothing()
        .returning(table.c.request_id)
    )


def authenticate_partner(
    uow: UnitOfWork,
    headers,
    body: bytes,
    verify_key: Callable[[str, str], str | None],
    now: float,
    process: ProcessState,
) -> Identity:
    """A partner's signed request: key id and secret (verified against the stored hash by the training
    service), a fresh timestamp, an HMAC over id, timestamp and the raw body, and an id not seen
    within the replay window. Each failure says which check failed, never a secret. The request id is recorded in
    ``uow``, uncommitted: the caller commits it with the caller's rate counter (one transaction per request)."""
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
    if now - process.last_purge > PURGE_EVERY_SECONDS:  # not on every request: the delete scans and contends
        process.last_purge = now
        cutoff = dt.datetime.fromtimestamp(now - 2 * domain.REPLAY_WINDOW_SECONDS, dt.UTC)
        session.execute(delete(SeenRequest).where(SeenRequest.seen_at < cutoff))
    connection = session.connection()
    inserted = connection.execute(
        _first_sight(connection.dialect.name), {"partner": partner_code, "request": message_id, "at": utcnow()}
    ).first()
    if inserted is None:
        raise Unauthorized(f"Request id {message_id} was already used; every request needs a new id.", check="replay")
    return Identity(key_id, ("partner",), partner_code)
