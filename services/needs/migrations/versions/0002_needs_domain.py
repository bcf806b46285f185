"""needs domain

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "competencies",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("group", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("level_descriptors", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "gaps",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("competency_code", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=60), nullable=True),
        sa.Column("competency_group", sa.String(length=20), nullable=False),
        sa.Column("required_level", sa.Integer(), nullable=False),
        sa.Column("current_level", sa.Integer(), nullable=False),
        sa.Column("assessed", sa.Boolean(), nullable=False),
        sa.Column("gap", sa.Integer(), nullable=False),
        sa.Column("strategic_weight", sa.Float(), nullable=False),
        sa.Column("jp_shortfall", sa.Integer(), nullable=False),
        sa.Column("priority_score", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("year", "nip", "competency_code"),
    )
    op.create_index("ix_gaps_year_competency", "gaps", ["year", "competency_code"], unique=False)
    op.create_index("ix_gaps_year_priority", "gaps", ["year", "priority_score"], unique=False)
    op.create_index("ix_gaps_year_unit", "gaps", ["year", "unit_code"], unique=False)
    op.create_table(
        "jp_credits",
        sa.Column("enrollment_id", sa.String(length=64), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("program_title", sa.String(length=300), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("enrollment_id"),
    )
    op.create_index("ix_jp_credits_year_nip", "jp_credits", ["year", "nip"], unique=False)
    op.create_table(
        "needs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("competency_code", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=60), nullable=True),
        sa.Column("competency_group", sa.String(length=20), nullable=False),
        sa.Column("required_level", sa.Integer(), nullable=False),
        sa.Column("current_level", sa.Integer(), nullable=False),
        sa.Column("gap", sa.Integer(), nullable=False),
        sa.Column("priority_score", sa.Float(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_reason", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_needs_year_status", "needs", ["year", "status"], unique=False)
    op.create_index(
        "uq_needs_active",
        "needs",
        ["nip", "competency_code", "year"],
        unique=True,
        postgresql_where=sa.text("status <> 'closed'"),
        sqlite_where=sa.text("status <> 'closed'"),
    )
    op.create_table(
        "positions",
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("position_class", sa.String(length=20), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "programs",
        sa.Column("program_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("program_id"),
    )
    op.create_table(
        "strategic_priorities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_year", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_year", "code", name="uq_priority_year_code"),
    )
    op.create_table(
        "class_standards",
        sa.Column("position_class", sa.String(length=20), nullable=False),
        sa.Column("competency_code", sa.String(length=40), nullable=False),
        sa.Column("required_level", sa.Integer(), nullable=False),
        sa.CheckConstraint("required_level BETWEEN 1 AND 5", name="ck_class_level"),
        sa.ForeignKeyConstraint(
            ["competency_code"],
            ["competencies.code"],
        ),
        sa.PrimaryKeyConstraint("position_class", "competency_code"),
    )
    op.create_table(
        "employees",
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position_code", sa.String(length=60), nullable=True),
        sa.Column("unit_code", sa.String(length=60), nullable=True),
        sa.Column("unit_name", sa.String(length=300), nullable=True),
        sa.Column("rank", sa.String(length=40), nullable=True),
        sa.Column("employment_status", sa.String(length=4), nullable=False),
        sa.Column("supervisor_nip", sa.String(length=18), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["position_code"],
            ["positions.code"],
        ),
        sa.PrimaryKeyConstraint("nip"),
    )
    op.create_index(op.f("ix_employees_unit_code"), "employees", ["unit_code"], unique=False)
    op.create_table(
        "position_standards",
        sa.Column("position_code", sa.String(length=60), nullable=False),
        sa.Column("competency_code", sa.String(length=40), nullable=False),
        sa.Column("required_level", sa.Integer(), nullable=False),
        sa.CheckConstraint("required_level BETWEEN 0 AND 5", name="ck_position_level"),
        sa.ForeignKeyConstraint(
            ["competency_code"],
            ["competencies.code"],
        ),
        sa.ForeignKeyConstraint(["position_code"], ["positions.code"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("position_code", "competency_code"),
    )
    op.create_table(
        "priority_competencies",
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("competency_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_code"],
            ["competencies.code"],
        ),
        sa.ForeignKeyConstraint(["priority_id"], ["strategic_priorities.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("priority_id", "competency_code"),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("competency_code", sa.String(length=40), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("assessor_nip", sa.String(length=18), nullable=True),
        sa.Column("enrollment_id", sa.String(length=64), nullable=True),
        sa.Column("program_id", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="ck_assessment_level"),
        sa.ForeignKeyConstraint(
            ["competency_code"],
            ["competencies.code"],
        ),
        sa.ForeignKeyConstraint(
            ["nip"],
            ["employees.nip"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assessments_nip_competency", "assessments", ["nip", "competency_code"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_assessments_nip_competency", table_name="assessments")
    op.drop_table("assessments")
    op.drop_table("priority_competencies")
    op.drop_table("position_standards")
    op.drop_index(op.f("ix_employees_unit_code"), table_name="employees")
    op.drop_table("employees")
    op.drop_table("class_standards")
    op.drop_table("strategic_priorities")
    op.drop_table("programs")
    op.drop_table("positions")
    op.drop_index(
        "uq_needs_active",
        table_name="needs",
        postgresql_where=sa.text("status <> 'closed'"),
        sqlite_where=sa.text("status <> 'closed'"),
    )
    op.drop_index("ix_needs_year_status", table_name="needs")
    op.drop_table("needs")
    op.drop_index("ix_jp_credits_year_nip", table_name="jp_credits")
    op.drop_table("jp_credits")
    op.drop_index("ix_gaps_year_unit", table_name="gaps")
    op.drop_index("ix_gaps_year_priority", table_name="gaps")
    op.drop_index("ix_gaps_year_competency", table_name="gaps")
    op.drop_table("gaps")
    op.drop_table("competencies")
