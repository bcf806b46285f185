"""attendance from every source: where each record came from, and a note; a batch closed early or reopened says why

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attendance") as batch:
        batch.add_column(sa.Column("source", sa.String(length=10), nullable=False, server_default="partner"))
        batch.add_column(sa.Column("note", sa.String(length=500), nullable=True))
    with op.batch_alter_table("batches") as batch:
        batch.add_column(sa.Column("close_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reopened_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("reopen_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("batches") as batch:
        for column in ("reopen_reason", "reopened_at", "close_reason"):
            batch.drop_column(column)
    with op.batch_alter_table("attendance") as batch:
        batch.drop_column("note")
        batch.drop_column("source")
