"""The site as the reader sees it: one build, its rendered Markdown, its code blocks and HTML.

Not a test module. The verification tests (snippets, agreement, browser, page
weight) share one offline build per pytest session:

* `build_site(dest)` runs `mkdocs build --strict` of the real `mkdocs.yml`
  (the same calls as the command line) in a subprocess with `TP_OFFLINE=1`,
  plus one extra plugin that records each page's Markdown *after* every other
  `on_page_markdown` handler (so after the macros) with pymdownx.snippets'
  `--8<--` includes expanded, exactly as the Markdown converter will see it.
* `shared_build(config)` builds once and shares the result between pytest-xdist
  workers through a lock file in the session's temporary folder.
* `collect_fences(markdown)` lists every fenced code block with a real
  CommonMark lexer (markdown-it-py), after recursively dedenting the bodies of
  pymdownx containers (admonitions `!!!`, collapsibles `???`, content tabs
  `===`), which the lexer would otherwise take for indented code.
"""

from __future__ import annotations

import difflib
import fcntl
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mkdocs.yml"
PAGES_JSON = "pages.json"
BUILD_LOG = "build.log"
BUILD_STATUS = "status.json"


# ---------------------------------------------------------------------------
# Building (runs inside the build subprocess)
# ---------------------------------------------------------------------------

def _recorder_plugin(out: list[dict]):
    """A MkDocs plugin that records each page's final Markdown into `out`."""
    import markdown as md_lib
    from mkdocs.plugins import BasePlugin, event_priority

    class RenderedMarkdownRecorder(BasePlugin):
        @event_priority(-1000)  # after the macros plugin and every other handler
        def on_page_markdown(self, markdown, *, page, config, files):
            snippets_conf = config["mdx_configs"].get("pymdownx.snippets")
            rendered = markdown
            if "pymdownx.snippets" in config["markdown_extensions"]:
                md = md_lib.Markdown(extensions=["pymdownx.snippets"],
                                     extension_configs={"pymdownx.snippets": snippets_conf or {}})
                rendered = "\n".join(md.preprocessors["snippet"].run(markdown.split("\n")))
            out.append({
                "src_path": page.file.src_uri,
                "dest_path": page.file.dest_uri,
                "url": page.url,
                "title": page.title,
                "source": Path(page.file.abs_src_path).read_text(encoding="utf-8"),
                "markdown": rendered,
                "site_url": config.get("site_url") or "",
            })
            return markdown

    return RenderedMarkdownRecorder()


def _build_in_process(dest: Path, config_file: Path = CONFIG, badge_budget: float | None = None) -> int:
    """Entry point of the build subprocess: build into dest/site, write dest/pages.json.

    `badge_budget` replaces extra.tp.badges' budget and timeout (a test whose subject is not the
    budget gives a loaded machine time to answer)."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from mkdocs.__main__ import _enable_warnings

    pages: list[dict] = []
    # Exactly what `mkdocs build --strict -d <dest>/site` does (mkdocs/__main__.py:build_command),
    # plus the recorder: any warning aborts the build.
    _enable_warnings()
    cfg = load_config(config_file=str(config_file), site_dir=str(dest / "site"), strict=True)
    cfg.plugins["tp-rendered-markdown-recorder"] = _recorder_plugin(pages)
    if badge_budget is not None:  # before build(), which runs the plugins' on_config
        tp = cfg["extra"].setdefault("tp", {})
        tp["badges"] = {**(tp.get("badges") or {}), "budget": badge_budget, "timeout": badge_budget}
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        build(cfg, dirty=False)
    finally:
        cfg.plugins.on_shutdown()
    (dest / PAGES_JSON).write_text(json.dumps(pages, indent=1), encoding="utf-8")
    return 0


@dataclass
class Build:
    ok: bool
    dest: Path
    log: str
    pages: list[dict]

    @property
    def site(self) -> Path:
        return self.dest / "site"

    @property
    def base_path(self) -> str:
        """The URL path the site is published under ("/" without site_url), ending with "/"."""
        from urllib.parse import urlsplit

        site_url = self.pages[0].get("site_url", "") if self.pages else ""
        path = urlsplit(site_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def page(self, src_path: str) -> dict | None:
        return next((p for p in self.pages if p["src_path"] == src_path), None)

    def html_path(self, src_path: str) -> Path | None:
        page = self.page(src_path)
        return self.site / page["dest_path"] if page else None


def build_env(index_url: str | None = None, cache_dir: Path | None = None) -> dict[str, str]:
    """Offline by default; with index_url, badges are fetched from that (local) index instead."""
    env = {**os.environ, "TP_OFFLINE": "1", "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    for key in ("TP_INDEX_URL", "TP_CACHE_DIR"):
        env.pop(key, None)
    if index_url:
        env.pop("TP_OFFLINE")
        env["TP_INDEX_URL"] = index_url
    if cache_dir:
        env["TP_CACHE_DIR"] = str(cache_dir)
    return env


def build_site(dest: Path, *, index_url: str | None = None, config_file: Path = CONFIG,
               badge_budget: float | None = None) -> Build:
    """Build the real site into dest (offline, or badges from index_url); never raises for a failed build."""
    dest.mkdir(parents=True, exist_ok=True)
    env = build_env(index_url, cache_dir=dest / "badge-cache" if index_url else None)
    budget = [] if badge_budget is None else [str(badge_budget)]
    res = subprocess.run([sys.executable, __file__, "build", str(dest), str(config_file), *budget],
                         cwd=config_file.parent, env=env,
                         capture_output=True, text=True, timeout=600)
    log = res.stdout + res.stderr
    ok = res.returncode == 0 and (dest / PAGES_JSON).exists()
    (dest / BUILD_LOG).write_text(log, encoding="utf-8")
    (dest / BUILD_STATUS).write_text(json.dumps({"ok": ok}), encoding="utf-8")
    return load_build(dest)


def load_build(dest: Path) -> Build:
    status = json.loads((dest / BUILD_STATUS).read_text(encoding="utf-8"))
    pages = json.loads((dest / PAGES_JSON).read_text(encoding="utf-8")) if status["ok"] else []
    return Build(ok=status["ok"], dest=dest, log=(dest / BUILD_LOG).read_text(encoding="utf-8"), pages=pages)


def session_dir(config) -> Path:
    """A folder shared by all xdist workers of this pytest session (and only this session)."""
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None:
        return Path(tempfile.mkdtemp(prefix="tp-site-"))
    base = factory.getbasetemp()
    # Under xdist each worker's basetemp is <session>/popen-gwN; without xdist the
    # parent would be shared with other sessions, so use basetemp itself.
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


_BUILDS: dict[Path, Build] = {}


def shared_build(config, name: str = "tp-site-build", builder=build_site) -> Build:
    """The session's build called `name`, made by whichever worker gets here first.

    `builder(dest) -> Build` makes it (default: the offline build of the real site).
    """
    dest = session_dir(config) / name
    if dest in _BUILDS:
        return _BUILDS[dest]
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest.parent / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            built = load_build(dest) if (dest / BUILD_STATUS).exists() else builder(dest)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    _BUILDS[dest] = built
    return built


# ---------------------------------------------------------------------------
# Fenced code blocks
# ---------------------------------------------------------------------------

# pymdownx containers whose body is indented by 4 spaces: admonition, details, tabbed.
CONTAINER_RE = re.compile(r"^(?P<indent> *)(?:!!!|\?\?\?\+?|===[!+]?)(?:\s|$)")
_INFO_ATTR_RE = re.compile(r"""\.([\w+-]+)""")


@dataclass
class Fence:
    line: int          # 1-based line of the opening fence in the text it was found in
    lang: str          # lower-cased language ("" when the info string names none)
    info: str          # the whole info string, e.g. 'yaml title="release.yml"'
    content: str
    fenced: bool = True  # False for an indented (unfenced) code block
    title: str | None = None


def parse_info(info: str) -> tuple[str, str | None]:
    """Language and title from a fence info string: 'yaml title="a.yml" hl_lines="3 4"' -> ('yaml', 'a.yml')."""
    info = info.strip()
    title = None
    m = re.search(r"""\btitle=(?:"([^"]*)"|'([^']*)'|(\S+))""", info)
    if m:
        title = next(g for g in m.groups() if g is not None)
    if info.startswith("{"):  # attribute-list form: ```{.yaml title="x"}
        m2 = _INFO_ATTR_RE.search(info)
        return (m2.group(1).lower() if m2 else ""), title
    first = info.split(None, 1)[0] if info else ""
    if "=" in first:  # no language, only attributes
        first = ""
    return first.lstrip(".").lower(), title


_MD = MarkdownIt("commonmark")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def collect_fences(text: str, *, _offset: int = 0) -> list[Fence]:
    """Every code block in Markdown text, including those inside pymdownx containers."""
    lines = text.split("\n")
    tokens = _MD.parse(text)
    found: list[Fence] = []
    container_ranges: list[tuple[int, int]] = []  # [start, end) line ranges of container bodies

    def in_container(start: int) -> bool:
        return any(a <= start < b for a, b in container_ranges)

    for tok in tokens:
        if tok.map is None:
            continue
        start = tok.map[0]
        if in_container(start):
            continue
        if tok.type == "paragraph_open":
            m = CONTAINER_RE.match(lines[start])
            if not m:
                continue
            body_indent = len(m.group("indent")) + 4
            end = start + 1
            while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) >= body_indent):
                end += 1
            while end > start + 1 and not lines[end - 1].strip():
                end -= 1
            body = "\n".join(line[body_indent:] for line in lines[start + 1:end])
            container_ranges.append((start + 1, end))
            found.extend(collect_fences(body, _offset=_offset + start + 1))
        elif tok.type == "fence":
            lang, title = parse_info(tok.info)
            found.append(Fence(line=_offset + start + 1, lang=lang, info=tok.info.strip(),
                               content=tok.content, title=title))
        elif tok.type == "code_block":
            found.append(Fence(line=_offset + start + 1, lang="", info="", content=tok.content, fenced=False))
    found.sort(key=lambda f: f.line)
    return found


def source_line_map(source: str, rendered: str) -> list[int]:
    """For each rendered line (0-based index), the 1-based source line it came from.

    Lines that a macro produced map to the last source line before them that
    survived unchanged, i.e. the line of the macro call (or include) itself.
    """
    src, out = source.split("\n"), rendered.split("\n")
    mapping = [1] * len(out)
    matcher = difflib.SequenceMatcher(a=src, b=out, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2):
            if op == "equal":
                mapping[j] = i1 + (j - j1) + 1
            elif op == "replace":  # the macro call line was replaced by its output
                mapping[j] = i1 + 1
            else:  # "insert": output with no source line of its own; the line before produced it
                mapping[j] = max(i1, 1)
    return mapping


@dataclass
class PageFence:
    page: str       # docs-relative source path, e.g. workflow.md
    src_line: int   # line in docs/<page> (the macro/include call for generated blocks)
    fence: Fence

    @property
    def id(self) -> str:
        return f"{self.page}:{self.src_line}:{self.fence.lang or ('indented' if not self.fence.fenced else 'nolang')}"


def page_fences(build: Build) -> list[PageFence]:
    """Every code block of every page, in reading order, named by source file and line."""
    result: list[PageFence] = []
    for page in sorted(build.pages, key=lambda p: p["src_path"]):
        mapping = source_line_map(page["source"], page["markdown"])
        for fence in collect_fences(page["markdown"]):
            result.append(PageFence(page["src_path"], mapping[fence.line - 1], fence))
    return result


def unique_ids(items: list[PageFence]) -> list[str]:
    """Test ids; blocks sharing a source line (one macro's output) are told apart by their
    title, else by their line in the rendered Markdown (`@md<line>`)."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.id] = counts.get(item.id, 0) + 1
    ids, seen = [], set()
    for item in items:
        name = item.id
        if counts[name] > 1:
            name += f"[{item.fence.title}]" if item.fence.title else f"@md{item.fence.line}"
        base, n = name, 1
        while name in seen:
            n += 1
            name = f"{base}#{n}"
        seen.add(name)
        ids.append(name)
    return ids


# ---------------------------------------------------------------------------
# Built HTML
# ---------------------------------------------------------------------------

class PageHTML(HTMLParser):
    """Ids, links and code-block texts of one built page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag.attr, url)
        self.code_blocks: list[dict] = []  # {"text", "title", "classes"}
        self._stack: list[str] = []
        self._code: list[str] | None = None
        self._code_depth = 0
        self._pending_title: str | None = None
        self._in_filename = False
        self._filename: list[str] = []
        self._pre_classes = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for attr in ("href", "src"):
            if a.get(attr) is not None and tag in ("a", "link", "script", "img", "source", "iframe"):
                self.links.append((f"{tag}.{attr}", a[attr]))
        if tag == "span" and "filename" in (a.get("class") or "").split():
            self._in_filename, self._filename = True, []
        if tag == "pre":
            self._pre_classes = a.get("class") or ""
        if self._code is not None:
            self._code_depth += 1 if tag not in ("br", "img", "input") else 0
        elif tag == "code" and self._stack and self._stack[-1] == "pre":
            self._code, self._code_depth = [], 1
        if tag not in ("br", "img", "input", "meta", "link"):
            self._stack.append(tag)

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()
        if tag == "span" and self._in_filename:
            self._in_filename = False
            self._pending_title = "".join(self._filename)
        if self._code is not None:
            self._code_depth -= 1
            if self._code_depth == 0:
                self.code_blocks.append({"text": "".join(self._code), "title": self._pending_title,
                                         "classes": self._pre_classes})
                self._code, self._pending_title = None, None

    def handle_data(self, data):
        if self._in_filename:
            self._filename.append(data)
        if self._code is not None:
            self._code.append(data)


def parse_html(path: Path) -> PageHTML:
    parser = PageHTML()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


# ---------------------------------------------------------------------------
# Shell helpers shared by the snippet checks
# ---------------------------------------------------------------------------

def console_commands(text: str) -> str:
    """The commands of a console transcript: lines after `$ ` or `# ` prompts, with continuations."""
    commands: list[str] = []
    continuing = False
    for line in text.split("\n"):
        if continuing:
            commands.append(line)
        elif line.startswith(("$ ", "# ")):
            commands.append(line[2:])
        elif line in ("$", "#"):
            commands.append("")
        else:
            continue
        continuing = line.endswith("\\")
    return "\n".join(commands)


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "build":
        sys.exit(_build_in_process(Path(sys.argv[2]), Path(sys.argv[3]),
                                   float(sys.argv[4]) if len(sys.argv) == 5 else None))
    sys.exit(f"usage: {sys.argv[0]} build DEST MKDOCS_YML [BADGE_BUDGET]")
