"""The demo stack (``make demo``), started once for the browser tests and the demo and metrics tests.

Its last test (``test_demo.py::test_ctrl_c_stops_everything``) presses Ctrl-C: files are collected in name
order, so ``test_browser.py`` runs before it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
GATEWAY = "http://127.0.0.1:18000"
APIS = {
    "needs": "http://127.0.0.1:8001",
    "training": "http://127.0.0.1:8002",
    "evaluation": "http://127.0.0.1:8003",
    "notifications": "http://127.0.0.1:8004",
    "audit": "http://127.0.0.1:8005",
}
WORKERS = {
    "needs": "http://127.0.0.1:9101",
    "training": "http://127.0.0.1:9102",
    "evaluation": "http://127.0.0.1:9103",
    "gateway": "http://127.0.0.1:9104",
    "notifications": "http://127.0.0.1:9105",
    "audit": "http://127.0.0.1:9106",
}
READY = "Bangkom berjalan"


@pytest.fixture(scope="package")
def demo(tmp_path_factory, kafka_bootstrap):
    """``make demo`` in its own process group (as a terminal would run it); Ctrl-C at the end."""
    prefix = f"demo{uuid.uuid4().hex[:6]}."
    env = {
        **os.environ,
        "DEMO_DIR": str(tmp_path_factory.mktemp("demo")),
        "DEMO_PORT": "18000",
        "KAFKA_TOPIC_PREFIX": prefix,
        "DEMO_EMPLOYEES": "240",
        "LOGIN_RATE_LIMIT_PER_MINUTE": "60",  # the tests sign the same demo people in more often than people do
    }
    process = subprocess.Popen(
        ["make", "--no-print-directory", "demo"],
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
            if READY in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 600
        while not ready.wait(1):
            assert process.poll() is None, "make demo ended early:\n" + "".join(lines[-60:])
            assert time.monotonic() < deadline, "make demo was not ready in 10 minutes:\n" + "".join(lines[-60:])
        yield {"lines": lines, "prefix": prefix, "process": process, "dir": env["DEMO_DIR"]}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        reader.join(timeout=5)


def stop(processes: list[subprocess.Popen]) -> None:
    """A stack's processes asked to stop (SIGTERM: each finishes what it holds), killed after 30 s."""
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def login(username: str, password: str) -> dict:
    answer = requests.post(
        f"{GATEWAY}/api/v1/auth/login", json={"username": username, "password": password}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def scrape(url: str) -> dict[str, float]:
    """Every sample of a /metrics page: ``name{labels}`` → value."""
    text = requests.get(url + "/metrics", timeout=10).text
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            samples[key] = float(value)
    return samples


def total(samples: dict[str, float], name: str, **labels: str) -> float:
    wanted = [f'{k}="{v}"' for k, v in labels.items()]
    return sum(
        value
        for key, value in samples.items()
        if re.match(rf"{name}(\{{|$)", key) and all(label in key for label in wanted)
    )


def present(samples: dict[str, float], name: str) -> bool:
    return any(re.match(rf"{name}(\{{|$)", key) for key in samples)
