"""macros/badges.py: a cached answer older than its TTL, and PyPI not answering.

The build asks again, but waits STALE_WAIT (0.3 s) at most, and shows the cached answer with the
date it was cached; only a build with nothing cached waits up to the budget.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

import httpx
import pytest

from local_pypi import BlackHole, project_json
from macros.badges import (STALE_WAIT, BadgeBoard, BadgeCache, BadgeSettings, CacheEntry, fetch_projects,
                           render_badges)
from trustpub.config import Subject

DOC = project_json("widget", "1.4.2")
STALE_AGE = 7200.0


def subject(url: str = "https://index.test") -> Subject:
    return Subject(project="widget", owner="acme", repository="widget", index_url_override=url)


@pytest.fixture
def cache(tmp_path):
    return BadgeCache(tmp_path / "cache")


def cached_on(stored_at: float) -> str:
    return datetime.fromtimestamp(stored_at, tz=timezone.utc).date().isoformat()


def test_stale_cache_and_a_silent_index_show_the_cached_answer_with_its_date(cache):
    stored = time.time() - STALE_AGE
    with BlackHole() as hole:
        s = subject(hole.url)
        cache.put(CacheEntry(s.json_url, stored, DOC))
        started = time.monotonic()
        [info] = fetch_projects([s], BadgeSettings(budget=5.0, timeout=5.0, cache_ttl=3600), cache)
        waited = time.monotonic() - started
    assert waited < STALE_WAIT + 0.25, f"waited {waited:.2f}s for a silent index with a cached answer"
    assert info.ok and info.version == "1.4.2" and info.cached_on == cached_on(stored)
    assert "showing the answer cached on" in info.reason
    html = render_badges(info)
    assert ">1.4.2</text>" in html and f">{info.cached_on}</text>" in html and ">as of</text>" in html


def test_nothing_cached_waits_for_the_budget(cache):
    with BlackHole() as hole:
        started = time.monotonic()
        [info] = fetch_projects([subject(hole.url)], BadgeSettings(budget=1.0, timeout=5.0), cache)
        waited = time.monotonic() - started
    assert waited >= 0.9, f"gave up after {waited:.2f}s with nothing cached (budget 1 s)"
    assert info.state == "unavailable" and info.cached_on is None


def test_an_answer_in_time_replaces_the_stale_one(cache):
    s = subject()
    cache.put(CacheEntry(s.json_url, time.time() - STALE_AGE, project_json("widget", "1.0.0")))
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=DOC))
    [info] = fetch_projects([s], BadgeSettings(cache_ttl=3600), cache, transport=transport)
    assert info.ok and info.version == "1.4.2" and info.cached_on is None and not info.from_cache


def test_a_build_with_a_stale_cache_waits_at_most_the_stale_wait(cache):
    """The whole path a build takes: the fetch process, its deadline, and the fallback."""
    stored = time.time() - STALE_AGE
    with BlackHole() as hole:
        s = subject(hole.url)
        cache.put(CacheEntry(s.json_url, stored, DOC))
        board = BadgeBoard([s], BadgeSettings(budget=5.0, timeout=5.0, cache_ttl=3600), cache)
        board.start()
        time.sleep(0.8)  # the pages render meanwhile
        started = time.monotonic()
        info = board.info(s)
        waited = time.monotonic() - started
    assert waited < 0.35, f"the build waited {waited:.2f}s after rendering"
    assert info.ok and info.cached_on == cached_on(stored)
