"""Where the guide's own toolkit lives and how a reader gets it.

The guide documents one subject (`extra.tp`: the package being moved to Trusted
Publishing), but its scripts are this guide's own code: links to them point to
the guide's repository (`extra.toolkit.repo_url`, else the site's `repo_url`, else
the `Source` URL of the toolkit's own pyproject.toml),
at the released tag of the toolkit when there is one, never to the subject's
repository. The install section is built from pyproject.toml, so the Python
versions it names are the ones the package declares.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Mapping

from trustpub.errors import BadInput

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "trustpub"
DEFAULT_BRANCH = "main"
GIT_TIMEOUT = 10.0

MSG_NO_REPO_URL = ("{source}: the guide's own repository is not set: add `repo_url` "
                   "(or `extra.toolkit.repo_url`), where scripts/ is published")
MSG_BAD_TOOLKIT = "{source}: extra.toolkit must be a mapping with repo_url and/or ref (got {got})"


@dataclass(frozen=True)
class ToolkitSource:
    repo_url: str
    ref: str = DEFAULT_BRANCH  # the released tag (v0.1.0) when there is one


def project_table(root: Path = ROOT) -> dict[str, Any]:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})


def released_tag(root: Path = ROOT) -> str | None:
    """`v<version>` when this checkout has that tag (the toolkit's release of the version it holds)."""
    tag = f"v{project_table(root).get('version', '')}"
    try:
        res = subprocess.run(["git", "-C", str(root), "tag", "--list", tag], capture_output=True, text=True,
                             timeout=GIT_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return tag if res.returncode == 0 and res.stdout.strip() == tag else None


def toolkit_source(conf: Mapping[str, Any], root: Path = ROOT) -> ToolkitSource:
    """The guide's repository and ref from the site's configuration (never the subject's repository)."""
    source = str(conf.get("config_file_path") or "mkdocs.yml")
    settings = (conf.get("extra") or {}).get("toolkit") or {}
    if not isinstance(settings, Mapping):
        raise BadInput(MSG_BAD_TOOLKIT.format(source=source, got=type(settings).__name__))
    repo_url = settings.get("repo_url") or conf.get("repo_url") or project_table(root).get("urls", {}).get("Source")
    if not repo_url:
        raise BadInput(MSG_NO_REPO_URL.format(source=source))
    ref = settings.get("ref") or released_tag(root) or DEFAULT_BRANCH
    return ToolkitSource(str(repo_url), str(ref))


@cache
def python_versions(root: Path = ROOT) -> tuple[str, tuple[str, ...]]:
    """(requires-python, the 3.x versions the classifiers name)."""
    table = project_table(root)
    found = [m.group(1) for c in table.get("classifiers", [])
             if (m := re.fullmatch(r"Programming Language :: Python :: (3\.\d+)", c))]
    return str(table.get("requires-python", "")), tuple(sorted(found, key=lambda v: int(v.split(".")[1])))


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else "" for line in text.splitlines())


def install_section(heading: str = "##", root: Path = ROOT) -> str:
    """Markdown: how to run the toolkit with uvx, pipx or pip, and the Python versions it supports."""
    requires, versions = python_versions(root)
    named = ", ".join(versions[:-1]) + f" or {versions[-1]}" if len(versions) > 1 else "".join(versions)
    tabs = {
        "uvx (nothing to install)": f"uvx {PACKAGE} check --repo .\n",
        "pipx": f"pipx run {PACKAGE} check --repo .\n",
        "pip": f"python -m pip install {PACKAGE}\n{PACKAGE} check --repo .\n",
    }
    parts = [f"{heading} Get the toolkit {{ #get-the-toolkit }}", "",
             f"Every command in this guide is one program, `{PACKAGE}`, published on PyPI. It runs on Python "
             f"{named} (`requires-python {requires}`) and needs git. Run it without installing, or install it:",
             ""]
    for title, body in tabs.items():
        parts += [f'=== "{title}"', "", _indent(f"```bash\n{body}```"), ""]
    parts += [f"`{PACKAGE} --help` lists the commands; `{PACKAGE} COMMAND --help` shows one command's options, "
              f"and `python -m {PACKAGE} ...` is the same program. The commands on these pages are written "
              f"the installed way (`{PACKAGE} check --repo .`): paste them in any folder, with `--repo` naming "
              f"your repository.", ""]
    return "\n".join(parts)
