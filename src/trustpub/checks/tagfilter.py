"""GitHub's filter patterns for `on.push.tags`: matching, example tags, overlaps."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any
from trustpub.repo import Workflow

from trustpub.checks.base import _on_key


# ---------------------------------------------------------------------------
# GitHub's filter patterns for `on.push.tags`
# ---------------------------------------------------------------------------
# https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#filter-pattern-cheat-sheet
# `*` any characters but `/`; `**` any characters; `?` zero or one of the preceding
# character; `+` one or more of it; `[...]` one character of a set or range; `\`
# escapes; a leading `!` excludes what earlier patterns included (order matters).
@dataclass(frozen=True)
class _Token:
    kind: str       # "lit" | "class" | "star" | "dstar"
    value: str = ""
    repeat: str = ""  # "" | "?" | "+"


def _tokenize(pattern: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            tokens.append(_Token("lit", pattern[i + 1]))
            i += 2
        elif c == "*":
            double = pattern.startswith("**", i)
            tokens.append(_Token("dstar" if double else "star"))
            i += 2 if double else 1
        elif c in "?+" and tokens and not tokens[-1].repeat:
            last = tokens.pop()
            tokens.append(_Token(last.kind, last.value, c))
            i += 1
        elif c == "[" and pattern.find("]", i + 2) != -1:
            end = pattern.find("]", i + 2)
            tokens.append(_Token("class", pattern[i + 1:end]))
            i = end + 1
        else:
            tokens.append(_Token("lit", c))
            i += 1
    return tokens


def _token_regex(t: _Token) -> str:
    if t.kind == "lit":
        base = re.escape(t.value)
    elif t.kind == "class":
        base = "[" + t.value.replace("\\", "\\\\").replace("[", "\\[") + "]"
    elif t.kind == "star":
        base = "[^/]*"
    else:
        base = ".*"
    return f"(?:{base}){t.repeat}" if t.repeat else base


@functools.lru_cache(maxsize=None)
def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A compiled regex that fully matches what the GitHub filter pattern matches."""
    return re.compile("".join(_token_regex(t) for t in _tokenize(pattern)) + r"\Z")


def _class_char(body: str) -> str:
    """One character of a `[...]` set, preferring `1` so versions look like versions."""
    chars: list[str] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            chars += [chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1)]
            i += 3
        else:
            chars.append(body[i])
            i += 1
    return "1" if "1" in chars else (chars[0] if chars else "")


# What a `*` may stand for when making example tags out of a pattern.
WILDCARD_FILLS = ("", "1", "1.2.3", "1.2.3rc1", "1.2.3-rc.1", "1.2.3-rc1", "1.2.3-test1", "-test1", "rc1",
                  "a1", "b1", ".dev1", ".post1", "x")
TYPICAL_TAGS = ("v1.2.3", "1.2.3", "v1.2.3rc1", "v1.2.3-rc.1", "v1.2.3-rc1", "v1.2.3-test1", "v1.2.3-test",
                "v1.2.3.dev1", "v1.2.3a1", "v1.2.3b1", "v1.2.3.post1", "1.2.3rc1", "1.2.3-test1", "v1.2", "v1",
                "release-1.2.3")


def pattern_examples(pattern: str) -> list[str]:
    """Tags the pattern itself suggests: each wildcard filled in a few typical ways."""
    tokens = _tokenize(pattern.lstrip("!"))
    examples: list[str] = []
    for fill in WILDCARD_FILLS:
        for most in (False, True):
            parts = []
            for t in tokens:
                one = t.value if t.kind == "lit" else _class_char(t.value) if t.kind == "class" else fill
                count = {"": 1, "?": 1 if most else 0, "+": 2 if most else 1}[t.repeat]
                parts.append(one * count)
            examples.append("".join(parts))
    return list(dict.fromkeys(examples))


@dataclass
class TagTrigger:
    """Which tag pushes start a workflow (`on.push.tags` / `tags-ignore`)."""

    workflow: Workflow
    patterns: list[tuple[str, int]]   # (pattern, line) in order; `!` kept
    ignore: list[tuple[str, int]]
    all_tags: bool = False            # `on: push` without tag or branch filters

    def matches(self, tag: str) -> bool:
        return self.matching_pattern(tag) is not None

    def matching_pattern(self, tag: str) -> tuple[str, int] | None:
        """The pattern that lets `tag` in (last positive match not undone by a later `!`), or None."""
        if self.all_tags:
            return ("(every tag)", self.line)
        if self.ignore and not self.patterns:
            if any(pattern_regex(p).match(tag) for p, _ in self.ignore):
                return None
            return ("(every tag not in tags-ignore)", self.line)
        included: tuple[str, int] | None = None
        for pattern, line in self.patterns:
            if pattern.startswith("!"):
                if included and pattern_regex(pattern[1:]).match(tag):
                    included = None
            elif pattern_regex(pattern).match(tag):
                included = (pattern, line)
        return included

    @property
    def line(self) -> int:
        return self.workflow.line(self.workflow.data, _on_key(self.workflow))

    def examples(self) -> list[str]:
        found = list(TYPICAL_TAGS)
        for pattern, _ in self.patterns + self.ignore:
            found += pattern_examples(pattern)
        return list(dict.fromkeys(found))


def tag_trigger(wf: Workflow) -> TagTrigger | None:
    """How tag pushes reach `wf`, or None when they don't."""
    if "push" not in wf.triggers:
        return None
    push = wf.triggers["push"]
    if not isinstance(push, dict):
        return TagTrigger(wf, [], [], all_tags=True)
    tags, ignore = push.get("tags"), push.get("tags-ignore")
    if tags is None and ignore is None:
        if "branches" in push or "branches-ignore" in push:
            return None  # only branch pushes
        return TagTrigger(wf, [], [], all_tags=True)

    def listed(node: Any) -> list[tuple[str, int]]:
        if node is None:
            return []
        if isinstance(node, str):
            return [(node, wf.line(push, "tags"))]
        if isinstance(node, list):
            return [(str(p), wf.line(node, i)) for i, p in enumerate(node)]
        return []

    return TagTrigger(wf, listed(tags), listed(ignore))


def first_overlap(a: TagTrigger, b: TagTrigger) -> str | None:
    """An example tag that starts both workflows, or None when none of the candidates does."""
    for tag in list(dict.fromkeys(a.examples() + b.examples())):
        if a.matches(tag) and b.matches(tag):
            return tag
    return None


