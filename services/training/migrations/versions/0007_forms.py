"""Every form of development: a program's length in its form's unit (converted to JP), its coach or mentor

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
    op.add_column("programs", sa.Column("quantity", sa.Integer(), nullable=True))
    op.add_column("programs", sa.Column("coach_name", sa.String(200), nullable=True))
    op.add_column("programs", sa.Column("coach_nip", sa.String(18), nullable=True))


def downgrade() -> None:
    op.drop_column("programs", "coach_nip")
    op.drop_column("programs", "coach_name")
    op.drop_column("programs", "quantity")
