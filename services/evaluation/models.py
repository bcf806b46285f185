"""Tables of the evaluation service (its own database): participations, tasks, corrections,
batch evaluations, the employee read model, the outbox and processed events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UTCDateTime, utcnow
from shared.outbox import OutboxMixin
from shared.positions import ConsumerPositionMixin, ProcessedEventMixin
from shared.schedule import ScheduledJobMixin


class Base(DeclarativeBase):
    pass


class Outbox(OutboxMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class ConsumerPosition(ConsumerPositionMixin, Base):
    pass


class ScheduledJob(ScheduledJobMixin, Base):
    """The periodic jobs its worker runs itself (shared.schedule)."""


class EmployeeView(Base):
    """Read model of the needs service's employees (from EmployeeSynced): who supervises whom."""

    __tablename__ = "employees"
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    unit_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    supervisor_nip: Mapped[str | None] = mapped_column(String(18), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Participation(Base):
    """A completed training of one participant (from TrainingCompleted)."""

    __tablename__ = "participations"
    enrollment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), index=True)
    program_id: Mapped[str] = mapped_column(String(64), index=True)
    batch_id: Mapped[str] = mapped_column(String(64), index=True)
    program_title: Mapped[str] = mapped_column(String(300))
    form: Mapped[str | None] = mapped_column(String(40), nullable=True)  # decides the levels it is evaluated on
    partner_code: Mapped[str] = mapped_column(String(40))
    jp: Mapped[int] = mapped_column(Integer)
    competencies: Mapped[list] = mapped_column(JSON)  # [{"code", "target_level"}]
    completed_on: Mapped[dt.date] = mapped_column(Date)
    unit_code: Mapped[str | None] = mapped_column(String(60), nullable=True)


class Task(Base):
    """An evaluation task: reaction (participant), learning (partner or BKPSDM), behavior (supervisor)."""

    __tablename__ = "tasks"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    enrollment_id: Mapped[str] = mapped_column(ForeignKey("participations.enrollment_id"))
    nip: Mapped[str] = mapped_column(String(18))
    batch_id: Mapped[str] = mapped_column(String(64))
    assignee_nip: Mapped[str | None] = mapped_column(String(18), nullable=True)  # None: the partner or BKPSDM
    assignee_partner: Mapped[str | None] = mapped_column(String(40), nullable=True)  # learning: the program's partner
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)  # no known supervisor: assigned to BKPSDM
    opens_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, submitted, expired
    submission: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    submitted_by: Mapped[str | None] = mapped_column(String(60), nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # BKPSDM closed it unanswered: why
    closed_by: Mapped[str | None] = mapped_column(String(60), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    __table_args__ = (
        UniqueConstraint("enrollment_id", "kind", name="uq_task_enrollment_kind"),
        Index("ix_tasks_status_due", "status", "due_on"),
        Index("ix_tasks_due", "due_on", "id"),  # BKPSDM's list of every task, by due date
        Index("ix_tasks_assignee", "assignee_nip", "status"),
        Index("ix_tasks_assignee_partner", "assignee_partner", "status"),
        Index("ix_tasks_nip", "nip", "kind", "status"),  # a new supervisor takes over an ASN's open projects
        Index("ix_tasks_batch", "batch_id", "status"),  # is the batch's evaluation done?
    )


class TestScore(Base):
    """A participant's pre- or post-test score as the training service last recorded it (``LearningTestRecorded``)."""

    __tablename__ = "test_scores"
    enrollment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    test: Mapped[str] = mapped_column(String(4), primary_key=True)  # pre, post
    score: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Correction(Base):
    """An audited change of a submitted task by BKPSDM: who, when, why, before and after."""

    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), index=True)
    previous: Mapped[dict] = mapped_column(JSON)
    corrected: Mapped[dict] = mapped_column(JSON)
    corrected_by: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    corrected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BatchEvaluation(Base):
    """The effectiveness figures of a batch, once all its tasks are submitted or expired."""

    __tablename__ = "batch_evaluations"
    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    program_id: Mapped[str] = mapped_column(String(64), index=True)
    figures: Mapped[dict] = mapped_column(JSON)
    evaluated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
