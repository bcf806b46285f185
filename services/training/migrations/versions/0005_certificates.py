"""certificates as issued, with their revocation (a reopened batch revokes; numbers are never given again)

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("number", sa.String(length=120), primary_key=True),
        sa.Column("enrollment_id", sa.String(length=36), sa.ForeignKey("enrollments.id"), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("participant_name", sa.String(length=200), nullable=False),
        sa.Column("program_id", sa.String(length=36), nullable=False),
        sa.Column("program_title", sa.String(length=300), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("partner_name", sa.String(length=300), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_certificates_enrollment_id", "certificates", ["enrollment_id"])
    op.create_index("ix_certificates_batch_id", "certificates", ["batch_id"])


def downgrade() -> None:
    op.drop_table("certificates")
