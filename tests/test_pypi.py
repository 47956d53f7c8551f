"""trustpub.pypi against a misbehaving server on 127.0.0.1 (tests/faultserver.py).

Every fault ends within its budget, yields `Fetched.error` (one clear line),
never an exception; the healthy path still works next to the faulty ones.
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from faultserver import FaultServer, closed_port
from tally import count
from trustpub.pypi import MAX_BODY, Fetched, fetch_all, fetch_all_sync

TIMEOUT = 1.0
BUDGET = 2.0
SLACK = 1.5  # seconds beyond the budget allowed for set-up and tear-down on a busy CI machine

# fault -> a fragment the message must contain (the reason a user can act on)
EXPECTED = {
    "hang": f"no answer within {TIMEOUT:g}s",
    "drip": "budget",
    "drip-headers": "budget",
    "404": "not found (404)",
    "429": "rate limited (429), retry after 120s",
    "500": "HTTP 500",
    "502": "HTTP 502",
    "503": "HTTP 503",
    "truncated": "without sending complete message body",
    "html": "unexpected content type 'text/html'",
    "malformed": "malformed JSON",
    "deep": "malformed JSON",
    "null": "empty JSON document",
    "notutf8": "malformed JSON",
    "huge": "response too large",
    "huge-declared": f"response too large ({40 * 1024 * 1024} bytes)",
    "gzip-bomb": "response too large",
    "redirect-loop": "redirects",
    "reset": "disconnected",
}


@pytest.fixture(scope="module")
def server():
    with FaultServer() as srv:
        yield srv


def assert_clear(r: Fetched, fragment: str) -> None:
    assert not r.ok
    assert r.data is None
    assert r.error and fragment in r.error, r.error
    assert "\n" not in r.error and "Traceback" not in r.error


def test_every_fault_is_listed():
    assert set(EXPECTED) == set(FaultServer.FAULTS)


@pytest.mark.parametrize("fault", FaultServer.FAULTS)
def test_fault_ends_within_budget_with_reason(server, fault):
    started = time.monotonic()
    [r] = fetch_all_sync([server.url(f"/{fault}/pypi/widget/json")], timeout=TIMEOUT, budget=BUDGET)
    elapsed = time.monotonic() - started
    assert elapsed < BUDGET + SLACK, f"{fault}: took {elapsed:.1f}s"
    assert_clear(r, EXPECTED[fault])
    count(faults_survived=1)


def test_refused_connection():
    started = time.monotonic()
    [r] = fetch_all_sync([f"http://127.0.0.1:{closed_port()}/pypi/widget/json"], timeout=TIMEOUT, budget=BUDGET)
    assert time.monotonic() - started < BUDGET + SLACK
    assert_clear(r, "connection failed")


def test_404_is_recognisable():
    r = fetch_all_sync(["http://x/pypi/nope/json"],
                       transport=httpx.MockTransport(lambda req: httpx.Response(404, json={"message": "Not Found"})))[0]
    assert r.not_found and r.status == 404


def test_all_faults_at_once_share_one_budget(server):
    """A page's badges fetch together: the slow ones cannot add up beyond one budget."""
    urls = [server.url(f"/{f}/pypi/widget/json") for f in FaultServer.FAULTS]
    urls.append(f"http://127.0.0.1:{closed_port()}/pypi/widget/json")
    urls.append(server.url("/ok/pypi/widget/json"))
    # The server shares this process's CPU with the client (unpacking the gzip bomb, parsing the
    # deep JSON), so the per-request timeout is looser here; the shared budget is what is tested.
    timeout, budget = 2.5, 3.5
    started = time.monotonic()
    results = fetch_all_sync(urls, timeout=timeout, budget=budget)
    assert time.monotonic() - started < budget + SLACK
    assert [r.url for r in results] == urls
    for fault, r in zip(FaultServer.FAULTS, results):
        # On a loaded machine a silent server may hit the per-request timeout or the shared budget first.
        assert_clear(r, "no answer within" if fault in ("hang", "drip", "drip-headers") else EXPECTED[fault])
    assert_clear(results[-2], "connection failed")
    healthy = results[-1]
    assert healthy.ok and healthy.data["info"]["version"] == "1.2.0" and healthy.etag == '"abc"'
    count(faults_survived=len(urls) - 1)


def test_inside_a_running_event_loop(server):
    """Called from code that already runs an event loop (the thread fallback) it still keeps the budget."""
    async def caller():
        return fetch_all_sync([server.url("/hang/x"), server.url("/ok/x")], timeout=TIMEOUT, budget=BUDGET)

    started = time.monotonic()
    hang, ok = asyncio.run(caller())
    assert time.monotonic() - started < BUDGET + SLACK
    assert_clear(hang, "no answer")
    assert ok.ok


def _raising(exc: BaseException):
    def handler(request):
        raise exc
    return httpx.MockTransport(handler)


@pytest.mark.parametrize("exc, fragment", [
    (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"), "connection failed"),
    (httpx.ReadTimeout("timed out"), "no answer"),
    (httpx.ProxyError("407 Proxy Authentication Required"), "ProxyError"),
    (httpx.UnsupportedProtocol("Request URL is missing an 'http://' or 'https://' protocol."), "UnsupportedProtocol"),
    (OSError(101, "Network is unreachable\nsecond line"), "Network is unreachable"),
    (ValueError("something odd"), "something odd"),
])
def test_transport_errors_become_messages(exc, fragment):
    [r] = fetch_all_sync(["https://pypi.invalid/pypi/widget/json"], transport=_raising(exc), budget=BUDGET)
    assert_clear(r, fragment)


def test_conditional_request_304():
    seen = {}

    def handler(request):
        seen.update(request.headers)
        return httpx.Response(304, headers={"ETag": '"abc"'})

    [r] = fetch_all_sync(["https://pypi.invalid/pypi/widget/json"], transport=httpx.MockTransport(handler),
                         headers={"https://pypi.invalid/pypi/widget/json": {"If-None-Match": '"abc"'}})
    assert r.ok and r.not_modified and r.error is None
    assert seen["if-none-match"] == '"abc"'
    assert "tp-guide" in seen["user-agent"]


def test_body_limit_is_exact():
    """Exactly MAX_BODY is accepted; one byte more is refused."""
    def body(n: int) -> bytes:
        return b'"' + b"a" * (n - 2) + b'"'

    def handler(request):
        n = int(request.url.path.strip("/"))
        return httpx.Response(200, content=body(n), headers={"Content-Type": "application/json"})

    ok, big = fetch_all_sync([f"https://pypi.invalid/{MAX_BODY}", f"https://pypi.invalid/{MAX_BODY + 1}"],
                             transport=httpx.MockTransport(handler), budget=5)
    assert ok.ok and len(ok.data) == MAX_BODY - 2
    assert_clear(big, "response too large")


def test_no_urls_no_work():
    assert fetch_all_sync([]) == []


def test_healthy_json(server):
    [r] = asyncio.run(fetch_all([server.url("/ok/pypi/widget/json")], timeout=TIMEOUT, budget=BUDGET))
    assert r.ok and r.status == 200 and json.dumps(r.data)


# ---------------------------------------------------------------------------
# Chained requests (a project's JSON, then its files) and what an Integrity API answer says
# ---------------------------------------------------------------------------
def test_fetch_chained_follows_each_answer_and_keeps_firsts_past_the_budget():
    import asyncio

    import httpx

    from trustpub.pypi import fetch_chained_sync

    async def handler(request):
        if request.url.path.startswith("/slow/"):
            await asyncio.sleep(5)
        return httpx.Response(200, json={"path": request.url.path})

    def follow(first):
        return ["https://pypi.test/next/a", "https://pypi.test/next/b"] if first.url.endswith("/ok") else \
            ["https://pypi.test/slow/x"]
    firsts, followed = fetch_chained_sync(["https://pypi.test/ok", "https://pypi.test/stalls"], follow,
                                          budget=0.5, transport=httpx.MockTransport(handler))
    assert [f.ok for f in firsts] == [True, True]  # the second's own answer counts though its follower stalled
    assert sorted(followed) == ["https://pypi.test/next/a", "https://pypi.test/next/b"]


def test_provenance_answer_tells_pypi_from_a_proxy():
    import asyncio

    import httpx

    from trustpub import pypi

    def answer(response):
        [fetched] = asyncio.run(pypi.fetch_all(["https://pypi.test/integrity/w/1/w.whl/provenance"],
                                               transport=httpx.MockTransport(lambda r: response)))
        return pypi.provenance_answer(fetched)
    assert answer(httpx.Response(404, json={"message": "No provenance available for w.whl"})) == \
        (pypi.PROVENANCE_NONE, "No provenance available for w.whl")
    assert answer(httpx.Response(404, content=b""))[0] == pypi.PROVENANCE_NOT_INTEGRITY
    assert answer(httpx.Response(404, text="<h1>404</h1>", headers={"content-type": "text/html"}))[0] == \
        pypi.PROVENANCE_NOT_INTEGRITY
    assert answer(httpx.Response(404, json=["not", "an", "object"]))[0] == pypi.PROVENANCE_NOT_INTEGRITY
    assert answer(httpx.Response(200, json={"attestation_bundles": []}))[0] == pypi.PROVENANCE_PRESENT
    assert answer(httpx.Response(200, json={"something": "else"}))[0] == pypi.PROVENANCE_NOT_INTEGRITY
    assert answer(httpx.Response(503))[0] == pypi.PROVENANCE_NO_ANSWER
