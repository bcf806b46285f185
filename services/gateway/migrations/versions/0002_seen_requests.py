"""seen requests

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
        "seen_requests",
        sa.Column("partner_code", sa.String(length=40), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("partner_code", "request_id"),
    )
    op.create_index(op.f("ix_seen_requests_seen_at"), "seen_requests", ["seen_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_seen_requests_seen_at"), table_name="seen_requests")
    op.drop_table("seen_requests")
