"""Run the checklist over checkouts of real repositories and print, for a person to judge, each one's upload
paths (the publishing model) and its fail/warn lines.

Not a test (pytest does not collect it). Offline; the owner/repository come from the directory name when
its origin is not a GitHub remote (`owner+name` as `fetch` names mirrors, else `name`).

    .venv/bin/python tests/realworld.py /tmp/rw/pip /tmp/rw/uv ...
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def judge(path: Path) -> dict:
    name = path.name
    owner, repo = name.split("+", 1) if "+" in name else ("unknown", name)
    cmd = [sys.executable, "-m", "trustpub", "check", "--offline", "--json", "--repo", str(path),
           "--owner", owner, "--repository", repo]
    if not (path / "pyproject.toml").is_file():
        cmd += ["--project", repo]
    started = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT,
                         env={"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "HOME": "/nonexistent"})
    elapsed = time.perf_counter() - started
    try:
        data = json.loads(res.stdout)
    except json.JSONDecodeError:
        return {"name": name, "error": (res.stderr or res.stdout).strip()[-400:], "code": res.returncode}
    return {"name": name, "data": data, "code": res.returncode, "seconds": elapsed}


def show(result: dict) -> list[str]:
    lines = [f"== {result['name']}"]
    if "error" in result:
        return lines + [f"  ERROR (exit {result['code']}): {result['error']}"]
    data = result["data"]
    for u in data["publishing"]:
        trig = "; ".join(dict.fromkeys(t["event"] + (f" {','.join(t['tags'])}" if t["tags"] else "")
                                       for t in u["triggers"])) or "no trigger"
        called = f" called from {' > '.join(u['callers'])}" if u["callers"] else ""
        lines.append(f"  upload {u['workflow']}:{u['job']}:{u['line']} {u['tool']} -> {u['index']} {u['auth']}"
                     f" env={u['environment']} on {trig}{called}")
    for m in data.get("may_upload", []):
        lines.append(f"  may-upload {m['workflow']}:{m['line']} {m['command']} ({m['reason'][:60]})")
    if not data["publishing"] and not data.get("may_upload"):
        lines.append("  (no upload found)")
    for c in data["checks"]:
        if c["status"] in ("fail", "warn"):
            lines.append(f"  {c['status'].upper():4} {c['id']}: {c['evidence'][:300]}")
    lines.append(f"  exit {result['code']} in {result['seconds']:.2f}s")
    return lines


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip())
        return 2
    for arg in argv:
        for line in show(judge(Path(arg).absolute())):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
