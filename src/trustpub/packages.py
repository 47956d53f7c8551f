"""The Python projects in a repository, and which upload path and which tag releases which of them.

A repository may hold several packages (a monorepo: `core/pyproject.toml`,
`plugins/x/pyproject.toml`, ...). Each is found from its own configuration
(`pyproject.toml` with `[project]` or `[tool.poetry]`, `setup.cfg`'s
`[metadata]`, or a `setup.py` whose `name=` is a literal). An upload step is
tied to a package only where the workflow shows it (working directory,
`packages-dir` or an upload path, a tag prefix, a matrix over packages, the
job's own name); otherwise the link says it cannot tell, and no check judges
on a guess.
"""

from __future__ import annotations

import ast
import configparser
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Iterable

from trustpub.config import normalize_project
from trustpub.errors import BadInput

CONFIG_FILES = ("pyproject.toml", "setup.cfg", "setup.py")
MAX_CONFIG_BYTES = 1024 * 1024  # a project's configuration is a few kB; anything past this is not one
# Folders whose projects are not releases of this repository: tests and their fixtures, examples,
# documentation snippets, vendored copies. They are listed as skipped; `--package` can still name one.
SKIPPED_DIRS = frozenset({"tests", "test", "testing", "fixtures", "testdata", "test_data", "examples", "example",
                          "docs", "doc", "vendor", "vendored", "_vendor", "third_party", "thirdparty", "benchmarks",
                          "node_modules", "site-packages", ".github", ".venv", "venv", ".tox", ".nox", "build",
                          "dist", "templates"})

MSG_NO_PACKAGE = "--package {path}: no Python project there (no pyproject.toml with [project], setup.cfg or setup.py)"
MSG_OUTSIDE = "--package {path}: not inside the repository {root}"
CANNOT_TELL = "cannot tell which package this upload releases"

# A tag's version part: an optional `v`, then digits (the rest is PEP 440's business).
_TAG_VERSION_RE = re.compile(r"(?:^|[-_/@])(?P<v>[vV]?)(?P<version>\d+(?:\.\d+)*[^/]*)$")


@dataclass(frozen=True)
class Package:
    """One Python project of the repository."""

    path: str                  # its folder relative to the repository root ("." for the root)
    config: str                # the file its name was read from, relative to the root
    name: str | None           # the distribution name, None when it cannot be read
    name_source: str           # where the name came from, or why it could not be read
    skipped: bool = False      # in a tests/examples/vendored folder: not a release of this repository

    @property
    def normalized(self) -> str | None:
        return normalize_project(self.name) if self.name else None

    @property
    def label(self) -> str:
        where = "the root" if self.path == "." else self.path
        return f"{self.name or '(name unknown)'} ({where})"

    def keys(self) -> set[str]:
        """Words a workflow may use for this package: its name (normalised, with `_` too) and its folder."""
        found = set()
        if self.normalized:
            found |= {self.normalized, self.normalized.replace("-", "_")}
        if self.path != ".":
            found |= {self.path.lower(), PurePosixPath(self.path).name.lower()}
        return {k for k in found if k}


# ---------------------------------------------------------------------------
# Reading one project's name
# ---------------------------------------------------------------------------
def _from_pyproject(text: str, source: str) -> tuple[bool, str | None, str]:
    """(is a project, name, where the name came from)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return True, None, f"{source}: not valid TOML ({exc})"
    project = data.get("project")
    if isinstance(project, dict):
        name = project.get("name")
        if isinstance(name, str) and name.strip():
            return True, name.strip(), f"{source} [project].name"
        if "name" in (project.get("dynamic") or []):
            return True, None, f"{source}: name is dynamic"
        return True, None, f"{source}: [project] has no name"
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    if isinstance(poetry, dict) and isinstance(poetry.get("name"), str):
        return True, poetry["name"].strip(), f"{source} [tool.poetry].name"
    return False, None, ""


def _from_setup_cfg(text: str, source: str) -> tuple[bool, str | None, str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source)
    except configparser.Error as exc:
        return False, None, f"{source}: not readable ({str(exc).splitlines()[0]})"
    if parser.has_option("metadata", "name"):
        name = parser.get("metadata", "name").strip()
        if name and "attr:" not in name and "file:" not in name:
            return True, name, f"{source} [metadata] name"
        return True, None, f"{source}: [metadata] name is computed ({name})"
    return False, None, ""


def _from_setup_py(text: str, source: str) -> tuple[bool, str | None, str]:
    """`setup(name="x")`, or `name=NAME` with `NAME = "x"` at module level; anything computed is unknown."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return True, None, f"{source}: not parseable Python"
    constants: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    constants[target.id] = node.value.value
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and ((isinstance(n.func, ast.Name) and n.func.id == "setup")
                  or (isinstance(n.func, ast.Attribute) and n.func.attr == "setup"))]
    if not calls:
        return False, None, ""
    for call in calls:
        for kw in call.keywords:
            if kw.arg != "name":
                continue
            if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                return True, kw.value.value, f"{source} setup(name=...)"
            if isinstance(kw.value, ast.Name) and kw.value.id in constants:
                return True, constants[kw.value.id], f"{source} setup(name={kw.value.id})"
            return True, None, f"{source}: setup(name=...) is computed"
    return True, None, f"{source}: setup() names no project here (setup.cfg or pyproject.toml may)"


_READERS = {"pyproject.toml": _from_pyproject, "setup.cfg": _from_setup_cfg, "setup.py": _from_setup_py}


def read_package(folder: str, texts: dict[str, str]) -> Package | None:
    """The project in `folder` from its config files' texts (file name -> text), or None when none is one.

    pyproject.toml wins over setup.cfg over setup.py, as build backends read them; a later file may give the
    name an earlier one leaves out (a pyproject.toml with only `[build-system]` and a setup.cfg with the name).
    """
    best: Package | None = None
    for filename in CONFIG_FILES:
        if filename not in texts:
            continue
        rel = filename if folder == "." else f"{folder}/{filename}"
        is_project, name, source = _READERS[filename](texts[filename], rel)
        if not is_project:
            continue
        virtual = filename == "pyproject.toml" and _is_virtual(texts[filename])
        if virtual:
            source += " (uv: package = false and no [build-system]: a workspace root, not a distribution)"
        found = Package(folder, rel, name, source, skipped=_skipped(folder) or virtual)
        if name:
            return found if best is None or best.name is None else best
        best = best or found
    return best


def _is_virtual(text: str) -> bool:
    """A uv workspace root with `[tool.uv] package = false` and no `[build-system]`: nothing builds it.

    (`package = false` alone only keeps `uv sync` from installing the project: a maturin package that says it
    is still built and uploaded by its release workflow.)"""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    tool = data.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    return isinstance(uv, dict) and uv.get("package") is False and "build-system" not in data


def _skipped(folder: str) -> bool:
    return folder != "." and any(part.lower() in SKIPPED_DIRS for part in PurePosixPath(folder).parts)


# ---------------------------------------------------------------------------
# Finding every project of a repository
# ---------------------------------------------------------------------------
def discover(repo: Any) -> list[Package]:
    """Every Python project among the repository's tracked files (skipped ones included, marked), root first."""
    def find() -> list[Package]:
        listed = repo.git("ls-files", "-z", "--", *[f"*{name}" for name in CONFIG_FILES], check=False).stdout
        by_folder: dict[str, dict[str, str]] = {}
        for rel in filter(None, listed.split("\0")):
            p = PurePosixPath(rel)
            if p.name not in CONFIG_FILES:
                continue
            folder = str(p.parent) if str(p.parent) != "" else "."
            path = repo.root / rel
            # Regular files only: a FIFO or a folder in a config file's place would block or fail the read
            # (the command that needs that file says so); a deleted one is simply not there.
            if not path.is_file() or path.stat().st_size > MAX_CONFIG_BYTES:
                continue
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            by_folder.setdefault(folder, {})[p.name] = text
        found = [pkg for folder in sorted(by_folder, key=lambda f: (f != ".", f))
                 if (pkg := read_package(folder, by_folder[folder])) is not None]
        return found
    cache = getattr(repo, "_cache", None)
    if cache is None:
        return find()
    if "packages" not in cache:
        cache["packages"] = find()
    return cache["packages"]


def released(packages: Iterable[Package]) -> list[Package]:
    """The packages that are candidates for release (not in tests/examples/vendored folders)."""
    return [p for p in packages if not p.skipped]


def select_package(repo: Any, path: str) -> Package:
    """The project at `--package PATH` (a folder or its config file, relative to the repository or absolute)."""
    from pathlib import Path

    given = Path(path).expanduser()
    target = (given if given.is_absolute() else Path.cwd() / given).resolve()
    if not target.exists():
        target = (repo.root / path).resolve()
    if target.is_file():
        target = target.parent
    try:
        rel = target.relative_to(repo.root).as_posix() or "."
    except ValueError:
        raise BadInput(MSG_OUTSIDE.format(path=path, root=repo.root)) from None
    rel = rel if rel else "."
    for pkg in discover(repo):
        if pkg.path == rel:
            return pkg
    texts = {}
    for name in CONFIG_FILES:
        f = target / name
        if f.is_file() and f.stat().st_size <= MAX_CONFIG_BYTES:
            texts[name] = f.read_text(encoding="utf-8", errors="replace")
    pkg = read_package(rel, texts)  # untracked, but the user named it
    if pkg is None:
        raise BadInput(MSG_NO_PACKAGE.format(path=path))
    return pkg


# ---------------------------------------------------------------------------
# Which package an upload releases
# ---------------------------------------------------------------------------
@dataclass
class Link:
    """Which package(s) one upload step releases, and how that was told."""

    packages: list[Package]
    how: str                     # the evidence ("working-directory core", "packages-dir core/dist", ...)
    known: bool = True           # False: the workflow does not show it (`how` says so)
    all_of: bool = False         # a matrix over packages: every listed package is released by this step

    @property
    def names(self) -> list[str]:
        return [p.name or p.path for p in self.packages]


@dataclass
class UploadHints:
    """What an upload step shows about what it uploads; filled from the step, its job and its workflow."""

    working_directory: str | None = None
    paths: list[str] = field(default_factory=list)        # packages-dir, upload arguments
    tag_prefixes: list[str] = field(default_factory=list)  # `core-v` of `core-v*`
    matrix_values: list[str] = field(default_factory=list)  # values of the matrix key the step uses
    names: list[str] = field(default_factory=list)          # job id, job and step names


def _tokens(text: str) -> str:
    return "/" + re.sub(r"[^a-z0-9]+", "/", text.lower()) + "/"


def _mentions(text: str, pkg: Package) -> int:
    """How specifically `text` names `pkg`: the length of the longest of its keys found as whole words; 0 if none."""
    hay = _tokens(text)
    best = 0
    for key in pkg.keys():
        if _tokens(key) in hay:
            best = max(best, len(key))
    return best


def _best(text: str, packages: list[Package]) -> list[Package]:
    """The packages `text` names most specifically (`pydantic-core-dist` names pydantic-core, not pydantic)."""
    scores = [(_mentions(text, p), p) for p in packages]
    top = max((s for s, _ in scores), default=0)
    return [p for s, p in scores if s and s == top]


def _under(path: str, pkg: Package) -> bool:
    clean = path.strip().lstrip("./").rstrip("/")
    return pkg.path != "." and (clean == pkg.path or clean.startswith(pkg.path + "/"))


def link_upload(hints: UploadHints, packages: list[Package]) -> Link:
    """Which of `packages` the upload described by `hints` releases; says so when it cannot tell."""
    candidates = released(packages) or list(packages)
    if not candidates:
        return Link([], "no Python project found in the repository", known=False)
    if hints.matrix_values:
        matched = [p for p in candidates if any(_best(v, candidates) == [p] or _under(v, p)
                                                for v in hints.matrix_values)]
        if matched:
            return Link(matched, f"a matrix over {', '.join(hints.matrix_values)}", all_of=True)
    for label, value in (("working-directory", hints.working_directory),
                         *(("upload path", p) for p in hints.paths)):
        if not value or "${{" in value:
            continue
        inside = [p for p in candidates if _under(value, p)]
        if inside:
            deepest = max(inside, key=lambda p: len(p.path))
            return Link([deepest], f"{label} {value}")
        named = _best(value, candidates)
        if len(named) == 1:
            return Link(named, f"{label} {value}")
    for prefix in hints.tag_prefixes:
        pkg = package_for_prefix(prefix, candidates)
        if pkg is not None:
            return Link([pkg], f"tag prefix {prefix}")
    for name in hints.names:
        named = _best(name, candidates)
        if len(named) == 1 and len(candidates) > 1:
            return Link(named, f"named {name!r}")
    if len(candidates) == 1:
        return Link(candidates, "the only Python project in the repository")
    root = [p for p in candidates if p.path == "."]
    return Link(root, f"{CANNOT_TELL} ({len(candidates)} projects; no working directory, upload path, "
                      f"tag prefix or matrix names one)", known=False)


# ---------------------------------------------------------------------------
# Tags: prefix and version
# ---------------------------------------------------------------------------
def split_tag(tag: str) -> tuple[str, str] | None:
    """(`core-v`, `2.42.0`) for `core-v2.42.0`; (`v`, `1.2`) for `v1.2`; None when no version is in it."""
    m = _TAG_VERSION_RE.search(tag)
    if not m:
        return None
    return tag[:m.start("version")], m.group("version")


def prefix_stem(prefix: str) -> str:
    """`core` for `core-v`, `core/v`, `core@`, `core_`; `` for `v` or ``."""
    stem = re.sub(r"[-_/@]?[vV]?$", "", prefix)
    return stem.rstrip("-_/@")


def pattern_prefix(pattern: str) -> str:
    """The literal start of a tag pattern before its first wildcard: `core-v` for `core-v*`."""
    m = re.search(r"[*?+\[\\]", pattern)
    literal = pattern[:m.start()] if m else pattern
    return literal.lstrip("!")


def package_for_prefix(prefix: str, packages: list[Package]) -> Package | None:
    """The package a tag prefix names: its name, its folder, or the last word(s) of its name (`core` for
    `pydantic-core`); None when no package or more than one fits."""
    stem = prefix_stem(prefix).lower()
    if not stem:
        return None
    exact = [p for p in packages if stem in p.keys()]
    if len(exact) == 1:
        return exact[0]
    if exact:
        return None
    tail = [p for p in packages if p.normalized and re.search(r"(^|[-_.])" + re.escape(stem.replace("_", "-")) + r"$",
                                                               p.normalized)]
    return tail[0] if len(tail) == 1 else None


def tag_version(tag: str, prefix: str | None = None) -> Any:
    """The PEP 440 version a tag names (`packaging.version.Version`) or None.

    With `prefix` (`core-v`) the tag must start with it and the rest is the version; without, whatever
    precedes the version part is dropped (`core-v2.42.0` -> 2.42.0, `v1.10a1` -> 1.10a1, equal to 1.10.0a1).
    """
    from packaging.version import InvalidVersion, Version

    if prefix is not None:
        if not tag.startswith(prefix):
            return None
        text = tag[len(prefix):]
    else:
        split = split_tag(tag)
        text = split[1] if split else tag
    if text[:1] in "vV":
        text = text[1:]
    try:
        return Version(text)
    except InvalidVersion:
        return None


# ---------------------------------------------------------------------------
# Hints from a workflow's upload step
# ---------------------------------------------------------------------------
_MATRIX_REF_RE = re.compile(r"\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}")
_REF_PREFIX_RE = re.compile(r"""startsWith\(\s*github\.ref\s*,\s*['"]refs/tags/([^'"]+)['"]\s*\)"""
                            r"""|startsWith\(\s*github\.ref_name\s*,\s*['"]([^'"]+)['"]\s*\)""")
_UPLOAD_COMMAND_RE = re.compile(r"\b(?:uv\s+publish|twine\s+upload|maturin\s+upload|pdm\s+publish|hatch\s+publish"
                                r"|flit\s+publish|poetry\s+publish)\b([^\n;&|]*)")
PATH_INPUTS = ("packages-dir", "packages_dir", "path", "args")


def _text_of(node: Any) -> str:
    if isinstance(node, dict):
        return " ".join(f"{k} {_text_of(v)}" for k, v in node.items())
    if isinstance(node, list):
        return " ".join(_text_of(v) for v in node)
    return "" if node is None else str(node)


def _matrix_values(job: dict, key: str) -> list[str]:
    strategy = job.get("strategy")
    matrix = strategy.get("matrix") if isinstance(strategy, dict) else None
    if not isinstance(matrix, dict):
        return []
    values: list[Any] = []
    listed = matrix.get(key)
    if isinstance(listed, list):
        values += listed
    for entry in matrix.get("include") or []:
        if isinstance(entry, dict) and key in entry:
            values.append(entry[key])
    return [v for v in (str(x) for x in values if isinstance(x, (str, int, float))) if "${{" not in v]


def _working_directory(wf: Any, job: dict, step: dict) -> str | None:
    for holder in (step, ((job.get("defaults") or {}).get("run") if isinstance(job.get("defaults"), dict) else None),
                   ((wf.data.get("defaults") or {}).get("run") if isinstance(wf.data.get("defaults"), dict) else None)):
        if isinstance(holder, dict) and isinstance(holder.get("working-directory"), str):
            return holder["working-directory"]
    return None


def upload_paths(step: dict) -> list[str]:
    """Where an upload step takes its files: the action's `packages-dir`, or the arguments of an upload command."""
    paths: list[str] = []
    inputs = step.get("with") if isinstance(step.get("with"), dict) else {}
    for key in PATH_INPUTS:
        value = inputs.get(key)
        if isinstance(value, str):
            paths += [w for w in value.split() if not w.startswith("-")] if key == "args" else [value]
    run = step.get("run")
    if isinstance(run, str):
        for m in _UPLOAD_COMMAND_RE.finditer(run.replace("\\\n", " ")):  # a command continued over lines
            paths += [w.strip("'\"") for w in m.group(1).split() if _looks_like_files(w)]
    return paths


def _looks_like_files(word: str) -> bool:
    """An upload command's file argument (`dist/*`, `pkg/dist/x.whl`), not an option or an option's value."""
    word = word.strip("'\"")
    return (not word.startswith(("-", "http://", "https://", "$")) and "=" not in word
            and ("/" in word or "*" in word or word.endswith((".whl", ".tar.gz", ".zip"))))


def hints_from_upload(upload: Any) -> UploadHints:
    """The hints of a publishing-model upload (trustpub.publishing.model.Upload): its working directory,
    packages-dir or upload paths, tag prefixes and matrix values, and its job's name."""
    given = getattr(upload, "packages_dir", None)
    paths = given.split() if isinstance(given, str) else []
    if getattr(upload, "tool", "") != "pypa-action":  # a command line: keep its file arguments only
        paths = [p for p in paths if _looks_like_files(p)]
    matrix = getattr(upload, "matrix", None) or {}
    values = [str(v) for listed in matrix.values() if isinstance(listed, list) for v in listed
              if "${{" not in str(v)]
    return UploadHints(working_directory=getattr(upload, "working_directory", None), paths=paths,
                       tag_prefixes=[p for p in getattr(upload, "tag_prefixes", []) if prefix_stem(p)],
                       matrix_values=values, names=[str(upload.job)])


def hints_for(wf: Any, job_id: str, step: dict, tag_patterns: Iterable[str] = ()) -> UploadHints:
    """What the workflow shows about the package an upload step releases."""
    job = wf.jobs.get(job_id, {})
    hints = UploadHints(working_directory=_working_directory(wf, job, step), paths=upload_paths(step))
    for key in dict.fromkeys(_MATRIX_REF_RE.findall(_text_of(step))):
        hints.matrix_values += _matrix_values(job, key)
    condition = str(job.get("if", "")) + " " + str(step.get("if", ""))
    hints.tag_prefixes = [a or b for a, b in _REF_PREFIX_RE.findall(condition)]
    hints.tag_prefixes += [p for p in (pattern_prefix(t) for t in tag_patterns) if prefix_stem(p)]
    hints.names = [str(n) for n in (job_id, job.get("name"), step.get("name")) if n and "${{" not in str(n)]
    return hints
