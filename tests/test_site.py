"""macros/site.py and the real site: verbatim includes, scripts' help and links, badges and config in real builds.

The builds run `mkdocs build --strict` in a subprocess, with PyPI replaced by a local
server on 127.0.0.1 (one that never answers, or a mock), so nothing leaves the machine.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from local_pypi import BlackHole, MockPyPI, project_json
from trustpub.commands import BY_SCRIPT
from macros.site import (ROOT, SiteError, include_file, known_scripts, line_number, publisher_table, script_help,
                         script_help_text, script_link)
from trustpub.config import Subject

RELEASE = ".github/workflows/release.yml"
BUDGET = 2.0  # extra.tp.badges.budget in mkdocs.yml
BUILD_TIMEOUT = 300


# -- include_file --------------------------------------------------------------

def fence_body(block: str) -> tuple[str, str]:
    """(opening line, body) of a fenced block produced by a macro."""
    first, rest = block.split("\n", 1)
    fence = re.match(r"`+", first).group(0)
    assert rest.endswith(fence)
    return first, rest[: -len(fence)]


def test_include_file_is_verbatim_including_github_expressions():
    block = include_file(RELEASE)
    first, body = fence_body(block)
    text = (ROOT / RELEASE).read_text(encoding="utf-8")
    assert body == text
    assert "${{ github.ref_name }}" in body
    assert first.startswith("``` yaml") and f'title="{RELEASE}"' in first


def test_include_file_highlights_the_named_lines():
    first, _ = fence_body(include_file(RELEASE, highlight=["id-token: write", "permissions: {}"]))
    lines = (ROOT / RELEASE).read_text(encoding="utf-8").splitlines()
    expected = sorted(n for n, line in enumerate(lines, 1) if "id-token: write" in line or "permissions: {}" in line)
    assert f'hl_lines="{" ".join(map(str, expected))}"' in first
    assert "id-token: write" in lines[line_number(RELEASE, "id-token: write") - 1]


def test_include_file_missing_file_fails_with_one_line():
    with pytest.raises(SiteError) as err:
        include_file(".github/workflows/no-such.yml")
    assert ".github/workflows/no-such.yml does not exist" in str(err.value) and "\n" not in str(err.value)


def test_include_file_unknown_highlight_fails():
    with pytest.raises(SiteError, match="no line of .* contains 'no such line'"):
        include_file(RELEASE, highlight="no such line")


def test_include_file_refuses_paths_outside_the_repository():
    with pytest.raises(SiteError, match="outside the repository"):
        include_file("../../etc/passwd")


def test_include_file_fence_outlasts_backticks_in_the_file(tmp_path):
    (tmp_path / "notes.md").write_text("before\n````python\nx = 1\n````\nafter", encoding="utf-8")
    first, body = fence_body(include_file("notes.md", root=tmp_path))
    assert first.startswith("````` markdown") and body == "before\n````python\nx = 1\n````\nafter\n"


# -- scripts --------------------------------------------------------------------

@pytest.fixture
def script_root(tmp_path):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "hello.py").write_text(
        "import argparse\n"
        "p = argparse.ArgumentParser(prog='hello.py', description='Says hello.')\n"
        "p.add_argument('--name', help='who to greet')\n"
        "p.parse_args()\n", encoding="utf-8")
    (tmp_path / "scripts" / "broken.py").write_text("raise SystemExit('cannot start: missing thing')\n")
    return tmp_path


def test_script_help_is_the_real_help_output(script_root):
    first, body = fence_body(script_help("hello.py", root=script_root))
    assert first.startswith("``` text")
    assert "usage: hello.py" in body and "Says hello." in body and "--name NAME" in body


def test_script_help_of_an_unknown_script_fails_naming_the_known_ones(script_root):
    with pytest.raises(SiteError) as err:
        script_help("nope.py", root=script_root)
    assert "scripts/nope.py does not exist" in str(err.value) and "hello.py" in str(err.value)


def test_script_help_of_a_failing_script_fails_with_its_last_error_line(script_root):
    with pytest.raises(SiteError, match="exited 1: cannot start: missing thing"):
        script_help("broken.py", root=script_root)


def test_script_output_is_cached_until_the_script_or_the_toolkit_changes(script_root):
    (script_root / "src" / "trustpub" / "commands").mkdir(parents=True)
    (script_root / "src" / "trustpub" / "commands" / "lib.py").write_text("X = 1\n")
    counter = script_root / "runs.txt"
    script = script_root / "scripts" / "count.py"
    script.write_text(f"open({str(counter)!r}, 'a').write('x')\nprint('help text')\n")
    cache = script_root / "cache"
    runs = lambda: len(counter.read_text()) if counter.exists() else 0  # noqa: E731

    assert script_help_text("count.py", root=script_root, cache_dir=cache) == "help text\n"
    assert script_help_text("count.py", root=script_root, cache_dir=cache) == "help text\n"
    assert runs() == 1  # the second build took it from the cache
    (script_root / "src" / "trustpub" / "commands" / "lib.py").write_text("X = 2\n")
    script_help_text("count.py", root=script_root, cache_dir=cache)
    assert runs() == 2  # the shared library changed: run again
    script.write_text(script.read_text().replace("help text", "new help"))
    assert script_help_text("count.py", root=script_root, cache_dir=cache) == "new help\n" and runs() == 3


def test_script_link_points_at_the_file_on_the_default_branch(script_root):
    link = script_link("hello.py", "https://github.com/acme/widget/", root=script_root)
    assert link == "[`scripts/hello.py`](https://github.com/acme/widget/blob/main/scripts/hello.py)"
    with pytest.raises(SiteError):
        script_link("../conftest.py", "https://github.com/acme/widget", root=script_root)


def test_publisher_table_has_every_form_value():
    s = Subject(project="acme-widget", owner="acme", repository="widget", workflow="publish.yml",
                environment="release", testpypi_environment="staging", testpypi_workflow="pre.yml")
    table = publisher_table(s)
    for value in ("acme-widget", "acme", "widget", "publish.yml", "release"):
        assert f"| `{value}` |" in table
    test_table = publisher_table(s, "testpypi")
    assert "| Workflow name | `pre.yml` |" in test_table and "| Environment name | `staging` |" in test_table


# -- real builds ----------------------------------------------------------------

def build(tmp_path: Path, config: Path | None = None, cwd: Path = ROOT, **env: str) -> tuple[subprocess.CompletedProcess,
                                                                                              float, Path]:
    site = tmp_path / "site"
    environ = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TP_CACHE_DIR": str(tmp_path / "cache"), **env}
    for key in ("TP_OFFLINE", "TP_INDEX_URL"):
        if key not in env:
            environ.pop(key, None)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    if config:
        cmd += ["-f", str(config)]
    started = time.monotonic()
    res = subprocess.run(cmd, cwd=cwd, env=environ, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    return res, time.monotonic() - started, site


# A subject value on a page is a span the "Your project" script fills in (macros/personal.py).
TP_VALUE_RE = re.compile(r'<span class="tp-value" data-tp="\w+">([^<]*)</span>')


def shown(page: str) -> str:
    """The page's HTML with each subject value as plain text (what a reader without personal values sees)."""
    return TP_VALUE_RE.sub(r"\1", page)


def code_block_text(page: str, title: str) -> str:
    """The text of the highlighted code block titled `title`, as the reader sees and copies it."""
    page = shown(page)
    start = page.index(f'<span class="filename">{title}</span>')
    code = page[page.index("<code>", start) + len("<code>"): page.index("</code>", start)]
    return html.unescape(re.sub(r"<[^>]+>", "", code))


@pytest.fixture(scope="module")
def offline_build(tmp_path_factory):
    res, seconds, site = build(tmp_path_factory.mktemp("offline"), TP_OFFLINE="1")
    assert res.returncode == 0, res.stderr
    return seconds, site


@pytest.mark.slow
def test_build_with_pypi_black_holed_succeeds_within_the_budget(tmp_path, offline_build):
    offline_seconds, _ = offline_build
    with BlackHole() as hole:
        res, seconds, site = build(tmp_path, TP_INDEX_URL=hole.url)
    assert res.returncode == 0, res.stderr
    assert hole.accepted >= 1  # the request was really made, and never answered
    fetch = re.search(r"PyPI badges: 1 project\(s\), 0 from cache, in ([0-9.]+)s", res.stderr)
    # The fetch is cut at the budget (plus slack for a loaded machine), counted from when the build asked.
    assert fetch and float(fetch.group(1)) <= BUDGET + 1.0, res.stderr
    # The whole build: a normal build plus the budget. The margin grows with the build time because
    # this machine may be shared (tests/benchmark.py measures the same thing precisely).
    assert seconds <= offline_seconds + BUDGET + max(2.0, offline_seconds), (seconds, offline_seconds)
    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.count(">unavailable</text>") == 3
    reasons = [line for line in res.stderr.splitlines() if "data unavailable" in line]
    assert len(reasons) == 1 and "budget" in reasons[0] and "WARNING" not in reasons[0]


@pytest.mark.slow
def test_built_workflow_page_has_the_exact_release_workflow(offline_build):
    _, site = offline_build
    page = (site / "workflow" / "index.html").read_text(encoding="utf-8")
    assert code_block_text(page, RELEASE) == (ROOT / RELEASE).read_text(encoding="utf-8")
    testpypi = ".github/workflows/testpypi.yml"
    assert code_block_text(page, testpypi) == (ROOT / testpypi).read_text(encoding="utf-8")


@pytest.mark.slow
def test_built_site_requests_nothing_from_third_party_hosts(offline_build):
    _, site = offline_build
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", text):
            src = re.search(r"""(?:src|href)=["']([^"']+)""", tag)
            if src and "rel=\"canonical\"" not in tag:
                assert not re.match(r"(https?:)?//", src.group(1)), (page, tag)
        assert 'data-md-component="source"' not in text  # Material's api.github.com fetch
    assert (site / "assets" / "javascripts" / "mermaid.min.js").stat().st_size > 1_000_000


@pytest.mark.slow
def test_every_script_is_linked_and_its_help_shown(offline_build):
    _, site = offline_build
    scripts = known_scripts()
    pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    listing = pages[site / "scripts" / "index.html"]
    for name in scripts:
        command = BY_SCRIPT[name].name
        assert f"/blob/main/scripts/{name}" in listing and f"trustpub {command} --help" in listing
        assert f"usage: trustpub {command}" in listing
        elsewhere = [p for p, text in pages.items() if p.parent.name != "scripts" and f"scripts/{name}" in text]
        assert elsewhere, f"{name} is linked only from the scripts page"


@pytest.mark.slow
def test_build_with_a_mocked_pypi_shows_live_badges_and_caches(tmp_path):
    # A generous budget: this is about the data and the cache (the budget has its own test), and the
    # whole suite runs in parallel, so starting the fetch process may take seconds on a loaded machine.
    config = site_config(tmp_path, "extra:\n  tp:\n    badges:\n      budget: 30\n      timeout: 30\n")
    with MockPyPI({"mcp-devdiag": project_json("mcp-devdiag", "0.9.1")}) as pypi:
        res, _, site = build(tmp_path, config, cwd=config.parent, TP_INDEX_URL=pypi.url)
        assert res.returncode == 0, res.stderr
        index = (site / "index.html").read_text(encoding="utf-8")
        assert ">0.9.1</text>" in index and ">3.11 | 3.12 | 3.13</text>" in index and ">2025-03-14</text>" in index
        assert [path for path, _ in pypi.requests] == ["/pypi/mcp-devdiag/json"]
        first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*.html")}
        res, _, site = build(tmp_path, config, cwd=config.parent, TP_INDEX_URL=pypi.url)  # within the TTL: no request
        assert res.returncode == 0 and len(pypi.requests) == 1
        assert ">0.9.1</text>" in (site / "index.html").read_text(encoding="utf-8")
    # The rebuild took every page's compiled Jinja code from the cache, and made the same pages.
    assert len(list((tmp_path / "cache" / "tp-jinja").glob("*.jinja"))) == len(list((ROOT / "docs").glob("*.md")))
    assert {p.relative_to(site): p.read_bytes() for p in site.rglob("*.html")} == first


def site_config(tmp_path: Path, overrides: str) -> Path:
    """A folder holding a second config that INHERITs the real one (plus `overrides`, YAML),
    laid out like the repository."""
    folder = tmp_path / "other"
    (folder / ".github").mkdir(parents=True)
    for name in ("docs", "macros", "overrides", "scripts"):
        (folder / name).symlink_to(ROOT / name)
    (folder / ".github" / "workflows").symlink_to(ROOT / ".github" / "workflows")
    config = folder / "other.yml"
    config.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\n{overrides}", encoding="utf-8")
    return config


def other_project_site(tmp_path: Path, tp: str) -> Path:
    """A config for another project: `tp` is its extra.tp mapping's body (indented YAML)."""
    return site_config(tmp_path, f"repo_url: https://github.com/acme/widget\nextra:\n  tp:\n{tp}")


@pytest.mark.slow
def test_site_built_for_another_project_names_only_that_project(tmp_path):
    config = other_project_site(tmp_path, "    project: acme-widget\n    owner: acme\n    repository: widget\n"
                                          "    workflow: publish.yml\n    environment: release\n")
    res, _, site = build(tmp_path, config, cwd=config.parent, TP_OFFLINE="1")
    assert res.returncode == 0, res.stderr
    publisher = shown((site / "publisher" / "index.html").read_text(encoding="utf-8"))
    for value in ("acme-widget", "<code>acme</code>", "<code>widget</code>", "<code>publish.yml</code>",
                  "<code>release</code>", "/manage/project/acme-widget/settings/publishing/"):
        assert value in publisher, value
    assert '<link rel="canonical" href="https://acme.github.io/widget/publisher/">' in publisher  # site_url from tp
    tokens = (site / "tokens" / "index.html").read_text(encoding="utf-8")
    assert "https://github.com/acme/widget/settings/secrets/actions" in tokens
    leftovers = []
    for path in site.rglob("*"):
        # assets/pyodide/ holds trustpub's own source for the in-page diagnosis (its defaults name the first user)
        if (path.is_file() and path.suffix in (".html", ".json", ".xml", ".txt", ".js", ".css")
                and "pyodide" not in path.relative_to(site).parts):
            text = path.read_text(encoding="utf-8", errors="replace")
            leftovers += [f"{path.relative_to(site)}: {w}" for w in ("mcp-devdiag", "mcp_devdiag", "leok974")
                          if w in text]
    assert leftovers == []


@pytest.mark.parametrize("tp, key", [
    ("    owner: acme\n    repository: widget\n", "extra.tp.project is missing"),
    ("    project: acme-widget\n    owner: acme\n    repository: widget\n    index: warehouse\n",
     "extra.tp.index = 'warehouse' is not a known index"),
    ("    project: acme-widget\n    owner: acme\n    repository: widget\n    projekt: x\n",
     "extra.tp.projekt is not a known setting"),
    ("    project: acme-widget\n    owner: acme\n    repository: widget\n    badges:\n      budget: -1\n",
     "extra.tp.badges.budget = -1 is not valid"),
])
def test_bad_site_settings_fail_the_build_with_one_line_naming_the_key(tmp_path, tp, key):
    config = other_project_site(tmp_path, tp)
    if "project:" not in tp:  # INHERIT merges mappings: blank the inherited project to make it missing
        config.write_text(config.read_text() + '    project: ""\n', encoding="utf-8")
    res, _, _ = build(tmp_path, config, cwd=config.parent, TP_OFFLINE="1")
    assert res.returncode != 0
    errors = [line for line in res.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and key in errors[0], res.stderr
    assert "Traceback" not in res.stderr


def test_missing_include_fails_the_build_with_one_line(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text('# T\n\n[[[ include_file(".github/workflows/gone.yml") ]]]\n')
    config = tmp_path / "mini.yml"
    config.write_text(
        "site_name: t\nstrict: true\nplugins:\n  - macros:\n      module_name: macros\n      on_error_fail: true\n"
        "      on_undefined: strict\n      j2_variable_start_string: '[[['\n      j2_variable_end_string: ']]]'\n"
        "extra:\n  tp:\n    project: acme-widget\n    owner: acme\n    repository: widget\n")
    (tmp_path / "macros").symlink_to(ROOT / "macros")
    res, _, _ = build(tmp_path, config, cwd=tmp_path, TP_OFFLINE="1")
    assert res.returncode != 0
    errors = [line for line in res.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and ".github/workflows/gone.yml does not exist" in errors[0], res.stderr
    assert "Traceback" not in res.stderr
