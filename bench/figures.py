"""The figures of ``make bench`` in one table.

Each bench records what it measured with ``record(...)`` (a line of ``artifacts/bench/figures.jsonl``); this script,
run last by ``make bench``, prints the table — figure, value, baseline, ratio, goal, met — and keeps it with the
commit as ``artifacts/bench/figures.json``, to compare one commit with another.

    .venv/bin/python bench/figures.py            # the table of the last run
    .venv/bin/python bench/figures.py --reset    # start a new run (make bench does)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = Path(os.environ.get("BENCH_FIGURES_DIR", ROOT / "artifacts" / "bench"))
LINES = FOLDER / "figures.jsonl"


def record(
    figure: str,
    value: float,
    unit: str,
    *,
    goal: str,
    met: bool | None,
    baseline: float | None = None,
    baseline_name: str | None = None,
) -> None:
    """One figure of this run; ``met`` None when the bench measures it but the goal is not of that shape."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    line = {
        "figure": figure,
        "value": round(value, 3),
        "unit": unit,
        "baseline": round(baseline, 3) if baseline is not None else None,
        "baseline_name": baseline_name,
        "ratio": round(value / baseline, 3) if baseline else None,
        "goal": goal,
        "met": met,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    with LINES.open("a") as out:
        out.write(json.dumps(line) + "\n")


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reset", action="store_true", help="forget the figures recorded so far")
    args = parser.parse_args()
    if args.reset:
        LINES.unlink(missing_ok=True)
        return
    figures = [json.loads(line) for line in LINES.read_text().splitlines()] if LINES.exists() else []
    print(f"\nmake bench, commit {_commit()}: {len(figures)} figures")
    print(f"{'figure':<58} {'value':>12} {'baseline':>12} {'ratio':>7}  {'goal':<34} met")
    for f in figures:
        baseline = (
            ""
            if f["baseline"] is None
            else (f"{f['baseline']:,.1f}" if f["baseline"] < 100 else f"{f['baseline']:,.0f}")
        )
        ratio = "" if f["ratio"] is None else f"{f['ratio']:.2f}×"
        met = {True: "yes", False: "NO", None: "–"}[f["met"]]
        value = f"{f['value']:,.1f} {f['unit']}" if f["value"] < 100 else f"{f['value']:,.0f} {f['unit']}"
        print(f"{f['figure'][:58]:<58} {value:>12} {baseline:>12} {ratio:>7}  {f['goal'][:34]:<34} {met}")
    summary = {"commit": _commit(), "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "figures": figures}
    (FOLDER / "figures.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(
        f"\n{sum(f['met'] is True for f in figures)} met, {sum(f['met'] is False for f in figures)} not met; "
        f"kept in {FOLDER / 'figures.json'}"
    )


if __name__ == "__main__":
    main()
