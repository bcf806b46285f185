"""Rate limits counted in the database, so that every gateway instance shares them."""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, delete

from services.gateway.models import RateCounter
from shared.db import UnitOfWork, upsert_insert, without_waiting_for_disk


@functools.cache
def _counting(dialect: str):
    """Count one request of a key in a window (the row made or its count raised), answering the count: built once
    per dialect, as Core (every proxied request runs it)."""
    table = RateCounter.__table__
    return (
        upsert_insert(dialect)(table)
        .values(key=bindparam("counted_key"), window_start=bindparam("window"), count=1)
        .on_conflict_do_update(index_elements=["key", "window_start"], set_={"count": table.c.count + 1})
        .returning(table.c.count)
    )


def take_rate(uow: UnitOfWork, key: str, limit: int, now: float) -> tuple[bool, int, int]:
    """Count one request of ``key`` in the current minute: (allowed, remaining, seconds to the next window)."""
    window = int(now // 60)
    session = uow.session
    without_waiting_for_disk(session)  # the counter row is every request's: its lock is held until the commit
    connection = session.connection()
    count = connection.execute(_counting(connection.dialect.name), {"counted_key": key, "window": window}).scalar_one()
    if count == 1:  # first request of a window: forget older windows of this caller
        session.execute(delete(RateCounter).where(RateCounter.key == key, RateCounter.window_start < window))
    uow.commit()
    return count <= limit, max(0, limit - count), 60 - int(now % 60)
