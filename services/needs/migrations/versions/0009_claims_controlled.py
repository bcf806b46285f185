"""Claims BKPSDM controls: what was claimed beside what was verified, a duplicate flagged, a verification withdrawn;
the certificate number of a JP credit

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
    op.add_column("external_development", sa.Column("claimed_jp", sa.Integer(), nullable=True))
    op.add_column("external_development", sa.Column("claimed_competencies", sa.JSON(), nullable=True))
    op.add_column("external_development", sa.Column("certificate_ref", sa.String(260), nullable=True))
    op.create_index("ix_external_development_certificate_ref", "external_development", ["certificate_ref"])
    op.add_column("external_development", sa.Column("duplicate_of", sa.String(80), nullable=True))
    op.add_column("external_development", sa.Column("withdrawn_by", sa.String(100), nullable=True))
    op.add_column("external_development", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("external_development", sa.Column("withdrawn_reason", sa.Text(), nullable=True))
    op.add_column("jp_credits", sa.Column("certificate_number", sa.String(100), nullable=True))
    op.create_index("ix_jp_credits_nip_certificate", "jp_credits", ["nip", "certificate_number"])


def downgrade() -> None:
    op.drop_index("ix_jp_credits_nip_certificate", table_name="jp_credits")
    op.drop_column("jp_credits", "certificate_number")
    op.drop_index("ix_external_development_certificate_ref", table_name="external_development")
    for column in ("withdrawn_reason", "withdrawn_at", "withdrawn_by", "duplicate_of", "certificate_ref"):
        op.drop_column("external_development", column)
    op.drop_column("external_development", "claimed_competencies")
    op.drop_column("external_development", "claimed_jp")
