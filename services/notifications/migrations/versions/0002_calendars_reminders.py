"""schedules, enrolments, tasks and JP of the year (read models); JP checkpoints; calendar feeds

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as people:
        people.add_column(sa.Column("unit_name", sa.String(length=300), nullable=True))
        people.add_column(sa.Column("jp_target", sa.Integer(), nullable=True))
    op.create_table(
        "batches",
        sa.Column("batch_id", sa.String(length=64), primary_key=True),
        sa.Column("program_id", sa.String(length=64), nullable=False, index=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("meetings", sa.JSON(), nullable=False),
    )
    op.create_table(
        "enrollments",
        sa.Column("enrollment_id", sa.String(length=64), primary_key=True),
        sa.Column("nip", sa.String(length=18), nullable=False, index=True),
        sa.Column("batch_id", sa.String(length=64), nullable=False, index=True),
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "tasks",
        sa.Column("task_id", sa.String(length=64), primary_key=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False, index=True),
        sa.Column("assignee_nip", sa.String(length=18), nullable=True, index=True),
        sa.Column("enrollment_id", sa.String(length=64), nullable=False, index=True),
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
    )
    op.create_index("ix_tasks_open_due", "tasks", ["status", "due_on"])
    op.create_table(
        "jp_years",
        sa.Column("nip", sa.String(length=18), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("total", sa.Integer(), nullable=False),
    )
    op.create_table(
        "jp_checkpoints",
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("checkpoint", sa.String(length=10), primary_key=True),
        sa.Column("written_at", UTCDateTime(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
    )
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("owner_kind", sa.String(length=10), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_by", sa.String(length=60), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_calendar_feeds_owner", "calendar_feeds", ["owner_kind", "owner"])


def downgrade() -> None:
    for table in ("calendar_feeds", "jp_checkpoints", "jp_years", "tasks", "enrollments", "batches"):
        op.drop_table(table)
    with op.batch_alter_table("people") as people:
        people.drop_column("jp_target")
        people.drop_column("unit_name")
