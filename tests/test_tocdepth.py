"""macros/tocdepth.py: a page's `toc_depth:` shortens its table of contents, and only that page's."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from mkdocs.structure.toc import get_toc

from _rendered import shared_build
from macros.tocdepth import apply, prune
from trustpub.diagnose import MESSAGES

TOKENS = [{"level": 1, "id": "t", "name": "Title", "children": [
    {"level": 2, "id": "a", "name": "A", "children": [
        {"level": 3, "id": "a1", "name": "A1", "children": [{"level": 4, "id": "a1x", "name": "A1x", "children": []}]},
    ]},
    {"level": 2, "id": "b", "name": "B", "children": []},
]}]


def ids(items) -> list[str]:
    return [i.id for item in items for i in [item, *_walk(item.children)]]


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item.children)


def page(meta) -> SimpleNamespace:
    return SimpleNamespace(meta=meta, toc=get_toc(TOKENS), file=SimpleNamespace(src_path="p.md"))


@pytest.mark.parametrize("depth, kept", [(1, ["t"]), (2, ["t", "a", "b"]), (3, ["t", "a", "a1", "b"]),
                                         (6, ["t", "a", "a1", "a1x", "b"])])
def test_entries_below_the_depth_are_dropped(depth, kept):
    toc = get_toc(TOKENS)
    prune(toc.items, depth)
    assert ids(toc.items) == kept


def test_a_page_without_the_key_keeps_its_whole_toc():
    p = page({})
    apply(p)
    assert ids(p.toc.items) == ["t", "a", "a1", "a1x", "b"]


@pytest.mark.parametrize("bad", [0, 7, "2", True, 2.5])
def test_a_bad_depth_is_a_one_line_error_naming_the_page(bad):
    with pytest.raises(ValueError, match=r"^p\.md: `toc_depth` must be a heading level from 1 to 6"):
        apply(page({"toc_depth": bad}))


def test_the_built_troubleshooting_page_lists_its_sections_not_every_case(request):
    build = shared_build(request.config)
    assert build.ok, build.log[-3000:]
    html = build.html_path("troubleshooting.md").read_text(encoding="utf-8")
    toc_targets = set(re.findall(r'<a href="#([\w-]+)" class="md-nav__link">', html))
    assert "every-known-error" in toc_targets  # the section is listed …
    assert not toc_targets & {m.id for m in MESSAGES}  # … its ~90 cases are not
    assert all(f'id="{m.id}"' in html for m in MESSAGES)  # the cases' own anchors stay
    # A page without the key keeps its ### entries (the checklist page has some).
    other = build.html_path("checklist.md").read_text(encoding="utf-8")
    other_ids = set(re.findall(r'<h3 id="([\w-]+)"', other))
    assert other_ids and other_ids <= set(re.findall(r'<a href="#([\w-]+)" class="md-nav__link">', other))
