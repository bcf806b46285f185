"""The AKPK's plan: every form's length (converted to JP), the SBU cost table, the approved plan's versions

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("external_development", sa.Column("quantity", sa.Integer(), nullable=True))
    op.add_column("proposals", sa.Column("quantity", sa.Integer(), nullable=True))
    op.add_column("proposals", sa.Column("month", sa.Integer(), nullable=True))
    op.create_table(
        "standard_costs",
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("form", sa.String(40), primary_key=True),
        sa.Column("basis", sa.String(12), nullable=False),
        sa.Column("rupiah", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "plan_versions",
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(100), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sbu_missing", sa.JSON(), nullable=False),
    )
    op.create_table(
        "plan_lines",
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("proposal_id", sa.String(36), primary_key=True),
        sa.Column("nip", sa.String(18), nullable=False),
        sa.Column("unit_code", sa.String(60), nullable=True),
        sa.Column("competency_code", sa.String(40), nullable=False),
        sa.Column("form", sa.String(40), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["year", "number"], ["plan_versions.year", "plan_versions.number"]),
    )
    op.create_index("ix_plan_lines_unit", "plan_lines", ["year", "number", "unit_code"])


def downgrade() -> None:
    op.drop_index("ix_plan_lines_unit", "plan_lines")
    op.drop_table("plan_lines")
    op.drop_table("plan_versions")
    op.drop_table("standard_costs")
    op.drop_column("proposals", "month")
    op.drop_column("proposals", "quantity")
    op.drop_column("external_development", "quantity")
