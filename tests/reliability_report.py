"""Run the reliability suites and print what they did (not a test module).

    .venv/bin/python tests/reliability_report.py            # local profile (quick)
    CI=true .venv/bin/python tests/reliability_report.py    # CI profile: ~2000 examples per scrubber

Each test appends its counts (tests/tally.py) to a temporary file; this sums them:
examples run, inputs tried, bad inputs refused, faults survived, concurrent rounds,
leak runs, bytes checked and bytes lost (always 0: a loss fails its test).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITES = ["test_edit.py", "test_pypi.py", "test_secrets.py", "test_scrub_pypirc_props.py", "test_wfedit_props.py",
          "test_release_props.py", "test_bad_input.py", "test_no_leak.py", "test_checklist_faults.py",
          "test_badges_faults.py", "test_concurrent_fixers.py"]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tally = Path(tmp) / "tally.jsonl"
        env = {**os.environ, "TP_RELIABILITY_TALLY": str(tally)}
        started = time.monotonic()
        res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "auto", "-p", "no:cacheprovider",
                              *[f"tests/{s}" for s in SUITES]], cwd=ROOT, env=env)
        elapsed = time.monotonic() - started
        totals: Counter[str] = Counter()
        if tally.exists():
            for line in tally.read_text().splitlines():
                totals.update(json.loads(line))
    print(f"\nreliability suites: exit {res.returncode} in {elapsed:.0f}s "
          f"(profile: {'ci' if os.environ.get('CI') == 'true' else 'dev'})")
    for key in ("examples", "inputs", "bad_inputs", "faults_survived", "concurrent_rounds", "reads_during_writes",
                "torn_reads", "leak_runs", "files_written_checked", "bytes_checked", "bytes_lost"):
        print(f"  {key.replace('_', ' '):24} {totals.get(key, 0)}")
    return res.returncode


if __name__ == "__main__":
    sys.exit(main())
