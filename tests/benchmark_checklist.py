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


# ---------------------------------------------------------------------------
# Online: a project with many files against a slow local index (issue 14, item 7)
# ---------------------------------------------------------------------------
ONLINE_FILES = 30
ONLINE_DELAY = 0.1  # seconds the local server waits before answering each request


def _serve_slow_index(files: int, delay: float, ready) -> None:
    """PyPI's JSON and Integrity APIs on 127.0.0.1, every answer after `delay` seconds (threads: they overlap).

    Runs in its own process, so the server's threads do not share the measured client's interpreter lock."""
    import json
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    if True:

        names = [f"bench-1.0-cp3{i:02d}-none-any.whl" for i in range(files)]
        entries = [{"filename": n, "yanked": False} for n in names]
        project = json.dumps({"info": {"name": "bench", "version": "1.0"}, "releases": {"1.0": entries},
                              "urls": entries}).encode()
        provenance = json.dumps({"version": 1, "attestation_bundles": [{"publisher": {
            "kind": "GitHub", "repository": "acme/bench", "workflow": "release.yml"}, "attestations": [{}]}]}).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                time.sleep(delay)
                body = project if self.path.startswith("/pypi/") else provenance
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # all requests connect at once
            daemon_threads = True

        server = Server(("127.0.0.1", 0), Handler)
        ready.send(server.server_address[1])
        server.serve_forever()


class _SlowIndex:
    """`_serve_slow_index` in a child process; `url` is its base URL."""

    def __init__(self, files: int, delay: float) -> None:
        import multiprocessing

        ours, theirs = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_serve_slow_index, args=(files, delay, theirs), daemon=True)
        self.process.start()
        if not ours.poll(30):
            raise SystemExit("the local index did not start")
        self.url = f"http://127.0.0.1:{ours.recv()}"

    def close(self) -> None:
        self.process.terminate()  # the child this benchmark started, by its own handle
        self.process.join(5)


def benchmark_online(files: int = ONLINE_FILES, delay: float = ONLINE_DELAY, runs: int = 5) -> dict:
    """Median wall time of the online PyPI checks (TP701, TP702) for a project with `files` files, beside
    the median of one request to the same server: their ratio says how far the requests overlap."""
    sys.path.insert(0, str(ROOT / "src"))
    from trustpub import pypi
    from trustpub.checks import run_checks
    from trustpub.config import Subject
    from trustpub.repo import Repo

    index = _SlowIndex(files, delay)
    try:
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run(["git", "init", "-q", folder], check=True)
            repo = Repo.open(folder)
            subject = Subject("bench", "acme", "bench", index_url_override=index.url)
            single, checks = [], []
            for _ in range(runs):
                started = time.perf_counter()
                [one] = pypi.fetch_all_sync([subject.json_url])
                single.append(time.perf_counter() - started)
                assert one.ok, one.error
                started = time.perf_counter()
                results = run_checks(repo, subject, offline=False, only=["TP701", "TP702"], env={"HOME": folder})
                checks.append(time.perf_counter() - started)
                statuses = {r.id: r.status for r in results}
                assert statuses == {"TP701": "pass", "TP702": "pass"}, results
    finally:
        index.close()
    slowest, ours = statistics.median(single), statistics.median(checks)
    return {"files": files, "delay": delay, "runs": runs, "single": slowest, "checks": ours,
            "ratio": ours / slowest, "sequential": (files + 1) * slowest}


def print_online_report(result: dict) -> None:
    print(f"online benchmark: a project with {result['files']} files, every answer after "
          f"{result['delay'] * 1000:.0f} ms (median of {result['runs']} runs)")
    print(f"  one request                      {result['single'] * 1000:7.0f} ms")
    print(f"  TP701 + TP702 ({result['files'] + 1} requests)      {result['checks'] * 1000:7.0f} ms")
    print(f"  ratio to the slowest request     {result['ratio']:7.2f} x")
    print(f"  ratio to the slowest chain       {result['ratio'] / 2:7.2f} x   (a file's provenance can only be asked once "
          f"the project's JSON named it: two requests in a row at least)")
    print(f"  one request after another would take ~{result['sequential'] * 1000:.0f} ms; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


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
    parser.add_argument("--online", action="store_true",
                        help=f"only the online benchmark: {ONLINE_FILES} files against a local index answering "
                             f"after {ONLINE_DELAY * 1000:.0f} ms")
    args = parser.parse_args(argv)
    online = benchmark_online()
    print_online_report(online)
    if args.online:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        repo = args.repo or generated_repo(Path(tmp) / "repo", args.workflows)
        result = benchmark_checklist(repo, args.runs)
    print_report(result)
    return 0 if result["within_limits"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
