"""A PPPK's contract start (TMT): their 24-JP cap counts per contract year when SIMPEG gives it

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("employees", sa.Column("contract_start", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("employees", "contract_start")
