"""macros/codeblocks.py: line anchors stay where line numbers are shown, and go where they are not."""

from __future__ import annotations

import os
import re

import markdown
import pytest
from mkdocs.config import load_config

from _rendered import ROOT, shared_build
from macros.codeblocks import drop_hidden_line_anchors

ANCHOR_RE = re.compile(r'<a id="(__codelineno-[\w-]+)"')
# A shown line number is a link to its line's anchor: <a href="#__codelineno-0-1"><span class="linenos" …
LINK_RE = re.compile(r'<a href="#(__codelineno-[\w-]+)"><span class="linenos"')
UNNUMBERED = "```text\nERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\nsecond line\n```\n"
NUMBERED = '```yaml linenums="1"\non:\n  push:\n    tags: ["v*"]\n```\n'


@pytest.fixture(scope="module")
def render():
    """Markdown rendered with the site's own pymdownx.highlight settings (read from mkdocs.yml)."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        config = load_config(str(ROOT / "mkdocs.yml"))
    finally:
        os.chdir(cwd)
    assert config["mdx_configs"]["pymdownx.highlight"]["anchor_linenums"] is True  # what this module is for
    wanted = ("pymdownx.highlight", "pymdownx.superfences")
    return lambda text: markdown.markdown(
        text, extensions=list(wanted), extension_configs={k: config["mdx_configs"].get(k, {}) for k in wanted})


def test_a_block_without_numbers_loses_its_anchors_and_keeps_its_lines(render):
    html = render(UNNUMBERED)
    assert len(ANCHOR_RE.findall(html)) == 2  # Pygments wrote one per line
    out = drop_hidden_line_anchors(html)
    assert ANCHOR_RE.findall(out) == [] and "__codelineno" not in out
    assert len(re.findall(r'<span id="__span-0-\d+">', out)) == 2  # personal.js marks lines by these
    assert re.sub(r"<[^>]+>", "", out) == re.sub(r"<[^>]+>", "", html)  # the text a reader sees or copies


def test_a_numbered_block_keeps_its_anchors_and_links(render):
    html = render(NUMBERED)
    assert drop_hidden_line_anchors(html) == html
    assert ANCHOR_RE.findall(html) and set(LINK_RE.findall(html)) == set(ANCHOR_RE.findall(html))


def test_only_the_unnumbered_block_of_a_page_changes_and_a_second_pass_changes_nothing(render):
    html = render("Run `trustpub check`.\n\n" + UNNUMBERED + "\n" + NUMBERED)
    out = drop_hidden_line_anchors(html)
    assert ANCHOR_RE.findall(out) == [a for a in ANCHOR_RE.findall(html) if a.startswith("__codelineno-1-")]
    assert "<code>trustpub check</code>" in out
    assert drop_hidden_line_anchors(out) == out


def test_the_built_site_links_every_line_number_and_has_no_hidden_anchor(request):
    build = shared_build(request.config)
    numbered_pages = 0
    for page in build.pages:
        html = (build.site / page["dest_path"]).read_text(encoding="utf-8")
        anchors, links = set(ANCHOR_RE.findall(html)), set(LINK_RE.findall(html))
        assert anchors == links, f"{page['src_path']}: line anchors without a shown line number"
        numbered_pages += bool(links)
    assert numbered_pages, "no page shows a numbered workflow: the check above saw nothing"
