"""Alembic, one migration history per service (``services/<name>/migrations``), run programmatically."""

from __future__ import annotations

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, engine_from_config, pool


def alembic_config(package: str, database_url: str) -> Config:
    """``package`` is the service package, e.g. ``services.needs``."""
    config = Config()
    config.set_main_option("script_location", f"{package}:migrations")
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(package: str, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(package, database_url), revision)


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's ``migrations/env.py``."""
    config = context.config
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_outbox_tables() -> None:
    """The ``outbox`` and ``processed_events`` tables (see shared.outbox, shared.consumer), for a first revision."""
    import sqlalchemy as sa
    from alembic import op

    from shared.db import UTCDateTime

    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("aggregatetype", sa.String(60), nullable=False),
        sa.Column("aggregateid", sa.String(100), nullable=False),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["seq"],
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(100), primary_key=True),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("handled_at", UTCDateTime(), nullable=False),
    )


def drop_outbox_tables() -> None:
    from alembic import op

    op.drop_table("processed_events")
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_table("outbox")


def create_scheduled_jobs_table() -> None:
    """The ``scheduled_jobs`` table of a service's periodic jobs (see shared.schedule)."""
    import sqlalchemy as sa
    from alembic import op

    from shared.db import UTCDateTime

    op.create_table(
        "scheduled_jobs",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
    )


def drop_scheduled_jobs_table() -> None:
    from alembic import op

    op.drop_table("scheduled_jobs")


def create_consumer_positions_table() -> None:
    """The ``consumer_positions`` table: where each consumer group stands in each partition (see shared.positions)."""
    import sqlalchemy as sa
    from alembic import op

    from shared.db import UTCDateTime

    op.create_table(
        "consumer_positions",
        sa.Column("group_id", sa.String(200), primary_key=True),
        sa.Column("topic", sa.String(200), primary_key=True),
        sa.Column("partition", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("next_offset", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def drop_consumer_positions_table() -> None:
    from alembic import op

    op.drop_table("consumer_positions")
