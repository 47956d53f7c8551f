"""What the built guide says is current: PyPI links, action versions, example workflows, no talk about itself.

Read from the site as built (tests/_rendered.py: one offline, strict build per session).
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from _rendered import ROOT, parse_html, shared_build
from macros.action_pins import RELEASE_WORKFLOW, pins_in_text, with_pins_of, workflow_pins

ROUTES_FILE = Path(__file__).parent / "data" / "warehouse_routes.txt"
SNIPPETS_DIR = ROOT / "docs" / "snippets" / "workflows"
PYPI_HOSTS = {"pypi.org", "test.pypi.org"}
CONTRIBUTOR_PAGE = "contributing.md"
# In text, a URL may hold <placeholders> and end before the sentence's punctuation.
URL_RE = re.compile(r"https?://(?:test\.)?pypi\.org(?:/[^\s\"'`)\]]*)?")
# An action named with its owner, then (after an optional @sha or @<sha>, quotes, a `#`) a full version.
NAMED_VERSION_RE = re.compile(r"(?P<action>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)(?:@(?:[0-9a-f]{40}|<sha>))?"
                              r"[`\s|\[#:]{0,8}(?P<version>v\d+(?:\.\d+)+)\b")
# Words that describe how this site is made; only the contributor page may use them.
SELF_TALK = [re.compile(p, re.IGNORECASE) for p in (
    r"\boriginal guide", r"extra\.tp", r"mkdocs\.yml", r"\bjinja\b", r"rebuilt daily", r"badge budgets?",
    r"(?<![\w.-])docs\.yml", r"this site is built", r"when this site was built", r"three (independent )?public",
    r"mkdocs build")]


def load_routes() -> list[str]:
    return [line.strip() for line in ROUTES_FILE.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def route_regex(pattern: str) -> re.Pattern:
    parts = re.split(r"(\{[^}]+\})", pattern)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + r"\Z")


ROUTES = [route_regex(p) for p in load_routes()]


def is_pypi_route(path: str) -> bool:
    return any(r.match(path) for r in ROUTES)


class ArticleText(HTMLParser):
    """The text of a page's <article> (no navigation), with and without its code blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <article>
        self.pre = 0
        self.prose: list[str] = []
        self.everything: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        if self.depth and tag == "pre":
            self.pre += 1
        if self.depth and tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)

    def handle_endtag(self, tag):
        if tag == "article" and self.depth:
            self.depth -= 1
        if tag == "pre" and self.pre:
            self.pre -= 1

    def handle_data(self, data):
        if self.depth:
            self.everything.append(data)
            if not self.pre:
                self.prose.append(data)


@pytest.fixture(scope="session")
def site(request):
    build = shared_build(request.config)
    assert build.ok, "the site did not build (strict):\n" + build.log[-6000:]
    return build


@pytest.fixture(scope="session")
def articles(site) -> dict[str, ArticleText]:
    """{docs source path: parsed article} for every page."""
    out = {}
    for page in site.pages:
        parser = ArticleText()
        parser.feed((site.site / page["dest_path"]).read_text(encoding="utf-8"))
        out[page["src_path"]] = parser
    return out


# -- the routes list itself --------------------------------------------------------------------------

def test_route_list_knows_the_pages_the_guide_needs_and_refuses_made_up_ones():
    assert is_pypi_route("/manage/account/")
    assert is_pypi_route("/manage/account/token/")
    assert is_pypi_route("/manage/account/recovery-codes/generate")
    assert is_pypi_route("/manage/project/widget/settings/publishing/")
    assert not is_pypi_route("/manage/account/recovery-codes/")  # the old, wrong link
    assert not is_pypi_route("/manage/project/widget/settings/publishing/extra/")
    assert not is_pypi_route("/manage/account/tokens/")


# -- PyPI links ---------------------------------------------------------------------------------------

def test_every_pypi_page_the_site_links_or_names_is_a_pypi_route(articles):
    bad: dict[str, set[str]] = {}
    for src, article in articles.items():
        urls = list(article.hrefs) + [m.group(0).rstrip(".,:;") for m in URL_RE.finditer("".join(article.everything))]
        for url in urls:
            parts = urlsplit(url)
            if parts.hostname not in PYPI_HOSTS:
                continue
            path = unquote(parts.path or "/")
            if "<" in path:  # a placeholder shown to the reader, e.g. /integrity/<project>/...
                path = re.sub(r"<[^>]+>", "x", path)
            if not is_pypi_route(path):
                bad.setdefault(src, set()).add(url)
    assert not bad, f"links to pages PyPI does not have (routes: {ROUTES_FILE.name}): {bad}"


def test_the_token_list_and_the_recovery_codes_are_linked_where_they_are(articles):
    tokens = articles["tokens.md"].hrefs
    assert "https://pypi.org/manage/account/#api-tokens" in tokens
    assert "https://test.pypi.org/manage/account/#api-tokens" in tokens
    assert "https://pypi.org/manage/account/recovery-codes/generate" in articles["2fa.md"].hrefs


# -- action versions ---------------------------------------------------------------------------------

def release_pins() -> dict[str, str]:
    return {p.action: p.version for p in workflow_pins(ROOT, RELEASE_WORKFLOW)}


def test_every_action_version_the_site_names_is_the_pin_of_the_real_workflow(articles):
    pins = release_pins()
    assert "pypa/gh-action-pypi-publish" in pins
    wrong = {}
    seen = 0
    for src, article in articles.items():
        for m in NAMED_VERSION_RE.finditer("".join(article.everything)):
            if m["action"] in pins:
                seen += 1
                if m["version"] != pins[m["action"]]:
                    wrong.setdefault(src, set()).add(f"{m['action']} {m['version']} (pin: {pins[m['action']]})")
    assert not wrong, f"pages name versions that are not the pins of {RELEASE_WORKFLOW}: {wrong}"
    assert seen >= len(pins), "the pages should name the pinned versions (the pattern found too few)"


def test_no_page_source_writes_a_pinned_version_itself(site):
    """The version comes from the workflow (`pin_version`), so a pin bump cannot leave a page behind."""
    pins = release_pins()
    written = {}
    for page in site.pages:
        for m in NAMED_VERSION_RE.finditer(page["source"]):
            if m["action"] in pins:
                written.setdefault(page["src_path"], set()).add(m.group(0))
    assert not written, f"write [[[ pin_version(...) ]]] instead of a version: {written}"


def test_the_version_check_would_catch_a_stale_version():
    pins = release_pins()
    stale = "uses: pypa/gh-action-pypi-publish@" + "a" * 40 + " # v1.0.0"
    m = NAMED_VERSION_RE.search(stale)
    assert m and m["action"] == "pypa/gh-action-pypi-publish" and m["version"] != pins[m["action"]]
    assert NAMED_VERSION_RE.search("`pypa/gh-action-pypi-publish` v1.2.3")["version"] == "v1.2.3"


# -- example workflows --------------------------------------------------------------------------------

SNIPPETS = sorted(SNIPPETS_DIR.glob("*.yml"))


def test_there_is_an_example_workflow_per_upload_client():
    assert {p.stem for p in SNIPPETS} >= {"uv", "twine", "hatch", "pdm", "poetry"}


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.name)
def test_example_workflow_uses_only_actions_release_yml_pins(path):
    """So the page can show every one of its actions at release.yml's pin."""
    pins = release_pins()
    found = pins_in_text(path.read_text(encoding="utf-8"), path.name)
    assert found, f"{path.name} pins no action"
    for pin in found:
        assert pin.action in pins, f"{path.name}:{pin.line} uses {pin.action}, which release.yml does not pin"
    uses = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip().startswith(("uses:", "- uses:"))]
    assert len(uses) == len(found), f"{path.name}: a `uses:` line is not pinned to a SHA with a version comment"


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.name)
def test_example_workflow_publishes_only_from_one_job_with_id_token(path):
    from ruamel.yaml import YAML
    doc = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert doc["permissions"] == {}
    with_token = [name for name, job in doc["jobs"].items() if (job.get("permissions") or {}).get("id-token")]
    assert with_token == ["publish"], f"{path.name}: id-token on {with_token}"
    assert doc["jobs"]["publish"]["environment"]["name"] == "pypi"
    text = path.read_text(encoding="utf-8")
    assert "password" not in text and "secrets." not in text and "TOKEN" not in text.replace("id-token", "")


def test_example_workflows_pass_zizmor_offline():
    from test_workflows import tool
    res = subprocess.run([tool("zizmor"), "--offline", *map(str, SNIPPETS)], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "No findings to report" in res.stdout + res.stderr


def test_each_example_workflow_is_shown_on_the_workflow_page_with_release_yml_pins(site):
    blocks = {b["title"]: b["text"] for b in parse_html(site.html_path("workflow.md")).code_blocks}
    pins = workflow_pins(ROOT, RELEASE_WORKFLOW)
    for path in SNIPPETS:
        title = path.relative_to(ROOT).as_posix()
        assert title in blocks, f"{title} is not shown on the workflow page"
        assert blocks[title] == with_pins_of(path.read_text(encoding="utf-8"), pins), f"{title} differs on the page"
        shown = {p.action: (p.sha, p.version) for p in pins_in_text(blocks[title], title)}
        assert all(shown[p.action] == (p.sha, p.version) for p in pins if p.action in shown), title


# -- the site does not talk about itself --------------------------------------------------------------

def test_no_page_but_the_contributor_page_talks_about_how_the_site_is_built(articles):
    assert CONTRIBUTOR_PAGE in articles
    found = {}
    for src, article in articles.items():
        if src == CONTRIBUTOR_PAGE:
            continue
        prose = " ".join("".join(article.prose).split()).lower()
        hits = [m.group(0) for w in SELF_TALK for m in [w.search(prose)] if m]
        if hits:
            found[src] = hits
    assert not found, f"pages talk about how this site is made (move it to {CONTRIBUTOR_PAGE}): {found}"


def test_the_contributor_page_is_where_the_build_is_described(articles):
    prose = " ".join("".join(articles[CONTRIBUTOR_PAGE].prose).split()).lower()
    assert "extra.tp" in prose and "mkdocs" in prose
