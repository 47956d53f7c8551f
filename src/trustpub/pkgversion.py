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
from typing import Any, Callable

from trustpub.packages import Package
from trustpub.pyproject import build_version



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


def _older_config(text: str, _all: list) -> str | None:
    """Marker for the fallback to setup.cfg/setup.py (handled in `versions_at`)."""
    return None


def _regex_version(name_re: str) -> Callable[[str, list], str | None]:
    rx = re.compile(r"(?m)^(?:" + name_re + r")\s*(?::\s*\w+\s*)?=\s*(['\"])v?(?P<version>[^'\"]+)\1")

    def extract(text: str, _all: list) -> str | None:
        m = rx.search(text)
        return m.group("version") if m else None
    return extract


def _version_source(pkg: Package, data: dict) -> tuple[list[str], Callable[[str, list], str | None]] | None:
    """Where a dynamic version is written, for the backends that read it from a file: (candidate files, reader)."""
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    hatch_path = ((tool.get("hatch") or {}).get("version") or {}).get("path")
    if isinstance(hatch_path, str):
        return [_join(pkg.path, hatch_path)], _regex_version("__version__|VERSION")
    dynamic = ((tool.get("setuptools") or {}).get("dynamic") or {}).get("version")
    if isinstance(dynamic, dict) and isinstance(dynamic.get("attr"), str) and "." in dynamic["attr"]:
        module, _, name = dynamic["attr"].rpartition(".")
        base = module.replace(".", "/")
        where = [f"{base}.py", f"{base}/__init__.py", f"src/{base}.py", f"src/{base}/__init__.py"]
        return [_join(pkg.path, w) for w in where], _regex_version(re.escape(name))
    if isinstance(dynamic, dict) and isinstance(dynamic.get("file"), str):
        return [_join(pkg.path, dynamic["file"])], lambda text, _all: text.strip().splitlines()[0] if text.strip() \
            else None
    backend = str((data.get("build-system") or {}).get("build-backend", ""))
    if backend.startswith("maturin"):
        # maturin takes the version from Cargo.toml: the package's, or its workspace's (`version.workspace`).
        return [_join(pkg.path, "Cargo.toml"), "Cargo.toml"], \
            lambda text, texts: _cargo_version(text, texts[1] if len(texts) > 1 else None)
    return None


def versions_at(repo: Any, wanted: list[tuple[str, Package]]) -> list[VersionAt]:
    """The version each (commit, package) built, in order; two `git cat-file --batch` calls in all."""
    texts = repo.show_many([(commit, pkg.config) for commit, pkg in wanted])
    follow: list[tuple[str, str]] = []   # second round: files the configuration points at
    plans: list[Any] = []
    for (commit, pkg), text in zip(wanted, texts):
        if text is None:
            # Before a move to pyproject.toml the same package may have been built from setup.py/setup.cfg.
            others = [_join(pkg.path, name) for name in ("setup.cfg", "setup.py") if _join(pkg.path, name) != pkg.config]
            plans.append((others, _older_config, len(follow)))
            follow += [(commit, rel) for rel in others]
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
            source = _version_source(pkg, data)
            if source is None:
                plans.append(VersionAt("unknown", detail=f"{pkg.config}: {built.detail or built.kind}"))
            else:
                candidates, extract = source
                plans.append((candidates, extract, len(follow)))
                follow += [(commit, rel) for rel in candidates]
    more = repo.show_many(follow)
    found: list[VersionAt] = []
    for plan in plans:
        if isinstance(plan, VersionAt):
            found.append(plan)
            continue
        candidates, extract, at = plan
        texts_here = more[at:at + len(candidates)]
        rel, text = next(((r, t) for r, t in zip(candidates, texts_here) if t is not None), (candidates[0], None))
        if extract is _older_config:
            if text is None:
                found.append(VersionAt("absent", detail="the package's configuration is not at that commit"))
                continue
            read = [(r, _setup_version(r, t)) for r, t in zip(candidates, texts_here) if t is not None]
            rel, version = next(((r, v) for r, v in read if v), (read[-1][0], None))
            found.append(VersionAt("static", version, rel) if version
                         else VersionAt("unknown", detail=f"{rel}: version is computed"))
            continue
        version = extract(text, texts_here) if text is not None else None
        found.append(VersionAt("static", version, rel) if version
                     else VersionAt("unknown", detail=f"{rel}: no version found at that commit"))
    return found
