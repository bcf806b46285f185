"""``bangkom``: the command line of every service (migrations, workers, the event catalogue)."""

from __future__ import annotations

import importlib

import click

from shared.dead_letters import REASONS

SERVICES = ("needs", "training", "evaluation", "notifications", "gateway", "audit")
WORKERS = SERVICES


@click.group(
    help="Bangkom: competency development (pengembangan kompetensi) of the ASN of an instansi (INSTANSI_FILE)."
)
def main() -> None:
    pass


@main.command(help="Apply a service's database migrations (DATABASE_URL) up to the newest.")
@click.argument("service", type=click.Choice(SERVICES))
@click.option("--revision", default="head", show_default=True)
def migrate(service: str, revision: str) -> None:
    from shared.migrations import upgrade

    settings = _service_settings(service)
    upgrade(f"services.{service}", settings.database_url, revision)
    click.echo(f"{service}: database at {revision}")


@main.command(
    help="Serve a service's HTTP API under gunicorn (BIND, WEB_CONCURRENCY, WEB_THREADS; docs/operations.md)."
)
@click.argument("service", type=click.Choice(SERVICES))
def serve(service: str) -> None:
    import os
    import sys

    # replaces this process, so that signals from a process manager or Kubernetes reach gunicorn itself
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:shared.gunicorn_conf",
        f"services.{service}.app:create_app()",
    ]
    os.execv(sys.executable, command)  # noqa: S606 - a fixed command, no shell


@main.command(help="Run a service's worker: its Kafka consumer and outbox relay (stops on SIGTERM).")
@click.argument("service", type=click.Choice(WORKERS))
def worker(service: str) -> None:
    importlib.import_module(f"services.{service}.worker").main()


@main.group("dead-letters", help="A service's dead-letter topic: list it, replay it after fixing the cause.")
def dead_letters() -> None:
    pass


def _service_settings(service: str):
    return importlib.import_module(f"services.{service}.config").load_settings()


@dead_letters.command("list", help="Every dead letter of a service's consumer, oldest first (changes nothing).")
@click.argument("service", type=click.Choice(WORKERS))
def list_(service: str) -> None:
    import datetime as dt

    from shared.dead_letters import list_dead_letters

    letters = list_dead_letters(_service_settings(service))
    for letter in letters:
        when = dt.datetime.fromtimestamp(letter.timestamp_ms / 1000, dt.UTC).isoformat(timespec="seconds")
        click.echo(
            f"{letter.partition}:{letter.offset}  {when}  {letter.reason:15} {letter.original_topic}  "
            f"{letter.event_type or '-'}  {letter.header('dlq.error.message')[:160]}"
        )
    click.echo(f"{len(letters)} dead letter(s)")


@dead_letters.command(
    help="Produce the dead letters not replayed before to their original topics (idempotent consumers "
    "skip what they had handled)."
)
@click.argument("service", type=click.Choice(WORKERS))
@click.option(
    "--reason",
    "reasons",
    multiple=True,
    type=click.Choice(REASONS),
    help="Only these reasons (repeatable; default all).",
)
@click.option("--dry-run", is_flag=True, help="Only say what would be replayed.")
def replay(service: str, reasons: tuple[str, ...], dry_run: bool) -> None:
    from shared.dead_letters import replay as replay_letters

    def progress(letter, outcome: str) -> None:
        click.echo(f"{outcome:13} {letter.partition}:{letter.offset}  {letter.reason:15} {letter.original_topic}")

    counts = replay_letters(
        _service_settings(service), reasons=set(reasons) or None, dry_run=dry_run, progress=progress
    )
    verb = "would replay" if dry_run else "replayed"
    click.echo(
        f"{verb} {counts['replayed']}, skipped {counts['skipped']} (other reasons), "
        f"{counts['unknown_topic']} without an original topic"
    )


@main.group(help="The Kafka topics of the plan (shared/topics.py): create them, or check them against the plan.")
def topics() -> None:
    pass


def _topic_settings():
    """Only the Kafka settings are read (KAFKA_BOOTSTRAP_SERVERS, KAFKA_TOPIC_PREFIX, KAFKA_TOPIC_PARTITIONS,
    KAFKA_REPLICATION_FACTOR): no database."""
    from shared.config import Settings

    return Settings.from_env("topics", database_url="")


@topics.command("create", help="Create every planned topic that does not exist yet, with its partitions and settings.")
def topics_create() -> None:
    from shared.topics import create, plan

    settings = _topic_settings()
    created = set(create(settings))
    for topic in plan(settings):
        state = "created" if topic.name in created else "exists"
        click.echo(f"{state:8} {topic.name:40} partitions={topic.partitions} replicas={topic.replication_factor}")
    click.echo(f"{len(created)} topic(s) created; `bangkom topics check` compares them with the plan")


@topics.command("check", help="Compare the cluster's topics with the plan; exit 1 when one differs or lacks replicas.")
def topics_check() -> None:
    from shared.topics import check

    states = check(_topic_settings())
    for state in states:
        problems = state.problems
        click.echo(
            f"{'ok' if not problems else 'DIFFERS':8} {state.topic.name:40} "
            + (
                "; ".join(problems)
                or (
                    f"partitions={state.partitions} replicas={state.replication_factor} "
                    f"min.insync.replicas={state.config.get('min.insync.replicas')}"
                )
            )
        )
    wrong = [s for s in states if s.problems]
    click.echo(f"{len(states) - len(wrong)} of {len(states)} topic(s) as planned")
    if wrong:
        raise SystemExit(1)


def _register_service_commands() -> None:
    from services.evaluation.cli import evaluation
    from services.gateway.cli import gateway
    from services.needs.cli import needs
    from services.needs.simpeg.cli import simpeg
    from services.notifications.cli import notifications

    main.add_command(needs)
    main.add_command(simpeg)
    main.add_command(evaluation)
    main.add_command(notifications)
    main.add_command(gateway)


_register_service_commands()


@main.command(help="List the event catalogue: type, topic and record key of every event.")
def events() -> None:
    from shared.events import event_types

    for event_type in event_types():
        click.echo(f"{event_type.type:55} {event_type.topic:22} key={event_type.key_field}")
