"""How long the web UI's pages take on the demo dataset scaled up (6,000 ASN by default), slowest first.

    make bench                      # or: deploy/local/with-infra.sh .venv/bin/python bench/ui_pages.py

Starts the demo stack (deploy/demo/run.sh: gunicorn APIs, workers, the gateway) on fresh PostgreSQL databases with
DEMO_EMPLOYEES ASN, signs in as each demo person through the login form, and requests each page of their role
``--rounds`` times after one warm-up. Prints, per page, the median and the worst time of the whole request (the
gateway's page and every service call behind it) against the 300 ms goal of the web UI.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.figures import record  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PORT = 18100
GATEWAY = f"http://127.0.0.1:{PORT}"
GOAL_MS = 300.0
PASSWORDS = {
    "bkpsdm": "demo-bkpsdm-2026",
    "pegawai": "demo-pegawai-2026",
    "atasan": "demo-atasan-2026",
    "mitra": "demo-mitra-2026",
}


def start_demo(employees: int, admin_url: str, urls: dict[str, str]) -> tuple[subprocess.Popen, list[str]]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for service in ("needs", "training", "evaluation", "gateway"):
            name = f"bangkom_bench_ui_{service}_{uuid.uuid4().hex[:6]}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            urls[service] = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    env = {
        **os.environ,
        "DEMO_DIR": f"/tmp/bangkom-bench-ui-{uuid.uuid4().hex[:6]}",
        "DEMO_PORT": str(PORT),
        "DEMO_EMPLOYEES": str(employees),
        "KAFKA_TOPIC_PREFIX": f"benchui{uuid.uuid4().hex[:6]}.",
        "LOGIN_RATE_LIMIT_PER_MINUTE": "600",
        **{f"{service.upper()}_DATABASE_URL": url for service, url in urls.items()},
    }
    process = subprocess.Popen(
        ["bash", "deploy/demo/run.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            if "Bangkom berjalan" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    started = time.monotonic()
    while not ready.wait(2):
        if process.poll() is not None or time.monotonic() - started > 1800:
            sys.exit("the demo did not start:\n" + "".join(lines[-40:]))
        print(f"  demo loading {employees} ASN… {time.monotonic() - started:.0f} s", end="\r", flush=True)
    print(f"  demo ready with {employees} ASN after {time.monotonic() - started:.0f} s")
    return process, lines


def sign_in(username: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{GATEWAY}/masuk", timeout=30).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    answer = session.post(
        f"{GATEWAY}/masuk",
        data={"csrf": csrf, "username": username, "password": PASSWORDS[username]},
        timeout=30,
        allow_redirects=False,
    )
    assert answer.status_code in (302, 303), (username, answer.status_code, answer.text[:300])
    return session


def pages_of() -> dict[str, list[str]]:
    """The pages of each role, with real ids taken from the demo (a program, a batch, a busy OPD, an ASN)."""
    login = requests.post(
        f"{GATEWAY}/api/v1/auth/login", json={"username": "bkpsdm", "password": PASSWORDS["bkpsdm"]}, timeout=30
    )
    login.raise_for_status()
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    program = next(iter(api.get(f"{GATEWAY}/api/v1/training/programs", timeout=30).json()), None)
    pages = [
        "/bkpsdm",
        "/kebutuhan",
        "/pelatihan",
        "/pelatihan/baru",
        "/pegawai",
        "/pegawai?sort=-unit_name&page=10",
        "/pegawai?q=ahmad",
        "/akun",
        "/akun?unit_code=OPD-DISDIK",
        "/kompetensi",
        "/standar",
        "/prioritas",
        "/penilaian?unit_code=OPD-DISDIK&competency_code=M-INTEGRITAS",
        "/mitra",
        "/verifikasi-pengembangan",
        "/simpeg",
        "/bkpsdm/jp/OPD-DISDIK",
    ]
    employees = api.get(f"{GATEWAY}/api/v1/needs/employees?unit_code=OPD-DISDIK&page_size=1", timeout=30).json()
    if employees:
        pages.append(f"/pegawai/{employees[0]['nip']}")
    if program:
        pages += [f"/pelatihan/{program['id']}", f"/pelatihan/{program['id']}/efektivitas"]
        batches = api.get(f"{GATEWAY}/api/v1/training/programs/{program['id']}/batches", timeout=30).json()
        if batches:
            pages.append(f"/angkatan/{batches[0]['id']}")
    return {"bkpsdm": pages, "pegawai": ["/saya"], "atasan": ["/atasan"], "mitra": ["/mitra-saya"]}


def measure(session: requests.Session, path: str, rounds: int) -> list[float]:
    answer = session.get(GATEWAY + path, timeout=60)  # warm-up (and a check that the page works)
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        session.get(GATEWAY + path, timeout=60).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=8000)  # a city (issue 33)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    admin_url = os.environ.get(
        "TEST_DATABASE_ADMIN_URL", "postgresql+psycopg://bangkom:bangkom@127.0.0.1:15432/postgres"
    )
    print(f"web UI pages on the demo dataset with {args.employees} ASN (PostgreSQL, gunicorn, the real gateway)")
    databases: dict[str, str] = {}
    process, _ = start_demo(args.employees, admin_url, databases)
    try:
        sessions = {username: sign_in(username) for username in PASSWORDS}
        results = []
        for username, paths in pages_of().items():
            for path in paths:
                times = measure(sessions[username], path, args.rounds)
                results.append((statistics.median(times), max(times), username, path))
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        with create_engine(admin_url, isolation_level="AUTOCOMMIT").connect() as connection:
            for url in databases.values():
                connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    results.sort(reverse=True)
    print(f"\n{'page':<62} {'role':<8} {'median ms':>10} {'worst ms':>9}  goal {GOAL_MS:.0f} ms")
    for median, worst, username, path in results:
        verdict = "met" if median <= GOAL_MS else "NOT met"
        print(f"{path[:62]:<62} {username:<8} {median:>10.0f} {worst:>9.0f}  {verdict}")
    over = [r for r in results if r[0] > GOAL_MS]
    print(f"\n{len(results) - len(over)} of {len(results)} pages within {GOAL_MS:.0f} ms (median)")
    for title, page in (("BKPSDM dashboard", "/bkpsdm"), ("annual plan page", "/kebutuhan")):
        median = next(m for m, _, _, path in results if path == page)
        record(f"{title} {page}, {args.employees:,} ASN (median)", median, "ms", goal="< 100 ms", met=median < 100)
    record(
        f"web UI pages within {GOAL_MS:.0f} ms (median)",
        len(results) - len(over),
        "pages",
        baseline=len(results),
        baseline_name="pages",
        goal="all",
        met=not over,
    )


if __name__ == "__main__":
    main()
