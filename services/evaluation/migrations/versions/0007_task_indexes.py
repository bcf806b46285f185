"""task indexes: BKPSDM's list of every task by due date, an ASN's tasks (a new supervisor takes over their open
projects) and a batch's open tasks (is its evaluation done?) found by index, not by reading every task of every year

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tasks_due", "tasks", ["due_on", "id"])
    op.create_index("ix_tasks_nip", "tasks", ["nip", "kind", "status"])
    op.create_index("ix_tasks_batch", "tasks", ["batch_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_tasks_batch", table_name="tasks")
    op.drop_index("ix_tasks_nip", table_name="tasks")
    op.drop_index("ix_tasks_due", table_name="tasks")
