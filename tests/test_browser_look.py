"""How the built site looks, measured in headless Chromium at laptop (1280 px) and phone (390 px) width,
in the light and the dark palette.

What is asserted is what a reader once could not read: no page scrolls sideways; no badge text
runs over its box (and the widths the badges are sized with are the font's); every diagram's text
is at least 11 px as drawn; the `# vX.Y.Z` after each pinned SHA of the workflows and the
`<- differs` column of the diagnosis example are inside their code block's visible box, on one row;
names in tables (linked scripts, the first column's ids and slugs) are never split inside a word. Each check is also run once against the
page with the old fault put back, to show it catches it. Full-page screenshots of every case go to
test-artifacts/screenshots/look-*.png.
"""

from __future__ import annotations

import re

import pytest

from _browser import PHONE_VIEWPORT, VIEWPORT, visit
from _rendered import ROOT, parse_html
from test_browser import base_url, browser, site  # noqa: F401 - the shared fixtures (one build, one browser)
from trustpub.checks import CHECKS

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
VIEWPORTS = {"laptop": VIEWPORT, "phone": PHONE_VIEWPORT}
SCHEMES = ("light", "dark")
MIN_DIAGRAM_TEXT_PX = 11
BADGE_TEXT_MARGIN_PX = 2        # a badge text keeps at least this far from its box's edges
BADGE_WIDTH_TOLERANCE = 0.02    # the width table against the browser's own measurement
WORKFLOWS = (".github/workflows/release.yml", ".github/workflows/testpypi.yml")
PIN_RE = re.compile(r"@[0-9a-f]{40}\s+# v\d")
# The comment after a pinned SHA, as seen in the page's text (JavaScript regular expression).
PIN_COMMENT_JS = r"(?<=@[0-9a-f]{40}\s+)# v[0-9][0-9A-Za-z.]*"
DIFFERS_JS = r"<- differs"
SCRIPT_NAME_JS = r"(?<=scripts/)[A-Za-z0-9_]+\.py"
# A word of a name: what lies between the places a line may break (space, hyphen, slash, colon...).
CODE_WORD_JS = r"[A-Za-z0-9_.]{2,}"
# Tables (in Material's scrolling wrapper) and code blocks wider than the column: [scroll width, width].
SCROLLS = """selector => [...document.querySelectorAll(selector)]
  .filter(w => w.getClientRects().length && w.scrollWidth > w.clientWidth + 1).map(w => [w.scrollWidth, w.clientWidth])"""
TABLES = ".md-content .md-typeset__scrollwrap"
CODE_BLOCKS = ".md-content pre > code"

# Where each match of a regular expression in the text of the elements `selector` is drawn: its rows
# (client rects) and the visible box of the element it is in (its client area: what is not scrolled away).
MATCH_BOXES = """([selector, source]) => {
  const re = new RegExp(source, "g"), out = [], all = [...document.querySelectorAll("pre > code")];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.getClientRects().length) continue;  // not shown (an inactive content tab)
    const r = el.getBoundingClientRect();
    const box = {left: r.left + el.clientLeft, right: r.left + el.clientLeft + el.clientWidth,
                 scrolls: el.scrollWidth - el.clientWidth};
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), nodes = [];
    let text = "";
    for (let n; (n = walker.nextNode());) { nodes.push([n, text.length]); text += n.data; }
    const at = (i) => { let k = nodes.length - 1; while (nodes[k][1] > i) k--; return [nodes[k][0], i - nodes[k][1]]; };
    for (const m of text.matchAll(re)) {
      const range = document.createRange();
      const [sn, so] = at(m.index), [en, eo] = at(m.index + m[0].length - 1);
      range.setStart(sn, so);
      range.setEnd(en, eo + 1);
      const rows = [...range.getClientRects()].filter(x => x.width > 0)
        .map(x => ({left: x.left, right: x.right, top: Math.round(x.top)}));
      out.push({text: m[0], rows, box, where: `${all.indexOf(el)}:${m.index}`});
    }
  }
  return out;
}"""

# Elements that stick out past the right edge of the viewport (what makes a page scroll sideways).
PAGE_OVERFLOW = """() => {
  const root = document.documentElement, limit = root.clientWidth + 1;
  const culprits = [...document.querySelectorAll("body *")].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > limit && getComputedStyle(e).position !== "fixed";
  }).slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`);
  return {scroll: root.scrollWidth, client: root.clientWidth, culprits};
}"""

# Each badge text: where it is drawn, the box behind it, the length it is held to and its natural width
# in DejaVu Sans (the font macros/badge_text.py's widths describe).
BADGE_BOXES = """() => {
  const ctx = document.createElement("canvas").getContext("2d");
  return [...document.querySelectorAll("svg.tp-badge")].flatMap(svg => {
    const boxes = [...svg.querySelectorAll("rect[rx]")];
    return [...svg.querySelectorAll("text")].map((t, i) => {
      const tb = t.getBoundingClientRect(), rb = boxes[i].getBoundingClientRect();
      ctx.font = `${getComputedStyle(t).fontSize} "DejaVu Sans"`;
      return {text: t.textContent, left: tb.left, right: tb.right, boxLeft: rb.left, boxRight: rb.right,
              length: t.textLength.baseVal.value, natural: ctx.measureText(t.textContent).width};
    });
  });
}"""

# Every text of every drawn diagram: the font size times the scale it is drawn at.
DIAGRAM_TEXT = """() => [...document.querySelectorAll(".md-content div.mermaid")].map(host => {
  const svg = host.shadowRoot && host.shadowRoot.querySelector("svg");
  if (!svg) return null;
  const sizes = [...svg.querySelectorAll("text")].filter(t => t.textContent.trim()).map(t => {
    const m = t.getScreenCTM();
    return {text: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b)};
  });
  const head = svg.querySelector('[id$="-arrowhead"] path'), line = svg.querySelector('[class^="messageLine"]');
  return {sizes, overflow: host.scrollWidth - host.clientWidth,
          arrowhead: head && getComputedStyle(head).fill, line: line && getComputedStyle(line).stroke};
})"""


def _open(site, base_url, browser, src: str, width: str, scheme: str):
    page = site.page(src)
    assert page, f"docs/{src} is not part of the built site"
    v = visit(browser, base_url + page["url"], color_scheme=scheme, viewport=VIEWPORTS[width])
    expected = "slate" if scheme == "dark" else "default"
    assert v.page.locator("body").get_attribute("data-md-color-scheme") == expected
    return v


def _screenshot(v, name: str, width: str, scheme: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = SCREENSHOTS / f"look-{name}-{width}-{scheme}.png"
    v.page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000, f"{out} is suspiciously small"


def page_overflow(p) -> str | None:
    """Why the page scrolls sideways, or None."""
    o = p.evaluate(PAGE_OVERFLOW)
    if o["scroll"] > o["client"] + 1:
        return f"the page is {o['scroll']} px wide in a {o['client']} px window; sticking out: {o['culprits']}"
    return None


def out_of_view(matches: list[dict]) -> list[str]:
    """The matches not wholly inside their element's visible box, or split over rows."""
    bad = []
    for m in matches:
        rows, box = m["rows"], m["box"]
        if not rows:
            bad.append(f"{m['text']!r} is not drawn")
        elif len({r["top"] for r in rows}) > 1:
            bad.append(f"{m['text']!r} is split over {len({r['top'] for r in rows})} rows")
        elif any(r["left"] < box["left"] - 0.5 or r["right"] > box["right"] + 0.5 for r in rows):
            bad.append(f"{m['text']!r} at {rows[0]['left']:.0f}-{rows[-1]['right']:.0f} px is outside the "
                       f"block's visible {box['left']:.0f}-{box['right']:.0f} px")
    return bad


def split_names(matches: list[dict]) -> list[str]:
    return [f"{m['text']!r} is broken over {len({r['top'] for r in m['rows']})} rows"
            for m in matches if len({r["top"] for r in m["rows"]}) != 1]


def badge_faults(badges: list[dict]) -> list[str]:
    bad = []
    for b in badges:
        if b["left"] < b["boxLeft"] + BADGE_TEXT_MARGIN_PX or b["right"] > b["boxRight"] - BADGE_TEXT_MARGIN_PX:
            bad.append(f"{b['text']!r} drawn at {b['left']:.1f}-{b['right']:.1f} px in its box "
                       f"{b['boxLeft']:.1f}-{b['boxRight']:.1f} px")
    return bad


def small_diagram_text(diagrams: list[dict | None]) -> list[str]:
    bad = []
    for i, d in enumerate(diagrams):
        if d is None:
            bad.append(f"diagram {i} is not drawn")
            continue
        bad += [f"diagram {i}: {s['text']!r} is {s['px']:.1f} px" for s in d["sizes"] if s["px"] < MIN_DIAGRAM_TEXT_PX]
    return bad


def expected_pins(site, src: str) -> int:
    """The pins the page's code blocks hold (the real workflows' at least)."""
    on_page = sum(len(PIN_RE.findall(b["text"])) for b in parse_html(site.site / site.page(src)["dest_path"]).code_blocks)
    in_workflows = sum(len(PIN_RE.findall((ROOT / path).read_text(encoding="utf-8"))) for path in WORKFLOWS)
    assert on_page >= in_workflows > 0, f"{src} shows {on_page} pins, the workflows it includes have {in_workflows}"
    return on_page


def every_block(p, source: str) -> list[dict]:
    """MATCH_BOXES over every code block of the page, each content tab shown in turn."""
    found = {m["where"]: m for m in p.evaluate(MATCH_BOXES, [".md-content pre > code", source])}
    labels = p.locator(".md-content .tabbed-labels > label")
    for i in range(labels.count()):
        labels.nth(i).click()
        found.update({m["where"]: m for m in p.evaluate(MATCH_BOXES, [".md-content .tabbed-block pre > code", source])})
    return list(found.values())


def _diagram_count(site, src: str) -> int:
    return sum(1 for b in parse_html(site.site / site.page(src)["dest_path"]).code_blocks
               if "mermaid" in b["classes"].split())


def _wait_for_diagrams(p, count: int) -> None:
    p.wait_for_function(
        "n => [...document.querySelectorAll('.md-content div.mermaid')].filter(h => h.shadowRoot"
        " && h.shadowRoot.querySelector('svg text')).length >= n", arg=count)


VIEWS = [pytest.param(w, s, id=f"{w}-{s}") for w in VIEWPORTS for s in SCHEMES]


@pytest.mark.parametrize("width,scheme", VIEWS)
def test_home_page_badges_fit_and_diagrams_are_readable(width, scheme, site, base_url, browser):
    diagrams = _diagram_count(site, "index.md")
    assert diagrams >= 1, "the home page has no diagram"
    v = _open(site, base_url, browser, "index.md", width, scheme)
    try:
        p = v.page
        _wait_for_diagrams(p, diagrams)
        assert page_overflow(p) is None, page_overflow(p)

        badges = p.evaluate(BADGE_BOXES)
        assert len(badges) >= 6, f"expected the three two-part badges, found {badges}"
        assert badge_faults(badges) == []
        for b in badges:  # the widths the badges are sized with are the font's own
            assert b["length"] == pytest.approx(b["natural"], rel=BADGE_WIDTH_TOLERANCE, abs=0.5), \
                f"{b['text']!r}: sized for {b['length']:.2f} px, DejaVu Sans draws it {b['natural']:.2f} px"

        drawn = p.evaluate(DIAGRAM_TEXT)
        assert len(drawn) == diagrams
        assert all(d and len(d["sizes"]) >= 5 for d in drawn), f"a diagram with (almost) no text: {drawn}"
        assert small_diagram_text(drawn) == []
        assert all(d["overflow"] <= 1 for d in drawn), "a diagram is wider than the column"
        for d in drawn:  # arrowheads in the palette's line colour (mermaid's dark grey vanished on slate)
            assert d["line"] and d["arrowhead"] == d["line"], f"arrowhead {d['arrowhead']}, message line {d['line']}"
        _screenshot(v, "home", width, scheme)
    finally:
        v.close()


@pytest.mark.parametrize("width,scheme", VIEWS)
def test_workflow_pins_are_in_view(width, scheme, site, base_url, browser):
    v = _open(site, base_url, browser, "workflow.md", width, scheme)
    try:
        p = v.page
        assert page_overflow(p) is None, page_overflow(p)
        _screenshot(v, "workflow", width, scheme)
        pins = every_block(p, PIN_COMMENT_JS)
        expected = expected_pins(site, "workflow.md")
        assert len(pins) == expected, f"{len(pins)} pin comments drawn, the page's code has {expected}"
        assert out_of_view(pins) == []
        assert all(m["box"]["scrolls"] <= 1 for m in pins), "a workflow block scrolls sideways"
    finally:
        v.close()


@pytest.mark.parametrize("width,scheme", VIEWS)
def test_diagnosis_differs_column_is_in_view(width, scheme, site, base_url, browser):
    v = _open(site, base_url, browser, "troubleshooting.md", width, scheme)
    try:
        p = v.page
        assert page_overflow(p) is None, page_overflow(p)
        marks = p.evaluate(MATCH_BOXES, [".md-content pre > code", DIFFERS_JS])
        assert len(marks) >= 1, "the diagnosis example shows no differing value"
        assert out_of_view(marks) == []
        _screenshot(v, "troubleshooting", width, scheme)
    finally:
        v.close()


@pytest.mark.parametrize("width,scheme", VIEWS)
@pytest.mark.parametrize("src", ["checklist.md", "workflow.md", "index.md"])
def test_names_in_tables_are_whole(src, width, scheme, site, base_url, browser):
    v = _open(site, base_url, browser, src, width, scheme)
    try:
        p = v.page
        assert page_overflow(p) is None, page_overflow(p)
        if src == "checklist.md":
            names = p.evaluate(MATCH_BOXES, [".md-content table code", SCRIPT_NAME_JS])
            fixes = sum(1 for c in CHECKS if c.fix_script)
            assert len(names) >= fixes > 0, f"{len(names)} script names in the tables, {fixes} checks have a fix script"
            assert split_names(names) == []
        names = p.evaluate(MATCH_BOXES, [".md-content table :is(a > code, td:first-child code)", CODE_WORD_JS])
        assert names, f"{src}: no name (linked code, first-column code) in a table"
        assert split_names(names) == []
        if width == "laptop":  # on a phone a table of four columns scrolls inside its frame, as Material does
            assert p.evaluate(SCROLLS, TABLES) == [], "a table is wider than the column"
        if src == "checklist.md":
            _screenshot(v, "checklist", width, scheme)
    finally:
        v.close()


@pytest.mark.parametrize("width", VIEWPORTS)
def test_no_page_code_block_or_table_scrolls_sideways(page_src, width, site, base_url, browser):
    page = site.page(page_src)
    assert page, f"{page_src}: the site did not build"
    v = visit(browser, base_url + page["url"], viewport=VIEWPORTS[width])
    try:
        assert page_overflow(v.page) is None, page_overflow(v.page)
        assert v.page.evaluate(SCROLLS, CODE_BLOCKS) == [], "a code block scrolls sideways: its long lines do not wrap"
        if width == "laptop":
            assert v.page.evaluate(SCROLLS, TABLES) == [], "a table is wider than the column"
    finally:
        v.close()


def pytest_generate_tests(metafunc):  # every page of the site, as test_browser.py does
    from test_browser import pytest_generate_tests as every_page

    every_page(metafunc)


# The faults these pages once had, put back by a style sheet: each check must see its fault.
OLD_CODE_BLOCKS = ".md-typeset pre > code { white-space: pre !important; }"
OLD_TABLE_CODE = ".md-typeset table:not([class]) code { word-break: break-all !important; }"
NARROW_COLUMN = ".md-content__inner { max-width: 230px !important; }"
WIDE_PAGE = ".md-content__inner { min-width: 1600px !important; }"


def test_each_check_catches_the_fault_it_is_for(site, base_url, browser):
    v = _open(site, base_url, browser, "workflow.md", "laptop", "light")
    try:
        v.page.add_style_tag(content=OLD_CODE_BLOCKS)
        assert out_of_view(v.page.evaluate(MATCH_BOXES, [".md-content pre > code", PIN_COMMENT_JS])), \
            "pins scrolled out of view were not noticed"
        assert page_overflow(v.page) is None  # the block scrolls, not the page
        v.page.add_style_tag(content=WIDE_PAGE)
        assert page_overflow(v.page), "a page wider than the window was not noticed"
    finally:
        v.close()

    v = _open(site, base_url, browser, "checklist.md", "phone", "light")
    try:
        v.page.add_style_tag(content=OLD_TABLE_CODE)
        assert split_names(v.page.evaluate(MATCH_BOXES, [".md-content table code", SCRIPT_NAME_JS])), \
            "script names broken mid-word were not noticed"
    finally:
        v.close()

    v = _open(site, base_url, browser, "index.md", "laptop", "light")
    try:
        p = v.page
        _wait_for_diagrams(p, _diagram_count(site, "index.md"))
        # The badge boxes as they were: 6.6 px a character for "3.11 | 3.12 | 3.13", no textLength.
        p.evaluate("""() => { for (const t of document.querySelectorAll('svg.tp-badge text')) t.removeAttribute('textLength');
          for (const r of document.querySelectorAll('svg.tp-badge rect[rx]:nth-of-type(2)')) r.setAttribute('width', 40); }""")
        assert badge_faults(p.evaluate(BADGE_BOXES)), "a text wider than its badge box was not noticed"
        p.add_style_tag(content=NARROW_COLUMN)  # the diagrams scaled down, as the six-participant one was
        assert small_diagram_text(p.evaluate(DIAGRAM_TEXT)), "diagram text below 11 px was not noticed"
    finally:
        v.close()
