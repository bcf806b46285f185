"""A competency nobody assessed has no current level (assess first), not an assumed one

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gaps") as gaps:  # batch: SQLite (the demo) alters a column by copying the table
        gaps.alter_column("current_level", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE gaps SET current_level = 1 WHERE current_level IS NULL")
    with op.batch_alter_table("gaps") as gaps:
        gaps.alter_column("current_level", existing_type=sa.Integer(), nullable=False)
