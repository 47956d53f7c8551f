"""macros/badges.py: the PyPI badge client (against httpx.MockTransport), its disk cache and SVG."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import subprocess
import sys
import time

import httpx
import pytest

from local_pypi import BlackHole, MockPyPI, project_json
from macros.badges import (FETCH_MARGIN, BadgeBoard, BadgeCache, BadgeSettings, CacheEntry, collect_fetch_process,
                           fetch_projects, offline_requested, parse_project_json, python_versions, render_badges)
from trustpub.config import Subject
from trustpub.errors import BadInput

SUBJECT = Subject(project="widget", owner="acme", repository="widget", index_url_override="https://index.test")
OTHER = Subject(project="gadget", owner="acme", repository="gadget", index_url_override="https://index.test")
DOC = project_json("widget", "1.4.2")


@pytest.fixture
def cache(tmp_path):
    return BadgeCache(tmp_path / "cache")


def transport_for(handler):
    calls: list[httpx.Request] = []

    async def wrapped(request: httpx.Request):
        calls.append(request)
        result = handler(request)
        if asyncio.iscoroutine(result):
            result = await result
        return result

    return httpx.MockTransport(wrapped), calls


def json_response(doc, status=200, **headers):
    return httpx.Response(status, content=json.dumps(doc).encode(),
                          headers={"content-type": "application/json", **headers})


def fetch(transport, cache=None, settings=BadgeSettings(), subjects=(SUBJECT,), **kw):
    return fetch_projects(list(subjects), settings, cache, transport=transport, **kw)


def test_200_gives_version_pythons_and_release_date_and_caches_the_answer(cache):
    transport, calls = transport_for(lambda r: json_response(DOC, etag='"abc"'))
    [info] = fetch(transport, cache)
    assert info.ok and not info.from_cache
    assert (info.version, info.python, info.released) == ("1.4.2", "3.11 | 3.12 | 3.13", "2025-03-14")
    assert str(calls[0].url) == "https://index.test/pypi/widget/json"
    entry = cache.get(SUBJECT.json_url)
    assert entry is not None and entry.etag == '"abc"' and entry.data["info"]["version"] == "1.4.2"


def test_fresh_cache_makes_no_request(cache):
    cache.put(CacheEntry(SUBJECT.json_url, time.time() - 10, DOC, '"abc"'))
    transport, calls = transport_for(lambda r: pytest.fail("a fresh cache entry must not be refetched"))
    [info] = fetch(transport, cache, BadgeSettings(cache_ttl=3600))
    assert calls == [] and info.ok and info.from_cache and info.version == "1.4.2"


def test_stale_cache_asks_conditionally_and_uses_the_cached_body_on_304(cache):
    stale_at = time.time() - 7200
    cache.put(CacheEntry(SUBJECT.json_url, stale_at, DOC, '"abc"', "Fri, 14 Mar 2025 09:27:00 GMT"))

    def handler(request):
        assert request.headers["if-none-match"] == '"abc"'
        assert request.headers["if-modified-since"] == "Fri, 14 Mar 2025 09:27:00 GMT"
        return httpx.Response(304, headers={"etag": '"abc"'})

    transport, calls = transport_for(handler)
    [info] = fetch(transport, cache, BadgeSettings(cache_ttl=3600))
    assert len(calls) == 1 and info.ok and info.from_cache and info.version == "1.4.2"
    assert cache.get(SUBJECT.json_url).stored_at > stale_at + 3600  # fresh again: the next build asks nothing


def test_304_without_a_cached_body_is_unavailable(cache):
    transport, _ = transport_for(lambda r: httpx.Response(304))
    [info] = fetch(transport, cache)
    assert info.state == "unavailable" and "304" in info.reason


@pytest.mark.parametrize("response, reason", [
    (lambda r: json_response({"message": "Not Found"}, 404), "not found (404)"),
    (lambda r: json_response({}, 500), "HTTP 500"),
    (lambda r: json_response({}, 503), "HTTP 503"),
    (lambda r: httpx.Response(200, content=b'{"info": {"version": ', headers={"content-type": "application/json"}),
     "malformed JSON"),
    (lambda r: json_response({"info": {}}), "unexpected JSON"),
    (lambda r: json_response({"info": {"version": "not a version!"}}), "unexpected JSON"),
    (lambda r: httpx.Response(200, content=b"<html>", headers={"content-type": "text/html"}), "content type"),
])
def test_every_failure_is_unavailable_with_its_reason_and_nothing_cached(cache, response, reason):
    transport, _ = transport_for(response)
    [info] = fetch(transport, cache)
    assert info.state == "unavailable" and reason in info.reason and SUBJECT.json_url in info.reason
    assert cache.get(SUBJECT.json_url) is None
    html = render_badges(info)
    assert html.count(">unavailable</text>") == 3
    assert reason.split()[0] in re.search(r"<title>([^<]*)</title>", html).group(1)
    assert reason.split()[0] in re.search(r'<span class="tp-badges"[^>]* title="([^"]*)"', html).group(1)


def test_timeout_is_unavailable(cache):
    def handler(request):
        raise httpx.ReadTimeout("timed out", request=request)

    transport, _ = transport_for(handler)
    [info] = fetch(transport, cache, BadgeSettings(timeout=0.5))
    assert info.state == "unavailable" and "no answer within 0.5s" in info.reason


def test_connection_refused_is_unavailable(cache):
    def handler(request):
        raise httpx.ConnectError("refused", request=request)

    transport, _ = transport_for(handler)
    [info] = fetch(transport, cache)
    assert info.state == "unavailable" and "connection failed" in info.reason


def test_an_answer_slower_than_the_budget_is_cut_off_at_the_budget(cache):
    async def slow(request):
        await asyncio.sleep(5)
        return json_response(DOC)

    transport, _ = transport_for(slow)
    started = time.monotonic()
    [info] = fetch(transport, cache, BadgeSettings(budget=0.3, timeout=5))
    elapsed = time.monotonic() - started
    assert elapsed < 0.3 + 0.5, elapsed
    assert info.state == "unavailable" and "0.3s" in info.reason


def test_several_projects_are_fetched_concurrently_one_request_each(cache):
    async def handler(request):
        await asyncio.sleep(0.4)
        name = request.url.path.split("/")[2]
        return json_response(project_json(name, "2.0.0" if name == "gadget" else "1.4.2"))

    transport, calls = transport_for(handler)
    started = time.monotonic()
    infos = fetch(transport, cache, subjects=(SUBJECT, OTHER))
    elapsed = time.monotonic() - started
    assert [i.version for i in infos] == ["1.4.2", "2.0.0"]
    assert len(calls) == 2 and elapsed < 0.75, elapsed  # sequential would take 0.8 s


def test_offline_mode_makes_no_request_and_says_offline(cache, monkeypatch):
    monkeypatch.setenv("TP_OFFLINE", "1")
    assert offline_requested()
    transport, calls = transport_for(lambda r: pytest.fail("offline mode must not fetch"))
    [info] = fetch(transport, cache, offline=offline_requested())
    assert calls == [] and info.state == "offline"
    assert render_badges(info).count(">offline</text>") == 3
    assert not offline_requested({"TP_OFFLINE": "0"}) and not offline_requested({})


def test_board_fetches_once_per_build_and_logs_the_problem_once(cache, caplog):
    transport, calls = transport_for(lambda r: json_response({}, 502))
    board = BadgeBoard([SUBJECT], BadgeSettings(), cache, transport=transport)
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.tp.badges"):
        first, second = board.html(SUBJECT), board.html(SUBJECT)
    assert first == second and len(calls) == 1
    messages = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(messages) == 1 and "HTTP 502" in messages[0].getMessage()
    # INFO, never WARNING: `mkdocs build --strict` fails on warnings, and PyPI being down must not fail it.
    assert messages[0].levelno == logging.INFO


def test_badges_are_self_contained_svg():
    html = render_badges(parse_project_json(DOC, "widget", "PyPI"))
    assert html.count("<svg") == 3 and ">1.4.2</text>" in html and ">2025-03-14</text>" in html
    urls = set(re.findall(r"https?://[^\"' >]+", html))
    assert urls == {"http://www.w3.org/2000/svg"}  # a namespace, not a request
    assert "<image" not in html and "href" not in html


def test_badge_text_is_escaped():
    info = parse_project_json(project_json("w", "1.0"), "<w&>", "PyPI")
    html = render_badges(info)
    assert "<w&>" not in html and "&lt;w&amp;&gt;" in html


def test_python_versions_fall_back_to_requires_python():
    assert python_versions({"classifiers": ["Programming Language :: Python :: 3.9",
                                            "Programming Language :: Python :: 3.10",
                                            "Programming Language :: Python :: 3 :: Only"]}) == "3.9 | 3.10"
    assert python_versions({"classifiers": [], "requires_python": ">=3.8"}) == ">=3.8"
    assert python_versions({}) is None


def test_damaged_cache_file_is_ignored(cache):
    cache.put(CacheEntry(SUBJECT.json_url, time.time(), DOC))
    next(cache.folder.glob("*.json")).write_text("{not json")
    assert cache.get(SUBJECT.json_url) is None


@pytest.mark.parametrize("values, key", [
    ({"colour": "red"}, "extra.tp.badges.colour"),
    ({"budget": 0}, "extra.tp.badges.budget"),
    ({"timeout": "fast"}, "extra.tp.badges.timeout"),
    ({"cache_ttl": -1}, "extra.tp.badges.cache_ttl"),
])
def test_bad_badge_settings_name_the_key(values, key):
    with pytest.raises(BadInput) as err:
        BadgeSettings.from_mapping(values, source="site.yml")
    message = str(err.value)
    assert key in message and message.startswith("site.yml: ") and "\n" not in message


def test_badge_settings_defaults_and_values():
    assert BadgeSettings.from_mapping(None) == BadgeSettings(budget=2.0, timeout=2.0, cache_ttl=3600)
    assert BadgeSettings.from_mapping({"budget": 1, "cache_ttl": 0}).budget == 1.0


def test_board_fetches_in_the_background_and_fills_the_built_pages(cache, tmp_path):
    async def slow(request):
        await asyncio.sleep(0.3)
        return json_response(DOC)

    transport, calls = transport_for(slow)
    board = BadgeBoard([SUBJECT], BadgeSettings(), cache, transport=transport)
    started = time.monotonic()
    board.start()
    page = tmp_path / "index.html"
    marker = board.slot(SUBJECT, page)
    assert time.monotonic() - started < 0.25  # the page renders while PyPI is asked
    assert marker == BadgeBoard.slot_marker(SUBJECT) and "<svg" not in marker
    page.write_text(f"<p>{marker}</p>", encoding="utf-8")
    assert board.fill_pages() == 1 and len(calls) == 1
    filled = page.read_text(encoding="utf-8")
    assert "data-tp-slot" not in filled and ">1.4.2</text>" in filled
    assert board.fill_pages() == 0  # nothing left to fill


def test_board_with_a_fresh_cache_or_offline_renders_at_once(cache, tmp_path):
    cache.put(CacheEntry(SUBJECT.json_url, time.time(), DOC))
    transport, calls = transport_for(lambda r: pytest.fail("no request with a fresh cache"))
    board = BadgeBoard([SUBJECT], BadgeSettings(), cache, transport=transport)
    board.start()
    assert ">1.4.2</text>" in board.slot(SUBJECT, tmp_path / "index.html") and calls == []
    offline = BadgeBoard([SUBJECT], BadgeSettings(), None, offline=True)
    offline.start()
    assert ">offline</text>" in offline.slot(SUBJECT, tmp_path / "index.html")


def test_build_board_fetches_in_a_separate_process_that_fills_the_cache(cache, tmp_path):
    # No injected transport: what a real build does. The request goes to a server on 127.0.0.1.
    with MockPyPI({"widget": DOC}) as pypi:
        subject = Subject(project="widget", owner="acme", repository="widget", index_url_override=pypi.url)
        board = BadgeBoard([subject], BadgeSettings(), cache)
        board.start()
        page = tmp_path / "index.html"
        marker = board.slot(subject, page)
        assert marker == BadgeBoard.slot_marker(subject) and board._proc is not None
        page.write_text(f"<p>{marker}</p>", encoding="utf-8")
        assert board.fill_pages() == 1
        assert [path for path, _ in pypi.requests] == ["/pypi/widget/json"]
    assert ">1.4.2</text>" in page.read_text(encoding="utf-8")
    assert cache.get(subject.json_url).data == DOC  # written by the fetch process, read by the next build


def test_process_budget_counts_from_start_not_from_the_process_start_up(cache):
    with BlackHole() as hole:
        subject = Subject(project="widget", owner="acme", repository="widget", index_url_override=hole.url)
        board = BadgeBoard([subject], BadgeSettings(budget=0.6), cache)
        started = time.monotonic()
        board.start()
        time.sleep(1.0)  # the pages take longer than the budget to render: no extra wait after them
        info = board.info(subject)
        took = time.monotonic() - started
    assert info.state == "unavailable" and "within the 0.6s budget" in info.reason
    assert 1.0 <= took < 1.6 and 0.5 <= board.seconds < 0.6 + FETCH_MARGIN


def test_fetch_request_stays_off_the_command_line(cache):
    # Other users can read a process's command line; an index URL may carry credentials.
    with MockPyPI({"widget": DOC}) as pypi:
        url = pypi.url.replace("http://", "http://user:s3cr3t@")
        subject = Subject(project="widget", owner="acme", repository="widget", index_url_override=url)
        board = BadgeBoard([subject], BadgeSettings(), cache)
        board.start()
        assert board._proc is not None and "s3cr3t" not in " ".join(map(str, board._proc.args))
        assert board.info(subject).version == "1.4.2"


def test_a_password_in_the_index_url_never_reaches_the_reason(cache):
    # The reason is logged and shown in the badge's tooltip, on a published page.
    subject = Subject(project="widget", owner="acme", repository="widget",
                      index_url_override="https://user:s3cr3t@index.test")
    transport, _ = transport_for(lambda r: httpx.Response(503))
    [info] = fetch(transport, cache, subjects=(subject,))
    assert info.state == "unavailable" and "https://user:***@index.test/pypi/widget/json" in info.reason
    assert "s3cr3t" not in info.reason and "s3cr3t" not in render_badges(info)


def test_without_a_fetch_process_the_build_fetches_in_a_thread(cache, monkeypatch, caplog):
    import macros.badges as badges

    def no_process(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(badges, "start_fetch_process", no_process)
    with MockPyPI({"widget": DOC}) as pypi, caplog.at_level(logging.INFO, logger="mkdocs.plugins.tp.badges"):
        subject = Subject(project="widget", owner="acme", repository="widget", index_url_override=pypi.url)
        board = BadgeBoard([subject], BadgeSettings(), cache)
        board.start()
        assert board._proc is None and board._thread is not None
        assert board.info(subject).version == "1.4.2"
    assert "cannot start a fetch process (Resource temporarily unavailable)" in caplog.text


def _process(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("code, reason", [
    ("import sys; sys.exit('boom: no module named httpx')", "the fetch process failed (boom: no module named httpx)"),
    ("print('<html>not json</html>')", "the fetch process failed (unreadable answer)"),
    ("print('{\"infos\": [], \"seconds\": 0.1}')", "the fetch process failed (answer for other projects)"),
    ("print('{\"infos\": []}')", "the fetch process failed (unreadable answer)"),
])
def test_a_failed_fetch_process_makes_the_badges_unavailable_with_its_reason(code, reason):
    infos, seconds = collect_fetch_process(_process(code), [SUBJECT], deadline=time.time() + 5)
    assert [(i.state, i.reason) for i in infos] == [("unavailable", reason)] and seconds is None


def test_a_fetch_process_that_overruns_is_stopped_at_the_deadline_plus_margin():
    proc = _process("import time; time.sleep(30)")
    started = time.monotonic()
    infos, _ = collect_fetch_process(proc, [SUBJECT], deadline=time.time() + 0.2)
    assert time.monotonic() - started < 0.2 + FETCH_MARGIN + 0.5
    assert proc.returncode is not None  # killed, not left behind
    assert [(i.state, i.reason) for i in infos] == [("unavailable", "the fetch did not finish")]


@pytest.mark.parametrize("data", [
    {"info": {"version": "1.0", "classifiers": 1}},
    {"info": {"version": "1.0", "classifiers": [None, 3]}, "urls": 5, "releases": []},
    {"info": {"version": "1.0"}, "urls": [{"upload_time_iso_8601": "not a date"}, 7]},
    {"info": {"version": "1.0", "requires_python": 3.11}, "urls": None, "releases": {"1.0": "x"}},
])
def test_odd_json_shapes_never_raise(data):
    info = parse_project_json(data, "widget", "PyPI")
    assert info.ok and info.version == "1.0"
    assert "<svg" in render_badges(info)
