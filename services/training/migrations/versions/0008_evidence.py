"""The report or product a participant handed in, which some forms of development ask for besides attendance

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("enrollments", sa.Column("evidence", sa.String(300), nullable=True))


def downgrade() -> None:
    op.drop_column("enrollments", "evidence")
