"""A partner key's secret sealed at rest, for the gateway to check signatures without the partner sending the secret

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("partner_keys", sa.Column("secret_sealed", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("partner_keys", "secret_sealed")
