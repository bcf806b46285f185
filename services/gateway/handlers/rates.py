"""Rate limits counted in the database, so that every gateway instance shares them."""

from __future__ import annotations

from sqlalchemy import delete

from services.gateway.models import RateCounter
from shared.db import UnitOfWork, upsert_insert, without_waiting_for_disk


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
