"""Recognising upload commands and actions: which tool, which index, which credentials.

Each tool's options are from its own documentation: `uv publish` (`--publish-url`,
`--index`, `--token`/`-t`, `--password`/`-p`, `--username`/`-u`, `UV_PUBLISH_*`),
`twine upload` (`--repository-url`, `-r`, `-u`/`-p`, `TWINE_*`), `poetry publish`
(`-r`, `-u`/`-p`, `POETRY_PYPI_TOKEN_*`, `POETRY_REPOSITORIES_<NAME>_URL`),
`pdm publish` (`-r`, `-u`/`-P`, `PDM_PUBLISH_*`), `hatch publish` (`-r`, `-u`/`-a`,
`HATCH_INDEX_*`), `flit publish` (`--repository`, `FLIT_*`), `maturin upload`/`publish`
(`--repository-url`, `-r`, `-u`/`-p`, `MATURIN_*`).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any, Mapping

PYPA_ACTION = "pypa/gh-action-pypi-publish"
MATURIN_ACTION = "pyo3/maturin-action"

_HOST_INDEX = {"upload.pypi.org": "pypi", "pypi.org": "pypi", "test.pypi.org": "testpypi"}
_NAME_INDEX = {"pypi": "pypi", "testpypi": "testpypi", "test-pypi": "testpypi", "test.pypi": "testpypi"}

# A command line that uploads, with the tool it names. `python -m twine`, `uvx twine`, `pipx run twine` too.
_UPLOAD_RE = re.compile(
    r"(?:^|[\s;&|(`}/\"'])(?:(?:python[0-9.]*|py)\s+-m\s+|uvx\s+|uv\s+tool\s+run\s+|uv\s+run\s+(?:--\S+\s+)*|"
    r"pipx\s+run\s+|poetry\s+run\s+|pdm\s+run\s+|hatch\s+run\s+)?"
    r"(?P<tool>uv|twine|poetry|pdm|hatch|flit|maturin)(?:@\S+)?\s+(?P<sub>publish|upload)\b(?P<rest>[^;&|\n]*)")
# Delegation the reader cannot follow: named release targets of task runners.
_TASK_RE = re.compile(
    r"(?:^|[\s;&|])(?P<cmd>(?:tox|nox|make|just|invoke|inv|task|hatch\s+run|pdm\s+run|poetry\s+run|npm\s+run)"
    r"(?:\s+-[es]\s*|\s+)(?P<target>(?:(?:pypi|testpypi|package|dist|python)[-_:])?"
    r"(?:release|publish|upload|deploy)(?:[-_:](?:pypi|testpypi|package|dist|python|prod))?|pypi))(?=$|[\s;&|])",
    re.IGNORECASE)

TOKEN_ENV = {
    "uv": ("UV_PUBLISH_TOKEN", "UV_PUBLISH_PASSWORD"),
    "twine": ("TWINE_PASSWORD",),
    "poetry": ("POETRY_PYPI_TOKEN_", "POETRY_HTTP_BASIC_"),
    "pdm": ("PDM_PUBLISH_PASSWORD",),
    "hatch": ("HATCH_INDEX_AUTH",),
    "flit": ("FLIT_PASSWORD",),
    "maturin": ("MATURIN_PYPI_TOKEN", "MATURIN_PASSWORD"),
}
USER_ENV = {"uv": "UV_PUBLISH_USERNAME", "twine": "TWINE_USERNAME", "pdm": "PDM_PUBLISH_USERNAME",
            "hatch": "HATCH_INDEX_USER", "flit": "FLIT_USERNAME", "maturin": "MATURIN_USERNAME"}
URL_ENV = {"uv": ("UV_PUBLISH_URL",), "twine": ("TWINE_REPOSITORY_URL",), "pdm": ("PDM_PUBLISH_REPO",),
           "hatch": ("HATCH_INDEX_REPO",), "flit": ("FLIT_INDEX_URL",),
           "maturin": ("MATURIN_REPOSITORY_URL",)}
NAME_ENV = {"twine": ("TWINE_REPOSITORY",), "maturin": ("MATURIN_REPOSITORY",)}

URL_OPTIONS = {"uv": ("--publish-url",), "twine": ("--repository-url",), "maturin": ("--repository-url",),
               "pdm": (), "hatch": (), "flit": (), "poetry": ()}
NAME_OPTIONS = {"uv": ("--index",), "twine": ("-r", "--repository"), "poetry": ("-r", "--repository"),
                "pdm": ("-r", "--repository"), "hatch": ("-r", "--repo"), "flit": ("--repository", "-r"),
                "maturin": ("-r", "--repository")}
TOKEN_OPTIONS = {"uv": ("-t", "--token", "-p", "--password"), "twine": ("-p", "--password"),
                 "poetry": ("-p", "--password"), "pdm": ("-P", "--password"), "hatch": ("-a", "--auth"),
                 "flit": (), "maturin": ("-p", "--password")}
USER_OPTIONS = {"uv": ("-u", "--username"), "twine": ("-u", "--username"), "poetry": ("-u", "--username"),
                "pdm": ("-u", "--username"), "hatch": ("-u", "--user"), "maturin": ("-u", "--username")}


@dataclass
class Found:
    """What one upload command or action says: tool, index, auth, and the hints."""

    tool: str
    command: str
    index: str
    index_url: str | None
    auth: str
    auth_evidence: str
    packages_dir: str | None = None
    builds: bool = False   # the upload command builds the distributions too (`pdm publish`, `flit publish`)


def index_of(value: str | None, *, is_url: bool, default: str = "pypi",
             named_urls: Mapping[str, str] | None = None) -> str:
    """pypi/testpypi/other/unknown for an upload URL or a repository name."""
    if value is None or value == "":
        return default
    v = str(value).strip()
    if "${{" in v or v.startswith("$"):
        return "unknown"
    if is_url or "://" in v:
        host = re.sub(r"^[a-z]+://(?:[^@/]+@)?", "", v.lower()).split("/", 1)[0].split(":", 1)[0]
        return _HOST_INDEX.get(host, "other")
    name = v.lower()
    if name in _NAME_INDEX:
        return _NAME_INDEX[name]
    if named_urls and name in named_urls:
        return index_of(named_urls[name], is_url=True)
    return "other"


def _secretish(value: Any) -> bool:
    return value is not None and str(value).strip() not in ("", "''", '""')


def _words(rest: str) -> list[str]:
    rest = rest.split("#", 1)[0] if " #" in rest else rest
    try:
        return shlex.split(rest, posix=True)
    except ValueError:
        return rest.split()


def _option(words: list[str], names: tuple[str, ...]) -> str | None:
    for i, w in enumerate(words):
        for n in names:
            if w == n and i + 1 < len(words):
                return words[i + 1]
            if n.startswith("--") and w.startswith(n + "="):
                return w.split("=", 1)[1]
            if not n.startswith("--") and w.startswith(n) and len(w) > len(n) and len(n) == 2:
                return w[len(n):]
    return None


def _env_value(env: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str, Any] | None:
    for key, value in env.items():
        for n in names:
            if (key == n or (n.endswith("_") and key.startswith(n))) and _secretish(value):
                return key, value
    return None


def poetry_repositories(env: Mapping[str, Any]) -> dict[str, str]:
    """`POETRY_REPOSITORIES_<NAME>_URL` -> {name: url} (poetry's way to name an index in CI)."""
    found = {}
    for key, value in env.items():
        m = re.fullmatch(r"POETRY_REPOSITORIES_(.+)_URL", str(key))
        if m:
            found[m.group(1).lower().replace("_", "-")] = str(value)
    return found


def find_uploads_in_text(text: str) -> list[tuple[int, str, re.Match]]:
    """(line offset, logical line, match) of each upload command in a shell text (continuations joined)."""
    found = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        start = i
        logical = lines[i]
        while logical.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            logical = logical.rstrip()[:-1] + " " + lines[i].strip()
        i += 1
        stripped = logical.strip()
        if stripped.startswith("#"):
            continue
        for m in _UPLOAD_RE.finditer(logical):
            # `hatch publish` and friends, but not `poetry run pytest tests/upload`: the sub-command follows
            # the tool directly; `uv publish` is never `uv pip publish`.
            found.append((start, stripped, m))
    return found


def judge_command(match: re.Match, line: str, env: Mapping[str, Any], job_text: str) -> Found:
    """Tool, index and auth of one upload command line, with the step's environment variables."""
    tool = match.group("tool")
    words = _words(match.group("rest"))
    url = _option(words, URL_OPTIONS.get(tool, ()))
    name = _option(words, NAME_OPTIONS.get(tool, ()))
    index_url: str | None = url
    if url is None:
        env_url = _env_value(env, URL_ENV.get(tool, ()))
        if env_url:
            index_url = str(env_url[1])
    if tool == "poetry" and name:
        named = poetry_repositories(env)
        index = index_of(name, is_url=False, named_urls=named)
        index_url = named.get(name.lower(), name)
    elif index_url is not None:
        index = index_of(index_url, is_url=True)
    elif name is not None:
        index, index_url = index_of(name, is_url=False), name
    elif (env_name := _env_value(env, NAME_ENV.get(tool, ()))):
        index, index_url = index_of(str(env_name[1]), is_url=False), str(env_name[1])
    elif tool in ("pdm", "hatch", "maturin") and (_env_value(env, URL_ENV.get(tool, ()))):
        index = "other"
    else:
        index = "pypi"
    evidence = ""
    token_opt = _option(words, TOKEN_OPTIONS.get(tool, ()))
    if token_opt is not None:
        flag = next((w for w in words if any(w == n or w.startswith(n) for n in TOKEN_OPTIONS[tool])), "--token")
        evidence = f"{flag.split('=')[0]} given"
    elif (hit := _env_value(env, TOKEN_ENV.get(tool, ()))):
        evidence = f"{hit[0]} set"
    elif (_option(words, USER_OPTIONS.get(tool, ())) or "") == "__token__":
        evidence = "username __token__"
    elif str(env.get(USER_ENV.get(tool, ""), "")).strip() == "__token__":
        evidence = f"{USER_ENV[tool]}=__token__"
    elif tool == "poetry" and re.search(r"poetry\s+config\s+(pypi-token|http-basic)\.", job_text):
        evidence = "poetry config pypi-token/http-basic in the job"
    elif tool == "uv" and "--trusted-publishing" in words and \
            _option(words, ("--trusted-publishing",)) == "never":
        evidence = "--trusted-publishing never"
    # These sub-commands build the distributions themselves unless told not to.
    builds = (tool in ("pdm", "flit") and "--no-build" not in words) or (tool == "poetry" and "--build" in words) \
        or (tool == "maturin" and match.group("sub") == "publish")
    dirs = [w for w in words if not w.startswith("-") and w not in (url, name, token_opt)
            and ("/" in w or "*" in w or w.endswith((".whl", ".tar.gz")))]
    return Found(tool, line[:200], index, index_url, "token" if evidence else "trusted", evidence,
                 " ".join(dirs) or None, builds)


def judge_action(uses: str, inputs: Mapping[str, Any], env: Mapping[str, Any]) -> Found | None:
    """The pypa publish action, or PyO3/maturin-action with `command: upload|publish`; else None."""
    name = uses.split("@", 1)[0].strip().lower()
    if name == PYPA_ACTION:
        url = inputs.get("repository-url") or inputs.get("repository_url")
        index = index_of(str(url) if url is not None else None, is_url=True)
        evidence = ""
        if _secretish(inputs.get("password")):
            evidence = "`password:` input"
        elif str(inputs.get("user", "")).strip() == "__token__":
            evidence = "user __token__"
        dirs = inputs.get("packages-dir") or inputs.get("packages_dir")
        return Found("pypa-action", uses.strip(), index, str(url) if url is not None else None,
                     "token" if evidence else "trusted", evidence, str(dirs) if dirs is not None else None)
    if name == MATURIN_ACTION and str(inputs.get("command", "")).strip() in ("upload", "publish"):
        args = str(inputs.get("args", ""))
        fake = re.match(r"(?P<tool>maturin)\s+(?P<sub>upload|publish)(?P<rest>.*)", f"maturin upload {args}")
        assert fake is not None
        found = judge_command(fake, f"{uses.strip()} command: {inputs.get('command')}", env, "")
        found.command = f"{uses.strip()} (command: {inputs.get('command')})"
        return found
    return None


def find_task_delegations(text: str) -> list[tuple[int, str]]:
    """(line offset, command) of release targets run through task runners the reader cannot follow."""
    found = []
    for n, line in enumerate(text.split("\n")):
        if line.strip().startswith("#"):
            continue
        for m in _TASK_RE.finditer(line):
            found.append((n, m.group("cmd").strip()))
    return found


_SCRIPT_RE = re.compile(r"^\s*(?:(?:bash|sh|zsh|python[0-9.]*|uv\s+run|source|\.)\s+)?(?P<path>\.{0,2}/?[\w./-]+)")


def script_candidates(text: str) -> list[tuple[int, str]]:
    """(line offset, path) of repository files a `run:` text executes (`./release.sh`, `bash scripts/pub`)."""
    found = []
    for n, line in enumerate(text.split("\n")):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        for part in re.split(r"\s*(?:&&|;|\|\|)\s*", s):
            m = _SCRIPT_RE.match(part)
            if m and ("/" in m.group("path") or m.group("path").endswith((".sh", ".py"))):
                found.append((n, m.group("path")))
    return found
