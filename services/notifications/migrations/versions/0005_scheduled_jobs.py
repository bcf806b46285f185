"""scheduled jobs: the periodic jobs the worker runs itself (reminders and JP checkpoints)

Revision ID: 0005
Revises: 0004
"""

from shared.migrations import create_scheduled_jobs_table, drop_scheduled_jobs_table

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_scheduled_jobs_table()


def downgrade() -> None:
    drop_scheduled_jobs_table()
