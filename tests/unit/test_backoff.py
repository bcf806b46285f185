"""The one back-off of every retry (SIMPEG history, mail, messages, the consumer's handlers)."""

from shared.backoff import retry_delay


def test_retries_back_off_and_are_capped():
    assert [retry_delay(n, 30) for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(20, 30) == 3600
    assert retry_delay(30, 30) == 3600
    assert retry_delay(4, 0.2, 1.0) == 1.0  # the consumer's cap
