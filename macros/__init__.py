"""mkdocs-macros entry point: `define_env` only registers thin macros.

Each module beside this one holds plain functions (tested without MkDocs) and a
`register(env, subject)` that wraps them with `@env.macro`.
"""

from __future__ import annotations

from macros import site
from tpkit.config import subject_from_mapping


def define_env(env) -> None:
    subject = subject_from_mapping((env.conf.get("extra") or {}).get("tp"), source=str(env.conf.config_file_path))
    env.variables["tp"] = subject
    site.register(env, subject)
