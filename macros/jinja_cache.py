"""A disk cache of the pages' compiled Jinja code: a rebuild does not compile an unchanged page again.

mkdocs-macros turns every page into a Jinja template (`Environment.from_string`) on every build,
and compiling this guide's pages costs more than the macros they call. Jinja's own
`FileSystemBytecodeCache` keeps the compiled code here, as Jinja does for templates loaded
from files: written atomically, checked against Jinja's and Python's versions, and a damaged
or unreadable entry is only a miss. An entry's key is the page's text plus every setting of the
environment that changes the generated code (markers, whitespace options, extensions, the
filters and tests it knows), so a changed setting never reuses old code.

Plain functions: tests call them on a bare `jinja2.Environment`, without MkDocs.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2.bccache import FileSystemBytecodeCache

CACHE_SUBDIR = "tp-jinja"
MAX_ENTRIES = 500  # beyond this, the folder is emptied (old pages' code piles up while editing)

# Environment attributes the generated code depends on.
_CODEGEN_SETTINGS = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
    "autoescape", "finalize", "is_async",
)


def _stable(value: Any) -> str:
    """A text that is the same in every process (a function by its name, never its address)."""
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__name__)}"
    return repr(value)


def environment_key(env: Environment) -> str:
    parts = [f"{name}={_stable(getattr(env, name, None))}" for name in _CODEGEN_SETTINGS]
    parts += sorted(env.extensions) + sorted(f"filter:{f}" for f in env.filters)
    parts += sorted(f"test:{t}" for t in env.tests)
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def install(env: Environment, folder: Path) -> bool:
    """Make `env.from_string` reuse compiled code from `folder`. Once per environment; returns
    whether it was installed now. A folder that cannot be made leaves the environment as it was."""
    if getattr(env.compile, "tp_cached", False):
        return False
    cache = FileSystemBytecodeCache(str(folder), "%s.jinja")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if len(os.listdir(folder)) > MAX_ENTRIES:
            cache.clear()
    except OSError:
        return False
    original = env.compile
    prefix = environment_key(env)

    def compile(source, name=None, filename=None, raw=False, defer_init=False):  # noqa: A001 - Jinja's name
        if raw or defer_init or name is not None or filename is not None or not isinstance(source, str):
            return original(source, name, filename, raw, defer_init)
        try:
            digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
            bucket = cache.get_bucket(env, f"{prefix}:{digest}", None, source)
        except Exception:  # noqa: BLE001 - a damaged entry (Jinja unpickles its header) is only a miss
            return original(source)
        if bucket.code is None:
            bucket.code = original(source)  # a syntax error raises here, as without the cache
            try:
                cache.set_bucket(bucket)
            except OSError:
                pass  # a read-only or full disk: this build compiles, the next one too
        return bucket.code

    compile.tp_cached = True  # type: ignore[attr-defined]
    env.compile = compile  # type: ignore[method-assign]
    return True
