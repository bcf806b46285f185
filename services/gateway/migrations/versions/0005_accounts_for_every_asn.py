"""accounts for every ASN: status (pending/active/closed), profile from the employee records, activation codes,
the mail queue, known supervisors; the worker's outbox and processed events

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime
from shared.migrations import create_outbox_tables, drop_outbox_tables

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_tables()
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("status", sa.String(length=10), nullable=False, server_default="active"))
        batch.add_column(sa.Column("origin", sa.String(length=10), nullable=False, server_default="manual"))
        batch.add_column(sa.Column("name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("unit_code", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("unit_name", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("activated_at", UTCDateTime(), nullable=True))
        batch.alter_column("password_hash", existing_type=sa.String(length=200), nullable=True)
    op.execute("UPDATE accounts SET status = CASE WHEN active THEN 'active' ELSE 'closed' END")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("active")
        batch.alter_column("status", existing_type=sa.String(length=10), server_default=None)
        batch.alter_column("origin", existing_type=sa.String(length=10), server_default=None)
    op.create_index("ix_accounts_nip", "accounts", ["nip"])
    op.create_index("ix_accounts_unit_code", "accounts", ["unit_code"])
    op.create_table(
        "activation_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=100), sa.ForeignKey("accounts.username"), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    op.create_index("ix_activation_codes_username", "activation_codes", ["username"])
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("username", sa.String(length=100), sa.ForeignKey("accounts.username"), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mail_messages_username", "mail_messages", ["username"])
    op.create_index("ix_mail_messages_due", "mail_messages", ["status", "next_attempt_at"])
    op.create_table(
        "known_supervisors", sa.Column("nip", sa.String(length=18), nullable=False), sa.PrimaryKeyConstraint("nip")
    )


def downgrade() -> None:
    op.drop_table("known_supervisors")
    op.drop_table("mail_messages")
    op.drop_table("activation_codes")
    op.drop_index("ix_accounts_unit_code", table_name="accounts")
    op.drop_index("ix_accounts_nip", table_name="accounts")
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute("UPDATE accounts SET active = (status <> 'closed')")
    with op.batch_alter_table("accounts") as batch:
        for column in ("activated_at", "unit_name", "unit_code", "email", "name", "origin", "status"):
            batch.drop_column(column)
    drop_outbox_tables()
