"""/metrics under gunicorn with two worker processes reports what both served."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from shared.migrations import upgrade

ROUTE = "/openapi.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def served_total(metrics_text: str) -> float:
    pattern = re.compile(r"^bangkom_http_requests_total\{(?P<labels>[^}]*)\} (?P<value>\S+)$")
    total = 0.0
    for line in metrics_text.splitlines():
        match = pattern.match(line)
        if match and f'route="{ROUTE}"' in match["labels"] and 'status="200"' in match["labels"]:
            total += float(match["value"])
    return total


def test_metrics_sum_the_requests_of_every_gunicorn_worker(make_database, kafka_bootstrap, tmp_path: Path):
    url = make_database("needs_gunicorn")
    upgrade("services.needs", url)
    port = free_port()
    metrics_dir = tmp_path / "prometheus"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "INTERNAL_IDENTITY_SECRET": "test-secret",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:shared.gunicorn_conf", "services.needs.app:create_app()"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, server.communicate()[0]
            try:
                if requests.get(base + "/healthz", timeout=5).ok:
                    break
            except requests.RequestException:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)

        def hit(_):
            with requests.Session() as session:  # a new connection each time: either worker may accept it
                return session.get(base + ROUTE, timeout=5).status_code

        sent = 0
        with ThreadPoolExecutor(max_workers=8) as pool:
            # keep going until both workers have served (each writes its own counter file)
            while len(list(metrics_dir.glob("counter_*.db"))) < 2 or sent < 40:
                assert sent < 2000, "requests never reached the second worker"
                assert all(status == 200 for status in pool.map(hit, range(20)))
                sent += 20

        pids = {p.stem.split("_")[1] for p in metrics_dir.glob("counter_*.db")}
        assert len(pids) == 2
        scraped = {served_total(requests.get(base + "/metrics", timeout=5).text) for _ in range(6)}
        assert scraped == {float(sent)}, "every scrape, whichever worker answers, reports the sum"
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert server.returncode == 0, output
