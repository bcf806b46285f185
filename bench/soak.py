"""The soak: the whole stack for an hour (or ``--minutes``) under a steady mixed load, sampled every minute.

    make soak       # or: deploy/local/with-infra.sh .venv/bin/python bench/soak.py --minutes 60

Every part as in production, on the local Kafka and PostgreSQL (throw-away databases, topics under a prefix of their
own): the six APIs under gunicorn (2 workers each) and the six workers. The load, at ``--rate`` requests a second
through the gateway: a partner's signed attendance records (half of it), BKPSDM reading the API (a quarter), the web
UI's pages with a fresh sign-in every five minutes, an API login every 10 s, employees answering their evaluation
tasks; beside it a completion every 2 s (``TrainingCompleted`` on the training topic, as the training service
publishes it: a JP credit in needs, three tasks in evaluation, notifications) and a SIMPEG sync from the SIMPEG
stand-in every 15 minutes (``bangkom simpeg sync``, 2,000 employees: ``EmployeeSynced`` to every service, accounts).
The city's mail server is the SMTP stand-in (it counts what it receives): the activation e-mails of the accounts, the
JP checkpoint's letters and every message are delivered, not retried against a mail server that is not there.

Each minute: every process's resident memory and CPU, the minute's p99 latency and 5xx answers, every consumer's lag
(the workers' ``/metrics``), each database's size and the gateway's replay and rate tables (purged as they go), and the
records on the soak's topics. At the end: the table, the trends after a 5-minute warm-up (memory in MB an hour, over all
and each half, CPU of every part, p99 of the last ten minutes against the first ten), the tables read by sequential
scans, the SQL that took most time in the last ten minutes with its time a call then and in the first ten
(``pg_stat_statements``: a statement that grows slower reads something that grows), the samples as JSON and a plot
(``--plot``, PNG).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import jwt
import requests
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from sqlalchemy import Engine, create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.attendance import JWT, SECRET, serve, service_databases, stop_and_drop  # noqa: E402
from bench.attendance_ingest import enrolled_batch, free_port, wait_healthy  # noqa: E402
from bench.memory import rss_mb, workers_of  # noqa: E402
from bench.simpeg_sync import wait_until_listening  # noqa: E402
from services.gateway import domain as gateway_domain  # noqa: E402
from services.gateway import handlers as gateway_handlers  # noqa: E402
from shared import identity  # noqa: E402
from shared.db import Database, UnitOfWork  # noqa: E402
from shared.events import new_event  # noqa: E402
from tests.smtp_standin import SmtpStandin  # noqa: E402

SERVICES = ("needs", "training", "evaluation", "notifications", "gateway", "audit")
WARM_UP_MINUTES = 5
LOGS = ROOT / "bench" / "soak-logs"
SYNC_EVERY_S, COMPLETION_EVERY_S, LOGIN_EVERY_S, UI_SIGN_IN_EVERY_S = 900, 2.0, 10.0, 300
ID_IN_PATH = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PAGES = ["/bkpsdm", "/kebutuhan", "/pelatihan", "/bkpsdm/tugas", "/pegawai", "/rencana-tahunan", "/jejak-audit"]
READS = [  # what BKPSDM reads: a page of a list, or one person's messages (not lists that grow with the soak)
    "/api/v1/needs/needs?page=1&page_size=50",
    "/api/v1/needs/employees?page=1&page_size=50",
    "/api/v1/training/programs",
    "/api/v1/evaluation/tasks?page=1&page_size=50",
    "/api/v1/notifications/messages?nip={nip}",
    "/api/v1/audit/entries?object={nip}&page=1&page_size=50",
]


class Stack:
    """The APIs, the workers, the SIMPEG stand-in and what the load needs to know about them."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.admin, self.names, self.urls = service_databases(SERVICES)
        self.ports = {s: free_port() for s in SERVICES}
        self.metrics_ports = {s: free_port() for s in SERVICES}
        self.simpeg_port, self.simpeg_secret = free_port(), secrets.token_urlsafe(16)
        self.smtp = SmtpStandin(keep=False).start()  # the city's mail server: it counts the messages delivered
        upstreams = {f"{s.upper()}_URL": f"http://127.0.0.1:{self.ports[s]}" for s in SERVICES if s != "gateway"}
        self.env = {
            **os.environ,
            "INTERNAL_IDENTITY_SECRET": SECRET,
            "JWT_SECRET": JWT,
            "KAFKA_TOPIC_PREFIX": prefix,
            "WEB_CONCURRENCY": "2",
            "LOG_LEVEL": "WARNING",
            "RATE_LIMIT_PER_MINUTE": "1000000",
            "LOGIN_RATE_LIMIT_PER_MINUTE": "1000",
            "SIMPEG_BASE_URL": f"http://127.0.0.1:{self.simpeg_port}",
            "SIMPEG_TOKEN_URL": f"http://127.0.0.1:{self.simpeg_port}/oauth/token",
            "SIMPEG_CLIENT_ID": "bangkom",
            "SIMPEG_CLIENT_SECRET": self.simpeg_secret,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.smtp.port),
            "SMTP_SECURITY": "none",
            **upstreams,
        }
        LOGS.mkdir(parents=True, exist_ok=True)  # every part's warnings and errors, one file each
        self.apis = {
            s: serve(
                f"services.{s}.app:create_app()",
                self.of(s) | {"BIND": f"127.0.0.1:{self.ports[s]}"},
                log=(LOGS / f"{s}-api.log").open("w"),
            )
            for s in SERVICES
        }
        self.workers = {
            s: subprocess.Popen(
                [sys.executable, "-m", f"services.{s}.worker"],
                env=self.of(s) | {"WORKER_METRICS_PORT": str(self.metrics_ports[s])},
                cwd=ROOT,
                stdout=(LOGS / f"{s}-worker.log").open("w"),
                stderr=subprocess.STDOUT,
            )
            for s in SERVICES
        }
        self.simpeg = subprocess.Popen(
            [sys.executable, "-m", "tests.simpeg_standin", "--port", str(self.simpeg_port), "--employees", "2000"]
            + ["--client-secret", self.simpeg_secret],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.gateway = f"http://127.0.0.1:{self.ports['gateway']}"

    def of(self, service: str) -> dict[str, str]:
        return self.env | {"DATABASE_URL": self.urls[service]}

    def cli(self, service: str, *command: str) -> None:
        subprocess.run(
            [str(Path(sys.executable).parent / "bangkom"), *command],
            env=self.of(service),
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def processes(self) -> dict[str, list[int]]:
        """Every process by part: each API's gunicorn workers, each worker."""
        found = {f"{s} API": workers_of(master.pid) for s, master in self.apis.items()}
        return found | {f"{s} worker": [worker.pid] for s, worker in self.workers.items()}

    def stop(self) -> None:
        for process in [*self.workers.values(), self.simpeg]:
            process.terminate()
        for process in [*self.workers.values(), self.simpeg]:
            process.wait(timeout=60)
        stop_and_drop(list(self.apis.values()), self.admin, self.names)
        self.smtp.stop()


class Load:
    """The mixed load through the gateway, timed per request; completions on Kafka; syncs now and then."""

    def __init__(self, stack: Stack, batch: dict, nips: list[str], key: dict) -> None:
        self.stack, self.batch, self.nips, self.key = stack, batch, nips, key
        self.durations: dict[str, list[float]] = {}  # the current minute's, seconds, by path
        self.failures: dict[str, int] = {}  # 5xx in the current minute, by path and status
        # 4xx, and pages redirected (to the sign-in), in the current minute by path: the load itself gone wrong
        self.refused: dict[str, int] = {}
        self.n = 0
        self.partner, self.reader, self.ui = requests.Session(), requests.Session(), requests.Session()
        token = jwt.encode({"sub": "soak.admin", "roles": ["admin"], "exp": int(time.time()) + 86_400}, JWT)
        self.reader.headers["Authorization"] = f"Bearer {token}"
        self.producer = KafkaProducer(
            bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092").split(","), acks="all"
        )
        self.completed = 0
        self.lock = threading.Lock()
        self.syncs: list[float] = []

    def timed(self, method: str, path: str, session: requests.Session, **options) -> requests.Response:
        started = time.perf_counter()
        answer = session.request(method, self.stack.gateway + path, timeout=30, **options)
        route = ID_IN_PATH.sub("{id}", path.split("?")[0])  # one row per operation, not per task
        with self.lock:
            self.durations.setdefault(route, []).append(time.perf_counter() - started)
            if answer.status_code >= 500:
                failed = f"{route} {answer.status_code}"
                self.failures[failed] = self.failures.get(failed, 0) + 1
            if 400 <= answer.status_code < 500 or (method == "GET" and 300 <= answer.status_code < 400):
                self.refused[route] = self.refused.get(route, 0) + 1
        return answer

    def attendance(self) -> None:
        n = self.n
        body = json.dumps(
            {
                "event_id": f"soak-{uuid.uuid4().hex}",
                "batch_id": self.batch["id"],
                "nip": self.nips[n % len(self.nips)],
                "meeting_no": 1 + (n // len(self.nips)) % 40,
                "status": "present" if n % 7 else "absent",
                "recorded_at": f"2026-01-04T08:{n % 60:02d}:{n % 60:02d}+07:00",
            }
        ).encode()
        headers = gateway_domain.signed_headers(self.key["key_id"], self.key["secret"], body)
        self.timed("POST", "/api/v1/training/partner/attendance/record", self.partner, data=body, headers=headers)

    def ui_sign_in(self) -> None:
        self.ui = requests.Session()
        page = self.timed("GET", "/masuk", self.ui)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        form = {"csrf": csrf.group(1) if csrf else "", "username": "soak", "password": "kata-sandi-soak-panjang"}
        self.timed("POST", "/masuk", self.ui, data=form, allow_redirects=False)

    def employee_answers(self) -> None:
        nip = random.choice(self.nips)
        token = jwt.encode({"sub": nip, "roles": ["employee"], "exp": int(time.time()) + 3600}, JWT)
        who = requests.Session()
        who.headers["Authorization"] = f"Bearer {token}"
        tasks = self.timed("GET", "/api/v1/evaluation/my/tasks", who)
        open_tasks = [t for t in (tasks.json() if tasks.ok else []) if t.get("status") == "open"]
        if open_tasks:
            answers = {"content": 5, "trainer": 4, "relevance": 5, "organisation": 4, "themes": ["praktik"]}
            self.timed("POST", f"/api/v1/evaluation/tasks/{open_tasks[0]['id']}/submission", who, json=answers)

    def complete(self) -> None:
        nip = random.choice(self.nips)
        self.completed += 1
        event = new_event(
            "TrainingCompleted",
            {
                "enrollment_id": f"soak-{uuid.uuid4().hex}",
                "nip": nip,
                "program_id": self.batch["program_id"],
                "batch_id": self.batch["id"],
                "program_title": "Uji daya tahan",
                "form": "pelatihan",
                "jp": 8,
                "competencies": [{"code": "T-GIS", "target_level": 3}],
                "attendance_rate": 1.0,
                "completed_on": dt.date.today(),
                "partner_code": "BENCH",
                "certificate_number": f"SOAK/{self.completed}",
            },
        )
        self.producer.send(f"{self.stack.prefix}bangkom.training.v1", key=nip.encode(), value=event.to_json())

    def sync(self) -> None:
        def run() -> None:
            started = time.monotonic()
            self.stack.cli("needs", "simpeg", "sync")
            self.syncs.append(round(time.monotonic() - started, 1))

        threading.Thread(target=run, daemon=True).start()

    def step(self, at: float, last: dict[str, float]) -> None:
        """One request of the mix, and what is due by the clock."""
        for name, every, do in (
            ("sync", SYNC_EVERY_S, self.sync),
            ("completion", COMPLETION_EVERY_S, self.complete),
            ("login", LOGIN_EVERY_S, self.login),
            ("ui", UI_SIGN_IN_EVERY_S, self.ui_sign_in),
        ):
            if at - last.get(name, -every) >= every:
                last[name] = at
                do()
        kind = self.n % 20
        if kind < 10:
            self.attendance()
        elif kind < 15:
            self.timed("GET", READS[self.n % len(READS)].format(nip=random.choice(self.nips)), self.reader)
        elif kind < 18:
            self.timed("GET", PAGES[self.n % len(PAGES)], self.ui, allow_redirects=False)
        else:
            self.employee_answers()
        self.n += 1

    def login(self) -> None:
        self.timed(
            "POST",
            "/api/v1/auth/login",
            requests.Session(),
            json={"username": "soak", "password": "kata-sandi-soak-panjang"},
        )

    def take_minute(self) -> tuple[dict[str, list[float]], dict[str, int], dict[str, int]]:
        with self.lock:
            durations, failures, refused = self.durations, self.failures, self.refused
            self.durations, self.failures, self.refused = {}, {}, {}
        return durations, failures, refused


class Cpu:
    """Each part's CPU in the last minute, in % of one core, from /proc (the postmaster counts its ended backends)."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self) -> None:
        self.before: dict[str, float] = {}

    @classmethod
    def seconds(cls, pid: int, children: bool = False) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
        return ticks / cls.TICK

    @staticmethod
    def named(name: str) -> list[tuple[int, int]]:
        """(pid, parent pid) of every process with this command name."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)
                if fields[0].split("(", 1)[1] == name:
                    found.append((int(stat.parent.name), int(fields[1].split()[1])))
            except (OSError, IndexError):
                continue
        return found

    def minute(self, parts: dict[str, list[int]]) -> dict[str, float]:
        postgres = self.named("postgres")
        pids = {pid for pid, _ in postgres}
        now = {part: sum(self.seconds(pid) for pid in found) for part, found in parts.items()}
        now["postgres"] = sum(self.seconds(pid, children=parent not in pids) for pid, parent in postgres)
        now["kafka"] = sum(self.seconds(pid) for pid, _ in self.named("java"))
        now["load"] = self.seconds(os.getpid())
        used = {part: round(max(0.0, now[part] - self.before.get(part, now[part])) / 60 * 100, 1) for part in now}
        self.before = now
        return used


def seq_scans(stack: Stack) -> list[tuple[str, str, int, int, int]]:
    """Each table's sequential scans and the rows they read (service, table, scans, rows read, index scans)."""
    found = []
    for service, url in stack.urls.items():
        engine = create_engine(url)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0) FROM pg_stat_user_tables")
            ).all()
        engine.dispose()
        found += [(service, *row) for row in rows]
    return sorted(found, key=lambda row: -row[3])


class Statements:
    """What each SQL statement cost per call early and late in the run (``pg_stat_statements``, which the local
    PostgreSQL loads): a statement whose mean time grows reads something that grows. Skipped where not loaded."""

    def __init__(self, stack: Stack) -> None:
        self.engine: Engine | None = stack.admin
        self.service = {name: service for service, name in stack.names.items()}
        self.snapshots: dict[int, dict[tuple[str, int], tuple[str, int, float]]] = {}  # by minute
        try:
            with stack.admin.connect() as connection:
                connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
        except Exception as exc:  # noqa: BLE001 - a diagnosis, not the soak's subject
            print(f"  (no statement figures: {str(exc).splitlines()[0]})", file=sys.stderr)
            self.engine = None

    def snapshot(self, minute: int) -> None:
        if self.engine is None:
            return
        with self.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT d.datname, s.queryid, s.query, s.calls, s.total_exec_time FROM pg_stat_statements s"
                    " JOIN pg_database d ON d.oid = s.dbid"
                )
            ).all()
        self.snapshots[minute] = {
            (db, qid): (query, calls, ms) for db, qid, query, calls, ms in rows if db in self.service
        }

    def report(self, top: int = 10) -> None:
        """The statements that took most time late in the run, with their mean time early and late (ms a call)."""
        if len(self.snapshots) < 3:
            return
        minutes = sorted(self.snapshots)  # the warm-up's end, ten minutes later, ten minutes before the end, the end
        windows = [self._window(*(self.snapshots[m] for m in window)) for window in (minutes[:2], minutes[-2:])]
        late = sorted(windows[1].items(), key=lambda item: -item[1][1] * item[1][2])[:top]
        print("  SQL taking most time in the last ten minutes (ms a call: first ten minutes → last ten; calls):")
        for key, (query, calls, mean) in late:
            before = windows[0].get(key, (query, 0, float("nan")))[2]
            shown = " ".join(query.split())[:110]
            print(f"    {before:7.2f} → {mean:7.2f} {calls:7d}  {self.service[key[0]]}: {shown}")

    @staticmethod
    def _window(first: dict, last: dict) -> dict:
        found = {}
        for key, (query, calls, total) in last.items():
            _, calls0, total0 = first.get(key, (query, 0, 0.0))
            if calls > calls0:
                found[key] = (query, calls - calls0, (total - total0) / (calls - calls0))
        return found


def lag(stack: Stack) -> int:
    """The records every consumer has yet to handle, from the workers' own gauge."""
    total = 0.0
    for port in stack.metrics_ports.values():
        try:
            page = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        except requests.RequestException:
            continue
        total += sum(
            float(line.rsplit(" ", 1)[1]) for line in page.splitlines() if line.startswith("bangkom_consumer_lag{")
        )
    return int(total)


def p99_of(durations: list[float]) -> float | None:
    """The 99th percentile in ms (of at least 20 answers; the largest of fewer)."""
    if len(durations) >= 20:
        return round(statistics.quantiles(durations, n=100)[98] * 1000, 1)
    return round(max(durations) * 1000, 1) if durations else None


def sample(stack: Stack, load: Load, minute: int, topics: KafkaConsumer, cpu: Cpu) -> dict:
    by_path, failures, refused = load.take_minute()
    durations = [d for path in by_path.values() for d in path]
    parts = stack.processes()
    rss = {part: sum(rss_mb(pid) or 0 for pid in pids) for part, pids in parts.items()}
    used = cpu.minute(parts)
    sizes = {}
    for service, url in stack.urls.items():
        engine = create_engine(url)
        with engine.connect() as connection:
            sizes[service] = round(
                connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one() / 2**20, 1
            )
            if service == "gateway":
                seen = connection.execute(text("SELECT count(*) FROM seen_requests")).scalar_one()
                rates = connection.execute(text("SELECT count(*) FROM rate_counters")).scalar_one()
        engine.dispose()
    partitions = [
        TopicPartition(topic, p)
        for topic in topics.topics()
        if topic.startswith(stack.prefix)
        for p in topics.partitions_for_topic(topic) or ()
    ]
    records = sum(topics.end_offsets(partitions).values()) if partitions else 0
    p99 = statistics.quantiles(durations, n=100)[98] * 1000 if len(durations) >= 100 else None
    return {
        "minute": minute,
        "requests": len(durations),
        "p99_ms": round(p99, 1) if p99 is not None else None,
        "p99_ms_by_path": {path: p99_of(ds) for path, ds in sorted(by_path.items())},
        "errors_5xx": sum(failures.values()),
        "errors_5xx_by_path": failures,
        "refused_4xx": refused,
        "rss_mb": {part: round(value, 1) for part, value in rss.items()},
        "rss_total_mb": round(sum(rss.values()), 1),
        "cpu_percent": used,
        "lag": lag(stack),
        "db_mb": sizes,
        "seen_requests": seen,
        "rate_counters": rates,
        "topic_records": records,
        "completions": load.completed,
        "syncs": list(load.syncs),
        "mails": stack.smtp.inbox.received,
    }


def trend(values: list[tuple[float, float]]) -> float:
    """The least-squares slope of (minute, value), per hour."""
    if len(values) < 2:
        return 0.0
    xs, ys = [x for x, _ in values], [y for _, y in values]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mx) ** 2 for x in xs)
    return 60 * sum((x - mx) * (y - my) for x, y in values) / spread if spread else 0.0


def slope_error(values: list[tuple[float, float]]) -> float:
    """The standard error of ``trend`` (per hour): a slope within about two of it is no trend."""
    if len(values) < 3:
        return float("nan")
    xs = [x for x, _ in values]
    mx, slope = statistics.fmean(xs), trend(values) / 60
    my = statistics.fmean(y for _, y in values)
    residuals = sum((y - my - slope * (x - mx)) ** 2 for x, y in values)
    spread = sum((x - mx) ** 2 for x in xs)
    return 60 * (residuals / (len(values) - 2) / spread) ** 0.5 if spread else float("nan")


def paths_p99(steady: list[dict]) -> list[tuple[str, float, float]]:
    """Each path's p99, the median over the first ten steady minutes and over the last ten."""
    found = []
    for path in sorted({path for s in steady for path in s["p99_ms_by_path"]}):
        first, last = ([s["p99_ms_by_path"].get(path) for s in part] for part in (steady[:10], steady[-10:]))
        first, last = [v for v in first if v is not None], [v for v in last if v is not None]
        if first and last:
            found.append((path, statistics.median(first), statistics.median(last)))
    return found


def report(samples: list[dict], plot: Path | None) -> None:
    print(
        f"\n{'min':>4} {'req':>6} {'p99 ms':>7} {'5xx':>4} {'RSS MB':>7} {'lag':>6} {'DB MB':>7} {'seen':>6} {'rates':>6} {'records':>9}"
    )
    for s in samples:
        p99 = f"{s['p99_ms']:.1f}" if s["p99_ms"] is not None else "-"
        print(
            f"{s['minute']:4d} {s['requests']:6d} {p99:>7} {s['errors_5xx']:4d} {s['rss_total_mb']:7.1f} {s['lag']:6d} "
            f"{sum(s['db_mb'].values()):7.1f} {s['seen_requests']:6d} {s['rate_counters']:6d} {s['topic_records']:9d}"
        )
    steady = [s for s in samples if s["minute"] > WARM_UP_MINUTES]
    if len(steady) < 2:
        print(f"\nno trends: fewer than two minutes after the {WARM_UP_MINUTES}-minute warm-up")
        return
    memory = trend([(s["minute"], s["rss_total_mb"]) for s in steady])
    parts = {part: trend([(s["minute"], s["rss_mb"][part]) for s in steady]) for part in samples[-1]["rss_mb"]}
    first = [s["p99_ms"] for s in steady[:10] if s["p99_ms"] is not None]
    last = [s["p99_ms"] for s in steady[-10:] if s["p99_ms"] is not None]
    print(f"\nafter the {WARM_UP_MINUTES}-minute warm-up, {len(steady)} minutes:")
    print(f"  memory of every process together: {memory:+.1f} MB an hour (least squares)")
    worst = max(parts, key=lambda part: parts[part])
    print(f"  the part growing most: {worst} {parts[worst]:+.1f} MB an hour")
    half = len(steady) // 2
    for name, part in (("first half", steady[:half]), ("second half", steady[half:])):
        growth = trend([(s["minute"], s["rss_total_mb"]) for s in part])
        print(f"  memory, {name} (minutes {part[0]['minute']}-{part[-1]['minute']}): {growth:+.1f} MB an hour")
    cpu = {part: trend([(s["minute"], s["cpu_percent"][part]) for s in steady]) for part in samples[-1]["cpu_percent"]}
    print(
        "  CPU (% of one core: last minute, trend an hour): "
        + ", ".join(
            f"{part} {samples[-1]['cpu_percent'][part]:.0f} ({cpu[part]:+.1f})"
            for part in sorted(cpu, key=lambda p: -cpu[p])
        )
    )
    if first and last:
        p99 = [(s["minute"], s["p99_ms"]) for s in steady if s["p99_ms"] is not None]
        print(
            f"  p99: first ten minutes {statistics.median(first):.1f} ms, last ten {statistics.median(last):.1f} ms"
            f" (medians); least squares {trend(p99):+.1f} ± {slope_error(p99):.1f} ms an hour"
        )
        for path, early, late in paths_p99(steady):
            print(f"    {early:7.1f} → {late:7.1f} ms  {path}")
    print(f"  5xx: {sum(s['errors_5xx'] for s in samples)}; largest lag {max(s['lag'] for s in samples)} records")
    failed: dict[str, int] = {}
    for s in samples:
        for path, count in s.get("errors_5xx_by_path", {}).items():
            failed[path] = failed.get(path, 0) + count
    for path, count in sorted(failed.items(), key=lambda item: -item[1]):
        print(f"    {count:6d}  {path}  (logs: {LOGS})")
    print(
        f"  SIMPEG syncs: {samples[-1]['syncs']} s; completions {samples[-1]['completions']};"
        f" e-mails delivered {samples[-1].get('mails', 0)}"
    )
    if plot:
        draw(samples, plot)
        print(f"  plot: {plot}")


def draw(samples: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    minutes = [s["minute"] for s in samples]
    figure, axes = plt.subplots(5, 1, figsize=(9, 12), sharex=True)
    for part in samples[-1]["rss_mb"]:
        axes[0].plot(minutes, [s["rss_mb"][part] for s in samples], label=part, linewidth=1)
    axes[0].set_ylabel("RSS (MB)")
    axes[0].legend(fontsize=6, ncol=5, loc="upper left")
    axes[1].plot(minutes, [s["p99_ms"] for s in samples], color="tab:red")
    axes[1].set_ylabel("p99 (ms)")
    axes[2].plot(minutes, [s["lag"] for s in samples], color="tab:purple", label="consumer lag (records)")
    axes[2].plot(minutes, [s["seen_requests"] for s in samples], color="tab:orange", label="seen_requests rows")
    axes[2].legend(fontsize=7, loc="upper left")
    axes[3].plot(minutes, [sum(s["db_mb"].values()) for s in samples], label="databases (MB)")
    axes[3].plot(minutes, [s["topic_records"] / 1000 for s in samples], label="topic records (thousands)")
    axes[3].legend(fontsize=7, loc="upper left")
    if "cpu_percent" in samples[-1]:  # runs before it was sampled have none
        axes[4].plot(minutes, [sum(s["cpu_percent"].values()) for s in samples], label="every part", linewidth=1)
        for part in ("postgres", "gateway API", "notifications worker"):
            axes[4].plot(minutes, [s["cpu_percent"][part] for s in samples], label=part, linewidth=1)
        axes[4].legend(fontsize=7, loc="upper right")
    axes[4].set_ylabel("CPU (% of a core)")
    axes[4].set_xlabel("minute")
    for sync in range(SYNC_EVERY_S // 60, int(minutes[-1]) + 1, SYNC_EVERY_S // 60):
        for axis in axes:
            axis.axvline(sync, color="grey", linewidth=0.5, linestyle=":")
    figure.suptitle("Bangkom soak: the whole stack under a steady mixed load (dotted: SIMPEG syncs)")
    figure.tight_layout()
    figure.savefig(path, dpi=90)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--rate", type=float, default=20.0, help="requests a second through the gateway")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs/soak.png")
    parser.add_argument("--samples", type=Path, default=ROOT / "bench/soak-samples.json")
    parser.add_argument("--report", type=Path, help="print the report (and plot) of a run's samples, run nothing")
    args = parser.parse_args()
    if args.report:
        report(json.loads(args.report.read_text()), args.plot)
        return
    stack = Stack(f"soak-{uuid.uuid4().hex[:8]}.")
    samples: list[dict] = []
    try:
        for service in SERVICES:
            wait_healthy(f"http://127.0.0.1:{stack.ports[service]}")
        wait_until_listening(stack.simpeg_port, stack.simpeg)  # the first sync runs at once
        stack.cli("needs", "needs", "seed")
        with UnitOfWork(Database(stack.urls["gateway"]), None) as uow:
            gateway_handlers.create_account(uow, "soak", "kata-sandi-soak-panjang", ["admin"], None)
        http = requests.Session()
        http.headers[identity.HEADER] = identity.encode(identity.Identity("soak.admin", ("admin",)), SECRET)
        batch, nips, key = enrolled_batch(
            http, f"http://127.0.0.1:{stack.ports['training']}/api/v1/training", stack.urls["training"]
        )
        load = Load(stack, batch, nips, key)
        cpu, statements = Cpu(), Statements(stack)
        cpu.minute(stack.processes())
        topics = KafkaConsumer(
            bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092").split(",")
        )
        print(f"soak: {args.rate:g} requests/s for {args.minutes} min …", file=sys.stderr, flush=True)
        started = time.monotonic()
        last: dict[str, float] = {}
        next_sample = started + 60
        while (now := time.monotonic()) < started + args.minutes * 60:
            load.step(now - started, last)
            if now >= next_sample:
                samples.append(sample(stack, load, len(samples) + 1, topics, cpu))
                if len(samples) in (WARM_UP_MINUTES, WARM_UP_MINUTES + 10, args.minutes - 10, args.minutes - 1):
                    statements.snapshot(len(samples))
                args.samples.write_text(json.dumps(samples, indent=1))
                s = samples[-1]
                print(
                    f"  minute {s['minute']}: p99 {s['p99_ms']} ms, RSS {s['rss_total_mb']} MB, lag {s['lag']}",
                    file=sys.stderr,
                    flush=True,
                )
                next_sample += 60
            time.sleep(max(0.0, started + load.n / args.rate - time.monotonic()))
        topics.close()
        load.producer.close(timeout=10)
        report(samples, args.plot)
        print("  sequential scans by the rows they read (service, table, scans, rows read, index scans):")
        for row in seq_scans(stack)[:8]:
            print(f"    {row[0]:>13} {row[1]:<28} {row[2]:9d} {row[3]:13d} {row[4]:11d}")
        statements.report()
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
