"""Settings of the notifications service, read from the environment (see docs/notifications.md)."""

from __future__ import annotations

import dataclasses

from shared.config import Settings


@dataclasses.dataclass(frozen=True, kw_only=True)
class NotificationSettings(Settings):
    public_url: str = "http://127.0.0.1:8000"  # where people open Bangkom: the links in messages
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_security: str = "none"  # none, starttls or ssl
    smtp_username: str = ""
    smtp_password: str = dataclasses.field(default="", repr=False)
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "Bangkom BKPSDM Lhokseumawe <bangkom@lhokseumawekota.go.id>"
    mail_retry_seconds: float = 60.0  # the first retry; then doubling, at most an hour
    mail_max_attempts: int = 6  # then the message is failed for good (visible, can be sent again by BKPSDM)
    mail_poll_seconds: float = 2.0
    mail_lease_seconds: float = 60.0  # a claimed message waits this long before another worker may try it
    mail_stalled_seconds: float = 900.0  # the oldest queued message older than this: delivery has stalled


def load_settings() -> NotificationSettings:
    return NotificationSettings.from_env("notifications")
