"""outbox, processed events and consumer positions; the audit entries and their objects, append-only

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime
from shared.migrations import (
    create_consumer_positions_table,
    create_outbox_tables,
    drop_consumer_positions_table,
    drop_outbox_tables,
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# An entry, once written, is never changed nor deleted, by the service or by anyone with its database's password:
# PostgreSQL refuses UPDATE, DELETE and TRUNCATE on both tables (dropping the trigger takes the table owner's DDL,
# which the migration role holds, not a mistaken statement).
APPEND_ONLY = """
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_objects_append_only BEFORE UPDATE OR DELETE ON audit_objects
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_objects_no_truncate BEFORE TRUNCATE ON audit_objects
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""


def upgrade() -> None:
    create_outbox_tables()
    create_consumer_positions_table()
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.String(length=100), primary_key=True),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("event_type", sa.String(length=160), nullable=False),
        sa.Column("action", sa.String(length=400), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_entries_occurred_at", "audit_entries", ["occurred_at"])
    op.create_index("ix_audit_entries_actor", "audit_entries", ["actor", "occurred_at"])
    op.create_index("ix_audit_entries_request_id", "audit_entries", ["request_id"])
    op.create_index("ix_audit_entries_subject", "audit_entries", ["name", "subject", "occurred_at"])
    op.create_table(
        "audit_objects",
        sa.Column("object", sa.String(length=300), primary_key=True),
        sa.Column(
            "entry_id",
            sa.String(length=100),
            sa.ForeignKey("audit_entries.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_append_only() CASCADE")
    op.drop_table("audit_objects")
    op.drop_table("audit_entries")
    drop_consumer_positions_table()
    drop_outbox_tables()
