"""mkdocs-macros entry point: thin wrappers only; the work is in plain, testable functions."""

from __future__ import annotations

from pathlib import Path

from tpkit.config import subject_from_mapping


def define_env(env) -> None:
    subject = subject_from_mapping(env.conf.get("extra", {}).get("tp"), source=str(env.conf.config_file_path))
    env.variables["tp"] = subject
