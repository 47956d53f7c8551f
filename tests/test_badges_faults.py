"""The badge macros under network faults and odd PyPI answers: the build goes on, the badge says why.

Every fault of tests/faultserver.py (and a refused connection) ends within the
badges' budget as an "unavailable" badge with a one-line reason; any JSON
PyPI could send (hypothesis) is parsed without an exception; a damaged cache
entry counts as no cache.
"""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faultserver import FaultServer, closed_port
from macros.badges import (UNAVAILABLE, BadgeCache, BadgeSettings, CacheEntry, fetch_projects, parse_project_json,
                           render_badges)
from tally import count
from trustpub.config import Subject

SETTINGS = BadgeSettings(budget=2.0, timeout=1.0, cache_ttl=3600)
SLACK = 1.5


@pytest.fixture(scope="module")
def server():
    with FaultServer() as srv:
        yield srv


def subject(base: str, project: str = "widget") -> Subject:
    return Subject(project=project, owner="acme", repository="widget", index_url_override=base)


@pytest.mark.parametrize("fault", FaultServer.FAULTS + ["refused"])
def test_badge_unavailable_with_reason(server, tmp_path, fault):
    base = f"http://127.0.0.1:{closed_port()}" if fault == "refused" else server.url(f"/{fault}")
    cache = BadgeCache(tmp_path / "cache")
    started = time.monotonic()
    [info] = fetch_projects([subject(base)], SETTINGS, cache)
    assert time.monotonic() - started < SETTINGS.budget + SLACK
    assert info.state == UNAVAILABLE and info.reason and "\n" not in info.reason, info
    html = render_badges(info)
    assert html.count("<svg") == 3 and "unavailable" in html
    assert not list((tmp_path / "cache").glob("*.json")), "a failed answer must not be cached"
    count(faults_survived=1)


def test_many_projects_one_budget(server, tmp_path):
    subjects = [subject(server.url(f"/{f}"), f"p{i}") for i, f in enumerate(FaultServer.FAULTS)]
    subjects.append(subject(server.url("/ok")))
    # One budget for all; looser than SETTINGS because the server shares this process's CPU with
    # the client (unpacking the gzip bomb, parsing the deep JSON).
    loose = BadgeSettings(budget=3.5, timeout=2.5)
    started = time.monotonic()
    infos = fetch_projects(subjects, loose, BadgeCache(tmp_path))
    assert time.monotonic() - started < loose.budget + SLACK
    assert [i.state for i in infos[:-1]] == [UNAVAILABLE] * len(FaultServer.FAULTS)
    assert infos[-1].ok and infos[-1].version == "1.2.0"
    count(faults_survived=len(FaultServer.FAULTS))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=25,
)
versions = st.sampled_from(["1.2.0", "1.0", "2!1.0.post1", "not a version", "", "1.2.0rc1", "v1"])
pypi_like = st.fixed_dictionaries({
    "info": st.one_of(json_values, st.fixed_dictionaries({
        "version": st.one_of(versions, json_values),
        "classifiers": st.one_of(json_values, st.lists(st.sampled_from([
            "Programming Language :: Python :: 3.11", "Programming Language :: Python :: 3",
            "Programming Language :: Python :: 3.13", "Topic :: Utilities"]), max_size=5)),
        "requires_python": st.one_of(st.none(), st.sampled_from([">=3.11", "", ">=3.8,<4", "~=3.10"]), json_values),
    })),
    "releases": st.one_of(json_values, st.dictionaries(versions, st.one_of(json_values, st.lists(
        st.fixed_dictionaries({"upload_time_iso_8601": st.one_of(
            st.sampled_from(["2026-01-02T03:04:05.000000Z", "garbage", "2026-13-45T00:00:00Z"]), json_values),
            "upload_time": st.one_of(st.sampled_from(["2026-01-02T03:04:05", "x"]), json_values)}),
        max_size=3)), max_size=3)),
    "urls": json_values,
})


@settings(max_examples=max(100, settings.default.max_examples // 4))
@given(st.one_of(json_values, pypi_like))
def test_any_json_is_parsed_without_exception(data):
    info = parse_project_json(data, "widget", "PyPI")
    assert info.state in ("ok", UNAVAILABLE)
    if info.ok:
        assert isinstance(info.version, str) and info.version
    else:
        assert info.reason
    assert render_badges(info).count("<svg") == 3
    count(examples=1, inputs=1)


@pytest.mark.parametrize("content", [b"", b"\x00\xff", b"[]", b"{}", b'{"url": 3}', b'{"url": "U", "stored_at": "x"}',
                                     b'{"url": "U", "stored_at": 1}', b"{" * 5000])
def test_damaged_cache_is_no_cache(tmp_path, content):
    cache = BadgeCache(tmp_path)
    url = "U"
    cache._path(url).write_bytes(content)
    entry = cache.get(url)
    assert entry is None or entry.url == url  # '{"url": "U", "stored_at": 1}' lacks data: counts as none
    cache.put(CacheEntry(url, 1.0, {"info": {"version": "1.0"}}))
    assert json.loads(cache._path(url).read_text())["data"]["info"]["version"] == "1.0"
    count(inputs=1)
