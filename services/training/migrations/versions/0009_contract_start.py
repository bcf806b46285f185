"""A PPPK's contract start (TMT), from EmployeeSynced: the year of their JP cap is their contract year

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("employees", sa.Column("contract_start", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("employees", "contract_start")
