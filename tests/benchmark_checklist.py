"""Benchmark: `checklist.py --offline` against `zizmor --offline` on the same workflows, side by side.

Not a test module (pytest does not collect it). Run it from the repository root:

    .venv/bin/python tests/benchmark_checklist.py [--repo PATH | --workflows 40] [--runs N]

The checklist's budget (issues 3 and 14): offline on a repository with 40 workflows (generated
from the publishing fixtures unless --repo is given), under 0.5 s and no more than 3x zizmor's time. Both commands are started the same way (a
fresh process each run, alternating, after one warm-up run of each that also lets
Python write its bytecode cache), and the medians are compared. CPU time (user + system,
including what each command waited for: the checklist's CPU includes the zizmor it runs)
is printed too, as it says more than wall time on a busy machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKLIST = ROOT / "scripts" / "checklist.py"
LIMIT_SECONDS = 0.5
LIMIT_RATIO = 3.0


def zizmor_path() -> str:
    sys.path.insert(0, str(ROOT / "scripts"))
    from trustpub import zizmor

    exe = zizmor.executable()
    if exe is None:
        raise SystemExit("zizmor is not installed (pip install zizmor)")
    return exe


def _timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """Wall time, CPU time (user + system, the command and what it waited for) and exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    res = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, res.returncode


def benchmark_checklist(repo: Path = ROOT, runs: int = 7) -> dict:
    """Median wall time of both commands on `repo`'s workflows, and their ratio."""
    repo = repo.resolve()
    workflows = sorted(str(p) for p in (repo / ".github" / "workflows").glob("*.y*ml"))
    if not workflows:
        raise SystemExit(f"{repo}: no workflows to benchmark")
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(HOME=home, NO_COLOR="1")  # no ~/.pypirc of the person running it
        commands = {
            "checklist.py --offline": [sys.executable, str(CHECKLIST), "--repo", str(repo), "--offline"],
            "zizmor --offline": [zizmor_path(), "--offline", "--format", "json", *workflows],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        codes: dict[str, int] = {}
        for name, cmd in commands.items():  # warm-up: disk cache, bytecode
            _timed(cmd, repo, env)
        for _ in range(runs):
            for name, cmd in commands.items():
                elapsed, used, codes[name] = _timed(cmd, repo, env)
                times[name].append(elapsed)
                cpu[name].append(used)
    medians = {name: statistics.median(t) for name, t in times.items()}
    cpu_medians = {name: statistics.median(t) for name, t in cpu.items()}
    ours, theirs = medians["checklist.py --offline"], medians["zizmor --offline"]
    return {"repo": str(repo), "workflows": len(workflows), "runs": runs, "medians": medians,
            "cpu_medians": cpu_medians, "load": os.getloadavg()[0], "cpus": os.cpu_count(),
            "ratio": ours / theirs if theirs else float("inf"), "exit_codes": codes,
            "within_limits": ours < LIMIT_SECONDS and ours <= LIMIT_RATIO * theirs}


def print_report(result: dict) -> None:
    print(f"checklist benchmark: {result['repo']} ({result['workflows']} workflows, median of {result['runs']} runs; "
          f"load average {result['load']:.1f} on {result['cpus']} CPUs)")
    print(f"  {'':<24} {'wall':>7}      {'CPU':>7}")
    for name, seconds in result["medians"].items():
        print(f"  {name:<24} {seconds * 1000:7.0f} ms   {result['cpu_medians'][name] * 1000:7.0f} ms   "
              f"(exit {result['exit_codes'][name]})")
    print(f"  ratio checklist/zizmor   {result['ratio']:7.2f} x   "
          f"(limits: < {LIMIT_SECONDS:g} s and <= {LIMIT_RATIO:g} x: "
          f"{'met' if result['within_limits'] else 'NOT met'})")


def generated_repo(folder: Path, count: int) -> Path:
    """A git repository with `count` workflows (issue 14's budget: 40), cycled from the publishing fixtures
    (uploads with every tool, reusable workflows, conditions, a broken file), one per file."""
    sys.path.insert(0, str(ROOT / "tests"))
    from publishing_fixtures import FIXTURES, PYPROJECT

    texts = [text for fx in FIXTURES for rel, text in fx.files.items() if rel.startswith(".github/workflows/")]
    wf = folder / ".github" / "workflows"
    wf.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(PYPROJECT)
    for i in range(count):
        (wf / f"w{i:02d}.yml").write_text(texts[i % len(texts)].replace("./.github/workflows/publish-pypi.yml",
                                                                      f"./.github/workflows/w{(i + 1) % count:02d}.yml"))
    git = ["git", "-C", str(folder), "-c", "user.name=b", "-c", "user.email=b@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "remote", "add", "origin", "https://github.com/acme/widget.git"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "bench"], check=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=None)
    parser.add_argument("--workflows", type=int, default=40,
                        help="without --repo: benchmark a generated repository with this many workflows")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        repo = args.repo or generated_repo(Path(tmp) / "repo", args.workflows)
        result = benchmark_checklist(repo, args.runs)
    print_report(result)
    return 0 if result["within_limits"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
