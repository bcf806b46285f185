"""an enrolment's completion revoked by a reopened batch: its next completion is told as a correction

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enrollments") as enrollments:
        enrollments.add_column(sa.Column("completion_revoked", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("enrollments") as enrollments:
        enrollments.drop_column("completion_revoked")
