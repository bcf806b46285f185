"""scheduled jobs: the periodic jobs the worker runs itself (expiring overdue tasks)

Revision ID: 0003
Revises: 0002
"""

from shared.migrations import create_scheduled_jobs_table, drop_scheduled_jobs_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_scheduled_jobs_table()


def downgrade() -> None:
    drop_scheduled_jobs_table()
