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
    op.alter_column("gaps", "current_level", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE gaps SET current_level = 1 WHERE current_level IS NULL")
    op.alter_column("gaps", "current_level", existing_type=sa.Integer(), nullable=False)
