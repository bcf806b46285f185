"""Waiting in a test for what the system does in its own time (a worker, a broker, a browser)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(
    what: str, probe: Callable[[], T], timeout: float = 60.0, every: float = 0.3, why: Callable[[], str] = str
) -> T:
    """``probe()`` again every ``every`` seconds until it gives something truthy, which is returned; past ``timeout``
    the test fails naming ``what`` (and, after it, what ``why()`` tells: log tails, say)."""
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{why()}".rstrip())
        time.sleep(every)
    return value
