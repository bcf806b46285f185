"""The back-off of every retry in Bangkom: the first pause, doubled after each failure, up to a cap."""


def retry_delay(attempts: int, base_seconds: float, cap_seconds: float = 3600.0) -> float:
    """The pause after the ``attempts``-th failure: ``base_seconds``, then twice as long each time, at most the cap."""
    return min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1))
