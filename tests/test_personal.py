"""Personal values (macros/personal.py): every subject value on every page is marked, once.

The site is built with a sentinel subject (values no page text contains by chance); every
occurrence of a sentinel in the built HTML must then be a marked value (a span the page script
fills) or sit in an attribute with its template, except where the site names itself (its own
address, from the subject's GitHub Pages URL) or the badge the script hides for personal values.
"""

from __future__ import annotations

import json
import re

import pytest

from _rendered import ROOT, build_site
from macros import personal
from trustpub.config import Subject

SENTINEL = {"project": "Zqx_Sentinel.Project", "owner": "zqxowner", "repository": "zqx-sentinel-repo",
            "workflow": "zqx-sentinel.yml", "environment": "zqxenv", "index": "pypi"}
SENTINEL_RE = re.compile(r"zqx", re.IGNORECASE)
SPAN_RE = re.compile(r'<span class="tp-value" data-tp="(\w+)">([^<]*)</span>')
SITE_URL = "https://zqxowner.github.io/zqx-sentinel-repo/"
# Not page content: the form (its placeholders are the defaults), its data, the page title, the
# site's own address and in-page anchors (heading ids), the badge (hidden for personal values).
NOT_CONTENT = [re.compile(p, re.DOTALL) for p in (
    r'<dialog class="tp-personal[ "].*?</dialog>', r'<script type="application/json" id="tp-personal-data">.*?</script>',
    r"<title>.*?</title>", r'<span class="tp-badges"[^>]*>', r'<script id="__config"[^>]*>.*?</script>',
    r'(?:id|name)="[^"]*"', r'href="#[^"]*"')]


@pytest.fixture(scope="module")
def sentinel_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sentinel")
    config = ROOT / f".sentinel-{folder.name}.yml"
    tp = "\n".join(f"    {k}: {v}" for k, v in SENTINEL.items())
    config.write_text(f"INHERIT: mkdocs.yml\nextra:\n  tp:\n{tp}\n", encoding="utf-8")
    try:
        build = build_site(folder / "out", config_file=config)
    finally:
        config.unlink()
    assert build.ok, build.log[-4000:]
    return build


def unmarked_occurrences(page: str) -> list[str]:
    for rx in NOT_CONTENT:
        page = rx.sub("", page)
    page = page.replace(SITE_URL, "/").replace("/zqx-sentinel-repo/", "/")
    page = SPAN_RE.sub("", page)
    found = []
    for m in SENTINEL_RE.finditer(page):
        tag_start, tag_end = page.rfind("<", 0, m.start()), page.rfind(">", 0, m.start())
        if tag_start > tag_end:  # inside a tag: an attribute, which must carry its template
            tag = page[tag_start:page.find(">", m.start()) + 1]
            attr = re.search(r'([\w:-]+)="[^"]*$', page[tag_start:m.start()])
            if attr and f"data-tp-{attr.group(1)}=" in tag:
                continue
        found.append(page[max(0, m.start() - 80):m.end() + 40].replace("\n", " "))
    return found


@pytest.mark.slow
def test_every_sentinel_value_in_the_html_is_marked(sentinel_site):
    pages = sorted(sentinel_site.site.rglob("*.html"))
    assert len(pages) >= 10
    problems = {str(p.relative_to(sentinel_site.site)): unmarked_occurrences(p.read_text(encoding="utf-8"))
                for p in pages}
    assert not {k: v for k, v in problems.items() if v}, json.dumps(problems, indent=1)
    spans = "".join(p.read_text(encoding="utf-8") for p in pages)
    keys = {m.group(1) for m in SPAN_RE.finditer(spans)}
    # Every form field is somewhere on the site as a marked value, and no marker reaches a reader.
    assert set(personal.FORM_FIELDS) <= keys
    assert personal.START not in spans and personal.END not in spans
    index = (sentinel_site.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert personal.START not in index and "Zqx_Sentinel.Project" in index


@pytest.mark.slow
def test_marked_values_are_the_sentinel_values(sentinel_site):
    text = "".join(p.read_text(encoding="utf-8") for p in sentinel_site.site.rglob("*.html"))
    expected = {**SENTINEL, "project_slug": "zqx-sentinel-project", "dist_name": "zqx_sentinel_project",
                "index_name": "PyPI", "index_url": "pypi.org", "upload_url": "upload.pypi.org/legacy/"}
    for m in SPAN_RE.finditer(text):
        assert m.group(2) == expected[m.group(1)], m.group(0)
    hrefs = re.findall(r'href="([^"]*)" data-tp-href="([^"]*)"', text)
    assert hrefs, "no link carries a template"
    values = {**expected}
    for href, template in hrefs:
        assert template.replace("&amp;", "&").format(**values) == href.replace("&amp;", "&"), (href, template)


def test_to_html_marks_text_code_tokens_and_attributes():
    m = personal.marked(Subject(project="my-proj", owner="me", repository="repo"))
    html = (f'<p>Install <code>{m.project}</code> from <a href="{m.project_url}">{m.index_name}</a></p>'
            f'<pre><span class="n">{m.project[:-2]}</span><span class="o">{m.project[-2:]}</span></pre>')
    out = personal.to_html(html)
    assert '<code><span class="tp-value" data-tp="project">my-proj</span></code>' in out
    assert 'href="https://pypi.org/project/my-proj/" data-tp-href="https://{index_url}/project/{project_slug}/"' in out
    assert '<span class="tp-value" data-tp="index_name">PyPI</span>' in out
    # A value Pygments split into two tokens is one span, its inner tags dropped, the outer ones balanced.
    assert '<span class="n"><span class="tp-value" data-tp="project">my-proj</span></span></pre>' in out
    assert personal.START not in out and personal.END not in out


def test_an_explicit_index_is_not_the_readers():
    m = personal.marked(Subject(project="p", owner="o", repository="r"))
    test = m.for_index("testpypi")
    plain = Subject(project="p", owner="o", repository="r")
    assert personal.unmark(test.token_url) == plain.for_index("testpypi").token_url
    assert test.token_url.startswith("https://test.pypi.org/")
    assert "index_url" not in personal.to_html(f'<a href="{test.token_url}">x</a>')
    assert personal.unmark(m.publishing_url) == Subject(project="p", owner="o", repository="r").publishing_url


def test_mark_workflow_marks_the_environment_only_where_it_is_one():
    subject = Subject(project="proj-x", owner="own", repository="repo-x", environment="pypi")
    text = ("jobs:\n  publish:\n    environment:\n      name: pypi  # must match\n      url: https://pypi.org/p/proj-x\n"
            "    steps:\n      - uses: pypa/gh-action-pypi-publish@v1\n        with:\n          name: pypi\n")
    out = personal.mark_workflow(text, subject, ".github/workflows/other.yml")
    assert out.count(personal.START) == 2  # the environment's name, and the project in the URL
    assert personal.unmark(out) == text
    assert personal.mark("environment", "pypi") in out.split("\n")[3]
    assert "gh-action-pypi-publish" in out and out.split("\n")[8] == "          name: pypi"


def test_checklist_command_names_every_value():
    cmd = personal.checklist_command(Subject(project="p1", owner="o1", repository="r1", workflow="w.yml",
                                             environment="e1"))
    assert personal.unmark(cmd).splitlines()[1] == ("trustpub check --repo . --project p1 --owner o1 --repository r1 "
                                                    "--workflow w.yml --environment e1 --index pypi")
    assert cmd.count(personal.START) == 6
