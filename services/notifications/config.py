"""Settings of the notifications service, read from the environment (see docs/notifications.md)."""

from __future__ import annotations

import dataclasses

from shared.config import Settings


@dataclasses.dataclass(frozen=True, kw_only=True)
class NotificationSettings(Settings):
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_security: str = "none"  # none, starttls or ssl
    smtp_username: str = ""
    smtp_password: str = dataclasses.field(default="", repr=False)
    smtp_timeout_seconds: float = 10.0
    mail_from: str = ""  # empty: the instansi's sender (INSTANSI_FILE)
    mail_retry_seconds: float = 60.0  # the first retry; then doubling, at most an hour
    mail_max_attempts: int = 6  # then the message is failed for good (visible, can be sent again by BKPSDM)
    mail_poll_seconds: float = 2.0
    mail_lease_seconds: float = 60.0  # a claimed message waits this long before another worker may try it
    mail_stalled_seconds: float = 900.0  # the oldest queued message older than this: delivery has stalled
    reminder_days_before: int = 3  # an open evaluation is reminded of this many days before it is due
    reminder_poll_seconds: float = 300.0  # how often the worker looks for reminders and JP checkpoints to write
    bkpsdm_email: str = ""  # where BKPSDM's own JP digest goes (empty: none)


def load_settings() -> NotificationSettings:
    return NotificationSettings.from_env("notifications")
