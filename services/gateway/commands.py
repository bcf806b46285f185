"""What the gateway's handlers are asked to do, typed where a request carries more than a few plain values: made by the
schemas (``post_load``) and by the web UI's forms alike. Pure data: no Flask, SQLAlchemy or Kafka."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class AccountChange:
    """BKPSDM's change of an account: its roles, its status (active or closed); ``None`` leaves it as it is."""

    roles: tuple[str, ...] | None = None
    status: str | None = None

    def fields(self) -> list[str]:
        """The fields it changes (for the audit log)."""
        return [name for name in ("roles", "status") if getattr(self, name) is not None]
