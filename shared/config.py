"""Environment → one typed, frozen settings object per service.

Each service subclasses :class:`Settings` and adds its own fields. Every field is read from the
environment variable of the same name in upper case (``database_url`` ← ``DATABASE_URL``); a field
without a default is required. All problems are reported at once, at start-up, with what to do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, ClassVar, Self, get_type_hints

from environs import Env, EnvValidationError

from shared import forms, instansi
from shared.instansi import Instansi


class ConfigError(RuntimeError):
    """The environment does not describe a runnable service."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Settings:
    service: str
    database_url: str
    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    kafka_topic_prefix: str = ""  # e.g. "staging." to share a cluster between environments
    kafka_topic_partitions: int = 3  # for the topics a worker creates when they are missing
    kafka_replication_factor: int = 1
    log_level: str = "INFO"
    outbox_batch_size: int = 200
    outbox_poll_seconds: float = 0.5
    consumer_max_attempts: int = 5
    consumer_backoff_seconds: float = 0.2
    consumer_backoff_max_seconds: float = 2.0  # also how soon a consumer tries a database that was down again
    consumer_poll_ms: int = 500
    # A consumer outside its group this long (stuck joining) joins again as a new member; longer than any rebalance
    consumer_rejoin_after_seconds: float = 60.0
    scheduled_poll_seconds: float = 30.0  # how often a worker looks for its periodic jobs that are due
    scheduled_job_lease_seconds: float = 900.0  # a periodic job's run is another instance's to take over after this
    # A consumer that dies unannounced (kill -9, a lost node) holds its partitions this long
    kafka_session_timeout_ms: int = 10000
    # Static group membership: a worker restarted under the same id takes its partitions back at once, without
    # a rebalance (give each instance its own stable id, e.g. the pod name of a StatefulSet); empty: dynamic
    kafka_group_instance_id: str = ""
    max_body_bytes: int = 1_048_576  # request bodies above this are refused (413); some routes allow more
    date_earliest: str = "1900-01-01"  # the window of dates callers may send (ISO dates)
    date_latest: str = "2099-12-31"
    worker_metrics_port: int = 0
    worker_metrics_addr: str = "127.0.0.1"
    # shared with the gateway, which signs X-Bangkom-Identity; APIs refuse to start without it
    internal_identity_secret: str = dataclasses.field(default="", repr=False)
    public_url: str = "http://127.0.0.1:8000"  # where people open Bangkom: links in e-mails, QR codes on documents
    # the forms' JP conversion table (JSON, see docs/plan.md); empty: the default, shared/jp_conversion.json
    jp_conversion_file: str = ""
    # the instansi served: names, signatories, time zone, mail sender (JSON, see docs/operations.md); empty: the demo's
    instansi_file: str = ""

    # Fields that are not read from the environment.
    not_from_env: ClassVar[frozenset[str]] = frozenset({"service"})
    env_hints: ClassVar[dict[str, str]] = {
        "DATABASE_URL": "a SQLAlchemy URL, e.g. postgresql+psycopg://bangkom:bangkom@127.0.0.1:15432/bangkom_needs",
        "KAFKA_BOOTSTRAP_SERVERS": "host:port[,host:port…] of the Kafka brokers",
        "INTERNAL_IDENTITY_SECRET": "the secret the gateway signs X-Bangkom-Identity with (a long random string)",
    }

    def __post_init__(self) -> None:
        try:
            _ = self.jp_conversion  # read and checked at start-up, not at the first claim
        except (OSError, ValueError) as exc:
            raise ConfigError(f"The {self.service} service cannot start: JP_CONVERSION_FILE {exc}") from None
        try:
            _ = self.instansi
        except (OSError, ValueError) as exc:
            raise ConfigError(f"The {self.service} service cannot start: INSTANSI_FILE {exc}") from None

    @property
    def jp_conversion(self) -> forms.ConversionTable:
        """How each form of development's length becomes JP (and its evaluation levels and evidence); read once."""
        return forms.table(self.jp_conversion_file)

    @property
    def instansi(self) -> Instansi:
        """The instansi this deployment serves (``INSTANSI_FILE``); read once."""
        return instansi.configured(self.instansi_file)

    @property
    def timezone(self) -> str:
        """The instansi's time zone (WIB, WITA or WIT): decides "today", the plan year and the day's figures."""
        return self.instansi.time_zone

    def today(self) -> dt.date:
        """Today where the instansi works, not in UTC: the services agree on the day."""
        return self.instansi.today()

    @property
    def topic(self) -> str:
        """The topic this service produces to."""
        return f"{self.kafka_topic_prefix}bangkom.{self.service}.v1"

    @property
    def audit_topic(self) -> str:
        """The topic of the service's records for the audit trail (ChangeMade)."""
        return f"{self.kafka_topic_prefix}bangkom.{self.service}.audit.v1"

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.kafka_topic_prefix}bangkom.dlq.{self.service}"

    @property
    def consumer_group(self) -> str:
        """Prefixed like the topics: environments sharing a cluster must not share groups either (a restart
        in one would pause the other's consumers for every rebalance)."""
        return f"{self.kafka_topic_prefix}bangkom-{self.service}"

    @classmethod
    def from_env(cls, service: str, **overrides: Any) -> Self:
        """Read every field from the environment; raise :class:`ConfigError` naming each bad variable."""
        env = Env(eager=False)
        values: dict[str, Any] = {"service": service}
        readers: dict[Any, Any] = {str: env.str, int: env.int, float: env.float, bool: env.bool}
        types = get_type_hints(cls)
        for field in dataclasses.fields(cls):
            if field.name in cls.not_from_env or field.name in overrides:
                continue
            read = readers[types[field.name]]
            name = field.name.upper()
            if field.default is dataclasses.MISSING:
                values[field.name] = read(name)
            else:
                values[field.name] = read(name, field.default)
        try:
            env.seal()
        except EnvValidationError as exc:
            problems = []
            errors = exc.error_messages if isinstance(exc.error_messages, dict) else {"": exc.error_messages}
            for name, messages in sorted(errors.items()):
                hint = cls.env_hints.get(name)
                problems.append(f"  {name}: {' '.join(messages)}" + (f" (expected {hint})" if hint else ""))
            raise ConfigError(
                f"The {service} service cannot start; fix these environment variables:\n" + "\n".join(problems)
            ) from None
        values.update(overrides)
        return cls(**values)
