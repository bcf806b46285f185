"""Partner attendance against its bare baseline, side by side in one run (issue 33).

    make bench      # or: deploy/local/with-infra.sh .venv/bin/python bench/attendance.py [--seconds 20]

Four HTTP paths for one attendance record, each under gunicorn with the same settings (gthread, 2 workers × 4
threads, keep-alive 75 s) on the same PostgreSQL database, each in its own batch of 1,000 participants × 40 meetings
(every request a new record, never a correction or a duplicate):

- **bare write**: ``bench/bare.py``'s Flask + psycopg app running the same nine statements as the training service;
- **bare two-hop**: ``bench/bare.py``'s proxy in front of the bare write;
- **straight**: the training service, ``POST /partner/attendance/record`` with the identity the gateway signs;
- **gateway**: the same through the gateway, signed with the partner's real key (key check, signature, replay
  and rate records, the upstream call);

then 1,000 records per request, bare (proxy → one insert per table, arrays) and through the gateway. The load comes from vegeta
(``bench/load.py``) with 8 requests in flight for ``--seconds`` (the maximum rate), then at 100 requests/s (the
latency). Prints requests/s, p50/p99, CPU per request of every process group (the servers, PostgreSQL, vegeta) and
the ratios to the bare paths, and records them in the table of ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench import load  # noqa: E402
from bench.attendance_ingest import enrolled_batches, free_port, wait_healthy  # noqa: E402
from bench.figures import record  # noqa: E402
from services.gateway import domain as gateway_domain  # noqa: E402
from shared import identity  # noqa: E402
from shared.migrations import upgrade  # noqa: E402

SECRET = "bench-secret"  # noqa: S105 - throw-away services of this run
JWT = "bench-jwt-secret-that-is-long-enough-for-hs256"  # noqa: S105
BARE_GUNICORN = ["-k", "gthread", "-w", "2", "--threads", "4", "--keep-alive", "75"]  # shared.gunicorn_conf's


def service_databases(services: Sequence[str]) -> tuple[Engine, dict[str, str], dict[str, str]]:
    """A throw-away database per service, migrated: (the admin engine, names, URLs); drop them with the engine."""
    admin_url = os.environ.get(
        "TEST_DATABASE_ADMIN_URL", "postgresql+psycopg://bangkom:bangkom@127.0.0.1:15432/postgres"
    )
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    names = {s: f"bangkom_bench_{s}_{uuid.uuid4().hex[:8]}" for s in services}
    with admin.connect() as connection:
        for name in names.values():
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    urls = {s: make_url(admin_url).set(database=n).render_as_string(hide_password=False) for s, n in names.items()}
    for service, url in urls.items():
        upgrade(f"services.{service}", url)
    return admin, names, urls


def stop_and_drop(servers: Sequence[subprocess.Popen], admin: Engine, names: dict[str, str]) -> None:
    """Stop the gunicorn masters (SIGTERM: their workers finish) and drop the throw-away databases."""
    for server in servers:
        server.send_signal(signal.SIGTERM)
    for server in servers:
        server.wait(timeout=30)
    with admin.connect() as connection:
        for name in names.values():
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def serve(
    app: str,
    env: dict[str, str],
    options: Sequence[str] = ("-c", "python:shared.gunicorn_conf"),
    log: Any = subprocess.DEVNULL,
) -> subprocess.Popen:
    """``app`` under gunicorn; its output to ``log`` (an open file), or nowhere."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *options, app],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT if log is not subprocess.DEVNULL else subprocess.DEVNULL,
    )


SLOTS = 40  # meetings per batch: a batch of P participants has 40 × P attendance slots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20, help="each path as fast as it goes, this long")
    parser.add_argument("--paced-seconds", type=float, default=20, help="each path at --rate, this long")
    parser.add_argument("--rate", type=int, default=100, help="requests/s of the latency run")
    parser.add_argument("--workers", type=int, default=8, help="requests in flight of the fastest run")
    parser.add_argument("--participants", type=int, default=1000, help="per batch (at most 1,000)")
    parser.add_argument("--rounds", type=int, default=2, help="fastest runs of each path, in turn: the best counts")
    parser.add_argument(
        "--profile",
        choices=("training", "gateway", "bare write", "bare proxy"),
        help="py-spy samples this server's workers (the thread holding the GIL: CPU in Python) through the first fastest run it serves (folded stacks)",
    )
    args = parser.parse_args()
    admin, names, urls = service_databases(("training", "gateway"))
    ports = {name: free_port() for name in ("training", "gateway", "bare write", "bare proxy")}
    local = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    # the services as deployed: a JSON log line per request at INFO (to nowhere here), metrics, every check
    common = {**os.environ, "INTERNAL_IDENTITY_SECRET": SECRET, "WEB_CONCURRENCY": "2", "LOG_LEVEL": "INFO"}
    servers = {
        "training": serve(
            "services.training.app:create_app()",
            common | {"DATABASE_URL": urls["training"], "BIND": f"127.0.0.1:{ports['training']}"},
        ),
        "gateway": serve(
            "services.gateway.app:create_app()",
            common
            | {
                "DATABASE_URL": urls["gateway"],
                "BIND": f"127.0.0.1:{ports['gateway']}",
                "JWT_SECRET": JWT,
                "TRAINING_URL": local["training"],
                "RATE_LIMIT_PER_MINUTE": "1000000",  # the counters are written all the same; nobody is refused here
            },
        ),
        "bare write": serve(
            "bench.bare:write_app()",
            common | {"DATABASE_URL": urls["training"]},
            [*BARE_GUNICORN, "--bind", f"127.0.0.1:{ports['bare write']}"],
        ),
        "bare proxy": serve(
            "bench.bare:proxy_app()",
            common | {"UPSTREAM_URL": local["bare write"]},
            [*BARE_GUNICORN, "--bind", f"127.0.0.1:{ports['bare proxy']}"],
        ),
    }
    try:
        for base in local.values():
            wait_healthy(base)
        _measure(args, servers, local, urls)
    finally:
        stop_and_drop(list(servers.values()), admin, names)


def _measure(args, servers: dict[str, subprocess.Popen], local: dict[str, str], urls: dict[str, str]) -> None:
    http = requests.Session()
    http.headers[identity.HEADER] = identity.encode(identity.Identity("bench.admin", ("admin",)), SECRET)
    batches, nips, key = enrolled_batches(
        http, f"{local['training']}/api/v1/training", urls["training"], count=6, participants=args.participants
    )
    slots = SLOTS * len(nips)

    def records(batch: dict, start: int, count: int) -> list[dict]:
        return [
            {
                "event_id": f"{batch['id'][:8]}-{n}",
                "batch_id": batch["id"],
                "nip": nips[n % len(nips)],
                "meeting_no": 1 + n // len(nips),
                "status": "present",
                "recorded_at": f"2026-01-04T08:{n % 60:02d}:00+07:00",
            }
            for n in range(start, min(start + count, slots))
        ]

    partner = {identity.HEADER: identity.encode(identity.Identity(key["key_id"], ("partner",), "BENCH"), SECRET)}
    json_type = {"Content-Type": "application/json"}
    single = "/api/v1/training/partner/attendance/record"

    def bare(base: str, path: str = "/record"):
        return lambda r: load.target(
            "POST", f"{base}{path}", json.dumps(r).encode(), {"X-Partner": "BENCH"} | json_type
        )

    def straight(r: dict) -> str:
        return load.target("POST", f"{local['training']}{single}", json.dumps(r).encode(), partner | json_type)

    def signed(path: str):
        def target(payload: dict) -> str:
            body = json.dumps(payload).encode()
            return load.target(
                "POST",
                f"{local['gateway']}{path}",
                body,
                gateway_domain.signed_headers(key["key_id"], key["secret"], body),
            )

        return target

    pg = load.postgres_pids()
    pids = {name: [server.pid] for name, server in servers.items()}
    paths = {  # name: (its batch, how a record becomes a request, what it runs on)
        "bare write": (batches[0], bare(local["bare write"]), ["bare write"]),
        "bare two-hop": (batches[1], bare(local["bare proxy"]), ["bare proxy", "bare write"]),
        "straight to training": (batches[2], straight, ["training"]),
        "through the gateway, signed": (batches[3], signed(single), ["gateway", "training"]),
    }
    _settled(urls["training"])
    paced = int(args.rate * args.paced_seconds)
    share = (slots - 200 - paced) // args.rounds
    watches = {name: {p: pids[p] for p in processes} | {"PostgreSQL": pg} for name, (_, _, processes) in paths.items()}
    for name, (batch, request, _) in paths.items():  # connections opened, caches and prepared statements warm
        _attack([request(r) for r in records(batch, 0, 200)], 0, args.workers, 60, watches[name])
    fastest: dict[str, load.Run] = {}
    for round_ in range(args.rounds):  # the paths in turn, each round: what the machine does meanwhile hits all
        for name, (batch, request, _) in paths.items():
            targets = [request(r) for r in records(batch, 200 + round_ * share, share)]
            profiling = _profile(args, servers, paths[name][2], round_ == 0)
            run = _attack(targets, 0, args.workers, args.seconds, watches[name])
            if profiling is not None:
                profiling.wait()
            if name not in fastest or run.rate > fastest[name].rate:
                fastest[name] = run
    latency = {
        name: _attack(
            [request(r) for r in records(batch, slots - paced, paced)],
            args.rate,
            args.workers,
            args.paced_seconds,
            watches[name],
        )
        for name, (batch, request, _) in paths.items()
    }
    bulk: dict[str, float] = {}
    for name, batch, request, processes in (
        ("bare two-hop", batches[4], bare(local["bare proxy"], "/records"), ["bare proxy", "bare write"]),
        (
            "through the gateway, signed",
            batches[5],
            signed("/api/v1/training/partner/attendance"),
            ["gateway", "training"],
        ),
    ):
        targets = [request({"records": records(batch, i, 1000)}) for i in range(0, slots, 1000)]
        run = _attack(targets, 0, 2, 300, {p: pids[p] for p in processes} | {"PostgreSQL": pg})
        bulk[name] = run.requests * 1000 / run.seconds
    _report(args, fastest, latency, bulk)


def _profile(args, servers: dict[str, subprocess.Popen], processes: list[str], first: bool) -> subprocess.Popen | None:
    """py-spy on ``--profile``'s server (its workers) for the run about to start, when that server serves it."""
    if not first or args.profile not in processes:
        return None
    out = Path(os.environ.get("BENCH_FIGURES_DIR", Path(__file__).resolve().parents[1] / "artifacts" / "bench"))
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"profile-{args.profile.replace(' ', '-')}.txt"
    print(f"  profiling {args.profile} into {target} (folded stacks: flamegraph.pl or speedscope read them)")
    command = [
        str(Path(sys.executable).with_name("py-spy")),
        "record",
        "--subprocesses",
        "--gil",
        "-r",
        "250",
        "-f",
        "raw",
    ]
    command += ["-d", str(int(args.seconds)), "-o", str(target), "--pid", str(servers[args.profile].pid)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def _settled(url: str) -> None:
    """The set-up's rows vacuumed and analysed and a checkpoint taken, so that PostgreSQL's own catching up (autovacuum,
    the checkpointer) does not fall into whichever path is measured first."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
        connection.execute(text("CHECKPOINT"))
    engine.dispose()


def _attack(targets: list[str], rate: int, workers: int, seconds: float, watch) -> load.Run:
    run = load.attack(targets, rate=rate, workers=workers, seconds=seconds, watch=watch)
    ended = run.errors == ["no targets to attack"]  # the targets ran out before the time: vegeta's last "result"
    wrong = {code: n for code, n in run.statuses.items() if code not in ("200", "201") and not (ended and code == "0")}
    if wrong:
        raise SystemExit(f"answers other than 200/201: {wrong} {run.errors[:3]}")
    return run


def _report(args, fastest: dict[str, load.Run], latency: dict[str, load.Run], bulk: dict[str, float]) -> None:
    print(
        f"\npartner attendance, one record per request: {args.workers} in flight for {args.seconds:.0f} s (the "
        f"rate), then {args.rate}/s for {args.paced_seconds:.0f} s (the latency); gunicorn gthread 2 × 4 each"
    )
    print(f"  {'path':<30} {'req/s':>7} {'p50':>7} {'p99':>7}   CPU per request (ms), at the fastest")
    for name, run in fastest.items():
        paced = latency[name]
        cpu = "  ".join(f"{group} {ms:.2f}" for group, ms in run.cpu_ms.items())
        print(f"  {name:<30} {run.rate:7.0f} {paced.p50_ms:6.1f}ms {paced.p99_ms:6.1f}ms   {cpu}")
    print("  1,000 records per request, 2 in flight:")
    for name, rate in bulk.items():
        print(f"  {name:<30} {rate:7.0f} records/s")

    def server_cpu(name: str) -> float:
        return sum(
            ms for group, ms in fastest[name].cpu_ms.items() if group not in ("PostgreSQL", "load generator (vegeta)")
        )

    bare, two_hop = fastest["bare write"], fastest["bare two-hop"]
    straight, gateway = fastest["straight to training"], fastest["through the gateway, signed"]
    record("bare write (same 9 statements), 1 record/request", bare.rate, "req/s", goal="(the baseline)", met=None)
    record("bare two-hop (bare proxy → bare write)", two_hop.rate, "req/s", goal="(the baseline)", met=None)
    for figure, value, unit, baseline, name, goal, most in (
        ("attendance 1/request, straight to training", straight.rate, "req/s", bare.rate, "bare write", 0.4, None),
        (
            "  its server CPU per request",
            server_cpu("straight to training"),
            "ms",
            server_cpu("bare write"),
            "bare write",
            None,
            2.5,
        ),
        (
            "attendance 1/request through the gateway (signed)",
            gateway.rate,
            "req/s",
            two_hop.rate,
            "bare two-hop",
            0.5,
            None,
        ),
        (
            "  its server CPU per request (gateway + training)",
            server_cpu("through the gateway, signed"),
            "ms",
            server_cpu("bare two-hop"),
            "bare two-hop",
            None,
            None,
        ),
    ):
        met = value >= goal * baseline if goal else value <= most * baseline if most else None
        wanted = f"≥ {goal} × {name}" if goal else f"≤ {most} × {name}" if most else "(context)"
        record(figure, value, unit, baseline=baseline, baseline_name=name, goal=wanted, met=met)
    p99 = latency["through the gateway, signed"].p99_ms
    record(
        f"  its p99 at {args.rate} req/s",
        p99,
        "ms",
        baseline=latency["bare two-hop"].p99_ms,
        baseline_name="bare two-hop",
        goal="< 50 ms at 100 req/s",
        met=p99 < 50,
    )
    record(
        "attendance 1,000/request through the gateway",
        bulk["through the gateway, signed"],
        "records/s",
        baseline=bulk["bare two-hop"],
        baseline_name="bare two-hop, unnest",
        goal="≥ 0.5 × bare two-hop (same inserts)",
        met=bulk["through the gateway, signed"] >= 0.5 * bulk["bare two-hop"],
    )


if __name__ == "__main__":
    main()
