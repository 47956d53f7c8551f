"""Stand-ins for PyPI on 127.0.0.1, for site builds in tests and the benchmark (not a test module).

- `MockPyPI`: answers `/pypi/<project>/json` like PyPI (ETag, 304 to If-None-Match), counts requests.
- `BlackHole`: accepts connections and never answers, like a PyPI that has gone silent.

Both stop by themselves after `lifetime` seconds at the latest, so nothing outlives a test.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def project_json(project: str = "widget", version: str = "1.4.2",
                 pythons: tuple[str, ...] = ("3.11", "3.12", "3.13"),
                 uploaded: str = "2025-03-14T09:26:53.589793Z") -> dict:
    """A PyPI JSON API document with the fields the badges read (shape of the real API)."""
    filename = project.replace("-", "_")
    files = [
        {"filename": f"{filename}-{version}.tar.gz", "packagetype": "sdist",
         "upload_time_iso_8601": uploaded, "yanked": False},
        {"filename": f"{filename}-{version}-py3-none-any.whl", "packagetype": "bdist_wheel",
         "upload_time_iso_8601": uploaded.replace("09:26:53", "09:26:58"), "yanked": False},
    ]
    return {
        "info": {
            "name": project, "version": version, "requires_python": ">=" + pythons[0],
            "classifiers": ["Development Status :: 4 - Beta", "Programming Language :: Python :: 3"]
            + [f"Programming Language :: Python :: {p}" for p in pythons],
        },
        "releases": {"0.1.0": [], version: files},
        "urls": files,
    }


class MockPyPI:
    """`with MockPyPI({"widget": doc}) as pypi: pypi.url` -> base URL; `pypi.requests` lists paths."""

    def __init__(self, projects: dict[str, dict], lifetime: float = 120.0):
        self.projects = projects
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.lifetime = lifetime
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                outer.requests.append((self.path, dict(self.headers)))
                parts = self.path.strip("/").split("/")
                doc = outer.projects.get(parts[1]) if len(parts) == 3 and parts[0] == "pypi" else None
                if doc is None:
                    self._send(404, b'{"message": "Not Found"}')
                    return
                body = json.dumps(doc).encode()
                etag = '"%x"' % (hash(body) & 0xFFFFFFFF)
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", etag)
                    return
                self._send(200, body, etag)

            def _send(self, status: int, body: bytes, etag: str | None = None):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "MockPyPI":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self._timer = threading.Timer(self.lifetime, self.server.shutdown)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        self.server.shutdown()
        self.server.server_close()


class BlackHole:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte back."""

    def __init__(self, lifetime: float = 120.0):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.lifetime = lifetime
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        deadline = time.monotonic() + self.lifetime
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            self._held.append(conn)  # kept open, never answered

    def __enter__(self) -> "BlackHole":
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self._held:
            conn.close()
        self.sock.close()
