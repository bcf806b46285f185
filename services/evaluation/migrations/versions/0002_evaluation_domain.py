"""evaluation domain

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
    op.create_table(
        "batch_evaluations",
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("evaluated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id"),
    )
    op.create_index(op.f("ix_batch_evaluations_program_id"), "batch_evaluations", ["program_id"], unique=False)
    op.create_table(
        "employees",
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit_code", sa.String(length=60), nullable=True),
        sa.Column("unit_name", sa.String(length=300), nullable=True),
        sa.Column("supervisor_nip", sa.String(length=18), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("nip"),
    )
    op.create_table(
        "participations",
        sa.Column("enrollment_id", sa.String(length=64), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("program_title", sa.String(length=300), nullable=False),
        sa.Column("partner_code", sa.String(length=40), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("unit_code", sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint("enrollment_id"),
    )
    op.create_index(op.f("ix_participations_batch_id"), "participations", ["batch_id"], unique=False)
    op.create_index(op.f("ix_participations_nip"), "participations", ["nip"], unique=False)
    op.create_index(op.f("ix_participations_program_id"), "participations", ["program_id"], unique=False)
    op.create_table(
        "tasks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("enrollment_id", sa.String(length=64), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("assignee_nip", sa.String(length=18), nullable=True),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("submission", sa.JSON(), nullable=True),
        sa.Column("submitted_by", sa.String(length=60), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["participations.enrollment_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("enrollment_id", "kind", name="uq_task_enrollment_kind"),
    )
    op.create_index("ix_tasks_assignee", "tasks", ["assignee_nip", "status"], unique=False)
    op.create_index("ix_tasks_status_due", "tasks", ["status", "due_on"], unique=False)
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=False),
        sa.Column("corrected", sa.JSON(), nullable=False),
        sa.Column("corrected_by", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("corrected_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_corrections_task_id"), "corrections", ["task_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_corrections_task_id"), table_name="corrections")
    op.drop_table("corrections")
    op.drop_index("ix_tasks_status_due", table_name="tasks")
    op.drop_index("ix_tasks_assignee", table_name="tasks")
    op.drop_table("tasks")
    op.drop_index(op.f("ix_participations_program_id"), table_name="participations")
    op.drop_index(op.f("ix_participations_nip"), table_name="participations")
    op.drop_index(op.f("ix_participations_batch_id"), table_name="participations")
    op.drop_table("participations")
    op.drop_table("employees")
    op.drop_index(op.f("ix_batch_evaluations_program_id"), table_name="batch_evaluations")
    op.drop_table("batch_evaluations")
