"""A participant's pre-test score, taken before the training; the state of each need in the candidate pool

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("enrollments", sa.Column("pre_test_score", sa.Float(), nullable=True))
    op.add_column("open_needs", sa.Column("status", sa.String(20), nullable=False, server_default="open"))


def downgrade() -> None:
    op.drop_column("open_needs", "status")
    op.drop_column("enrollments", "pre_test_score")
