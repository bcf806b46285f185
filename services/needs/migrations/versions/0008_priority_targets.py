"""Themes of the year with target levels for positions; the theme that set a gap's level

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "priority_targets",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "priority_id", sa.Integer(), sa.ForeignKey("strategic_priorities.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("competency_code", sa.String(40), sa.ForeignKey("competencies.code"), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("position_class", sa.String(20), nullable=True),
        sa.Column("unit_code", sa.String(60), nullable=True),
        sa.Column("position_code", sa.String(60), nullable=True),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="ck_priority_target_level"),
    )
    op.create_index("ix_priority_targets_priority_id", "priority_targets", ["priority_id"])
    op.add_column("gaps", sa.Column("priority_code", sa.String(40), nullable=True))
    op.add_column("needs", sa.Column("priority_code", sa.String(40), nullable=True))


def downgrade() -> None:
    op.drop_column("needs", "priority_code")
    op.drop_column("gaps", "priority_code")
    op.drop_index("ix_priority_targets_priority_id", table_name="priority_targets")
    op.drop_table("priority_targets")
