"""Page weight in a real browser, beside the build-time ratios (not a test; run it directly).

    .venv/bin/python tests/benchmark_pages.py

Builds the site offline once, serves it on 127.0.0.1 and loads every page in
Debian's headless Chromium with an empty cache, counting requests and the bytes
transferred (response headers + bodies, as Chromium reports them). Then, if
tests/benchmark.py (the site build benchmark) is present, runs it and prints
its ratios below, so one command shows both.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _browser import chromium_available, launch_chromium, serve, visit  # noqa: E402
from _rendered import build_site  # noqa: E402


def measure_pages(site_dir: Path, pages: list[dict]) -> list[dict]:
    """One row per page: url, requests, transferred bytes, foreign requests."""
    rows = []
    with serve(site_dir) as base_url, launch_chromium() as browser:
        for page in sorted(pages, key=lambda p: p["url"]):
            v = visit(browser, base_url + page["url"], measure=True)
            try:
                rows.append({"page": page["src_path"], "requests": len(v.requests), "bytes": v.transferred,
                             "foreign": len(v.foreign_requests(base_url))})
            finally:
                v.close()
    return rows


def format_pages(rows: list[dict]) -> str:
    width = max([len(r["page"]) for r in rows] + [4])
    lines = [f"{'page':<{width}}  {'requests':>8}  {'transferred':>12}  {'other hosts':>11}"]
    for r in rows:
        lines.append(f"{r['page']:<{width}}  {r['requests']:>8}  {r['bytes'] / 1024:>9.1f} KiB  {r['foreign']:>11}")
    total = sum(r["bytes"] for r in rows)
    lines.append(f"{'all pages':<{width}}  {sum(r['requests'] for r in rows):>8}  {total / 1024:>9.1f} KiB  "
                 f"{sum(r['foreign'] for r in rows):>11}")
    return "\n".join(lines)


def build_benchmark():
    """tests/benchmark.py's entry point, if the site helper's benchmark exists."""
    path = HERE / "benchmark.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("tp_build_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    reason = chromium_available()
    with tempfile.TemporaryDirectory(prefix="tp-bench-pages-") as tmp:
        build = build_site(Path(tmp))
        if not build.ok:
            print("the site did not build:\n" + build.log[-4000:], file=sys.stderr)
            return 1
        print("Page weight in Chromium (empty cache, site served from 127.0.0.1, built with TP_OFFLINE=1)")
        if reason:
            print(f"  skipped: {reason}")
        else:
            print(format_pages(measure_pages(build.site, build.pages)))
    bench = build_benchmark()
    if bench is None:
        print("\nBuild ratios: tests/benchmark.py not present")
        return 0
    print("\nBuild ratios (tests/benchmark.py)")
    sys.stdout.flush()
    return bench.main([]) or 0


if __name__ == "__main__":
    sys.exit(main())
