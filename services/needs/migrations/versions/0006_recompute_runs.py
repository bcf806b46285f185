"""Recomputes too large for a request run in the worker, with their progress

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recompute_runs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("cause", sa.String(300), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=True),
        sa.Column("left_standard", sa.String(20), nullable=False),
        sa.Column("years", sa.JSON(), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "uq_recompute_running",
        "recompute_runs",
        ["status"],
        unique=True,
        postgresql_where=sa.text("status = 'running'"),
        sqlite_where=sa.text("status = 'running'"),
    )
    op.create_index("ix_recompute_runs_created", "recompute_runs", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_recompute_runs_created", table_name="recompute_runs")
    op.drop_index("uq_recompute_running", table_name="recompute_runs")
    op.drop_table("recompute_runs")
