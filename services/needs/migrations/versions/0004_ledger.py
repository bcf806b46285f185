"""Ledger with history: credits from every source keep their moment's OPD, position and kind; service years;
external development; employees' e-mail; a note on needs changed by hand

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jp_credits") as batch:
        batch.alter_column("enrollment_id", new_column_name="credit_id", type_=sa.String(length=80))
        batch.alter_column("program_id", existing_type=sa.String(length=64), nullable=True)
        batch.add_column(sa.Column("source", sa.String(length=10), nullable=False, server_default="bangkom"))
        batch.add_column(sa.Column("organiser", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("unit_code", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("unit_name", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("position_code", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("employment_status", sa.String(length=4), nullable=True))
    # credits recorded before this revision take the employee's OPD of today: the best that is known
    op.execute(
        "UPDATE jp_credits SET unit_code = (SELECT unit_code FROM employees e WHERE e.nip = jp_credits.nip), "
        "unit_name = (SELECT unit_name FROM employees e WHERE e.nip = jp_credits.nip), "
        "position_code = (SELECT position_code FROM employees e WHERE e.nip = jp_credits.nip), "
        "employment_status = (SELECT employment_status FROM employees e WHERE e.nip = jp_credits.nip)"
    )
    with op.batch_alter_table("employees") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("needs") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    op.create_table(
        "service_years",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("unit_code", sa.String(length=60), nullable=True),
        sa.Column("unit_name", sa.String(length=300), nullable=True),
        sa.Column("position_code", sa.String(length=60), nullable=True),
        sa.Column("employment_status", sa.String(length=4), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("year", "nip"),
    )
    op.create_index("ix_service_years_year_unit", "service_years", ["year", "unit_code"])
    # every year that has credits or needs, and this year, gets today's employees: the best that is known
    op.execute(
        "INSERT INTO service_years (year, nip, unit_code, unit_name, position_code, employment_status, active) "
        "SELECT y.year, e.nip, e.unit_code, e.unit_name, e.position_code, e.employment_status, e.active "
        "FROM employees e CROSS JOIN (SELECT DISTINCT year FROM jp_credits UNION SELECT DISTINCT year FROM needs "
        "UNION SELECT CAST(strftime('%Y', 'now') AS INTEGER)) y"
        if op.get_bind().dialect.name == "sqlite"
        else "INSERT INTO service_years (year, nip, unit_code, unit_name, position_code, employment_status, active) "
        "SELECT y.year, e.nip, e.unit_code, e.unit_name, e.position_code, e.employment_status, e.active "
        "FROM employees e CROSS JOIN (SELECT DISTINCT year FROM jp_credits UNION SELECT DISTINCT year FROM needs "
        "UNION SELECT CAST(EXTRACT(YEAR FROM CURRENT_DATE) AS INTEGER)) y"
    )
    op.create_table(
        "external_development",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("organiser", sa.String(length=300), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("certificate_number", sa.String(length=100), nullable=False),
        sa.Column("certificate_key", sa.String(length=200), nullable=True),
        sa.Column("certificate_type", sa.String(length=40), nullable=True),
        sa.Column("certificate_size", sa.Integer(), nullable=True),
        sa.Column("certificate_sha256", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_external_development_nip", "external_development", ["nip"])
    op.create_index("ix_external_development_status", "external_development", ["status", "submitted_at"])


def downgrade() -> None:
    op.drop_table("external_development")
    op.drop_table("service_years")
    with op.batch_alter_table("needs") as batch:
        batch.drop_column("note")
    with op.batch_alter_table("employees") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("jp_credits") as batch:
        for column in ("employment_status", "position_code", "unit_name", "unit_code", "organiser", "source"):
            batch.drop_column(column)
        batch.alter_column("credit_id", new_column_name="enrollment_id", type_=sa.String(length=64))
