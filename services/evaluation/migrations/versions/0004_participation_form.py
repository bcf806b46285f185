"""participations.form: the form of development, which decides the levels it is evaluated on

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
    with op.batch_alter_table("participations") as participations:
        participations.add_column(sa.Column("form", sa.String(length=40), nullable=True))  # older rows: all levels


def downgrade() -> None:
    with op.batch_alter_table("participations") as participations:
        participations.drop_column("form")
