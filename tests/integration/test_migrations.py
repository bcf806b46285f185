"""Every service's migrations build the schema its models describe: an index or column added to a model without its
migration (or the other way round) fails here, not in production where only the migrations run."""

from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

SERVICES = ("needs", "training", "evaluation", "notifications", "gateway", "audit")


@pytest.mark.parametrize("service", SERVICES)
def test_the_migrations_build_what_the_models_describe(service, migrated_database):
    metadata = importlib.import_module(f"services.{service}.models").Base.metadata
    engine = create_engine(migrated_database(service))
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()
    assert differences == [], f"{service}: the models and the migrations differ: {differences}"
