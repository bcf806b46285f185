"""Rate limits per caller, counted in the gateway's database (shared by its workers): for the proxy, the API
login and the web UI's login alike."""

from __future__ import annotations

import time

from flask import Response

from services.gateway import handlers
from shared.db import UnitOfWork
from shared.web import context, problem


class RateLimited(Exception):
    def __init__(self, limit: int, reset: int) -> None:
        super().__init__(f"{limit} per minute")
        self.limit, self.reset = limit, reset


def take_rate_limit(key: str, limit: int) -> dict[str, str]:
    """Count a request against a caller's limit in a transaction of its own; RateLimited past it. Returns the
    RateLimit headers."""
    with context().uow() as uow:
        uow.audited = False  # a counter, not a change
        return count_request(uow, key, limit)


def count_request(uow: UnitOfWork, key: str, limit: int) -> dict[str, str]:
    """Count a request against a caller's limit, committing ``uow`` (with whatever else it holds); RateLimited past
    it. Returns the RateLimit headers."""
    allowed, remaining, reset = handlers.take_rate(uow, key, limit, time.time())
    if not allowed:
        raise RateLimited(limit, reset)
    return {"RateLimit-Limit": str(limit), "RateLimit-Remaining": str(remaining), "RateLimit-Reset": str(reset)}


def too_many(error: RateLimited) -> Response:
    response = problem(
        429, f"Too many requests: at most {error.limit} a minute. Try again in {error.reset} s.", slug="rate-limited"
    )
    response.headers.update(
        {
            "Retry-After": str(error.reset),
            "RateLimit-Limit": str(error.limit),
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(error.reset),
        }
    )
    return response
