"""Personal values: every subject value a page shows is marked once, here, so the reader's own
values (the "Your project" form, docs/assets/javascripts/personal.js) can replace it in place.

How: the pages see `tp` as a `MarkedSubject`, whose values carry invisible markers (private-use
characters: START, a character naming the key, the value, END). Every link, table and command
built from it carries them too, whatever macro built it. After Markdown (hooks.py), `to_html`
turns each marked value into `<span data-tp="key">value</span>` (also inside code blocks, where
Pygments may have split it into tokens), and each attribute holding one (a link's href) into the
plain value plus `data-tp-<attr>="template"` with `{key}` placeholders. The reader without
JavaScript (and a search engine) sees the configured values; nothing else changes.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field, replace

from trustpub.config import INDEXES, UPLOAD_URLS, Subject

START, END = "\ue000", "\ue001"
# The keys the reader's values change (the form's fields and what is derived from them).
KEYS = ("project", "project_slug", "owner", "repository", "workflow", "environment", "index",
        "index_name", "index_url", "upload_url", "dist_name")
_KEY_CHAR = {key: chr(0xE010 + n) for n, key in enumerate(KEYS)}
_CHAR_KEY = {char: key for key, char in _KEY_CHAR.items()}
_KEY_CHARS = "".join(_KEY_CHAR.values())
FORM_FIELDS = ("project", "owner", "repository", "workflow", "environment", "index")

_MARK_RE = re.compile(f"{START}([{_KEY_CHARS}])([^{START}{END}]*){END}")
# A marked value in HTML text: Pygments may have put tags between the markers (one value, several tokens).
_HTML_MARK_RE = re.compile(f"{START}([{_KEY_CHARS}])((?:[^{START}{END}<]|<[^>]*>)*?){END}")
_TAG_WITH_MARK_RE = re.compile(f"<[a-zA-Z][^>]*{START}[^>]*>")
_ATTR_RE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)"')
_TITLE_RE = re.compile(r"(<title>)(.*?)(</title>)", re.DOTALL)
_TAG_RE = re.compile(r"<[^>]*>")
_STRAY_RE = re.compile(f"[{START}{END}{_KEY_CHARS}]")


def mark(key: str, value: str) -> str:
    return f"{START}{_KEY_CHAR[key]}{value}{END}"


def unmark(text: str) -> str:
    """The text as the configured subject has it (markers removed)."""
    return _STRAY_RE.sub("", _MARK_RE.sub(lambda m: m.group(2), text)) if START in text else text


def has_marks(text: str) -> bool:
    return START in text


@dataclass(frozen=True)
class MarkedSubject(Subject):
    """The subject whose values (and everything built from them) carry markers.

    `plain` is the configured subject; the index-dependent properties come from it (a marked index
    cannot look up INDEXES). `index_live` is False for `for_index("testpypi")`: a page that names an
    index explicitly keeps it whatever the reader's index is."""

    plain: Subject | None = field(default=None, compare=False)
    index_live: bool = field(default=True, compare=False)

    def _index_value(self, key: str, value: str) -> str:
        return mark(key, value) if self.index_live else value

    @property
    def index_name(self) -> str:
        return self._index_value("index_name", self.plain.index_name)

    # URLs are marked after their scheme: a link must start with one for MkDocs to see it as absolute.
    @property
    def index_url(self) -> str:
        scheme, _, rest = self.plain.index_url.partition("://")
        return f"{scheme}://{self._index_value('index_url', rest)}"

    @property
    def upload_url(self) -> str:
        scheme, _, rest = self.plain.upload_url.partition("://")
        return f"{scheme}://{self._index_value('upload_url', rest)}"

    @property
    def project_slug(self) -> str:
        return mark("project_slug", self.plain.project_slug)

    @property
    def dist_name(self) -> str:
        """The project's name in its distributions' file names (`mcp_devdiag-1.0.0-py3-none-any.whl`)."""
        return mark("dist_name", re.sub(r"[-_.]+", "_", self.plain.project).lower())

    def provenance_url(self, version: str, filename: str) -> str:
        return self.index_link(f"/integrity/{self.project_slug}/{_quote(version)}/{_quote(filename)}/provenance")

    def for_index(self, index: str) -> "MarkedSubject":
        fixed = self.plain.for_index(index)
        return replace(marked(fixed), index=index, index_live=False)

    def publisher_form(self, index: str | None = None) -> list[tuple[str, str]]:
        testpypi = (index or self.plain.index) == "testpypi"
        return [
            ("PyPI Project Name", self.project),
            ("Owner", self.owner),
            ("Repository name", self.repository),
            ("Workflow name", self.testpypi_workflow if testpypi else self.workflow),
            ("Environment name", self.testpypi_environment if testpypi else self.environment),
        ]


def _quote(text: str) -> str:
    """urllib's quote() of the text around its marks (a marker is not part of the URL)."""
    from urllib.parse import quote

    parts, last = [], 0
    for m in _MARK_RE.finditer(text):
        parts.append(quote(text[last:m.start()]) + START + m.group(1) + quote(m.group(2)) + END)
        last = m.end()
    return "".join(parts) + quote(text[last:])


def marked(subject: Subject) -> MarkedSubject:
    if isinstance(subject, MarkedSubject):
        return subject
    values = {name: getattr(subject, name) for name in subject.__dataclass_fields__}
    for key in ("project", "owner", "repository", "workflow", "environment", "index"):
        values[key] = mark(key, values[key])
    return MarkedSubject(**values, plain=subject)


def mark_values(text: str, subject: Subject, keys=("project", "owner", "repository")) -> str:
    """Mark the subject's values where they appear in text the macros did not build (a script's real
    output, a repository file): whole names only, longest first; in a URL's path
    (`/project/<name>/`) the project is its normalised name."""
    values = sorted(((getattr(subject, k), k) for k in keys), key=lambda kv: -len(kv[0]))
    seen: dict[str, str] = {}
    for value, key in values:
        seen.setdefault(value, key)
    if "project" in keys:
        seen.setdefault(subject.project_slug, "project_slug")
    pattern = re.compile(r"(?<![\w.-])(" + "|".join(re.escape(v) for v in seen) + r")(?![\w-]|\.\w)")

    def one(m: re.Match) -> str:
        value, key = m.group(1), seen[m.group(1)]
        if key == "project" and value == subject.project_slug and text[m.start() - 9:m.start()].endswith(("/project/", "/p/")):
            key = "project_slug"
        return mark(key, value)

    return pattern.sub(one, text)


def _template(value: str) -> str:
    """An attribute value with each marked value as `{key}` (literal braces doubled)."""
    parts, last = [], 0
    for m in _MARK_RE.finditer(value):
        parts.append(value[last:m.start()].replace("{", "{{").replace("}", "}}"))
        parts.append("{" + _CHAR_KEY[m.group(1)] + "}")
        last = m.end()
    parts.append(value[last:].replace("{", "{{").replace("}", "}}"))
    return "".join(parts)


def _tag(match: re.Match) -> str:
    tag = match.group(0)
    extra = []

    def attr(m: re.Match) -> str:
        name, value = m.group(1), m.group(2)
        if START not in value:
            return m.group(0)
        extra.append(f'data-tp-{name}="{_template(html.unescape(value)).replace(chr(34), "&quot;")}"')
        return f'{name}="{unmark(value)}"'

    tag = _ATTR_RE.sub(attr, tag)
    end = -2 if tag.endswith("/>") else -1
    return tag[:end] + "".join(" " + e for e in extra) + tag[end:]


def _span(match: re.Match) -> str:
    key = _CHAR_KEY[match.group(1)]
    value = _TAG_RE.sub("", match.group(2))
    return f'<span class="tp-value" data-tp="{key}">{value}</span>'


def to_html(text: str) -> str:
    """Every marked value of a built page as a span (text) or a template attribute (tags)."""
    if START not in text:
        return text
    text = _TITLE_RE.sub(lambda m: m.group(1) + unmark(m.group(2)) + m.group(3), text)
    text = _TAG_WITH_MARK_RE.sub(_tag, text)
    text = _HTML_MARK_RE.sub(_span, text)
    return _STRAY_RE.sub("", text)  # a marker split from its value cannot be used: drop it, never show it


def data_map(subject: Subject) -> str:
    """What the page script needs to derive values from the reader's index (JSON)."""
    return json.dumps({
        # index_url and upload_url without their scheme (https://), as they are marked.
        "indexes": {name: {"index_url": url.partition("://")[2], "upload_url": UPLOAD_URLS[name].partition("://")[2],
                           "index_name": "TestPyPI" if name == "testpypi" else "PyPI"}
                    for name, url in INDEXES.items()},
        "fields": list(FORM_FIELDS),
        "defaults": {key: getattr(subject, key) for key in FORM_FIELDS},
        # The same rules as extra.tp (trustpub.config), so the form accepts what a build would.
        "patterns": {key: {"source": rx.pattern, "flags": "i" if rx.flags & re.IGNORECASE else ""}
                     for key, rx in _patterns().items()},
    }, sort_keys=True)


def _patterns() -> dict[str, re.Pattern]:
    from trustpub import config

    return {"project": config._PROJECT_RE, "owner": config._GH_NAME_RE, "repository": config._GH_NAME_RE,
            "workflow": config._WORKFLOW_RE, "environment": re.compile(r"^[^\s'\"`,;:\\]+$")}


def clean_search_index(site_dir) -> None:
    """The search index holds the configured values, without markers (headings keep theirs until
    the page is written)."""
    path = site_dir / "search" / "search_index.json"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return
    if START in text or "\\ue000" in text:
        data = json.loads(text)
        cleaned = json.dumps(_unmark_all(data), ensure_ascii=False, separators=(",", ":"))
        path.write_text(cleaned, encoding="utf-8")


def _unmark_all(data):
    if isinstance(data, str):
        return unmark(data)
    if isinstance(data, list):
        return [_unmark_all(v) for v in data]
    if isinstance(data, dict):
        return {k: _unmark_all(v) for k, v in data.items()}
    return data


def checklist_command(subject: Subject) -> str:
    """The installed checklist command for the subject (the reader's, once the form is filled)."""
    m = marked(subject)
    command = (f"trustpub check --repo . --project {m.project} --owner {m.owner} --repository {m.repository} "
               f"--workflow {m.workflow} --environment {m.environment} --index {m.index}")
    return f'```bash title="Run the checklist in your repository"\n{command}\n```'


_ENV_BLOCK_RE = re.compile(r"^(?P<indent>[ \t]*)environment:[ \t]*(?P<inline>[^\s#{][^\s#]*)?[ \t]*(?:#.*)?$")
_ENV_NAME_RE = re.compile(r"^(?P<lead>[ \t]+name:[ \t]*)(?P<q>[\"']?)(?P<value>[^\s#\"']+)(?P=q)")


def mark_workflow(text: str, subject: Subject, path: str) -> str:
    """A repository workflow as included on a page, its subject values marked: the job's environment
    (`environment: pypi` or its `name:`), project/owner/repository names, and the file's own name in
    the block's title when it is the subject's workflow."""
    lines = text.split("\n")
    in_env = None  # indent of the `environment:` mapping being read
    for n, line in enumerate(lines):
        head = _ENV_BLOCK_RE.match(line)
        if head:
            inline = head.group("inline")
            if inline == subject.environment:
                start = line.index(inline, line.index("environment:") + 12)
                lines[n] = line[:start] + mark("environment", inline) + line[start + len(inline):]
            in_env = None if inline else len(head.group("indent"))
            continue
        if in_env is not None:
            if line.strip() and (len(line) - len(line.lstrip())) <= in_env:
                in_env = None
            else:
                name = _ENV_NAME_RE.match(line)
                if name and name.group("value") == subject.environment:
                    lines[n] = (line[:name.start("value")] + mark("environment", name.group("value"))
                                + line[name.end("value"):])
    text = mark_values("\n".join(lines), subject)
    if path == subject.workflow_path:
        text = text.replace(f'title="{path}"', f'title=".github/workflows/{mark("workflow", subject.workflow)}"', 1)
    return text


def mark_example_workflows(env, subject: Subject, name: str = "example_workflow") -> None:
    """The example workflows a page shows (macros/action_pins.py) get their subject values marked,
    as the repository's own workflows do (`include_file`)."""
    shown = env.macros.get(name)
    if shown is None:
        return

    def marked_example(path: str, *args, **kwargs) -> str:
        return mark_workflow(shown(path, *args, **kwargs), subject, path)

    marked_example.__name__ = name
    env.macro(marked_example, name)
