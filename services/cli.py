"""``bangkom``: the command line of every service (migrations, workers, the event catalogue)."""

from __future__ import annotations

import importlib

import click

SERVICES = ("needs", "training", "evaluation", "gateway")
WORKERS = ("needs", "training", "evaluation")


@click.group(help="Bangkom: competency development (pengembangan kompetensi) of the ASN of Kota Lhokseumawe.")
def main() -> None:
    pass


@main.command(help="Apply a service's database migrations (DATABASE_URL) up to the newest.")
@click.argument("service", type=click.Choice(SERVICES))
@click.option("--revision", default="head", show_default=True)
def migrate(service: str, revision: str) -> None:
    from shared.migrations import upgrade

    settings = importlib.import_module(f"services.{service}.config").load_settings()
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


def _register_service_commands() -> None:
    from services.evaluation.cli import evaluation
    from services.gateway.cli import gateway
    from services.needs.cli import needs, simpeg

    main.add_command(needs)
    main.add_command(simpeg)
    main.add_command(evaluation)
    main.add_command(gateway)


_register_service_commands()


@main.command(help="List the event catalogue: type, topic and record key of every event.")
def events() -> None:
    from shared.events import event_types

    for event_type in event_types():
        click.echo(f"{event_type.type:55} {event_type.topic:22} key={event_type.key_field}")
