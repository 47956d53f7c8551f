"""The docs and the code agree: scripts, check ids, error messages, the workflow, links.

Everything is read from the site as built (tests/_rendered.py: one offline,
strict build per session), so what is compared is what a reader sees.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from _rendered import ROOT, page_fences, parse_html, shared_build
from trustpub.checks import CHECKS
from trustpub.diagnose import MESSAGES, diagnose

SCRIPTS_DIR = ROOT / "scripts"
WORKFLOWS_DIR = ROOT / ".github" / "workflows"
WORKFLOW_PAGE = "workflow.md"
CHECKLIST_PAGE = "checklist.md"
TROUBLESHOOTING_PAGE = "troubleshooting.md"
# A link to a script: a repository URL (.../blob/main/scripts/x.py) or a relative one.
SCRIPT_LINK_RE = re.compile(r"(?:^|/)scripts/([A-Za-z0-9_]+\.py)$")


@pytest.fixture(scope="session")
def site(request):
    build = shared_build(request.config)
    assert build.ok, "the site did not build (strict):\n" + build.log[-6000:]
    return build


@pytest.fixture(scope="session")
def html_pages(site):
    """{site-relative path: parsed HTML} for every HTML file of the built site."""
    return {p.relative_to(site.site).as_posix(): parse_html(p) for p in sorted(site.site.rglob("*.html"))}


def _page_html(site, html_pages, src_path):
    page = site.page(src_path)
    assert page, f"docs/{src_path} is not part of the built site"
    return html_pages[page["dest_path"]]


def _rendered(site, src_path) -> str:
    page = site.page(src_path)
    assert page, f"docs/{src_path} is not part of the built site"
    return page["markdown"]


# ---------------------------------------------------------------------------
# Scripts
# ---------------------------------------------------------------------------

def repository_scripts() -> set[str]:
    return {p.name for p in SCRIPTS_DIR.glob("*.py") if p.is_file()}


def linked_scripts(html_pages) -> dict[str, set[str]]:
    """script name -> pages linking to it."""
    found: dict[str, set[str]] = {}
    for page, parsed in html_pages.items():
        for _, url in parsed.links:
            path = urlsplit(url).path
            m = SCRIPT_LINK_RE.search(path)
            if m:
                found.setdefault(m.group(1), set()).add(page)
    return found


def test_every_linked_script_exists(html_pages):
    missing = {name: sorted(pages) for name, pages in linked_scripts(html_pages).items()
               if name not in repository_scripts()}
    assert not missing, f"the docs link to scripts that are not in scripts/: {missing}"


SCRIPT_MENTION_RE = re.compile(r"\bscripts/([A-Za-z0-9_]+\.py)\b")


def test_every_script_mentioned_exists(site):
    """Commands and prose that name `scripts/x.py` name a script that is there."""
    missing = sorted({f"{p['src_path']}: scripts/{m}" for p in site.pages
                      for m in SCRIPT_MENTION_RE.findall(p["markdown"]) if m not in repository_scripts()})
    assert not missing, missing


def test_every_script_is_linked_from_the_docs(html_pages):
    scripts = repository_scripts()
    assert scripts, "scripts/ has no scripts"
    unlinked = sorted(scripts - set(linked_scripts(html_pages)))
    assert not unlinked, f"scripts not linked from any page: {unlinked}"


def test_every_script_shows_its_help_in_the_docs(site):
    titles = {pf.fence.title for pf in page_fences(site)}
    from trustpub.commands import BY_SCRIPT

    missing = sorted(n for n in repository_scripts() if f"trustpub {BY_SCRIPT[n].name} --help" not in titles)
    assert not missing, f"scripts whose --help no page shows (script_help macro): {missing}"


# ---------------------------------------------------------------------------
# Check ids
# ---------------------------------------------------------------------------

def test_check_ids_on_the_checklist_page_match_the_registry(site):
    ids = {c.id for c in CHECKS}
    assert ids, "the check registry is empty"
    prefixes = {re.match(r"[A-Za-z]+", i).group(0) for i in ids}
    id_re = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(prefixes))) + r")\d+\b")
    on_page = set(id_re.findall(_rendered(site, CHECKLIST_PAGE)))
    assert sorted(on_page - ids) == [], "check ids on the checklist page that the registry does not have"
    assert sorted(ids - on_page) == [], "check ids in the registry that the checklist page does not show"


# ---------------------------------------------------------------------------
# Troubleshooting
# ---------------------------------------------------------------------------

ERROR_TEXT_LANGS = {"text", ""}


def troubleshooting_error_blocks(site):
    return [pf for pf in page_fences(site) if pf.page == TROUBLESHOOTING_PAGE and pf.fence.lang in ERROR_TEXT_LANGS
            and not (pf.fence.title or "").startswith(("python scripts/", "trustpub "))]


def test_every_error_on_the_troubleshooting_page_is_recognised(site):
    blocks = troubleshooting_error_blocks(site)
    assert blocks, "the troubleshooting page shows no error text blocks"
    unrecognised = [pf.id for pf in blocks if not diagnose(pf.fence.content).matches]
    assert not unrecognised, f"error texts diagnose() does not recognise: {unrecognised}"


def test_each_error_block_is_diagnosed_as_the_case_it_illustrates(site):
    """diagnose() puts first (most specific) the case whose exact text the block shows."""
    wrong = []
    for pf in troubleshooting_error_blocks(site):
        shown_as = {m.id for m in MESSAGES if m.example.strip() and m.example.strip() in pf.fence.content}
        matched = [m.id for m in diagnose(pf.fence.content).matches]
        if not shown_as or not matched or matched[0] not in shown_as or not shown_as <= set(matched):
            wrong.append(f"{pf.id}: shows {sorted(shown_as)}, diagnosed as {matched}")
    assert not wrong, "\n".join(wrong)


def test_every_known_error_is_on_the_troubleshooting_page(site):
    shown = "\n".join(pf.fence.content for pf in troubleshooting_error_blocks(site))
    missing = [m.id for m in MESSAGES if m.example.strip() not in shown]
    assert not missing, f"diagnosis entries whose example text the troubleshooting page does not show: {missing}"


# ---------------------------------------------------------------------------
# The workflow, byte for byte
# ---------------------------------------------------------------------------

def test_workflow_page_shows_the_real_release_workflow(site, html_pages):
    real = (WORKFLOWS_DIR / "release.yml").read_bytes().decode("utf-8")
    blocks = [b for b in _page_html(site, html_pages, WORKFLOW_PAGE).code_blocks
              if b["title"] == ".github/workflows/release.yml"]
    assert blocks, "the workflow page has no code block titled .github/workflows/release.yml"
    for block in blocks:
        assert block["text"] == real, "the workflow shown differs from .github/workflows/release.yml"


def test_every_workflow_file_shown_anywhere_is_verbatim(html_pages):
    shown = 0
    for page, parsed in html_pages.items():
        for block in parsed.code_blocks:
            title = block["title"] or ""
            if title.startswith(".github/workflows/"):
                path = ROOT / title
                assert path.is_file(), f"{page} shows {title}, which is not in the repository"
                assert block["text"] == path.read_bytes().decode("utf-8"), f"{page}: {title} differs from the file"
                shown += 1
    assert shown, "no page shows a workflow file"


# ---------------------------------------------------------------------------
# Macros
# ---------------------------------------------------------------------------

LEFTOVER_MACRO_RE = re.compile(r"\[\[\[|\]\]\]|\[\[%|%\]\]|\[\[#|#\]\]|\{\{-?\s*tp\.")


def test_no_macro_left_unrendered(site):
    """No page shows a macro call as text: mkdocs.yml's markers, or `{{ tp.… }}` written with Jinja's defaults."""
    leftovers = [f"{p['src_path']}:{n}: {line.strip()}" for p in site.pages
                 for n, line in enumerate(p["markdown"].split("\n"), 1) if LEFTOVER_MACRO_RE.search(line)]
    assert not leftovers, "\n".join(leftovers)


# ---------------------------------------------------------------------------
# Links and anchors
# ---------------------------------------------------------------------------

def test_strict_build_succeeds(site):
    """`mkdocs build --strict` (tests/_rendered.py makes the CLI's calls with strict=True) built every page."""
    assert site.pages, "the strict build produced no pages"
    assert all((site.site / p["dest_path"]).is_file() for p in site.pages)


def test_build_log_has_no_warnings(site):
    warnings = [line for line in site.log.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert not warnings, warnings


def _internal_target(page: str, url: str, base_path: str = "/") -> tuple[str, str] | None:
    """(site-relative file, fragment) for a link that stays on the site, else None.

    A root-relative link ("/x/...") is on the site only under the path the site is published
    at (site_url's path, base_path); anything else under "/" resolves to a missing file.
    """
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return None
    if not parts.path and not parts.fragment:
        return None
    path = parts.path
    if path.startswith("/"):
        path = "/" + path[len(base_path):] if path.startswith(base_path) else "/../outside-the-site" + path
    target = urljoin("/" + page, path) if path else "/" + page
    target = unquote(target).lstrip("/")
    if target == "" or target.endswith("/"):
        target += "index.html"
    return target, unquote(parts.fragment)


def broken_links(site_dir: Path, html_pages: dict, base_path: str = "/") -> tuple[int, list[str]]:
    """(internal links checked, the broken ones) over every page of a built site."""
    broken = []
    checked = 0
    for page, parsed in html_pages.items():
        for where, url in parsed.links:
            resolved = _internal_target(page, url, base_path)
            if resolved is None:
                continue
            target, fragment = resolved
            checked += 1
            path = site_dir / target
            if not path.is_file():
                broken.append(f"{page}: {where}={url!r} -> {target} does not exist")
            elif fragment and target.endswith(".html"):
                ids = html_pages[target].ids if target in html_pages else parse_html(path).ids
                if fragment not in ids:
                    broken.append(f"{page}: {where}={url!r} -> no id {fragment!r} in {target}")
    return checked, broken


def test_every_internal_link_and_anchor_resolves(site, html_pages):
    checked, broken = broken_links(site.site, html_pages, site.base_path)
    assert checked, "no internal links found: the HTML parser is broken"
    assert not broken, "\n".join(broken)


def test_link_checker_finds_missing_pages_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="a/#there">ok</a> <a href="a/#nowhere">bad anchor</a> <a href="b/">missing page</a>'
        '<a href="https://pypi.org/#x">external</a> <script src="assets/x.js"></script><a name="top"></a>')
    (tmp_path / "a" / "index.html").write_text('<h2 id="there">T</h2><a href="../#top">top</a>')
    pages = {p.relative_to(tmp_path).as_posix(): parse_html(p) for p in tmp_path.rglob("*.html")}
    checked, broken = broken_links(tmp_path, pages)
    assert checked == 5
    assert broken == [
        "index.html: a.href='a/#nowhere' -> no id 'nowhere' in a/index.html",
        "index.html: a.href='b/' -> b/index.html does not exist",
        "index.html: script.src='assets/x.js' -> assets/x.js does not exist",
    ]


def test_no_root_relative_links(site, html_pages):
    """The site is published under a sub-path (GitHub Pages: https://<owner>.github.io/<repository>/),
    so a link starting with "/" leaves it. MkDocs writes such links into 404.html when site_url is unset;
    with site_url set they carry its sub-path (404.html is served at any depth, so they must)."""
    base = site.base_path
    rooted = [f"{page}: {where}={url!r}" for page, parsed in html_pages.items() for where, url in parsed.links
              if url.startswith("/") and not url.startswith("//") and not url.startswith(base)]
    assert not rooted, "links that only work at the server's root:\n" + "\n".join(rooted[:20])


@pytest.mark.parametrize("page, url, expected", [
    ("workflow/index.html", "../checklist/#tp101", ("checklist/index.html", "tp101")),
    ("index.html", "workflow/", ("workflow/index.html", "")),
    ("index.html", "#top", ("index.html", "top")),
    ("a/index.html", "../assets/x%20y.js", ("assets/x y.js", "")),
    ("index.html", "https://pypi.org/", None),
    ("index.html", "mailto:x@example.invalid", None),
    ("index.html", "//cdn.example/x.js", None),
])
def test_internal_target(page, url, expected):
    assert _internal_target(page, url) == expected


@pytest.mark.parametrize("page, url, expected", [
    ("404.html", "/guide/assets/x.css", ("assets/x.css", "")),
    ("404.html", "/guide/workflow/#key", ("workflow/index.html", "key")),
    ("404.html", "/assets/x.css", ("outside-the-site/assets/x.css", "")),
    ("a/index.html", "../b/", ("b/index.html", "")),
])
def test_internal_target_under_a_published_sub_path(page, url, expected):
    assert _internal_target(page, url, "/guide/") == expected

