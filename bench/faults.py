"""The fault suite (tests/faults) with a longer flow: FAULT_COMPLETIONS TrainingCompleted per scenario
(default here 10,000, against 2,000 in make test), printing each scenario's figures: events, resume times
after the fault ended, wire duplicates, time to settle. Run it with the broker and PostgreSQL of make test
available (deploy/local/with-infra.sh), as `make bench` does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    completions = sys.argv[1] if len(sys.argv) > 1 else "10000"
    env = {**os.environ, "FAULT_COMPLETIONS": completions}
    print(f"fault suite with {completions} TrainingCompleted per scenario", flush=True)
    command = [sys.executable, "-m", "pytest", "tests/faults", "-q", "-p", "no:cacheprovider", "--timeout", "1800"]
    sys.exit(subprocess.call(command, cwd=ROOT, env=env))
