"""What version a package's build produced at a commit (a release tag's), read from git, many commits at once.

Read the way the build backends read it: `[project].version`; a version from git tags (setuptools-scm,
hatch-vcs, ...: whatever the tag says); hatch's `[tool.hatch.version] path` file; maturin's `Cargo.toml`
(`[package].version`, or the workspace's); `setup.cfg` `[metadata] version`; a literal `setup(version=...)`.
Anything computed is "cannot tell", never a mismatch.
"""

from __future__ import annotations

import ast
import configparser
import re
import tomllib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from trustpub.packages import Package
from trustpub.pyproject import build_version

# hatch's default pattern for `[tool.hatch.version] path` (hatchling/version/source/regex.py).
HATCH_VERSION_RE = re.compile(r"""(?im)^(?:__version__|VERSION)\s*(?::\s*\w+\s*)?=\s*(['"])v?(?P<version>.+?)\1""")


@dataclass(frozen=True)
class VersionAt:
    kind: str                 # "static" | "from-tags" | "unknown" | "absent" (the package was not there)
    version: str | None = None
    detail: str = ""          # where it was read, or why it could not be


def _join(folder: str, rel: str) -> str:
    return str(PurePosixPath(folder) / rel) if folder != "." else str(PurePosixPath(rel))


def _cargo_version(text: str | None, workspace: str | None) -> str | None:
    try:
        data = tomllib.loads(text or "")
    except tomllib.TOMLDecodeError:
        return None
    version = (data.get("package") or {}).get("version")
    if isinstance(version, str):
        return version
    if isinstance(version, dict) and version.get("workspace") and workspace:
        try:
            ws = tomllib.loads(workspace)
        except tomllib.TOMLDecodeError:
            return None
        value = ((ws.get("workspace") or {}).get("package") or {}).get("version")
        return value if isinstance(value, str) else None
    return None


def _setup_version(config: str, text: str) -> str | None:
    if config.endswith("setup.cfg"):
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text)
        except configparser.Error:
            return None
        value = parser.get("metadata", "version", fallback="").strip()
        return value if value and ":" not in value else None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "version" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    return kw.value.value
    return None


def versions_at(repo: Any, wanted: list[tuple[str, Package]]) -> list[VersionAt]:
    """The version each (commit, package) built, in order; two `git cat-file --batch` calls in all."""
    texts = repo.show_many([(commit, pkg.config) for commit, pkg in wanted])
    follow: list[tuple[str, str]] = []   # second round: files the configuration points at
    plans: list[Any] = []
    for (commit, pkg), text in zip(wanted, texts):
        if text is None:
            plans.append(VersionAt("absent", detail=f"no {pkg.config} at that commit"))
            continue
        if not pkg.config.endswith("pyproject.toml"):
            version = _setup_version(pkg.config, text)
            plans.append(VersionAt("static", version, pkg.config) if version
                         else VersionAt("unknown", detail=f"{pkg.config}: version is computed"))
            continue
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            plans.append(VersionAt("unknown", detail=f"{pkg.config} at that commit: not valid TOML ({exc})"))
            continue
        built = build_version(data)
        if built.kind == "static":
            plans.append(VersionAt("static", built.version, pkg.config))
        elif built.kind == "from-tags":
            plans.append(VersionAt("from-tags", None, built.detail))
        else:
            tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
            hatch_path = ((tool.get("hatch") or {}).get("version") or {}).get("path")
            backend = str((data.get("build-system") or {}).get("build-backend", ""))
            if isinstance(hatch_path, str):
                rel = _join(pkg.path, hatch_path)
                plans.append(("hatch", rel, len(follow)))
                follow.append((commit, rel))
            elif backend.startswith("maturin"):
                rel = _join(pkg.path, "Cargo.toml")
                plans.append(("cargo", rel, len(follow)))
                follow += [(commit, rel), (commit, "Cargo.toml")]
            else:
                plans.append(VersionAt("unknown", detail=f"{pkg.config}: {built.detail or built.kind}"))
    more = repo.show_many(follow)
    found: list[VersionAt] = []
    for plan in plans:
        if isinstance(plan, VersionAt):
            found.append(plan)
            continue
        kind, rel, at = plan
        if kind == "hatch":
            m = HATCH_VERSION_RE.search(more[at] or "")
            found.append(VersionAt("static", m.group("version"), rel) if m
                         else VersionAt("unknown", detail=f"{rel}: no __version__/VERSION at that commit"))
        else:
            version = _cargo_version(more[at], more[at + 1])
            found.append(VersionAt("static", version, rel) if version
                         else VersionAt("unknown", detail=f"{rel}: no [package].version at that commit"))
    return found
