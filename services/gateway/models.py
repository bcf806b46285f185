"""Tables of the gateway (its own database): people's accounts, their refresh tokens and activation codes,
the mail it owes them, and the outbox and processed events of its worker."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, utcnow
from shared.due import DueWorkMixin
from shared.outbox import OutboxMixin
from shared.positions import ConsumerPositionMixin, ProcessedEventMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class ConsumerPosition(ConsumerPositionMixin, Base):
    pass


class Account(Base):
    """A person who logs in: BKPSDM staff, a supervisor, an employee or an operator.

    ``pending`` until the first sign-in sets the password (an activation code), ``active``, or ``closed``
    (the ASN retired or left SIMPEG, or BKPSDM closed it). Employees' accounts follow EmployeeSynced.
    """

    __tablename__ = "accounts"
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)  # argon2id; none until activated
    roles: Mapped[list] = mapped_column(JSON)
    nip: Mapped[str | None] = mapped_column(String(18), nullable=True, index=True)  # the identity's subject when set
    status: Mapped[str] = mapped_column(String(10), default="active")  # pending, active, closed
    origin: Mapped[str] = mapped_column(String(10), default="manual")  # manual, or employee (from the records)
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    unit_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # a partner user (role partner) works on this partner institution's batches only
    partner_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    activated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ActivationCode(Base):
    """A one-time code that sets a password (activation or reset); kept only as its SHA-256."""

    __tablename__ = "activation_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("accounts.username"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))  # activate, reset
    channel: Mapped[str] = mapped_column(String(10))  # email, printed
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MailMessage(DueWorkMixin, Base):
    """A message owed to a person (an activation or reset link). Holds no secret: the code is made when it is sent."""

    __tablename__ = "mail_messages"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)  # the event id or request that caused it
    username: Mapped[str] = mapped_column(ForeignKey("accounts.username"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))  # activate, reset
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, sent, failed
    __table_args__ = (Index("ix_mail_messages_due", "status", "next_attempt_at"),)


class KnownSupervisor(Base):
    """An NIP some employee record names as supervisor: its account gets the supervisor role, now or when made."""

    __tablename__ = "known_supervisors"
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)


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
