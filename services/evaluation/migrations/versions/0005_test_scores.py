"""Pre- and post-test scores from the training service; the learning task given to the program's partner; a task
closed by BKPSDM with its reason

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "test_scores",
        sa.Column("enrollment_id", sa.String(64), primary_key=True),
        sa.Column("test", sa.String(4), primary_key=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.add_column("tasks", sa.Column("assignee_partner", sa.String(40), nullable=True))
    op.add_column("tasks", sa.Column("closed_reason", sa.Text(), nullable=True))
    op.add_column("tasks", sa.Column("closed_by", sa.String(60), nullable=True))
    op.create_index("ix_tasks_assignee_partner", "tasks", ["assignee_partner", "status"])
    op.execute(
        "UPDATE tasks SET assignee_partner = participations.partner_code FROM participations "
        "WHERE participations.enrollment_id = tasks.enrollment_id AND tasks.kind = 'learning'"
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_assignee_partner", table_name="tasks")
    op.drop_column("tasks", "closed_by")
    op.drop_column("tasks", "closed_reason")
    op.drop_column("tasks", "assignee_partner")
    op.drop_table("test_scores")
