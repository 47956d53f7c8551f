"""One reading of a repository: git (remote, tags, tracked files) and its workflows.

The checklist and every fix script use this module; nothing else parses
workflows or shells out to git.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from trustpub.config import index_of_url
from trustpub.errors import BadInput

if TYPE_CHECKING:  # ruamel is imported when a workflow is loaded round-trip, not before (start-up time)
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

PUBLISH_ACTION = "pypa/gh-action-pypi-publish"
WORKFLOWS_DIR = ".github/workflows"
GIT_TIMEOUT = 20.0  # seconds; ls-remote against a slow remote must not hang a script

MSG_NOT_GIT = "{path}: not a git repository (run inside one or pass --repo PATH)"
MSG_NO_DIR = "{path}: no such directory"
MSG_GIT_MISSING = "git is not installed or not on PATH"

_GITHUB_REMOTE_RE = re.compile(
    r"^(?:https?://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"(?P<owner>[^/]+)/(?P<repo>[^/]+?)(?:\.git)?/?$"
)


def make_yaml() -> YAML:
    """The round-trip YAML used for every workflow: comments, order and quotes kept."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long lines
    return yaml


def parse_github_remote(url: str) -> tuple[str, str] | None:
    """(owner, repository) of a GitHub remote URL, or None for other hosts."""
    m = _GITHUB_REMOTE_RE.match(url.strip())
    return (m.group("owner"), m.group("repo")) if m else None


@dataclass
class Tag:
    name: str
    commit: str


@dataclass
class PublishStep:
    """A step that uses pypa/gh-action-pypi-publish."""

    job_id: str
    index: int
    step: CommentedMap
    uses: str

    @property
    def ref(self) -> str:
        return self.uses.split("@", 1)[1] if "@" in self.uses else ""

    @property
    def inputs(self) -> dict:
        w = self.step.get("with")
        return w if isinstance(w, dict) else {}

    @property
    def target_index(self) -> str:
        """'testpypi' when `repository-url` points at TestPyPI, else 'pypi'."""
        url = str(self.inputs.get("repository-url") or self.inputs.get("repository_url") or "")
        return index_of_url(url)


@dataclass
class Workflow:
    path: Path
    relpath: str
    text: str
    data: CommentedMap

    @property
    def filename(self) -> str:
        return self.path.name

    @property
    def triggers(self) -> dict[str, Any]:
        """`on:` normalised to a mapping of event name -> settings (None when bare)."""
        on = self.data.get("on", self.data.get(True))  # YAML 1.1 readers turn `on` into True
        if isinstance(on, str):
            return {on: None}
        if isinstance(on, list):
            return {str(e): None for e in on}
        if isinstance(on, dict):
            return {str(k): v for k, v in on.items()}
        return {}

    @property
    def tag_patterns(self) -> list[str]:
        push = self.triggers.get("push")
        if not isinstance(push, dict):
            return []
        tags = push.get("tags")
        if isinstance(tags, str):
            return [tags]
        return [str(t) for t in tags] if isinstance(tags, list) else []

    @property
    def jobs(self) -> dict[str, CommentedMap]:
        jobs = self.data.get("jobs")
        return {str(k): v for k, v in jobs.items() if isinstance(v, dict)} if isinstance(jobs, dict) else {}

    def steps(self, job_id: str) -> list:
        steps = self.jobs.get(job_id, {}).get("steps")
        return steps if isinstance(steps, list) else []

    @property
    def publish_steps(self) -> list[PublishStep]:
        found = []
        for job_id in self.jobs:
            for i, step in enumerate(self.steps(job_id)):
                uses = step.get("uses") if isinstance(step, dict) else None
                if isinstance(uses, str) and uses.split("@", 1)[0].strip() == PUBLISH_ACTION:
                    found.append(PublishStep(job_id, i, step, uses.strip()))
        return found

    @property
    def publishing_jobs(self) -> list[str]:
        return sorted({s.job_id for s in self.publish_steps})

    def line(self, node: Any, key: Any = None) -> int:
        """1-based line of `node` (or of `key` inside it); 0 when unknown."""
        try:
            if key is None:
                return node.lc.line + 1
            if isinstance(node, list):
                return node.lc.item(key)[0] + 1
            return node.lc.key(key)[0] + 1
        except (AttributeError, KeyError, IndexError, TypeError):
            return 0

    def where(self, node: Any = None, key: Any = None) -> str:
        n = self.line(node, key) if node is not None else 0
        return f"{self.relpath}:{n}" if n else self.relpath


def yaml_error(relpath: str, exc: Exception) -> BadInput:
    """One line naming the file, the line and the problem (ruamel's and PyYAML's errors alike)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f":{mark.line + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return BadInput(f"{relpath}{where}: not valid YAML: {problem}")


def load_workflow_text(text: str, path: Path, relpath: str) -> Workflow:
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    try:
        data = make_yaml().load(text)
    except YAMLError as exc:
        raise yaml_error(relpath, exc) from None
    if data is None:
        raise BadInput(f"{relpath}: empty workflow file")
    if not isinstance(data, CommentedMap):
        raise BadInput(f"{relpath}: a workflow must be a mapping at the top level")
    return Workflow(path=path, relpath=relpath, text=text, data=data)


# YAML 1.2 core schema for plain scalars, as the round-trip loader reads them (`on` stays a string).
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT_RE = re.compile(r"^[-+]?[0-9]+$")
_FLOAT_RE = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


def _plain_scalar(value: str) -> Any:
    if _NULL_RE.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT_RE.match(value):
        return int(value)
    if value.startswith(("0o", "0x")):
        try:
            return int(value, 0)
        except ValueError:
            return value
    if _FLOAT_RE.match(value) and any(c.isdigit() for c in value):
        return float(value)
    return value


class _LineCol:
    """Positions as ruamel's `.lc` gives them (0-based): `line`, `col`, `key(k)`, `item(i)`."""

    __slots__ = ("line", "col", "data")

    def __init__(self, line: int, col: int) -> None:
        self.line, self.col, self.data = line, col, {}

    def key(self, k: Any) -> tuple[int, int]:
        return tuple(self.data[k][:2])

    def value(self, k: Any) -> tuple[int, int]:
        return tuple(self.data[k][2:4])

    def item(self, i: int) -> tuple[int, int]:
        return tuple(self.data[i])


class ReadMap(dict):
    """A mapping read by `load_workflow_for_reading`: a dict with ruamel-style `.lc` positions."""

    lc: _LineCol


class ReadSeq(list):
    """A sequence read by `load_workflow_for_reading`: a list with ruamel-style `.lc` positions."""

    lc: _LineCol


def load_workflow_for_reading(text: str, path: Path, relpath: str) -> Workflow:
    """A Workflow for reading only, parsed by libyaml (C; tens of times faster than the round-trip parser).

    The tree reads like `load_workflow_text`'s (dicts and lists with the same `.lc` line numbers, YAML 1.2
    scalars) but holds no comments or formatting: never edit and dump it. Without libyaml this is
    `load_workflow_text`.
    """
    try:
        import yaml as pyyaml  # PyYAML, installed with MkDocs
        loader_class = pyyaml.CSafeLoader
    except (ImportError, AttributeError):
        return load_workflow_text(text, path, relpath)
    built: dict[int, Any] = {}

    def build(node: Any) -> Any:
        if id(node) in built:  # an alias: the anchored value again
            return built[id(node)]
        if isinstance(node, pyyaml.ScalarNode):
            return _plain_scalar(node.value) if not node.style else node.value  # style "" or None: plain
        if isinstance(node, pyyaml.SequenceNode):
            seq = ReadSeq()
            built[id(node)] = seq
            seq.lc = _LineCol(node.start_mark.line, node.start_mark.column)
            for i, item in enumerate(node.value):
                seq.append(build(item))
                seq.lc.data[i] = [item.start_mark.line, item.start_mark.column]
            return seq
        mapping = ReadMap()
        built[id(node)] = mapping
        mapping.lc = _LineCol(node.start_mark.line, node.start_mark.column)
        merged: list[Any] = []
        for key_node, value_node in node.value:
            key = build(key_node)
            if key == "<<" and not key_node.style:
                merged += value_node.value if isinstance(value_node, pyyaml.SequenceNode) else [value_node]
                continue
            if key in mapping:
                mark = key_node.start_mark
                raise BadInput(f"{relpath}:{mark.line + 1}: not valid YAML: found duplicate key {key!r}")
            mapping[key] = build(value_node)
            mapping.lc.data[key] = [key_node.start_mark.line, key_node.start_mark.column,
                                    value_node.start_mark.line, value_node.start_mark.column]
        for source in merged:
            for key, value in build(source).items():
                mapping.setdefault(key, value)
        return mapping

    try:
        root = pyyaml.compose(text, Loader=loader_class)
    except pyyaml.YAMLError as exc:
        raise yaml_error(relpath, exc) from None
    if root is None:
        raise BadInput(f"{relpath}: empty workflow file")
    if not isinstance(root, pyyaml.MappingNode):
        raise BadInput(f"{relpath}: a workflow must be a mapping at the top level")
    return Workflow(path=path, relpath=relpath, text=text, data=build(root))


def read_text(path: Path, label: str | None = None) -> str:
    """A user's text file, or a one-line BadInput naming it."""
    label = label or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BadInput(f"{label}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{label}: is a directory, expected a file") from None
    except PermissionError:
        raise BadInput(f"{label}: permission denied") from None
    except OSError as exc:
        raise BadInput(f"{label}: cannot read: {exc.strerror}") from None
    if b"\0" in raw:
        raise BadInput(f"{label}: binary file, expected text")
    try:
        return raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{label}: not UTF-8 text (byte {exc.start})") from None


@dataclass
class Repo:
    """A git working tree and what the guide cares about in it."""

    root: Path
    _cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, path: str | os.PathLike = ".") -> "Repo":
        p = Path(path).expanduser()
        if not p.is_dir():
            raise BadInput(MSG_NO_DIR.format(path=p))
        try:
            out = subprocess.run(
                ["git", "-C", str(p), "rev-parse", "--show-toplevel"],
                capture_output=True, text=True, timeout=GIT_TIMEOUT, env=_git_env(),
            )
        except FileNotFoundError:
            raise BadInput(MSG_GIT_MISSING) from None
        if out.returncode != 0:
            raise BadInput(MSG_NOT_GIT.format(path=p))
        return cls(root=Path(out.stdout.strip()).resolve())

    # -- git -----------------------------------------------------------------
    def git(self, *args: str, check: bool = True, timeout: float = GIT_TIMEOUT) -> subprocess.CompletedProcess:
        try:
            res = subprocess.run(
                ["git", "-C", str(self.root), *args],
                capture_output=True, text=True, timeout=timeout, env=_git_env(),
            )
        except subprocess.TimeoutExpired:
            raise BadInput(f"{self.root}: git {args[0]} timed out after {timeout:.0f}s") from None
        if check and res.returncode != 0:
            msg = (res.stderr.strip().splitlines() or ["failed"])[-1]
            raise BadInput(f"{self.root}: git {' '.join(args[:2])}: {msg}")
        return res

    def remote_url(self, name: str = "origin") -> str | None:
        """The remote's URL as configured (not rewritten by `url.*.insteadOf`)."""
        res = self.git("config", "--get", f"remote.{name}.url", check=False)
        return res.stdout.strip() if res.returncode == 0 else None

    @property
    def remotes(self) -> list[str]:
        return self.git("remote").stdout.split()

    @property
    def github(self) -> tuple[str, str] | None:
        """(owner, repository) of origin when it is on GitHub."""
        url = self.remote_url()
        return parse_github_remote(url) if url else None

    def is_tracked(self, relpath: str) -> bool:
        if relpath.startswith(WORKFLOWS_DIR + "/"):  # one `git ls-files` for every workflow file
            if "tracked-workflows" not in self._cache:
                res = self.git("ls-files", "-z", "--", WORKFLOWS_DIR, check=False)
                self._cache["tracked-workflows"] = set(res.stdout.split("\0")) if res.returncode == 0 else None
            tracked = self._cache["tracked-workflows"]
            if tracked is not None:
                return relpath in tracked
        return self.git("ls-files", "--error-unmatch", "--", relpath, check=False).returncode == 0

    def is_dirty(self) -> bool:
        return bool(self.git("status", "--porcelain", "--untracked-files=no").stdout.strip())

    @property
    def head(self) -> str | None:
        res = self.git("rev-parse", "--verify", "-q", "HEAD", check=False)
        return res.stdout.strip() or None

    @property
    def branch(self) -> str | None:
        res = self.git("symbolic-ref", "-q", "--short", "HEAD", check=False)
        return res.stdout.strip() or None

    @property
    def tags(self) -> list[Tag]:
        if "tags" not in self._cache:
            out = self.git("for-each-ref", "refs/tags", "--format=%(refname:strip=2)\t%(*objectname)\t%(objectname)").stdout
            tags = []
            for line in out.splitlines():
                name, peeled, obj = line.split("\t")
                tags.append(Tag(name, peeled or obj))
            self._cache["tags"] = tags
        return self._cache["tags"]

    def remote_tags(self, name: str = "origin") -> list[str]:
        """Tag names on the remote (one `git ls-remote`, bounded by a timeout)."""
        out = self.git("ls-remote", "--tags", "--refs", name).stdout
        return [line.split("refs/tags/", 1)[1] for line in out.splitlines() if "refs/tags/" in line]

    def show(self, rev: str, relpath: str) -> str | None:
        """A file's text at a revision, or None when it is not there."""
        res = self.git("show", f"{rev}:{relpath}", check=False)
        return res.stdout if res.returncode == 0 else None

    def show_many(self, specs: list[tuple[str, str]]) -> list[str | None]:
        """Several `show(rev, relpath)` in one `git cat-file --batch` (one process for all tags)."""
        if not specs:
            return []
        request = "".join(f"{rev}:{relpath}\n" for rev, relpath in specs).encode()
        try:
            res = subprocess.run(["git", "-C", str(self.root), "cat-file", "--batch"], input=request,
                                 capture_output=True, timeout=GIT_TIMEOUT, env=_git_env())
        except subprocess.TimeoutExpired:
            raise BadInput(f"{self.root}: git cat-file timed out after {GIT_TIMEOUT:.0f}s") from None
        out, pos, found = res.stdout, 0, []
        for _ in specs:
            end = out.find(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) == 3 and header[1] in (b"blob",):
                size = int(header[2])
                found.append(out[pos:pos + size].decode("utf-8", "replace"))
                pos += size + 1
            elif len(header) == 3:  # a tree or commit: skip its body
                pos += int(header[2]) + 1
                found.append(None)
            else:  # "<spec> missing" / "ambiguous"
                found.append(None)
        return found

    def has_files(self, specs: list[tuple[str, str]]) -> list[bool]:
        """Whether each `rev:relpath` exists (one `git cat-file --batch-check` for all of them)."""
        if not specs:
            return []
        request = "".join(f"{rev}:{relpath}\n" for rev, relpath in specs).encode()
        try:
            res = subprocess.run(["git", "-C", str(self.root), "cat-file", "--batch-check"], input=request,
                                 capture_output=True, timeout=GIT_TIMEOUT, env=_git_env())
        except subprocess.TimeoutExpired:
            raise BadInput(f"{self.root}: git cat-file timed out after {GIT_TIMEOUT:.0f}s") from None
        lines = res.stdout.decode("utf-8", "replace").splitlines()
        return [len(line.split()) == 3 and line.split()[1] == "blob" for line in lines[:len(specs)]] + \
            [False] * (len(specs) - len(lines))

    # -- files ---------------------------------------------------------------
    def path(self, relpath: str) -> Path:
        return self.root / relpath

    def workflow_paths(self) -> list[Path]:
        d = self.root / WORKFLOWS_DIR
        if not d.is_dir():
            return []
        return sorted(p for p in d.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())

    def workflow(self, filename: str) -> Workflow | None:
        p = self.root / WORKFLOWS_DIR / filename
        if not p.is_file():
            return None
        return self._load(p)

    @property
    def workflows(self) -> list[Workflow]:
        return [self._load(p) for p in self.workflow_paths()]

    @property
    def workflows_for_reading(self) -> list[Workflow]:
        """The workflows parsed fast for inspection only (see `load_workflow_for_reading`); never edit these."""
        found = []
        for p in self.workflow_paths():
            key = ("wf-read", p)
            if key not in self._cache:
                rel = p.relative_to(self.root).as_posix()
                self._cache[key] = load_workflow_for_reading(read_text(p, rel), p, rel)
            found.append(self._cache[key])
        return found

    def workflows_lenient(self) -> tuple[list[Workflow], list[tuple[str, int, str]]]:
        """The workflows for reading, and (relpath, line, problem) for each file that cannot be read:
        one broken file among many is a finding about that file, not the end of the run."""
        if "wf-lenient" not in self._cache:
            good, broken = [], []
            for p in self.workflow_paths():
                key = ("wf-read", p)
                rel = p.relative_to(self.root).as_posix()
                if key not in self._cache:
                    try:
                        self._cache[key] = load_workflow_for_reading(read_text(p, rel), p, rel)
                    except BadInput as exc:
                        broken.append(_broken(rel, str(exc)))
                        continue
                good.append(self._cache[key])
            self._cache["wf-lenient"] = (good, broken)
        return self._cache["wf-lenient"]

    def _load(self, p: Path) -> Workflow:
        key = ("wf", p)
        if key not in self._cache:
            rel = p.relative_to(self.root).as_posix()
            self._cache[key] = load_workflow_text(read_text(p, rel), p, rel)
        return self._cache[key]

    def invalidate(self) -> None:
        self._cache.clear()


def _broken(relpath: str, message: str) -> tuple[str, int, str]:
    """(relpath, line, problem) from a one-line `relpath:LINE: problem` message."""
    m = re.match(re.escape(relpath) + r"(?::(\d+))?: (.*)$", message)
    return (relpath, int(m.group(1) or 0), m.group(2)) if m else (relpath, 0, message)


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(GIT_TERMINAL_PROMPT="0", LC_ALL="C", GIT_OPTIONAL_LOCKS="0")
    return env


def iter_jobs_needing(workflow: Workflow, job_id: str) -> Iterator[str]:
    """Jobs that `job_id` depends on, directly or transitively (`needs:`)."""
    seen: set[str] = set()
    stack = [job_id]
    while stack:
        job = workflow.jobs.get(stack.pop(), {})
        needs = job.get("needs")
        needs = [needs] if isinstance(needs, str) else (list(needs) if isinstance(needs, list) else [])
        for n in needs:
            if n not in seen:
                seen.add(n)
                stack.append(n)
                yield n
