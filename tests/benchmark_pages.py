"""Page weight in a real browser, beside the build-time ratios (not a test; run it directly).

    .venv/bin/python tests/benchmark_pages.py [--runs 5]


Builds the site offline once, serves it on 127.0.0.1 and loads every page in
Debian's headless Chromium with an empty cache, counting requests and the bytes
the server sent (status lines, headers and bodies, counted at the socket, so a web
worker's script counts too; uncompressed, as this server sends them). Then, if
tests/benchmark.py (the site build benchmark) is present, runs it (passing on
any arguments, e.g. --runs) and prints its ratios below, so one command shows both.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _browser import chromium_available, launch_chromium, serve, visit  # noqa: E402
from _rendered import build_site  # noqa: E402


def measure_pages(site_dir: Path, pages: list[dict]) -> list[dict]:
    """One row per page: requests and bytes with an empty cache, bytes after the home page, foreign requests."""
    rows = []
    with serve(site_dir) as base_url, launch_chromium() as browser:
        for page in sorted(pages, key=lambda p: p["url"]):
            url = base_url + page["url"]
            cold = visit(browser, url, measure=True)
            cold.close()
            warm = visit(browser, url, measure=True, warm_up=base_url)
            warm.close()
            rows.append({"page": page["src_path"], "requests": len(cold.requests), "bytes": cold.transferred,
                         "warm": warm.transferred,
                         "foreign": len(cold.foreign_requests(base_url)) + len(warm.foreign_requests(base_url))})
    return rows


def format_pages(rows: list[dict]) -> list[str]:
    width = max([len(r["page"]) for r in rows] + [9])
    lines = [f"{'page':<{width}}  {'requests':>8}  {'cold KiB':>9}  {'warm KiB':>9}  {'other hosts':>11}"]
    for r in rows:
        lines.append(f"{r['page']:<{width}}  {r['requests']:>8}  {r['bytes'] / 1024:>9.1f}  {r['warm'] / 1024:>9.1f}"
                     f"  {r['foreign']:>11}")
    lines.append(f"{'all pages':<{width}}  {sum(r['requests'] for r in rows):>8}  "
                 f"{sum(r['bytes'] for r in rows) / 1024:>9.1f}  {sum(r['warm'] for r in rows) / 1024:>9.1f}  "
                 f"{sum(r['foreign'] for r in rows):>11}")
    return lines


def side_by_side(left: list[str], right: list[str], gap: str = "   |   ") -> str:
    width = max((len(line) for line in left), default=0)
    return "\n".join(f"{a:<{width}}{gap}{b}".rstrip()
                     for a, b in itertools.zip_longest(left, right, fillvalue=""))


TROUBLESHOOTING = "troubleshooting.md"
COLD_LIMIT = 500_000  # bytes: the troubleshooting page before the reader uses the box
READY_LIMIT = 5.0     # seconds from the first paste to the diagnosis, cold cache


def measure_diagnosis(site_dir: Path, pages: list[dict], runs: int = 3) -> list[str]:
    """The troubleshooting page's cold weight, and the seconds from the first paste of a log to its
    diagnosis on the page (Pyodide and the diagnosis code fetched from 127.0.0.1, empty cache)."""
    from trustpub.config import Subject
    from trustpub.diagnose import example_log

    page = next((p for p in pages if p["src_path"] == TROUBLESHOOTING), None)
    if page is None:
        return [f"{TROUBLESHOOTING} is not in the site"]
    log = example_log(Subject(project="example", owner="example-org", repository="example"))
    weights, ready = [], []
    with serve(site_dir) as base_url, launch_chromium() as browser:
        for _ in range(runs):
            v = visit(browser, base_url + page["url"], measure=True)
            try:
                weights.append(v.transferred)
                started = time.monotonic()
                v.page.locator("#tp-diagnose-log").fill(log)  # a paste: focus, then the text
                v.page.wait_for_selector("#tp-diagnose[data-diagnosed]", timeout=120_000)
                ready.append(time.monotonic() - started)
            finally:
                v.close()
    weight, seconds = statistics.median(weights), statistics.median(ready)
    return [f"{TROUBLESHOOTING} before the box is used: {weight / 1e6:.3f} MB cold "
            f"(goal < {COLD_LIMIT / 1e6:.1f} MB) -> {'met' if weight < COLD_LIMIT else 'NOT met'}",
            f"first paste -> diagnosis shown: median {seconds:.2f} s of {runs} cold runs "
            f"({min(ready):.2f}-{max(ready):.2f}; goal <= {READY_LIMIT:g} s) -> "
            f"{'met' if seconds <= READY_LIMIT else 'NOT met'}; load average {os.getloadavg()[0]:.1f}"]


def build_benchmark():
    """tests/benchmark.py's entry point, if the site helper's benchmark exists."""
    path = HERE / "benchmark.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("tp_build_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # registered first, as an import would: its dataclasses look it up
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    reason = chromium_available()
    with tempfile.TemporaryDirectory(prefix="tp-bench-pages-") as tmp:
        build = build_site(Path(tmp))
        if not build.ok:
            print("the site did not build:\n" + build.log[-4000:], file=sys.stderr)
            return 1
        left = ["Page weight in Chromium (site from 127.0.0.1, built offline)",
                "cold: empty cache; warm: after loading the home page", ""]
        left += [f"skipped: {reason}"] if reason else format_pages(measure_pages(build.site, build.pages))
        diagnosis = [] if reason else ["", "In-page diagnosis (Pyodide from this site)"] + measure_diagnosis(
            build.site, build.pages)
    bench = build_benchmark()
    right = ["Build time (tests/benchmark.py)", ""]
    status = 0
    if bench is None:
        right.append("tests/benchmark.py not present")
    else:
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            status = bench.main(argv) or 0
        right += captured.getvalue().rstrip("\n").split("\n")
    print(side_by_side(left, right))
    print("\n".join(diagnosis))
    return status


if __name__ == "__main__":
    sys.exit(main())
