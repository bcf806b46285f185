"""Load from outside Python, and the CPU it cost each process: the measuring tools of the HTTP benches.

The load generator is vegeta (Go, ``deploy/tools/install.sh bench`` builds it from the Go module proxy): compiled,
it takes a small share of the CPU it measures (its own CPU per request is printed beside the servers'). Each
request is a prepared target (method, URL, headers, body), every one distinct (attendance needs new event ids and
signatures), read lazily: an attack ends at its duration or when its targets run out.

CPU per request: the user + system time of a process tree (a gunicorn master and its workers, every PostgreSQL
process) from ``/proc``, before and after a run, divided by the requests served.
"""

from __future__ import annotations

import base64
import json
import os
import resource
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def vegeta_path() -> str:
    cache = Path(os.environ.get("BANGKOM_CACHE_DIR", Path.home() / ".cache" / "bangkom")) / "tools" / "bin" / "vegeta"
    found = shutil.which("vegeta") or (str(cache) if cache.exists() else None)
    if found is None:
        raise SystemExit("vegeta is missing: run deploy/tools/install.sh bench (make bench does)")
    return found


def target(method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None) -> str:
    """One request in vegeta's JSON target format."""
    line = {"method": method, "url": url, "header": {k: [v] for k, v in (headers or {}).items()}}
    if body:
        line["body"] = base64.b64encode(body).decode()
    return json.dumps(line)


@dataclass
class Run:
    requests: int
    seconds: float
    rate: float  # answered requests per second
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int]
    cpu_ms: dict[str, float]  # CPU per request per process group, milliseconds
    errors: list[str]


def attack(targets: Iterable[str], *, rate: int, workers: int, seconds: float, watch: dict[str, list[int]]) -> Run:
    """``rate`` 0: as fast as ``workers`` requests in flight allow. ``watch``: process groups (name → root pids)."""
    with tempfile.TemporaryDirectory(prefix="bangkom-vegeta-") as folder:
        plan, results = Path(folder) / "targets.jsonl", Path(folder) / "results.bin"
        plan.write_text("\n".join(targets) + "\n")
        before = {name: cpu_seconds(pids) for name, pids in watch.items()}
        command = [vegeta_path(), "attack", "-format=json", "-lazy", f"-targets={plan}", f"-rate={rate}"]
        command += [f"-duration={seconds}s", f"-workers={workers}", f"-max-workers={workers}", f"-output={results}"]
        generator = _children_cpu()
        finished = subprocess.run(command, capture_output=True, check=False)  # noqa: S603 - our own tool
        generator = _children_cpu() - generator
        if finished.returncode:
            raise SystemExit(f"vegeta: {finished.stderr.decode()[:500]}")
        after = {name: cpu_seconds(pids) for name, pids in watch.items()}
        report = json.loads(
            subprocess.run(  # noqa: S603
                [vegeta_path(), "report", "-type=json", str(results)], capture_output=True, check=True
            ).stdout
        )
    served = max(1, report["requests"])
    cpu = {name: (after[name] - before[name]) * 1000 / served for name in watch}
    cpu["load generator (vegeta)"] = generator * 1000 / served
    return Run(
        requests=report["requests"],
        seconds=report["duration"] / 1e9,
        rate=report["throughput"],
        p50_ms=report["latencies"]["50th"] / 1e6,
        p99_ms=report["latencies"]["99th"] / 1e6,
        statuses=report["status_codes"],
        cpu_ms=cpu,
        errors=report.get("errors") or [],
    )


def _children_cpu() -> float:
    """CPU seconds of every child this process has waited for (the difference around a run: vegeta's)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree(root: int) -> list[int]:
    """A process and all its descendants."""
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        try:
            tasks = Path(f"/proc/{pid}/task").iterdir()
            for task in tasks:
                queue += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def cpu_seconds(roots: list[int]) -> float:
    """User + system CPU seconds of the trees under ``roots`` (living processes; children they reaped included)."""
    total = 0
    for root in roots:
        for pid in tree(root):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime (fields 14–17 of stat)
    return total / TICKS


def postgres_pids() -> list[int]:
    """The PostgreSQL postmaster(s) on this machine (their trees: every backend)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres" and _parent(entry) not in ("postgres",):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _parent(entry: Path) -> str:
    ppid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
    try:
        return Path(f"/proc/{ppid}/comm").read_text().strip()
    except OSError:
        return ""
