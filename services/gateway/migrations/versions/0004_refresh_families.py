"""refresh token families: reuse of a spent token revokes the chain

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("refresh_tokens", sa.Column("family", sa.String(length=64), nullable=True))
    op.execute("UPDATE refresh_tokens SET family = token_hash")
    with op.batch_alter_table("refresh_tokens") as batch:
        batch.alter_column("family", existing_type=sa.String(length=64), nullable=False)
    op.create_index("ix_refresh_tokens_family", "refresh_tokens", ["family"])


def downgrade() -> None:
    op.drop_index("ix_refresh_tokens_family", table_name="refresh_tokens")
    with op.batch_alter_table("refresh_tokens") as batch:
        batch.drop_column("family")
