"""outbox and processed events; people and programs (read models), preferences, messages

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime
from shared.migrations import create_outbox_tables, drop_outbox_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_tables()
    op.create_table(
        "people",
        sa.Column("nip", sa.String(length=18), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("unit_code", sa.String(length=60), nullable=True),
        sa.Column("supervisor_nip", sa.String(length=18), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "programs",
        sa.Column("program_id", sa.String(length=64), primary_key=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("starts_on", sa.String(length=10), nullable=True),
        sa.Column("ends_on", sa.String(length=10), nullable=True),
    )
    op.create_table(
        "preferences",
        sa.Column("nip", sa.String(length=18), primary_key=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("muted", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.String(length=40), primary_key=True),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_messages_nip", "messages", ["nip"])
    op.create_index("ix_messages_due", "messages", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("messages")
    op.drop_table("preferences")
    op.drop_table("programs")
    op.drop_table("people")
    drop_outbox_tables()
