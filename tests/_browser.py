"""Serve the built site on 127.0.0.1 and drive Debian's Chromium with Playwright.

Not a test module: shared by tests/test_browser.py and tests/benchmark_pages.py.
Chromium is the system's (/usr/bin/chromium); Playwright never downloads one.
"""

from __future__ import annotations

import functools
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = os.environ.get("TP_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
PHONE_VIEWPORT = {"width": 390, "height": 844}
NAV_TIMEOUT_MS = 45_000  # generous: CI machines run the whole suite in parallel
# Material attaches the rendered mermaid SVG to a *closed* shadow root; open it so the
# test can see the diagram (instrumentation only, the page's own code is unchanged).
OPEN_SHADOW_ROOTS = """
(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: "open"}); };
})();
"""
LOCAL_SCHEMES = ("data", "blob", "about")


def chromium_available(executable: str = CHROMIUM) -> str | None:
    """None when Chromium and Playwright's Python API are usable, else why not."""
    if not (Path(executable).is_file() and os.access(executable, os.X_OK)):
        return f"Chromium not found at {executable} (apt-get install chromium chromium-driver)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"playwright's Python API is not installed: {exc}"
    return None


# Bytes each served site has written to its sockets (status lines, headers and bodies), keyed by
# "host:port". The weight of a page view is counted here, at the server, rather than from what
# Chromium reports per request: Chromium reports no body size for a web worker's script.
_SENT: dict[str, int] = {}
_SENT_LOCK = threading.Lock()


def bytes_sent(url: str) -> int | None:
    """Bytes the site serving `url` has sent so far; None when `serve()` does not serve it."""
    with _SENT_LOCK:
        return _SENT.get(urlsplit(url).netloc)


def _netloc(server) -> str:
    host, port = server.server_address[:2]
    return f"{host}:{port}"


class _CountingWriter:
    def __init__(self, raw, netloc: str):
        self._raw, self._netloc = raw, netloc

    def write(self, data) -> int:
        written = self._raw.write(data)
        with _SENT_LOCK:
            _SENT[self._netloc] += len(data) if written is None else written
        return written

    def __getattr__(self, name):
        return getattr(self._raw, name)


class _QuietHandler(SimpleHTTPRequestHandler):
    def setup(self):
        super().setup()
        self.wfile = _CountingWriter(self.wfile, _netloc(self.server))

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(directory: Path):
    """Serve `directory` on 127.0.0.1 at a free port; yields the base URL (ending with /)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with _SENT_LOCK:
        _SENT[_netloc(server)] = 0
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def launch_chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visit:
    """What happened while one page loaded."""

    url: str
    page: object = None
    context: object = None
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    transferred: int = 0  # bytes the server sent for this page view (status lines, headers, bodies)

    def foreign_requests(self, base_url: str) -> list[str]:
        origin = urlsplit(base_url)
        return [u for u in self.requests if urlsplit(u).scheme not in LOCAL_SCHEMES
                and (urlsplit(u).scheme, urlsplit(u).netloc) != (origin.scheme, origin.netloc)]

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
            self.context = self.page = None


def visit(browser, url: str, *, color_scheme: str = "light", measure: bool = False,
          warm_up: str | None = None, viewport: dict | None = None) -> Visit:
    """Open url in a fresh context (empty cache), wait until the network is idle, record everything.

    With warm_up, that URL is loaded first in the same context (filling the cache, as a
    reader arriving from another page) and only the second navigation is recorded. With measure,
    `transferred` is what the server sent from the navigation until the network was idle.
    """
    context = browser.new_context(viewport=viewport or VIEWPORT, color_scheme=color_scheme, service_workers="block")
    context.add_init_script(OPEN_SHADOW_ROOTS)
    page = context.new_page()
    page.set_default_timeout(NAV_TIMEOUT_MS)
    if warm_up:
        page.goto(warm_up, wait_until="networkidle", timeout=NAV_TIMEOUT_MS)
    record = Visit(url=url, page=page, context=context)
    page.on("request", lambda req: record.requests.append(req.url))
    page.on("console", lambda msg: msg.type == "error" and record.console_errors.append(
        f"{msg.text} ({(msg.location or {}).get('url', '')})"))
    page.on("pageerror", lambda exc: record.page_errors.append(str(exc)))
    page.on("requestfailed", lambda req: record.failed.append(f"{req.url}: {req.failure}"))
    page.on("response", lambda res: res.status >= 400 and record.bad_status.append(f"{res.url}: HTTP {res.status}"))
    before = bytes_sent(url)
    page.goto(url, wait_until="networkidle", timeout=NAV_TIMEOUT_MS)
    if measure:
        if before is None:
            raise ValueError(f"{url} is not served by serve(): its bytes cannot be counted")
        record.transferred = bytes_sent(url) - before
    return record
