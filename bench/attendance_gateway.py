"""Partner attendance through the gateway, signed, against the same posts straight to the training service.

    make bench      # or: deploy/local/with-infra.sh .venv/bin/python bench/attendance_gateway.py

The training service and the gateway each under gunicorn (2 workers), PostgreSQL on this machine. A partner with
a real key posts one record per request from several clients at once — first straight to the service (the baseline,
with the identity the gateway would sign), then through the gateway (key check, signature, replay and rate-limit
records, the upstream call) — and then 1,000 records per request through the gateway. Prints requests/s, p50/p99
and the ratio, and records them in the table of ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.attendance_ingest import enrolled_batch, free_port  # noqa: E402
from bench.figures import record  # noqa: E402
from services.gateway import domain as gateway_domain  # noqa: E402
from shared import identity  # noqa: E402
from shared.migrations import upgrade  # noqa: E402

SECRET = "bench-secret"  # noqa: S105 - throw-away services of this run
JWT = "bench-jwt-secret-that-is-long-enough-for-hs256"  # noqa: S105


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


def serve(app: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:shared.gunicorn_conf", app],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_healthy(base: str) -> None:
    for _ in range(150):
        try:
            if requests.get(f"{base}/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{base} did not start")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(posts: list, clients: int) -> tuple[float, list[float]]:
    """``posts``: callables, each one request; returns (requests/s, latencies in ms)."""
    latencies: list[float] = []

    def one(post) -> None:
        started = time.perf_counter()
        answer = post()
        latencies.append((time.perf_counter() - started) * 1000)
        if answer.status_code not in (200, 201):
            raise SystemExit(f"{answer.status_code}: {answer.text[:300]}")

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, posts))
    return len(posts) / (time.perf_counter() - started), latencies


def main() -> None:  # noqa: PLR0915 - one scenario, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="one-record requests on each path")
    parser.add_argument("--clients", type=int, default=8, help="requests in flight at once")
    args = parser.parse_args()
    admin, names, urls = service_databases(("training", "gateway"))
    common = {**os.environ, "INTERNAL_IDENTITY_SECRET": SECRET, "WEB_CONCURRENCY": "2", "LOG_LEVEL": "WARNING"}
    training_port, gateway_port = free_port(), free_port()
    servers = [
        serve(
            "services.training.app:create_app()",
            common | {"DATABASE_URL": urls["training"], "BIND": f"127.0.0.1:{training_port}"},
        ),
        serve(
            "services.gateway.app:create_app()",
            common
            | {
                "DATABASE_URL": urls["gateway"],
                "BIND": f"127.0.0.1:{gateway_port}",
                "JWT_SECRET": JWT,
                "TRAINING_URL": f"http://127.0.0.1:{training_port}",
                "RATE_LIMIT_PER_MINUTE": "1000000",  # the counters are written all the same; nobody is refused here
            },
        ),
    ]
    straight = f"http://127.0.0.1:{training_port}"
    gateway = f"http://127.0.0.1:{gateway_port}"
    try:
        wait_healthy(straight)
        wait_healthy(gateway)
        http = requests.Session()
        http.headers[identity.HEADER] = identity.encode(identity.Identity("bench.admin", ("admin",)), SECRET)
        base = f"{straight}/api/v1/training"
        batch, nips, key = enrolled_batch(http, base, urls["training"])

        def records(tag: str, count: int) -> list[dict]:
            return [
                {
                    "event_id": f"{tag}-{n}",
                    "batch_id": batch["id"],
                    "nip": nips[n % len(nips)],
                    "meeting_no": 1 + (n // len(nips)) % 40,
                    "status": "present",
                    "recorded_at": f"2026-01-04T08:{n % 60:02d}:00+07:00",
                }
                for n in range(count)
            ]

        partner_identity = {
            identity.HEADER: identity.encode(identity.Identity(key["key_id"], ("partner",), "BENCH"), SECRET)
        }
        session = requests.Session()
        session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=args.clients * 2))

        def straight_post(body: dict):
            return lambda: session.post(f"{base}/partner/attendance/record", json=body, headers=partner_identity)

        def signed(path: str, payload: dict):
            def post():
                body = json.dumps(payload).encode()
                headers = gateway_domain.signed_headers(key["key_id"], key["secret"], body)
                return session.post(f"{gateway}{path}", data=body, headers=headers)

            return post

        run([straight_post(r) for r in records("warm-s", 200)], args.clients)  # connections and caches warm
        run([signed("/api/v1/training/partner/attendance/record", r) for r in records("warm-g", 200)], args.clients)
        direct_rate, direct_ms = run([straight_post(r) for r in records("s", args.requests)], args.clients)
        gateway_rate, gateway_ms = run(
            [signed("/api/v1/training/partner/attendance/record", r) for r in records("g", args.requests)],
            args.clients,
        )
        bulk = records("bulk", 20_000)
        bulk_started = time.perf_counter()
        run(
            [
                signed("/api/v1/training/partner/attendance", {"records": bulk[i : i + 1000]})
                for i in range(0, len(bulk), 1000)
            ],
            2,
        )
        bulk_rate = len(bulk) / (time.perf_counter() - bulk_started)

        print(f"\npartner attendance, {args.clients} clients at once (gunicorn, 2 workers each; PostgreSQL)")
        for label, rate, ms in (
            ("straight to training", direct_rate, direct_ms),
            ("through the gateway", gateway_rate, gateway_ms),
        ):
            print(
                f"  1 per request, {label:22} {rate:7.0f} requests/s   p50 {statistics.median(ms):6.1f} ms   "
                f"p99 {percentile(ms, 0.99):6.1f} ms"
            )
        print(f"  gateway / straight                          {gateway_rate / direct_rate:7.2f} ×")
        print(f"  1,000 per request, through the gateway      {bulk_rate:7.0f} records/s")
        p99 = percentile(gateway_ms, 0.99)
        record(
            "attendance 1/request through the gateway (signed)",
            gateway_rate,
            "req/s",
            baseline=direct_rate,
            baseline_name="straight to training",
            goal="≥ 500/s, p99 < 100 ms, ≥ 0.6 ×",
            met=gateway_rate >= 500 and p99 < 100 and gateway_rate / direct_rate >= 0.6,
        )
        record("attendance 1/request through the gateway, p99", p99, "ms", goal="< 100 ms", met=p99 < 100)
        record(
            "attendance 1,000/request through the gateway",
            bulk_rate,
            "records/s",
            goal="≥ 10,000 records/s",
            met=bulk_rate >= 10_000,
        )
    finally:
        stop_and_drop(servers, admin, names)


if __name__ == "__main__":
    main()
