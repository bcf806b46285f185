"""Partner institutions' signed requests: the key confirmed by the training service, the signature, the replay
window."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Callable

from sqlalchemy import bindparam, delete

from services.gateway import domain
from services.gateway.models import SeenRequest
from services.gateway.process import ProcessState
from shared.db import UnitOfWork, upsert_insert, utcnow, without_waiting_for_disk
from shared.errors import Unauthorized
from shared.identity import Identity

log = logging.getLogger(__name__)

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


@dataclasses.dataclass(frozen=True)
class PartnerKeys:
    """What the gateway learns of partner keys from the training service (each answer cached by the process)."""

    signing_secret: Callable[[str], tuple[str, str] | None]  # key id → (partner code, secret); None: unknown, revoked
    verify: Callable[[str, str], str | None]  # the older scheme: key id and the secret sent → partner code, or None
    secret_in_header_until: dt.date  # the last day the older scheme is accepted


def authenticate_partner(
    uow: UnitOfWork, headers, body: bytes, keys: PartnerKeys, now: float, process: ProcessState
) -> Identity:
    """A partner's signed request: its key id, a fresh timestamp, an HMAC over id, timestamp and the raw body made with
    the key's secret (which the gateway has from the training service: the partner never sends it), and an id not
    seen within the replay window. Until ``keys.secret_in_header_until`` the older scheme, the secret sent beside the
    key id and checked against its hash, is accepted too (and logged by key id). Each failure says which check failed,
    never a secret. The request id is recorded in ``uow``, uncommitted: the caller commits it with the caller's rate
    counter (one transaction per request)."""
    credentials = domain.partner_credentials(headers.get("Authorization"))
    if credentials is None:
        raise Unauthorized(
            "Send 'Authorization: Bangkom-Partner <key id>' and the signature headers.", check="credentials"
        )
    missing = [h for h in ("webhook-id", "webhook-timestamp", "webhook-signature") if not headers.get(h)]
    if missing:
        raise Unauthorized(f"Missing signature header(s): {', '.join(missing)}.", check="headers")
    message_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if not domain.timestamp_fresh(timestamp, now):
        raise Unauthorized("The timestamp is more than 5 minutes off; sign the request again now.", check="timestamp")
    key_id, sent = credentials
    partner_code, secret = _partner_and_secret(keys, key_id, sent, now)
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


def _partner_and_secret(keys: PartnerKeys, key_id: str, sent: str | None, now: float) -> tuple[str | None, str]:
    """The key's partner (None: unknown, revoked, a wrong secret) and the secret to check the signature with."""
    if sent is None:
        found = keys.signing_secret(key_id)
        return found if found is not None else (None, "")
    if dt.datetime.fromtimestamp(now, dt.UTC).date() > keys.secret_in_header_until:
        raise Unauthorized(
            "The secret is no longer accepted in the Authorization header (since "
            f"{keys.secret_in_header_until + dt.timedelta(days=1)}): send 'Authorization: Bangkom-Partner <key id>' "
            "and sign the request with the secret.",
            check="credentials",
        )
    log.warning("a partner sent its secret (accepted until %s)", keys.secret_in_header_until, extra={"key_id": key_id})
    return keys.verify(key_id, sent), sent
