"""training domain

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
        "attendance_receipts",
        sa.Column("partner_code", sa.String(length=40), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("partner_code", "event_id"),
    )
    op.create_table(
        "employees",
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit_code", sa.String(length=60), nullable=True),
        sa.Column("unit_name", sa.String(length=300), nullable=True),
        sa.Column("position_name", sa.String(length=300), nullable=True),
        sa.Column("supervisor_nip", sa.String(length=18), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("nip"),
    )
    op.create_table(
        "open_needs",
        sa.Column("need_id", sa.String(length=36), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("competency_code", sa.String(length=40), nullable=False),
        sa.Column("gap", sa.Integer(), nullable=False),
        sa.Column("priority_score", sa.Float(), nullable=False),
        sa.Column("plan_year", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("need_id"),
    )
    op.create_index("ix_open_needs_competency", "open_needs", ["competency_code", "nip"], unique=False)
    op.create_table(
        "partners",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=200), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "partner_keys",
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("partner_code", sa.String(length=40), nullable=False),
        sa.Column("secret_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_code"],
            ["partners.code"],
        ),
        sa.PrimaryKeyConstraint("key_id"),
    )
    op.create_index(op.f("ix_partner_keys_partner_code"), "partner_keys", ["partner_code"], unique=False)
    op.create_table(
        "programs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("delivery", sa.String(length=20), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.Column("partner_code", sa.String(length=40), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("min_attendance", sa.Float(), nullable=False),
        sa.Column("post_test_required", sa.Boolean(), nullable=False),
        sa.Column("passing_score", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("recommendation", sa.JSON(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("capacity > 0", name="ck_program_capacity"),
        sa.ForeignKeyConstraint(
            ["partner_code"],
            ["partners.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index(op.f("ix_programs_partner_code"), "programs", ["partner_code"], unique=False)
    op.create_table(
        "batches",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("program_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("program_id", "number", name="uq_batch_number"),
    )
    op.create_index(op.f("ix_batches_program_id"), "batches", ["program_id"], unique=False)
    op.create_table(
        "enrollments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("post_test_score", sa.Float(), nullable=True),
        sa.Column("attendance_rate", sa.Float(), nullable=True),
        sa.Column("certificate_number", sa.String(length=120), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("enrolled_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batches.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "nip", name="uq_enrollment_batch_nip"),
    )
    op.create_index(op.f("ix_enrollments_nip"), "enrollments", ["nip"], unique=False)
    op.create_table(
        "meetings",
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("meeting_no", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("batch_id", "meeting_no"),
    )
    op.create_table(
        "attendance",
        sa.Column("enrollment_id", sa.String(length=36), nullable=False),
        sa.Column("meeting_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("partner_event_id", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
        ),
        sa.PrimaryKeyConstraint("enrollment_id", "meeting_no"),
    )


def downgrade() -> None:
    op.drop_table("attendance")
    op.drop_table("meetings")
    op.drop_index(op.f("ix_enrollments_nip"), table_name="enrollments")
    op.drop_table("enrollments")
    op.drop_index(op.f("ix_batches_program_id"), table_name="batches")
    op.drop_table("batches")
    op.drop_index(op.f("ix_programs_partner_code"), table_name="programs")
    op.drop_table("programs")
    op.drop_index(op.f("ix_partner_keys_partner_code"), table_name="partner_keys")
    op.drop_table("partner_keys")
    op.drop_table("partners")
    op.drop_index("ix_open_needs_competency", table_name="open_needs")
    op.drop_table("open_needs")
    op.drop_table("employees")
    op.drop_table("attendance_receipts")
