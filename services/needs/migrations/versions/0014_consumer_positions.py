"""consumer positions: where the worker's consumer stands in each partition, kept with the data it handled

Revision ID: 0014
Revises: 0013
"""

from shared.migrations import create_consumer_positions_table, drop_consumer_positions_table

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_consumer_positions_table()


def downgrade() -> None:
    drop_consumer_positions_table()
