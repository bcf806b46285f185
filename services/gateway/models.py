"""Tables of the gateway (its own database): accounts and partner keys arrive with the gateway issue."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
