"""SIMPEG: training-history records owed to SIMPEG, sync runs

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('queued', 'running')"


def upgrade() -> None:
    op.create_table(
        "simpeg_history",
        sa.Column("enrollment_id", sa.String(length=64), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("simpeg_id", sa.String(length=100), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("enrollment_id"),
    )
    op.create_index("ix_simpeg_history_nip", "simpeg_history", ["nip"])
    op.create_index("ix_simpeg_history_due", "simpeg_history", ["status", "next_attempt_at"])
    op.create_table(
        "simpeg_sync_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("job", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=True),
        sa.Column("unit_id", sa.String(length=60), nullable=True),
        sa.Column("allow_mass_deactivation", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_simpeg_sync_active",
        "simpeg_sync_runs",
        ["job"],
        unique=True,
        postgresql_where=sa.text(ACTIVE),
        sqlite_where=sa.text(ACTIVE),
    )
    op.create_index("ix_simpeg_sync_created", "simpeg_sync_runs", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_simpeg_sync_created", table_name="simpeg_sync_runs")
    op.drop_index("uq_simpeg_sync_active", table_name="simpeg_sync_runs")
    op.drop_table("simpeg_sync_runs")
    op.drop_index("ix_simpeg_history_due", table_name="simpeg_history")
    op.drop_index("ix_simpeg_history_nip", table_name="simpeg_history")
    op.drop_table("simpeg_history")
