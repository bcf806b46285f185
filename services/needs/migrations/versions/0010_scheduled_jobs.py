"""scheduled jobs: the periodic jobs the needs worker runs itself (the nightly recompute)

Revision ID: 0010
Revises: 0009
"""

from shared.migrations import create_scheduled_jobs_table, drop_scheduled_jobs_table

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_scheduled_jobs_table()


def downgrade() -> None:
    drop_scheduled_jobs_table()
