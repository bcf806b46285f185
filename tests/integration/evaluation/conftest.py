"""Fixtures of the evaluation service's integration tests: its database (one per session) and settings."""

from __future__ import annotations

import pytest

from services.evaluation.config import EvaluationSettings
from tests.services import SECRET


@pytest.fixture(scope="session")
def evaluation_url(migrated_database) -> str:
    return migrated_database("evaluation")


@pytest.fixture(scope="session")
def evaluation_db(database_of, evaluation_url):  # evaluation_url first: it migrates (and seeds)
    return database_of("evaluation")


@pytest.fixture
def settings(evaluation_url, kafka_bootstrap, unique) -> EvaluationSettings:
    return EvaluationSettings(
        service="evaluation",
        database_url=evaluation_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=unique("evaluation") + ".",
        internal_identity_secret=SECRET,
        behavior_opens_after_days=0,
    )
