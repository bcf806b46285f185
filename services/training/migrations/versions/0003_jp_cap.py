"""the JP cap of each employee (PPPK) and the JP credited in the ledger, for the enrolment warning

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
    with op.batch_alter_table("employees") as batch:
        batch.add_column(sa.Column("jp_cap", sa.Integer(), nullable=True))
    op.create_table(
        "credited_jp",
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("nip", "year"),
    )


def downgrade() -> None:
    op.drop_table("credited_jp")
    with op.batch_alter_table("employees") as batch:
        batch.drop_column("jp_cap")
