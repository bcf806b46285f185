"""Tables of the gateway (its own database): people's accounts and their refresh tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, utcnow


class Base(DeclarativeBase):
    pass


class Account(Base):
    """A person who logs in: BKPSDM staff, a supervisor, an employee or an operator."""

    __tablename__ = "accounts"
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id
    roles: Mapped[list] = mapped_column(JSON)
    nip: Mapped[str | None] = mapped_column(String(18), nullable=True)  # the identity's subject when set
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RefreshToken(Base):
    """A refresh token, kept only as its SHA-256; used once (rotation); reuse revokes its whole family."""

    __tablename__ = "refresh_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    family: Mapped[str] = mapped_column(String(64), index=True)  # the chain issued from one login
    username: Mapped[str] = mapped_column(ForeignKey("accounts.username"), index=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SeenRequest(Base):
    """Partner request ids seen within the replay window: a second request with the same id is refused."""

    __tablename__ = "seen_requests"
    partner_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class RateCounter(Base):
    """Requests of one caller in one fixed window (a minute), shared by all gateway workers."""

    __tablename__ = "rate_counters"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer, primary_key=True)  # Unix minute
    count: Mapped[int] = mapped_column(Integer, default=0)
