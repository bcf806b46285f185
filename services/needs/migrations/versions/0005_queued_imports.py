"""A file import queued through the API keeps its file with the run until the worker has applied it

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("simpeg_sync_runs") as batch:
        batch.add_column(sa.Column("upload", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("deactivate_missing", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("simpeg_sync_runs") as batch:
        batch.drop_column("deactivate_missing")
        batch.drop_column("upload")
