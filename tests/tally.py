"""Counting what the reliability tests did (not a test module).

When `TP_RELIABILITY_TALLY` names a file, `count(examples=3, ...)` appends one
JSON line to it (O_APPEND: safe across xdist workers); tests/reliability_report.py
sums the lines. Without the variable nothing is written.
"""

from __future__ import annotations

import json
import os

TALLY_ENV = "TP_RELIABILITY_TALLY"


def count(**counts: int) -> None:
    path = os.environ.get(TALLY_ENV)
    if not path or not counts:
        return
    line = (json.dumps(counts, sort_keys=True) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
