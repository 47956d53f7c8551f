"""A misbehaving HTTP server on 127.0.0.1 for network-fault tests (not a test module).

Each path is one fault. Every handler loop is bounded in count and in time and
stops when the server stops, so a test can never hang on it.

    with FaultServer() as srv:
        srv.url("/hang")
"""

from __future__ import annotations

import gzip
import json
import socket
import socketserver
import threading
import time

HANDLER_LIMIT = 15.0  # seconds; no connection is served longer than this
HUGE = 40 * 1024 * 1024  # bytes: "a body of tens of megabytes"

OK_DOC = {"info": {"name": "widget", "version": "1.2.0"}, "releases": {"1.2.0": []}, "urls": []}


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (connections are refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _head(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _json_response(body: bytes, status: str = "200 OK", ctype: str = "application/json",
                   extra: dict[str, str] | None = None) -> bytes:
    return _head(status, {"Content-Type": ctype, "Content-Length": str(len(body)),
                          "Connection": "close", **(extra or {})}) + body


class _Handler(socketserver.BaseRequestHandler):
    server: "_Server"

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(2.0)
        started = time.monotonic()
        request = b""
        try:
            while b"\r\n\r\n" not in request and len(request) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                request += chunk
        except OSError:
            return
        path = request.split(b" ", 2)[1].decode("latin-1") if request.count(b" ") >= 2 else "/"
        self.server.hits.append(path)
        fault = path.strip("/").split("/")[0]
        stop = self.server.stop
        deadline = started + HANDLER_LIMIT

        def alive() -> bool:
            return not stop.is_set() and time.monotonic() < deadline

        try:
            if fault == "hang":  # accepts, reads the request, never answers
                while alive():
                    stop.wait(0.05)
            elif fault == "drip":  # answers, one byte at a time, slower than any budget
                body = json.dumps(OK_DOC).encode()
                sock.sendall(_head("200 OK", {"Content-Type": "application/json",
                                              "Content-Length": str(len(body))}))
                for i in range(len(body)):
                    if not alive():
                        break
                    sock.sendall(body[i:i + 1])
                    stop.wait(0.2)
            elif fault == "drip-headers":  # even the status line comes byte by byte
                head = _head("200 OK", {"Content-Type": "application/json", "Content-Length": "2"})
                for i in range(len(head)):
                    if not alive():
                        break
                    sock.sendall(head[i:i + 1])
                    stop.wait(0.2)
            elif fault in ("404", "500", "503", "502"):
                reason = {"404": "Not Found", "500": "Internal Server Error", "503": "Service Unavailable",
                          "502": "Bad Gateway"}[fault]
                sock.sendall(_json_response(b'{"message": "' + reason.encode() + b'"}', f"{fault} {reason}"))
            elif fault == "429":
                sock.sendall(_json_response(b'{"message": "slow down"}', "429 Too Many Requests",
                                            extra={"Retry-After": "120"}))
            elif fault == "truncated":  # promises 5000 bytes, sends 40, hangs up
                sock.sendall(_head("200 OK", {"Content-Type": "application/json", "Content-Length": "5000"})
                             + b'{"info": {"name": "widget", "version": "1')
            elif fault == "html":
                sock.sendall(_json_response(b"<html><body>Maintenance</body></html>", ctype="text/html"))
            elif fault == "malformed":
                sock.sendall(_json_response(b'{"info": {"name": "widget", "version": '))
            elif fault == "deep":  # valid JSON syntax so deep the parser gives up
                sock.sendall(_json_response(b"[" * 200_000 + b"]" * 200_000))
            elif fault == "null":
                sock.sendall(_json_response(b"null"))
            elif fault == "notutf8":
                sock.sendall(_json_response(b'{"info": "\xff\xfe"}'))
            elif fault == "huge":  # tens of megabytes, chunked (no length announced)
                sock.sendall(_head("200 OK", {"Content-Type": "application/json",
                                              "Transfer-Encoding": "chunked"}))
                block = b" " * 65536
                sent = 0
                while sent < HUGE and alive():
                    sock.sendall(b"%x\r\n" % len(block) + block + b"\r\n")
                    sent += len(block)
                sock.sendall(b"0\r\n\r\n")
            elif fault == "huge-declared":  # announces tens of megabytes up front
                sock.sendall(_head("200 OK", {"Content-Type": "application/json",
                                              "Content-Length": str(HUGE)}))
                block = b" " * 65536
                sent = 0
                while sent < HUGE and alive():
                    sock.sendall(block)
                    sent += len(block)
            elif fault == "gzip-bomb":  # small on the wire, tens of megabytes unpacked
                sock.sendall(_json_response(self.server.bomb, extra={"Content-Encoding": "gzip"}))
            elif fault == "redirect-loop":
                sock.sendall(_head("302 Found", {"Location": path, "Content-Length": "0", "Connection": "close"}))
            elif fault == "reset":  # hangs up without a word
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            else:  # a healthy answer
                sock.sendall(_json_response(json.dumps(OK_DOC).encode(),
                                            extra={"ETag": '"abc"'}))
        except OSError:
            pass  # the client gave up: fine


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stop = threading.Event()
        self.hits: list[str] = []
        self.bomb = gzip.compress(b" " * HUGE, compresslevel=9)


class FaultServer:
    FAULTS = ["hang", "drip", "drip-headers", "404", "429", "500", "502", "503", "truncated", "html",
              "malformed", "deep", "null", "notutf8", "huge", "huge-declared", "gzip-bomb",
              "redirect-loop", "reset"]

    def __enter__(self) -> "FaultServer":
        self.server = _Server()
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()
        return self

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def __exit__(self, *exc) -> None:
        self.server.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
