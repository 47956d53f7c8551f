"""The built site in a real browser: Debian's headless Chromium, driven by Playwright.

Every page is loaded from a server on 127.0.0.1 with an empty cache: no console
error, no failed request, no request to any other host. The badges, the
mermaid diagram, the code copy buttons, the dark/light toggle and search are
exercised, and screenshots of the home, workflow and checklist pages (light and
dark) are saved under test-artifacts/screenshots/.

Without Chromium the tests are skipped locally and fail when CI=true.
"""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest

from _browser import CHROMIUM, PHONE_VIEWPORT, chromium_available, launch_chromium, serve, visit
from _rendered import ROOT, build_site, parse_html, shared_build
from local_pypi import MockPyPI, project_json

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
SCREENSHOT_PAGES = {"home": "index.md", "workflow": "workflow.md", "checklist": "checklist.md"}
SEARCH_TERM = "id-token"
# What the local PyPI answers for the site's project, so the badges show real values.
BADGE_VERSION = "9.8.7"
BADGE_PYTHONS = ("3.11", "3.12", "3.13")


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and the browser test cannot run: {reason}")
    pytest.skip(reason)


def build_with_live_badges(dest):
    """The real site, its badges fetched at build time from a PyPI stand-in on 127.0.0.1."""
    from trustpub.config import subject_from_mapping
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")  # round-trip: mkdocs.yml's !!python/name tags load as plain tagged nodes
    tp = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]["tp"]
    project = subject_from_mapping(dict(tp), source="mkdocs.yml").project
    with MockPyPI({project: project_json(project, BADGE_VERSION, BADGE_PYTHONS)}) as pypi:
        # A generous budget: the badges must show the data, however loaded the machine running the suite.
        return build_site(dest, index_url=pypi.url, badge_budget=30.0)


@pytest.fixture(scope="session")
def site(request):
    build = shared_build(request.config, name="tp-site-build-live-badges", builder=build_with_live_badges)
    assert build.ok, "the site did not build (strict, badges from a local PyPI):\n" + build.log[-6000:]
    return build


@pytest.fixture(scope="session")
def base_url(site):
    with serve(site.site) as url:
        yield url


# Module scope, not session: while Playwright's sync API is started, its event loop counts
# as running in this thread, so asyncio.run() elsewhere (trustpub.pypi.fetch_all_sync) fails.
# pytest finalises a module fixture before the worker runs another module's test.
@pytest.fixture(scope="module")
def browser():
    reason = chromium_available()
    if reason:
        _unavailable(reason)
    with ExitStack() as stack:
        try:
            b = stack.enter_context(launch_chromium())
        except Exception as exc:  # noqa: BLE001 - whatever stops the launch is reported
            _unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
        yield b


def _url(base_url: str, page: dict) -> str:
    return base_url + page["url"]


def mermaid_requests(requests: list[str]) -> int:
    """How many times the page asked for the site's mermaid library (3.5 MB)."""
    return sum(1 for u in requests if urlsplit(u).path.endswith("/mermaid.min.js"))


def pytest_generate_tests(metafunc):
    if "page_src" not in metafunc.fixturenames:
        return
    build = shared_build(metafunc.config)
    pages = sorted(p["src_path"] for p in build.pages) if build.ok else []
    metafunc.parametrize("page_src", pages or ["<site did not build>"])


def test_page_loads_cleanly_from_the_local_server_only(page_src, site, base_url, browser):
    page = site.page(page_src)
    assert page, f"{page_src}: the site did not build:\n{site.log[-4000:]}"
    v = visit(browser, _url(base_url, page))
    try:
        assert v.requests, "no request recorded: the recorder is broken"
        assert v.foreign_requests(base_url) == [], "requests to hosts other than the local server"
        assert v.failed == [], "failed requests"
        assert v.bad_status == [], "HTTP errors"
        assert v.console_errors == [], "console errors"
        assert v.page_errors == [], "uncaught page errors"

        p = v.page
        built = parse_html(site.site / page["dest_path"]).code_blocks
        expected_code = sum(1 for b in built if "mermaid" not in b["classes"].split())
        code_blocks = p.locator(".md-content .highlight pre > code").count()
        assert code_blocks == expected_code, f"the page shows {code_blocks} of its {expected_code} code blocks"
        copy_buttons = p.locator('.md-content button.md-code__button[data-md-type="copy"]').count()
        assert copy_buttons >= code_blocks, f"{code_blocks} code blocks but {copy_buttons} copy buttons"

        mermaid_loaded = mermaid_requests(v.requests) > 0
        if len(built) > expected_code:  # the page has a mermaid diagram
            diagram = p.locator(".md-content .mermaid svg").first
            diagram.wait_for(state="visible")
            box = diagram.bounding_box()
            assert box and box["width"] > 50 and box["height"] > 50, f"mermaid diagram not drawn: {box}"
            assert mermaid_loaded, "a diagram was drawn without the site's own mermaid.min.js"
        else:  # 3.5 MB a page without a diagram must not load
            assert not mermaid_loaded, "mermaid.min.js loaded on a page without a diagram"

        badges = p.locator("svg.tp-badge")
        for i in range(badges.count()):
            badge = badges.nth(i)
            assert badge.is_visible(), f"badge {i} is not visible"
            box = badge.bounding_box()
            assert box and box["width"] > 20 and box["height"] >= 10, f"badge {i} has no size: {box}"
    finally:
        v.close()


def test_home_page_shows_badges_and_the_diagram(site, base_url, browser):
    v = visit(browser, _url(base_url, site.page("index.md")))
    try:
        badges = v.page.locator("svg.tp-badge")
        assert badges.count() >= 1, "the home page shows no PyPI badge"
        texts = " ".join(badges.all_text_contents())
        assert BADGE_VERSION in texts, f"the version badge does not show {BADGE_VERSION}: {texts!r}"
        assert all(p in texts for p in BADGE_PYTHONS), f"the Python badge does not show {BADGE_PYTHONS}: {texts!r}"
        assert v.page.locator(".md-content .mermaid svg").count() >= 1, "the home page shows no rendered diagram"
    finally:
        v.close()


def test_diagram_is_drawn_after_instant_navigation_from_a_page_without_one(site, browser, tmp_path):
    # The mermaid loader stands in for the library on every page; arriving at the diagram through
    # Material's instant navigation (no page load) must still load the library once and draw it.
    # Material navigates instantly only to URLs listed in sitemap.xml, which names the published
    # site_url: a copy of the site lists the local server's URLs instead, as the published one does.
    copy = tmp_path / "site"
    shutil.copytree(site.site, copy)
    published = site.pages[0]["site_url"].rstrip("/") + "/"
    with serve(copy) as base_url:
        sitemap = copy / "sitemap.xml"
        sitemap.write_text(sitemap.read_text(encoding="utf-8").replace(published, base_url), encoding="utf-8")
        v = visit(browser, _url(base_url, site.page("2fa.md")))
        try:
            assert mermaid_requests(v.requests) == 0
            v.page.evaluate("window.tpSamePage = true")  # survives instant navigation, not a page load
            v.page.locator("a.md-tabs__link").first.click()  # the first tab: the overview, with the diagram
            diagram = v.page.locator(".md-content .mermaid svg").first
            diagram.wait_for(state="visible")
            assert v.page.evaluate("window.tpSamePage === true"), "a full page load, not instant navigation"
            assert mermaid_requests(v.requests) == 1
            assert v.console_errors == [] and v.page_errors == [] and v.foreign_requests(base_url) == []
        finally:
            v.close()


def test_code_copy_buttons_exist_on_the_workflow_page(site, base_url, browser):
    v = visit(browser, _url(base_url, site.page("workflow.md")))
    try:
        assert v.page.locator('button.md-code__button[data-md-type="copy"]').count() >= 1
    finally:
        v.close()


def test_palette_toggle_switches_dark_and_light(site, base_url, browser):
    v = visit(browser, _url(base_url, site.page("index.md")), color_scheme="light")
    try:
        p = v.page

        def scheme() -> str:
            return p.locator("body").get_attribute("data-md-color-scheme")

        assert scheme() == "default"
        p.locator('[data-md-component="palette"] label:not([hidden])').first.click()
        p.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
        background_dark = p.evaluate("getComputedStyle(document.body).backgroundColor")
        p.locator('[data-md-component="palette"] label:not([hidden])').first.click()
        p.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
        background_light = p.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background_dark != background_light, "the toggle changed the attribute but not the colours"
    finally:
        v.close()


def test_search_finds_id_token(site, base_url, browser):
    v = visit(browser, _url(base_url, site.page("index.md")))
    try:
        p = v.page
        p.locator("label.md-header__button[for='__search']").first.click() \
            if not p.locator("input.md-search__input").is_visible() else None
        p.locator("input.md-search__input").click()
        p.keyboard.type(SEARCH_TERM, delay=20)
        first = p.locator(".md-search-result__item").first
        first.wait_for(state="visible")
        results = p.locator(".md-search-result__list").inner_text()
        assert SEARCH_TERM in results, f"search results do not mention {SEARCH_TERM}: {results[:500]!r}"
        links = p.locator(".md-search-result__link").evaluate_all("els => els.map(e => e.href)")
        assert any("workflow" in href for href in links), f"no result on the workflow page: {links}"
    finally:
        v.close()


def search_index_requests(requests: list[str]) -> int:
    """How many times the page asked for Material's search index (about 200 KB)."""
    return sum(1 for u in requests if urlsplit(u).path.endswith("/search/search_index.json"))


def search_worker_requests(requests: list[str]) -> int:
    """How many times the page fetched the script of Material's search worker (about 40 KB)."""
    return sum(1 for u in requests if "/assets/javascripts/workers/search." in urlsplit(u).path)


# The troubleshooting page's weight before the reader uses search or the log box (issue 13: under
# 0.5 MB cold), as the server counts it: every file the page view fetched, headers included.
COLD_TROUBLESHOOTING_LIMIT = 500_000


def test_troubleshooting_page_is_light_until_the_reader_asks(site, base_url, browser):
    """Neither search (its index and worker) nor Pyodide is fetched by a page view; what is fetched
    stays under the issue's cold weight."""
    v = visit(browser, _url(base_url, site.page("troubleshooting.md")), measure=True)
    try:
        fetched = [urlsplit(u).path for u in v.requests]
        assert search_index_requests(v.requests) == 0 and search_worker_requests(v.requests) == 0, fetched
        assert not [path for path in fetched if "pyodide" in path], fetched
        assert 0 < v.transferred < COLD_TROUBLESHOOTING_LIMIT, \
            f"the troubleshooting page fetched {v.transferred} bytes cold: {fetched}"
    finally:
        v.close()


@pytest.mark.parametrize("how", ["keyboard shortcut", "phone search button"])
def test_search_index_is_fetched_when_the_reader_turns_to_search(how, site, base_url, browser):
    """docs/assets/javascripts/search-on-demand.js: no page load fetches the index; opening search does,
    and search then works."""
    v = visit(browser, _url(base_url, site.page("troubleshooting.md")),
              viewport=PHONE_VIEWPORT if how == "phone search button" else None)
    try:
        p = v.page
        assert search_index_requests(v.requests) == 0, "the search index was fetched before the reader searched"
        assert search_worker_requests(v.requests) == 0, "the search worker started before the reader searched"
        if how == "keyboard shortcut":
            p.keyboard.press("/")  # Material's shortcut: focuses the search box
        else:
            p.locator("label.md-header__button[for='__search']").first.click()
        p.locator("input.md-search__input").wait_for(state="visible")
        p.keyboard.type(SEARCH_TERM, delay=20)
        p.locator(".md-search-result__item").first.wait_for(state="visible")
        assert search_index_requests(v.requests) == 1 and search_worker_requests(v.requests) == 1, v.requests
        results = p.locator(".md-search-result__list").inner_text()
        assert SEARCH_TERM in results, f"search results do not mention {SEARCH_TERM}: {results[:500]!r}"
        assert not v.console_errors and not v.page_errors and not v.failed, \
            (v.console_errors, v.page_errors, v.failed)
    finally:
        v.close()


def test_page_reached_from_a_search_result_highlights_the_terms(site, base_url, browser):
    """A search result links to `page/?h=term`: that page needs the index at once, to highlight."""
    v = visit(browser, _url(base_url, site.page("workflow.md")) + "?h=" + SEARCH_TERM)
    try:
        assert search_index_requests(v.requests) == 1, v.requests
        v.page.locator("article mark").first.wait_for(state="attached")
        marked = {t.lower() for t in v.page.locator("article mark").all_inner_texts()}
        # Material's search splits the term at `-` (its separator) and marks the parts.
        assert marked and marked <= set(SEARCH_TERM.split("-")), marked
    finally:
        v.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", sorted(SCREENSHOT_PAGES))
def test_screenshot(name, scheme, site, base_url, browser):
    page = site.page(SCREENSHOT_PAGES[name])
    assert page, f"docs/{SCREENSHOT_PAGES[name]} is not part of the built site"
    v = visit(browser, _url(base_url, page), color_scheme=scheme)
    try:
        expected = "slate" if scheme == "dark" else "default"
        assert v.page.locator("body").get_attribute("data-md-color-scheme") == expected
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        out = SCREENSHOTS / f"{name}-{scheme}.png"
        v.page.screenshot(path=str(out), full_page=True)
        assert out.stat().st_size > 10_000, f"{out} is suspiciously small"
    finally:
        v.close()


def test_visit_records_foreign_requests_errors_and_failures(tmp_path, browser):
    """The recorder itself: a page that reaches another host, logs an error and loads a missing file."""
    (tmp_path / "index.html").write_text(
        "<!doctype html><title>t</title>"
        '<img src="http://198.51.100.7:9/pixel.png">'  # TEST-NET-2: never answers, and not the local server
        '<script src="missing.js"></script>'
        "<script>console.error('boom')</script>")
    with serve(tmp_path) as url:
        v = visit(browser, url)
        try:
            assert v.foreign_requests(url) == ["http://198.51.100.7:9/pixel.png"]
            assert any("missing.js: HTTP 404" in b for b in v.bad_status), v.bad_status
            assert any("boom" in e for e in v.console_errors), v.console_errors
            assert any("198.51.100.7" in f for f in v.failed), v.failed
        finally:
            v.close()


def test_missing_chromium_skips_locally_and_fails_in_ci(tmp_path, monkeypatch):
    reason = chromium_available(str(tmp_path / "no-chromium"))
    assert reason and "no-chromium" in reason
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        _unavailable(reason)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _unavailable(reason)

