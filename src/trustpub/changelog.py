"""Keep a Changelog: move the `Unreleased` entries under a new version heading.

Headings are found with markdown-it-py, so a `## ` inside a fenced code block is
never taken for a section. Everything outside the moved block stays byte for
byte (line endings included); the compare links at the bottom are updated when
they follow the usual `[Unreleased]: …/compare/vPREV...HEAD` form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

CHANGELOG = "CHANGELOG.md"
_UNRELEASED_RE = re.compile(r"^\[?\s*unreleased\s*\]?$", re.IGNORECASE)
_LINKDEF_RE = re.compile(r"^\s{0,3}\[(?P<label>[^\]]+)\]:\s*(?P<url>\S+)")
_COMPARE_RE = re.compile(r"^(?P<base>.+/compare/)(?P<prev>.+?)\.\.\.(?P<head>[^/\s]+)$")


@dataclass
class ChangelogUpdate:
    text: str                       # the new text (== old when nothing changes)
    notes: list[str] = field(default_factory=list)
    moved_entries: int = 0          # non-blank lines moved under the new heading


@dataclass
class _Heading:
    level: int
    start: int      # first line index
    end: int        # index after the heading's last line (setext headings span two)
    content: str


def _headings(lines: list[str]) -> list[_Heading]:
    tokens = MarkdownIt("commonmark").parse("".join(lines))
    found = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.map and tok.level == 0:  # top level only (not in lists/quotes)
            found.append(_Heading(int(tok.tag[1]), tok.map[0], tok.map[1], tokens[i + 1].content.strip()))
    return found


def _version_heading_re(version: str) -> re.Pattern[str]:
    return re.compile(r"^\[?\s*v?" + re.escape(version) + r"\s*\]?(?:\s|$)", re.IGNORECASE)


def release_changelog(text: str, version: str, date: str, tag: str) -> ChangelogUpdate:
    """`## [Unreleased]` entries -> `## [version] - date`, keeping an empty Unreleased heading."""
    nl = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    heads = _headings(lines)
    unreleased = next((h for h in heads if _UNRELEASED_RE.match(h.content)), None)
    if any(_version_heading_re(version).match(h.content) for h in heads):
        return ChangelogUpdate(text, [f"{CHANGELOG} already has a section for {version}: left as is"])
    if unreleased is None:
        return ChangelogUpdate(text, [f"{CHANGELOG} has no `## [Unreleased]` section: left as is"])
    after = [h for h in heads if h.start >= unreleased.end and h.level <= unreleased.level]
    body_end = after[0].start if after else len(lines)
    # Link reference definitions at the very bottom belong to the file, not to the last section.
    while body_end > unreleased.end and (not lines[body_end - 1].strip() or _LINKDEF_RE.match(lines[body_end - 1])):
        body_end -= 1
    body = lines[unreleased.end:body_end]
    while body and not body[0].strip():
        body.pop(0)
    entries = sum(1 for line in body if line.strip())
    notes = [] if entries else [f"{CHANGELOG}: nothing under Unreleased; adding an empty {version} section"]
    heading_line = lines[unreleased.start]
    prefix = "#" * unreleased.level + " "
    bracketed = unreleased.content.startswith("[")
    title = f"[{version}]" if bracketed else version
    new_block = [heading_line if unreleased.end - unreleased.start == 1 else "".join(lines[unreleased.start:unreleased.end]),
                 nl, f"{prefix}{title} - {date}{nl}"]
    if body:
        new_block += [nl] + body
        if not body[-1].endswith(("\n", "\r")):
            new_block[-1] += nl
    rest = lines[body_end:]
    if rest and rest[0].strip():
        new_block.append(nl)
    new_lines = lines[:unreleased.start] + new_block + rest
    new_text = "".join(new_lines)
    new_text, link_notes = _update_links(new_text, version, tag, nl)
    return ChangelogUpdate(new_text, notes + link_notes, entries)


def _update_links(text: str, version: str, tag: str, nl: str) -> tuple[str, list[str]]:
    lines = text.splitlines(keepends=True)
    labels = {m.group("label").strip().lower() for line in lines if (m := _LINKDEF_RE.match(line))}
    for i, line in enumerate(lines):
        m = _LINKDEF_RE.match(line)
        if not m or m.group("label").strip().lower() != "unreleased":
            continue
        c = _COMPARE_RE.match(m.group("url"))
        if not c:
            return text, [f"{CHANGELOG}: the [Unreleased] link is not a compare link; links left as is"]
        ending = line[len(line.rstrip("\r\n")):] or nl
        indent = line[:len(line) - len(line.lstrip())]
        lines[i] = f"{indent}[{m.group('label')}]: {c.group('base')}{tag}...{c.group('head')}{ending}"
        if version.lower() not in labels:
            lines.insert(i + 1, f"{indent}[{version}]: {c.group('base')}{c.group('prev')}...{tag}{ending}")
        return "".join(lines), []
    return text, []
