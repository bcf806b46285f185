"""the partner that runs each program: a partner reads only its own batches' calendars

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("programs") as programs:
        programs.add_column(sa.Column("partner_code", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("programs") as programs:
        programs.drop_column("partner_code")
