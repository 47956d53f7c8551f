"""GitHub Actions `if:` expressions, evaluated three-valued against a hypothetical run.

Only what decides *whether an upload runs for an event and a ref* is known:
`github.event_name`, `github.ref`, `github.ref_name`, `github.ref_type`,
`github.event.release.*` (when given) and the status functions. Everything else
(`needs.*.outputs`, `vars.*`, `inputs.*`, ...) is Unknown, so a condition the
reader cannot decide never becomes a finding: it is `None`, "could not tell".
"""

from __future__ import annotations

import functools
import re
from typing import Any

UNKNOWN = object()  # a value the reader cannot know

_TOKEN_RE = re.compile(r"""
    \s*(?:
      (?P<str>'(?:[^']|'')*')
    | (?P<num>-?\d+(?:\.\d+)?)
    | (?P<op>==|!=|<=|>=|&&|\|\||[<>!()\[\],.*])
    | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
    )""", re.VERBOSE)


class _Unparsable(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, Any]]:
    found, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            raise _Unparsable(text[pos:pos + 20])
        pos = m.end()
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "str":
            value = value[1:-1].replace("''", "'")
        found.append((kind, value))
    return found


def strip_braces(expr: str) -> str:
    """`${{ x }}` -> `x`; an `if:` may be written with or without them."""
    s = str(expr).strip()
    if s.startswith("${{") and s.endswith("}}") and s.count("${{") == 1:
        return s[3:-2].strip()
    return s


def _truthy(v: Any) -> Any:
    if v is UNKNOWN:
        return UNKNOWN
    return bool(v) and v != 0


def _loose_eq(a: Any, b: Any) -> Any:
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()  # GitHub compares strings case-insensitively
    return a == b


class _Parser:
    def __init__(self, tokens: list[tuple[str, Any]], context: dict[str, Any]) -> None:
        self.t, self.i, self.ctx = tokens, 0, context

    def peek(self) -> tuple[str, Any] | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self, value: str | None = None) -> tuple[str, Any]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise _Unparsable(f"expected {value}")
        self.i += 1
        return tok

    def parse(self) -> Any:
        v = self.or_()
        if self.peek() is not None:
            raise _Unparsable("trailing")
        return v

    def or_(self) -> Any:
        v = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            w = self.and_()
            tv, tw = _truthy(v), _truthy(w)
            v = True if (tv is True or tw is True) else (UNKNOWN if UNKNOWN in (tv, tw) else False)
        return v

    def and_(self) -> Any:
        v = self.cmp()
        while self.peek() == ("op", "&&"):
            self.take()
            w = self.cmp()
            tv, tw = _truthy(v), _truthy(w)
            v = False if (tv is False or tw is False) else (UNKNOWN if UNKNOWN in (tv, tw) else True)
        return v

    def cmp(self) -> Any:
        v = self.unary()
        while self.peek() in (("op", "=="), ("op", "!="), ("op", "<"), ("op", ">"), ("op", "<="), ("op", ">=")):
            op = self.take()[1]
            w = self.unary()
            if op in ("==", "!="):
                eq = _loose_eq(v, w)
                v = eq if op == "==" or eq is UNKNOWN else not eq
            else:
                v = UNKNOWN
        return v

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            v = _truthy(self.unary())
            return UNKNOWN if v is UNKNOWN else not v
        return self.primary()

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "str":
            return value
        if kind == "num":
            return float(value)
        if (kind, value) == ("op", "("):
            v = self.or_()
            self.take(")")
            return v
        if kind != "name":
            raise _Unparsable(str(value))
        if value in ("true", "false"):
            return value == "true"
        if value == "null":
            return None
        if self.peek() == ("op", "("):
            result = self.call(value)
            if self.peek() in (("op", "."), ("op", "[")):  # fromJSON(x).key: a value the reader cannot know
                self.path("?")
                return UNKNOWN
            return result
        return self.path(value)

    def call(self, name: str) -> Any:
        self.take("(")
        args = []
        while self.peek() != ("op", ")"):
            args.append(self.or_())
            if self.peek() == ("op", ","):
                self.take()
        self.take(")")
        fn = name.lower()
        if fn in ("always",):
            return True
        if fn in ("success",):
            return True  # judged as if the jobs before it succeeded
        if fn in ("failure", "cancelled"):
            return False
        if fn in ("startswith", "endswith", "contains") and len(args) == 2:
            a, b = args
            if a is UNKNOWN or b is UNKNOWN:
                return UNKNOWN
            if fn == "contains" and isinstance(a, list):
                return any(_loose_eq(x, b) is True for x in a)
            a, b = str(a).lower(), str(b).lower()
            return a.startswith(b) if fn == "startswith" else a.endswith(b) if fn == "endswith" else b in a
        return UNKNOWN  # fromJSON, format, hashFiles, ...

    def path(self, head: str) -> Any:
        parts = [head]
        while self.peek() in (("op", "."), ("op", "[")):
            if self.take()[1] == ".":
                kind, value = self.take()
                parts.append(str(value))
            else:
                key = self.or_()
                self.take("]")
                parts.append(str(key) if key is not UNKNOWN else "?")
        return self.ctx.get(".".join(parts).lower(), UNKNOWN)


def evaluate(expr: Any, context: dict[str, Any]) -> bool | None:
    """True/False when `expr` (an `if:` value) decides for this context, None when it cannot be told."""
    if expr is None:
        return True
    if isinstance(expr, bool):
        return expr
    try:
        return _evaluate_cached(str(expr), tuple(sorted((k.lower(), v) for k, v in context.items())))
    except TypeError:  # an unhashable value in the context
        return _evaluate(str(expr), context)


@functools.lru_cache(maxsize=4096)
def _evaluate_cached(expr: str, context: tuple) -> bool | None:
    return _evaluate(expr, dict(context))


def _evaluate(expr: str, context: dict[str, Any]) -> bool | None:
    text = strip_braces(str(expr))
    if not text:
        return True
    # `${{ }}` pieces inside a longer string: GitHub evaluates the string, always truthy; unknowable here.
    if "${{" in text:
        return None
    try:
        v = _truthy(_Parser(_tokens(text), {k.lower(): v for k, v in context.items()}).parse())
    except (_Unparsable, RecursionError):
        return None
    return None if v is UNKNOWN else bool(v)


def run_context(event: str, ref: str, extra: dict | None = None) -> dict[str, Any]:
    """The github.* values a run of `event` on `ref` (`refs/tags/v1`, `refs/heads/main`) has."""
    ctx: dict[str, Any] = {"github.event_name": event}
    if ref:
        ctx["github.ref"] = ref
        ctx["github.ref_type"] = "tag" if ref.startswith("refs/tags/") else "branch"
        ctx["github.ref_name"] = ref.split("/", 2)[2] if ref.count("/") >= 2 else ref
        if event == "release":
            ctx["github.event.release.tag_name"] = ctx["github.ref_name"]
        if event == "push":
            ctx["github.event.ref"] = ref  # the push event's payload names the same ref
    ctx.update(extra or {})
    return ctx


def mentions_always(expr: Any) -> bool:
    """Does this job run even when a job it needs was skipped? (`always()`, `!cancelled()`, `failure()`)"""
    text = str(expr or "").lower()
    return "always()" in text or "cancelled()" in text or "failure()" in text
