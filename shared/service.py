"""What a service runs with, built one way for its app, its worker and its CLI: settings, database, units of work."""

from __future__ import annotations

import dataclasses
from typing import Any

from shared.config import Settings
from shared.db import Database, UnitOfWork


@dataclasses.dataclass
class ServiceContext:
    """A service's settings, its database (one engine per process) and the outbox its units of work write to."""

    settings: Settings
    database: Database | None
    outbox_model: type[Any] | None

    @classmethod
    def create(cls, settings: Settings, outbox_model: type[Any] | None = None) -> ServiceContext:
        """For a process of the service (after gunicorn forks, for an app): its own database engine."""
        return cls(settings, Database(settings.database_url), outbox_model)

    def uow(self) -> UnitOfWork:
        assert self.database is not None, "this service has no database"
        return UnitOfWork(self.database, self.outbox_model, self.settings.kafka_topic_prefix)
