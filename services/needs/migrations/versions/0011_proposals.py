"""Proposals (usulan) of the yearly AKPK and their history

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
    op.create_table(
        "proposals",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("nip", sa.String(18), nullable=False),
        sa.Column("unit_code", sa.String(60), nullable=True),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("competency_code", sa.String(40), sa.ForeignKey("competencies.code"), nullable=False),
        sa.Column("form", sa.String(40), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.Column("estimated_cost", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_proposals_nip", "proposals", ["nip"])
    op.create_index("ix_proposals_year_unit_status", "proposals", ["year", "unit_code", "status"])
    op.create_table(
        "proposal_steps",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("proposal_id", sa.String(36), sa.ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("action", sa.String(12), nullable=False),
        sa.Column("from_status", sa.String(12), nullable=True),
        sa.Column("to_status", sa.String(12), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_proposal_steps_proposal_id", "proposal_steps", ["proposal_id"])


def downgrade() -> None:
    op.drop_table("proposal_steps")
    op.drop_table("proposals")
