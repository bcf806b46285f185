"""Long jobs with their progress: SIMPEG syncs and imports, recomputes too large for a request."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.needs.models.base import Base
from shared.db import UTCDateTime, utcnow


class SimpegSyncRun(Base):
    """One sync of employees from SIMPEG (or import of its export file): progress, then the report.

    A run that is queued or running is the lock: the partial unique index admits one at a time.
    """

    __tablename__ = "simpeg_sync_runs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    job: Mapped[str] = mapped_column(String(20), default="employees")  # the lock's name: one employee job at a time
    source: Mapped[str] = mapped_column(String(200))  # "simpeg" or "file:<name>"
    trigger: Mapped[str] = mapped_column(String(20))  # cli, api
    requested_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    unit_id: Mapped[str | None] = mapped_column(String(60), nullable=True)
    allow_mass_deactivation: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # a file queued through the API (web UI) waits here for the worker and is dropped when the run ends
    upload: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    deactivate_missing: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (
        Index(
            "uq_simpeg_sync_active",
            "job",
            unique=True,
            postgresql_where=text("status IN ('queued', 'running')"),
            sqlite_where=text("status IN ('queued', 'running')"),
        ),
        Index("ix_simpeg_sync_created", "created_at"),
    )


class RecomputeRun(Base):
    """A recompute too large for the request that caused it (a change concerning more than ``RECOMPUTE_INLINE_MAX``
    ASN), queued with the change and run by the worker in chunks, its progress here. One at a time (a partial unique
    index); a run silent for the lease is taken over (chunks are idempotent)."""

    __tablename__ = "recompute_runs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    cause: Mapped[str] = mapped_column(String(300))  # what changed, in words: "competency K-01 made inactive"
    competencies: Mapped[list | None] = mapped_column(JSON, nullable=True)  # the rows concerned; None: all
    left_standard: Mapped[str] = mapped_column(String(20), default="standard_removed")
    years: Mapped[list | None] = mapped_column(JSON, nullable=True)  # the plan years; None: this one and the open
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the request that caused it (logs)
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued, running, succeeded, failed
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)  # ASN to recompute, once counted
    done: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    __table_args__ = (
        Index(
            "uq_recompute_running",
            "status",
            unique=True,
            postgresql_where=text("status = 'running'"),
            sqlite_where=text("status = 'running'"),
        ),
        Index("ix_recompute_runs_created", "created_at"),
    )
