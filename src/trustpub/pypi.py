"""PyPI's public read APIs (JSON and Integrity), concurrent, each call timed out, all under one budget.

Used by the site's badges, the checklist and the release scripts. A failure is
never an exception here: every call yields a `Fetched` saying what happened,
so callers can fall back and say why.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any, Callable

import httpx

USER_AGENT = "tp-guide (+Trusted Publishing guide; build-time badges and checklist)"
DEFAULT_TIMEOUT = 5.0     # seconds, one request
DEFAULT_BUDGET = 8.0      # seconds, all requests of one run together
MAX_BODY = 8 * 1024 * 1024  # bytes; PyPI's largest JSON documents are far smaller


@dataclass
class Fetched:
    url: str
    status: int | None = None        # HTTP status, None when no answer
    data: Any = None                 # parsed JSON when ok
    error: str | None = None         # one line: why there is no data
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False       # 304 to a conditional request
    error_body: Any = None           # a 404's JSON object, when it had one (PyPI's own say so)

    @property
    def ok(self) -> bool:
        return self.error is None and (self.data is not None or self.not_modified)

    @property
    def not_found(self) -> bool:
        return self.status == 404


def _describe(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, (httpx.TimeoutException, asyncio.TimeoutError, TimeoutError)):
        return f"no answer within {timeout:g}s"
    if isinstance(exc, httpx.ConnectError):
        return "connection failed (offline or refused)"
    if isinstance(exc, httpx.HTTPError):
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


ERROR_BODY_LIMIT = 64 * 1024  # bytes read from a 404's body; PyPI's error documents are one short line


async def _small_json(resp: httpx.Response) -> Any:
    """The JSON object of a short error body, or None (empty, not JSON, too long)."""
    if "json" not in resp.headers.get("content-type", ""):
        return None
    body = bytearray()
    async for chunk in resp.aiter_bytes():
        body += chunk
        if len(body) > ERROR_BODY_LIMIT:
            return None
    try:
        data = json.loads(bytes(body))
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


# What an Integrity API answer for one file says (see `provenance_answer`).
PROVENANCE_PRESENT = "present"          # a provenance object with attestation bundles
PROVENANCE_NONE = "none"                # PyPI says the file has none (its JSON 404)
PROVENANCE_NOT_INTEGRITY = "not-integrity"  # the answer did not come from PyPI's Integrity API
PROVENANCE_NO_ANSWER = "no-answer"      # timeout, connection failure, 5xx, rate limit

MSG_NOT_INTEGRITY_404 = "a 404 without the Integrity API's JSON error (empty or not JSON: a proxy or mirror?)"
MSG_NOT_INTEGRITY_BODY = "a 200 that is not a provenance object (no attestation_bundles: a proxy or mirror?)"


def provenance_answer(fetched: "Fetched") -> tuple[str, str]:
    """(kind, one-line detail) of an Integrity API answer for one file.

    PyPI (warehouse `api/integrity.py`) answers a file without provenance with a 404 whose JSON body is
    `{"message": "No provenance available for <file>"}`; anything else that says 404 (an empty body, an HTML
    page) came from something between us and PyPI, and says nothing about the file.
    """
    if fetched.not_found:
        data = fetched.error_body
        if isinstance(data, dict) and isinstance(data.get("message"), str):
            return PROVENANCE_NONE, data["message"]
        return PROVENANCE_NOT_INTEGRITY, MSG_NOT_INTEGRITY_404
    if not fetched.ok:
        return PROVENANCE_NO_ANSWER, fetched.error or "no answer"
    if not isinstance(fetched.data, dict) or not isinstance(fetched.data.get("attestation_bundles"), list):
        return PROVENANCE_NOT_INTEGRITY, MSG_NOT_INTEGRITY_BODY
    return PROVENANCE_PRESENT, ""


async def _fetch_one(client: httpx.AsyncClient, url: str, timeout: float,
                     headers: dict[str, str] | None) -> Fetched:
    try:
        async with client.stream("GET", url, headers=headers or {}, timeout=timeout) as resp:
            result = Fetched(url, status=resp.status_code, etag=resp.headers.get("etag"),
                             last_modified=resp.headers.get("last-modified"))
            if resp.status_code == 304:
                result.not_modified = True
                return result
            if resp.status_code == 404:
                # The body tells PyPI's own "not found" (JSON with a message) from a proxy's or mirror's.
                result.error = "not found (404)"
                result.error_body = await _small_json(resp)
                return result
            if resp.status_code == 429:
                retry = resp.headers.get("retry-after")
                result.error = "rate limited (429)" + (f", retry after {retry}s" if retry else "")
                return result
            if resp.status_code >= 400:
                result.error = f"HTTP {resp.status_code}"
                return result
            ctype = resp.headers.get("content-type", "")
            if "json" not in ctype:
                result.error = f"unexpected content type {ctype or 'none'!r}"
                return result
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > MAX_BODY:
                result.error = f"response too large ({int(declared)} bytes)"
                return result
            body = bytearray()
            async for chunk in resp.aiter_bytes():
                body += chunk
                if len(body) > MAX_BODY:
                    result.error = f"response too large (over {MAX_BODY} bytes)"
                    return result
    except Exception as exc:  # noqa: BLE001 - every failure becomes a message
        return Fetched(url, error=_describe(exc, timeout))
    try:
        result.data = json.loads(bytes(body))
    except (ValueError, RecursionError):  # RecursionError: nesting too deep for the parser
        result.error = "malformed JSON"
    else:
        if result.data is None:  # `null`: no data and, without this, no reason either
            result.error = "empty JSON document (null)"
    return result


async def fetch_all(urls: list[str], *, timeout: float = DEFAULT_TIMEOUT, budget: float = DEFAULT_BUDGET,
                    transport: httpx.AsyncBaseTransport | None = None,
                    headers: dict[str, dict[str, str]] | None = None) -> list[Fetched]:
    """GET every URL concurrently; whatever is unfinished when `budget` runs out gets an error."""
    if not urls:
        return []
    timeout = min(timeout, budget)
    loop = asyncio.get_running_loop()
    started = loop.time()  # the budget covers setting up the client (SSL context) too
    async with httpx.AsyncClient(transport=transport, follow_redirects=True,
                                 headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                                 timeout=httpx.Timeout(timeout)) as client:
        tasks = [asyncio.ensure_future(_fetch_one(client, u, timeout, (headers or {}).get(u))) for u in urls]
        done, pending = await asyncio.wait(tasks, timeout=max(0.0, budget - (loop.time() - started)))
        for t in pending:
            t.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
    return [t.result() if t in done else Fetched(u, error=f"no answer within the {budget:g}s budget")
            for t, u in zip(tasks, urls)]


async def fetch_chained(urls: list[str], follow: Callable[[Fetched], list[str]], *, timeout: float = DEFAULT_TIMEOUT,
                        budget: float = DEFAULT_BUDGET, transport: httpx.AsyncBaseTransport | None = None
                        ) -> tuple[list[Fetched], dict[str, Fetched]]:
    """GET every URL concurrently and, as each answer arrives, the URLs `follow(answer)` names (a project's JSON,
    then its files' provenance), with one client under one budget: the whole takes about its slowest chain,
    not one round after another. Returns the first answers in order and the followed ones by URL."""
    if not urls:
        return [], {}
    timeout = min(timeout, budget)
    loop = asyncio.get_running_loop()
    started = loop.time()
    followed: dict[str, Fetched] = {}
    arrived: dict[str, Fetched] = {}  # first answers, kept even when what follows them runs out of budget
    async with httpx.AsyncClient(transport=transport, follow_redirects=True,
                                 headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                                 timeout=httpx.Timeout(timeout)) as client:
        async def chain(url: str) -> Fetched:
            first = arrived[url] = await _fetch_one(client, url, timeout, None)
            more = [u for u in dict.fromkeys(follow(first)) if u not in followed]
            for u, answer in zip(more, await asyncio.gather(*(_fetch_one(client, u, timeout, None) for u in more))):
                followed[u] = answer
            return first

        tasks = [asyncio.ensure_future(chain(u)) for u in urls]
        done, pending = await asyncio.wait(tasks, timeout=max(0.0, budget - (loop.time() - started)))
        for t in pending:
            t.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
    firsts = [t.result() if t in done else arrived.get(u) or Fetched(u, error=f"no answer within the {budget:g}s budget")
              for t, u in zip(tasks, urls)]
    return firsts, followed


def fetch_chained_sync(urls: list[str], follow: Callable[[Fetched], list[str]], **kwargs: Any
                       ) -> tuple[list[Fetched], dict[str, Fetched]]:
    """`fetch_chained` from synchronous code (see `fetch_all_sync`)."""
    return _run_sync(lambda budget: fetch_chained(urls, follow, **{**kwargs, "budget": budget}),
                     kwargs.get("budget", DEFAULT_BUDGET))


def _run_sync(make: Callable[[float], Any], budget: float) -> Any:
    started = time.monotonic()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make(budget))
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        remaining = max(0.1, budget - (time.monotonic() - started))
        return pool.submit(lambda: asyncio.run(make(remaining))).result()


def fetch_all_sync(urls: list[str], **kwargs: Any) -> list[Fetched]:
    """`fetch_all` from synchronous code (scripts, MkDocs hooks); never exceeds the budget by much."""
    budget = kwargs.get("budget", DEFAULT_BUDGET)
    started = time.monotonic()
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop running: the usual case
        return asyncio.run(fetch_all(urls, **kwargs))
    else:
        # Already inside an event loop (rare: e.g. a notebook); run in a private thread.
        import concurrent.futures

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            remaining = max(0.1, budget - (time.monotonic() - started))
            return pool.submit(lambda: asyncio.run(fetch_all(urls, **{**kwargs, "budget": remaining}))).result()
