"""How long a full SIMPEG employee sync takes, the first time (everyone new) and the second (no change).

    deploy/local/with-infra.sh .venv/bin/python bench/simpeg_sync.py --employees 10000

Runs the SIMPEG stand-in (tests/simpeg_standin.py) in a process of its own with N generated employees and
syncs them into a throw-away PostgreSQL database through the same code as `bangkom simpeg sync`:
paging, mapping, positions, the employee upsert with its events, gap recompute. Prints both times,
their ratio, and the events each run wrote (the second run must write none).
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.figures import record  # noqa: E402
from services.needs import handlers  # noqa: E402
from services.needs.config import NeedsSettings  # noqa: E402
from services.needs.models import Outbox  # noqa: E402
from services.needs.simpeg import runs  # noqa: E402
from services.needs.simpeg.client import SimpegClient  # noqa: E402
from shared.db import Database, UnitOfWork  # noqa: E402
from shared.migrations import upgrade  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the SIMPEG stand-in stopped before it listened")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit("the SIMPEG stand-in did not listen within 30 s")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def outbox_rows(database: Database) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(Outbox))


def sync_once(database: Database, settings: NeedsSettings, client: SimpegClient) -> tuple[float, dict]:
    with UnitOfWork(database, Outbox) as uow:
        run = runs.start_run(uow, settings, source="simpeg", trigger="cli")
    started = time.perf_counter()
    report = runs.run_sync(database, settings, client, run.id)
    return time.perf_counter() - started, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=500)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the stand-in's access log
    admin_url = os.environ.get(
        "TEST_DATABASE_ADMIN_URL", "postgresql+psycopg://bangkom:bangkom@127.0.0.1:15432/postgres"
    )
    name = f"bangkom_bench_simpeg_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    database = Database(url)
    # SIMPEG is another system on another machine: its stand-in runs in a process of its own, so that its work
    # (making the pages) is not counted against the sync's (in this process it shared the interpreter's lock)
    port, secret = free_port(), secrets.token_urlsafe(16)
    standin = subprocess.Popen(
        [sys.executable, "-m", "tests.simpeg_standin", "--port", str(port), "--employees", str(args.employees)]
        + ["--client-secret", secret],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    standin_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_listening(port, standin)
        upgrade("services.needs", url)
        with UnitOfWork(database, Outbox) as uow:
            handlers.seed_dictionary(uow)
        settings = NeedsSettings(
            service="needs",
            database_url=url,
            simpeg_base_url=standin_url,
            simpeg_client_id="bangkom",
            simpeg_client_secret=secret,
            simpeg_page_size=args.page_size,
        )
        client = SimpegClient.from_settings(settings)
        say(f"syncing {args.employees} employees from the stand-in at {standin_url} into {name} …")
        first, report1 = sync_once(database, settings, client)
        events1 = outbox_rows(database)
        second, report2 = sync_once(database, settings, client)
        events2 = outbox_rows(database) - events1
        print(f"employees                    {args.employees}")
        print(
            f"first sync (all new)         {first:8.1f} s  added {report1['added']}, "
            f"positions {report1['positions_added']}, events {events1}"
        )
        print(
            f"second sync (no change)      {second:8.1f} s  unchanged {report2['unchanged']}, "
            f"changes {report2['added'] + report2['updated'] + report2['deactivated']}, events {events2}"
        )
        print(f"second / first               {second / first:8.2f}")
        print(f"records per second (second)  {args.employees / second:8.0f}")
        shaped = args.employees == 10_000
        record(
            f"SIMPEG first sync of {args.employees:,}",
            first,
            "s",
            goal="≤ 10 s for 10,000",
            met=(first <= 10) if shaped else None,
        )
        record(
            f"SIMPEG sync with no change ({events2} events)",
            second,
            "s",
            goal="≤ 1 s and 0 events",
            met=(second <= 1 and events2 == 0) if shaped else None,
        )
        if events2 or report2["unchanged"] != args.employees:
            raise SystemExit("the second sync changed something")
    finally:
        standin.terminate()
        standin.wait(timeout=10)
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
