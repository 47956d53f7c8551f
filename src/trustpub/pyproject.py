"""Reading what version a build produces from `pyproject.toml` (editing lives with tomlkit in the scripts)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from trustpub.errors import BadInput

# Build backends / tools whose dynamic version comes from git tags.
TAG_VERSION_TOOLS = ("setuptools_scm", "setuptools-scm", "hatch-vcs", "hatch_vcs", "versioningit",
                     "pdm-backend", "uv-dynamic-versioning", "poetry-dynamic-versioning", "dunamai")


def parse_pyproject(text: str, source: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{source}: not valid TOML: {exc}") from None


def read_pyproject(path: Path) -> dict:
    from trustpub.repo import read_text

    return parse_pyproject(read_text(path, str(path)), str(path))


@dataclass(frozen=True)
class BuildVersion:
    kind: str  # "static" | "from-tags" | "dynamic" | "missing"
    version: str | None = None
    detail: str = ""


def build_version(data: dict) -> BuildVersion:
    """What version `python -m build` would stamp, as far as pyproject.toml tells."""
    project = data.get("project")
    if isinstance(project, dict):
        if "version" in project and isinstance(project["version"], str):
            return BuildVersion("static", project["version"])
        dynamic = project.get("dynamic") or []
        if "version" in dynamic:
            requires = " ".join(str(r) for r in data.get("build-system", {}).get("requires", []))
            tools = " ".join(data.get("tool", {}).keys())
            hatch_src = str(data.get("tool", {}).get("hatch", {}).get("version", {}).get("source", ""))
            pdm_src = str(data.get("tool", {}).get("pdm", {}).get("version", {}).get("source", ""))
            blob = f"{requires} {tools} {hatch_src} {pdm_src}".lower()
            for tool in TAG_VERSION_TOOLS:
                if tool in blob and (tool != "pdm-backend" or pdm_src == "scm"):
                    return BuildVersion("from-tags", None, tool)
            if hatch_src == "vcs":
                return BuildVersion("from-tags", None, "hatch-vcs")
            return BuildVersion("dynamic", None, "version is dynamic (not from git tags)")
    poetry = data.get("tool", {}).get("poetry", {})
    if isinstance(poetry, dict) and isinstance(poetry.get("version"), str):
        return BuildVersion("static", poetry["version"], "[tool.poetry].version")
    return BuildVersion("missing", None, "no [project].version")
