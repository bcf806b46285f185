"""Memory of every API worker under a steady load: its RSS after warming up, at the end, and the growth between.

    make bench      # or: deploy/local/with-infra.sh .venv/bin/python bench/memory.py --minutes 10

The five APIs (needs, training, evaluation, notifications, gateway) each under gunicorn with 2 workers, as in
production, on throw-away PostgreSQL databases. For ``--minutes`` a steady load goes through the gateway: a
partner's signed attendance records, BKPSDM reading needs, employees, batches, enrolments, evaluation tasks and
notifications (``--rate`` requests a second). Every worker's resident memory (``VmRSS``) is read every 10 s; the
first minute is warm-up (imports, connection pools, caches filling). Prints each worker's RSS after the warm-up, at
the end, the largest, and the growth; records the largest RSS and the largest growth in the table of ``make bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import jwt
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench.attendance import JWT, SECRET, serve, service_databases, stop_and_drop  # noqa: E402
from bench.attendance_ingest import enrolled_batch, free_port, wait_healthy  # noqa: E402
from bench.figures import record  # noqa: E402
from services.gateway import domain as gateway_domain  # noqa: E402
from shared import identity  # noqa: E402

SERVICES = ("needs", "training", "evaluation", "notifications", "gateway")
WARM_UP_SECONDS = 60


def workers_of(master: int) -> list[int]:
    """The gunicorn master's worker processes."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> None:  # noqa: PLR0915 - one scenario, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the steady load lasts")
    parser.add_argument("--rate", type=float, default=40.0, help="requests a second through the gateway")
    args = parser.parse_args()
    admin, names, urls = service_databases(SERVICES)
    ports = {s: free_port() for s in SERVICES}
    common = {**os.environ, "INTERNAL_IDENTITY_SECRET": SECRET, "WEB_CONCURRENCY": "2", "LOG_LEVEL": "WARNING"}
    upstreams = {f"{s.upper()}_URL": f"http://127.0.0.1:{ports[s]}" for s in SERVICES if s != "gateway"}
    masters = {
        s: serve(
            f"services.{s}.app:create_app()",
            common
            | {"DATABASE_URL": urls[s], "BIND": f"127.0.0.1:{ports[s]}"}
            | ({"JWT_SECRET": JWT, "RATE_LIMIT_PER_MINUTE": "1000000", **upstreams} if s == "gateway" else {}),
        )
        for s in SERVICES
    }
    gateway = f"http://127.0.0.1:{ports['gateway']}"
    samples: dict[tuple[str, int], list[tuple[float, float]]] = {}
    try:
        for service in SERVICES:
            wait_healthy(f"http://127.0.0.1:{ports[service]}")
        http = requests.Session()
        http.headers[identity.HEADER] = identity.encode(identity.Identity("bench.admin", ("admin",)), SECRET)
        batch, nips, key = enrolled_batch(
            http, f"http://127.0.0.1:{ports['training']}/api/v1/training", urls["training"]
        )
        token = jwt.encode(
            {"sub": "bench.admin", "roles": ["admin"], "exp": int(time.time()) + 86_400}, JWT, algorithm="HS256"
        )
        reader = requests.Session()
        reader.headers["Authorization"] = f"Bearer {token}"
        partner = requests.Session()
        reads = [
            "/api/v1/needs/needs?limit=50",
            "/api/v1/needs/employees?limit=50",
            "/api/v1/needs/competencies",
            f"/api/v1/training/batches/{batch['id']}",
            f"/api/v1/training/batches/{batch['id']}/enrollments",
            "/api/v1/training/programs",
            "/api/v1/evaluation/tasks?limit=50",
            "/api/v1/notifications/messages?limit=50",
        ]

        def post_attendance(n: int) -> requests.Response:
            body = json.dumps(
                {
                    "event_id": f"mem-{n}",
                    "batch_id": batch["id"],
                    "nip": nips[n % len(nips)],
                    "meeting_no": 1 + (n // len(nips)) % 40,
                    "status": "present" if n % 7 else "absent",
                    "recorded_at": f"2026-01-04T08:{n % 60:02d}:{n % 60:02d}+07:00",
                }
            ).encode()
            headers = gateway_domain.signed_headers(key["key_id"], key["secret"], body)
            return partner.post(f"{gateway}/api/v1/training/partner/attendance/record", data=body, headers=headers)

        started = time.monotonic()
        ends = started + args.minutes * 60
        next_sample, n, failures = started, 0, 0
        print(f"steady load through the gateway, {args.rate:.0f}/s for {args.minutes:g} min …", file=sys.stderr)
        while (now := time.monotonic()) < ends:
            answer = post_attendance(n) if n % 2 == 0 else reader.get(f"{gateway}{reads[(n // 2) % len(reads)]}")
            failures += answer.status_code >= 500
            n += 1
            if now >= next_sample:
                for service, master in masters.items():
                    for pid in workers_of(master.pid):
                        if (rss := rss_mb(pid)) is not None:
                            samples.setdefault((service, pid), []).append((now - started, rss))
                next_sample = now + 10
                print(f"\r  {int(now - started):4d} s, {n} requests", end="", file=sys.stderr, flush=True)
            time.sleep(max(0.0, started + n / args.rate - time.monotonic()))
        print(file=sys.stderr)
        if failures:
            raise SystemExit(f"{failures} requests answered 5xx")

        print(f"\nAPI workers' memory (RSS), {n} requests through the gateway in {args.minutes:g} min")
        print(f"  {'worker':24} {'after warm-up':>14} {'at the end':>11} {'largest':>8} {'growth':>8}")
        largest = growth = 0.0
        for (service, pid), series in sorted(samples.items()):
            warm = [rss for at, rss in series if at >= min(WARM_UP_SECONDS, args.minutes * 30)] or [series[-1][1]]
            worker_growth = warm[-1] - warm[0]
            worker_largest = max(rss for _, rss in series)
            largest, growth = max(largest, worker_largest), max(growth, worker_growth)
            print(
                f"  {service + ' ' + str(pid):24} {warm[0]:11.1f} MB {warm[-1]:8.1f} MB {worker_largest:5.1f} MB "
                f"{worker_growth:+6.1f} MB"
            )
        record(
            "API worker RSS, the largest of all workers",
            largest,
            "MB",
            goal="≤ 150 MB",
            met=largest <= 150,
        )
        full = args.minutes >= 10
        record(
            f"API worker RSS growth over {args.minutes:g} min of steady load, the largest",
            growth,
            "MB",
            goal="no growth over 10 min (≤ 5 MB)",
            met=(growth <= 5) if full else None,
        )
    finally:
        stop_and_drop(list(masters.values()), admin, names)


if __name__ == "__main__":
    main()
