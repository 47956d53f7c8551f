"""The one reader of `.pypirc`: where it is, which lines hold PyPI API tokens, and a scrub that keeps the rest.

The checklist (`no-token-in-pypirc`) and `scrub_pypirc.py` both use `read_pypirc`
and `Pypirc.findings`, so they cannot disagree about what a token line is.

Parsing follows `configparser.RawConfigParser` (what twine uses): `[section]`
headers, `key = value` / `key: value` options, full-line `#`/`;` comments, and
continuation lines (indented deeper than their option line, blank lines in
between allowed). The file itself is kept as text with its exact bytes
(BOM, CRLF/LF, comments, unicode), so a scrub removes whole lines and nothing else.

What is a finding:
- an option whose value holds a `pypi-` token (normally `password`), with all its
  continuation lines: a token value continued on the next indented line is one entry;
- a comment line holding a whole token (a "commented-out" token is still a live
  credential on disk; the seed guide suggested commenting it out).

What a scrub removes besides the findings: a section left with nothing but a
`username` (e.g. `[pypi]` with `username = __token__`), header and all. It does
NOT edit `[distutils] index-servers`: twine supplies defaults for a listed
`pypi`/`testpypi` without a section, so `twine upload -r testpypi` keeps working
(prompting for credentials or using keyring), whereas dropping the name would
make twine fail with "Missing 'testpypi' section".
"""

from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from trustpub.errors import BadInput
from trustpub.secrets import TOKEN_RE, contains_token, redact_text

PYPIRC_ENV = "PYPIRC"
DEFAULT_NAME = ".pypirc"
MSG_NOT_INI = "{path}: not a valid .pypirc (INI): {problem}"
MSG_NOT_UTF8 = "{path}: not UTF-8 text (byte {offset})"

_SECTION_RE = re.compile(r"^\s*\[(?P<name>[^\]]+)\]")  # RawConfigParser.SECTCRE, leading space tolerated
_OPTION_RE = re.compile(r"^(?P<indent>\s*)(?P<key>[^=:\s][^=:]*?)\s*(?P<delim>[=:])(?P<value>.*)$")
_COMMENT_PREFIXES = ("#", ";")
_KEEP_IF_ONLY = {"username"}   # a section left with only these options goes with its password


def default_pypirc_path(env: dict[str, str] | None = None) -> Path:
    """`$PYPIRC` when set, else `~/.pypirc`."""
    env = os.environ if env is None else env
    given = env.get(PYPIRC_ENV)
    if given:
        return Path(given).expanduser()
    home = env.get("HOME") or env.get("USERPROFILE")  # as the checklist's pypirc_path
    return (Path(home) if home else Path.home()) / DEFAULT_NAME


@dataclass(frozen=True)
class Line:
    number: int          # 1-based
    text: str            # exactly as in the file, line ending included
    kind: str            # "blank" | "comment" | "section" | "option" | "continuation" | "other"
    section: str | None  # the section it belongs to (None before the first header)
    key: str | None = None  # option name, lower-cased (configparser's optionxform), for options/continuations


@dataclass(frozen=True)
class Finding:
    """A token in `.pypirc`. `repr`/`str` never show the token whole."""

    section: str | None
    key: str | None      # "password" etc.; None for a comment line
    line: int            # 1-based line where the entry starts
    lines: tuple[int, ...]  # every line of the entry (option + continuations)
    _token: str = field(repr=False)

    @property
    def redacted(self) -> str:
        return redact_text(self._token)

    @property
    def where(self) -> str:
        sect = f"[{self.section}]" if self.section else "(no section)"
        what = f"{self.key} =" if self.key else "comment:"
        return f"line {self.line}: {sect} {what} {self.redacted}"

    def __str__(self) -> str:
        return self.where


@dataclass
class Pypirc:
    path: Path
    text: str            # exact text (BOM as U+FEFF, line endings untouched)
    lines: list[Line]

    @property
    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        for entry in _entries(self.lines):
            head = entry[0]
            joined = "".join(ln.text for ln in entry)
            m = TOKEN_RE.search(joined)
            if not m:
                continue
            found.append(Finding(head.section, head.key if head.kind == "option" else None,
                                 head.number, tuple(ln.number for ln in entry), m.group(0)))
        return found

    @property
    def has_token(self) -> bool:
        return contains_token(self.text)

    @property
    def index_servers(self) -> list[str]:
        """The names `[distutils] index-servers` lists (what `twine upload -r NAME` accepts)."""
        parser = configparser.RawConfigParser()
        parser.read_string(self.text.lstrip("\ufeff"))
        return parser.get("distutils", "index-servers", fallback="").split()

    def sections(self) -> list[str]:
        return [ln.section for ln in self.lines if ln.kind == "section" and ln.section]

    def scrubbed(self) -> tuple[str, list[Finding], list[str]]:
        """(new text, removed findings, removed sections). Lines not removed are kept byte for byte."""
        findings = self.findings
        drop = {n for f in findings for n in f.lines}
        # Blank lines inside a removed multi-line value belong to it.
        for f in findings:
            if len(f.lines) > 1:
                drop.update(range(f.lines[0], f.lines[-1] + 1))
                drop.difference_update(ln.number for ln in self.lines
                                       if f.lines[0] <= ln.number <= f.lines[-1] and ln.kind == "comment"
                                       and not contains_token(ln.text))
        removed_sections: list[str] = []
        # Only a section whose option held a token can be "left" with nothing but a username.
        touched = {f.section for f in findings if f.section and f.key}
        for name in touched:
            body = [ln for ln in self.lines if ln.section == name and ln.kind in ("option", "continuation")
                    and ln.number not in drop]
            keys = {ln.key for ln in body if ln.kind == "option"}
            if keys <= _KEEP_IF_ONLY and name != "distutils":
                removed_sections.append(name)
                for ln in self.lines:
                    if ln.section == name and ln.kind in ("section", "option", "continuation"):
                        drop.add(ln.number)
        if removed_sections:
            drop |= _orphaned_blanks(self.lines, drop)
        new = "".join(ln.text for ln in self.lines if ln.number not in drop)
        if self.text.startswith("\ufeff") and not new.startswith("\ufeff"):
            new = "\ufeff" + new   # the BOM sits on line 1; keep it even when line 1 goes
        order = [s for s in self.sections() if s in removed_sections]
        return new, findings, order


def token_line(text: str) -> int | None:
    """1-based line of the first token anywhere in `text` (also where no option or comment holds it), else None."""
    m = TOKEN_RE.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _entries(lines: list[Line]) -> list[list[Line]]:
    """Options with their continuation lines, and single comment lines."""
    entries: list[list[Line]] = []
    current: list[Line] | None = None
    for ln in lines:
        if ln.kind == "option":
            current = [ln]
            entries.append(current)
        elif ln.kind == "continuation" and current is not None:
            current.append(ln)
        elif ln.kind == "comment":
            entries.append([ln])
        elif ln.kind in ("section", "other"):
            current = None
    return entries


def _orphaned_blanks(lines: list[Line], drop: set[int]) -> set[int]:
    """Blank lines that, once a section is gone, would pile up: drop the run right after a removed header block."""
    extra: set[int] = set()
    prev_dropped = False
    for ln in lines:
        if ln.number in drop:
            prev_dropped = True
            continue
        if ln.kind == "blank" and prev_dropped and ln.section is not None and _section_removed(lines, ln.section, drop):
            extra.add(ln.number)
            continue
        prev_dropped = False
    return extra


def _section_removed(lines: list[Line], name: str, drop: set[int]) -> bool:
    return any(ln.kind == "section" and ln.section == name and ln.number in drop for ln in lines)


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split only where configparser splits (\\n, \\r\\n, \\r; not U+2028 etc.)."""
    return _LINE_RE.findall(text)


def parse_lines(text: str) -> list[Line]:
    """Classify every line the way RawConfigParser reads it."""
    out: list[Line] = []
    section: str | None = None
    option_key: str | None = None
    option_indent = -1
    for number, raw in enumerate(split_lines(text), start=1):
        body = raw.lstrip("\ufeff") if number == 1 else raw
        content = body.rstrip("\r\n")
        stripped = content.strip()
        if not stripped:
            out.append(Line(number, raw, "blank", section, option_key))
            continue
        if stripped.startswith(_COMMENT_PREFIXES):
            out.append(Line(number, raw, "comment", section))
            continue
        indent = len(content) - len(content.lstrip())
        if option_key is not None and indent > option_indent:
            out.append(Line(number, raw, "continuation", section, option_key))
            continue
        m = _SECTION_RE.match(content)
        if m:
            section = m.group("name")
            option_key, option_indent = None, -1
            out.append(Line(number, raw, "section", section))
            continue
        m = _OPTION_RE.match(content)
        if m and section is not None:
            option_key = m.group("key").strip().lower()
            option_indent = indent
            out.append(Line(number, raw, "option", section, option_key))
            continue
        out.append(Line(number, raw, "other", section))
    return out


def _validate(text: str, path: Path) -> None:
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text.lstrip("\ufeff"), source=str(path))
    except configparser.Error as exc:
        raise BadInput(MSG_NOT_INI.format(path=path, problem=_describe(exc))) from None


def _describe(exc: configparser.Error) -> str:
    """configparser's multi-line, path-repeating message as one short phrase (tokens redacted)."""
    if isinstance(exc, configparser.MissingSectionHeaderError):
        problem = f"line {exc.lineno}: an option before any [section] header"
    elif isinstance(exc, configparser.ParsingError):
        lineno = exc.errors[0][0] if exc.errors else "?"
        problem = f"line {lineno}: not a [section], key = value, comment or indented continuation"
    elif isinstance(exc, configparser.DuplicateSectionError):
        problem = f"line {exc.lineno}: section [{exc.section}] appears twice"
    elif isinstance(exc, configparser.DuplicateOptionError):
        problem = f"line {exc.lineno}: option {exc.option!r} appears twice in [{exc.section}]"
    else:
        problem = " ".join(str(exc).split())
    return redact_text(problem)


def parse_pypirc(text: str, path: Path) -> Pypirc:
    _validate(text, path)
    return Pypirc(path=path, text=text, lines=parse_lines(text))


def read_pypirc(path: Path) -> Pypirc | None:
    """The parsed `.pypirc`, None when there is none; one-line BadInput when it cannot be read or parsed."""
    path = Path(path).expanduser()
    if not path.exists():
        return None
    if path.is_dir():
        raise BadInput(f"{path}: is a directory, expected a .pypirc file")
    if not path.is_file():  # a FIFO with no writer would block the read forever
        raise BadInput(f"{path}: not a regular file, expected a .pypirc file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror}") from None
    if b"\0" in raw:
        raise BadInput(f"{path}: binary file, expected a .pypirc (INI) text file")
    try:
        text = raw.decode("utf-8")  # the BOM, if any, stays as U+FEFF so it is written back
    except UnicodeDecodeError as exc:
        raise BadInput(MSG_NOT_UTF8.format(path=path, offset=exc.start)) from None
    return parse_pypirc(text, path)
