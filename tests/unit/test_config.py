"""Settings from the environment: defaults, types, and one clear error listing every problem."""

from __future__ import annotations

import dataclasses

import pytest

from shared.config import ConfigError, Settings


@dataclasses.dataclass(frozen=True, kw_only=True)
class ExampleSettings(Settings):
    minimum_attendance: float = 0.8
    feature_enabled: bool = False


def test_reads_typed_values_and_defaults(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.db")
    monkeypatch.setenv("CONSUMER_MAX_ATTEMPTS", "7")
    monkeypatch.setenv("MINIMUM_ATTENDANCE", "0.75")
    monkeypatch.setenv("FEATURE_ENABLED", "true")
    monkeypatch.setenv("KAFKA_TOPIC_PREFIX", "staging.")
    settings = ExampleSettings.from_env("training")
    assert settings.database_url == "sqlite:///x.db"
    assert settings.consumer_max_attempts == 7
    assert settings.minimum_attendance == 0.75 and settings.feature_enabled is True
    assert settings.kafka_bootstrap_servers == "127.0.0.1:19092"
    assert settings.topic == "staging.bangkom.training.v1"
    assert settings.dead_letter_topic == "staging.bangkom.dlq.training"
    assert settings.consumer_group == "staging.bangkom-training"


def test_every_problem_is_reported_at_once(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CONSUMER_MAX_ATTEMPTS", "many")
    monkeypatch.setenv("MINIMUM_ATTENDANCE", "eighty")
    with pytest.raises(ConfigError) as caught:
        ExampleSettings.from_env("training")
    message = str(caught.value)
    assert "training service cannot start" in message
    assert "DATABASE_URL: Environment variable not set." in message
    assert "postgresql+psycopg://" in message, "says what a valid value looks like"
    assert "CONSUMER_MAX_ATTEMPTS: Not a valid integer." in message
    assert "MINIMUM_ATTENDANCE: Not a valid number." in message


def test_overrides_win_and_settings_are_frozen(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = ExampleSettings.from_env("needs", database_url="sqlite://")
    assert settings.database_url == "sqlite://"
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.database_url = "other"  # type: ignore[misc]
