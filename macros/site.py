"""Macros for the guide's pages: repository files verbatim, scripts' real --help, PyPI badges.

The functions here are plain Python (tests call them without MkDocs); `register`
only wraps them for mkdocs-macros. A problem that makes a page wrong (a missing
file, a highlighted line that is not there, an unknown script) fails the build
with one line naming it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from mkdocs.exceptions import PluginError

from macros.badges import (BadgeBoard, BadgeCache, BadgeSettings, cache_root, default_cache_dir,
                           offline_requested)
from macros import personal
from macros.toolkit import ToolkitSource, install_section, toolkit_source
from trustpub.config import Subject, pages_url as config_pages_url
from trustpub.errors import BadInput

# The repository this site documents: the folder holding macros/, scripts/ and .github/.
ROOT = Path(__file__).resolve().parent.parent
SCRIPTS_DIR = "scripts"
HELP_TIMEOUT = 20.0  # seconds for one `script --help`
HELP_CACHE_SUBDIR = "tp-help"
# Scripts run for a page: offline, and at a fixed width that fits the page's code blocks (and is the
# same on every machine that builds the site).
RUN_ENV = {"COLUMNS": "80", "TP_OFFLINE": "1", "PYTHONIOENCODING": "utf-8"}

log = logging.getLogger("mkdocs.plugins.tp.site")

MSG_MISSING_FILE = "include_file: {path} does not exist in the repository ({root})"
MSG_NOT_A_FILE = "include_file: {path} is not a readable text file: {why}"
MSG_OUTSIDE = "include_file: {path} is outside the repository"
MSG_NO_SUCH_LINE = "include_file: no line of {path} contains {text!r} (asked to highlight it)"
MSG_NO_SCRIPT = "script: scripts/{name} does not exist (known: {known})"
MSG_HELP_FAILED = "script: `python scripts/{name}` {why}"

LANGUAGES = {".yml": "yaml", ".yaml": "yaml", ".toml": "toml", ".py": "python", ".json": "json",
             ".cfg": "ini", ".ini": "ini", ".sh": "bash", ".md": "markdown"}


class SiteError(BadInput):
    """A page asks for something the repository does not have."""


def _fence_for(text: str) -> str:
    """A backtick fence longer than any backtick run in the text, so nothing closes it early."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _resolve(path: str, root: Path) -> Path:
    target = (root / path).resolve()
    if root.resolve() not in (target, *target.parents):
        raise SiteError(MSG_OUTSIDE.format(path=path))
    return target


def read_repo_file(path: str, root: Path = ROOT) -> str:
    """A repository file's exact text (line endings kept)."""
    target = _resolve(path, root)
    if not target.is_file():
        raise SiteError(MSG_MISSING_FILE.format(path=path, root=root))
    try:
        with open(target, encoding="utf-8", newline="") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteError(MSG_NOT_A_FILE.format(path=path, why=getattr(exc, "strerror", None) or exc)) from None


def highlight_lines(text: str, wanted: Iterable[str], path: str = "") -> list[int]:
    """1-based numbers of the lines containing each wanted substring; each must match somewhere."""
    lines = text.splitlines()
    numbers: set[int] = set()
    for needle in wanted:
        hits = [n for n, line in enumerate(lines, 1) if needle in line]
        if not hits:
            raise SiteError(MSG_NO_SUCH_LINE.format(path=path, text=needle))
        numbers.update(hits)
    return sorted(numbers)


def include_file(path: str = ".github/workflows/release.yml", highlight: str | Iterable[str] | None = None, *,
                 title: str | None = None, lang: str | None = None, root: Path = ROOT) -> str:
    """The file verbatim as a fenced code block titled with its path, optionally highlighting lines."""
    text = read_repo_file(path, root)
    lang = lang or LANGUAGES.get(Path(path).suffix.lower(), "text")
    if isinstance(highlight, str):
        highlight = [highlight]
    attrs = [f'title="{title or path}"', 'linenums="1"']
    if highlight:
        numbers = highlight_lines(text, highlight, path)
        attrs.append('hl_lines="' + " ".join(map(str, numbers)) + '"')
    body = text if text.endswith("\n") else text + "\n"
    fence = _fence_for(text)
    return f"{fence} {lang} {' '.join(attrs)}\n{body}{fence}"


def line_number(path: str, text: str, root: Path = ROOT) -> int:
    """The line (1-based) of a repository file that contains `text`; the first one if several."""
    return highlight_lines(read_repo_file(path, root), [text], path)[0]


def known_scripts(root: Path = ROOT) -> list[str]:
    return sorted(p.name for p in (root / SCRIPTS_DIR).glob("*.py") if p.is_file())


def _check_script(name: str, root: Path) -> Path:
    path = root / SCRIPTS_DIR / name
    if "/" in name or "\\" in name or not name.endswith(".py") or not path.is_file():
        raise SiteError(MSG_NO_SCRIPT.format(name=name, known=", ".join(known_scripts(root)) or "none"))
    return path


@dataclass
class ScriptRun:
    returncode: int
    stdout: str
    stderr: str


def _run_key(name: str, args: list[str], input_text: str | None, root: Path) -> str:
    """Changes whenever the output could: the script, the shared library, the arguments and input,
    Python, and the index URL override (scripts print index links)."""
    digest = hashlib.sha256("\0".join([sys.version, name, *args, input_text or "",
                                        os.environ.get("TP_INDEX_URL", ""), repr(sorted(RUN_ENV.items())),
                                        _library_digest(root)]).encode())
    digest.update((root / SCRIPTS_DIR / name).read_bytes())
    return digest.hexdigest()[:32]


_LIBRARY_DIGESTS: dict[tuple, str] = {}


def _library_digest(root: Path) -> str:
    """Digest of trustpub's sources; read again only when a file's size or mtime changed."""
    files = sorted((root / "src" / "trustpub").rglob("*.py"))
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if stamp not in _LIBRARY_DIGESTS:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        _LIBRARY_DIGESTS.clear()
        _LIBRARY_DIGESTS[stamp] = digest.hexdigest()
    return _LIBRARY_DIGESTS[stamp]


def run_script(name: str, args: list[str], *, input_text: str | None = None, root: Path = ROOT,
               timeout: float = HELP_TIMEOUT, cache_dir: Path | None = None) -> ScriptRun:
    """`python scripts/<name> <args>` from the repository root, offline, at a fixed terminal width.

    With `cache_dir`, a successful run's output is kept under a key of the script's and trustpub's
    sources (and the arguments), so rebuilds (`mkdocs serve`) don't start a Python process per
    script until something it depends on changes. Raises SiteError when it does not finish."""
    _check_script(name, root)
    cached = cache_dir / f"{_run_key(name, args, input_text, root)}.txt" if cache_dir else None
    if cached and cached.is_file():
        return ScriptRun(0, cached.read_text(encoding="utf-8"), "")
    try:
        res = subprocess.run(_command_line(name, args, root), cwd=root, input=input_text,
                             capture_output=True, text=True, timeout=timeout, env=_help_env(root))
    except subprocess.TimeoutExpired:
        raise SiteError(MSG_HELP_FAILED.format(name=name, why=f"did not finish within {timeout:g}s")) from None
    if cached and res.returncode == 0:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(res.stdout, encoding="utf-8")
            os.replace(tmp, cached)
        except OSError:
            pass  # a read-only checkout still builds, only slower
    return ScriptRun(res.returncode, res.stdout, res.stderr)


def installed_command(name: str) -> str | None:
    """`trustpub fix-id-token` for scripts/fix_id_token.py: the form a reader runs after installing."""
    from trustpub.commands import BY_SCRIPT

    command = BY_SCRIPT.get(name)
    return f"trustpub {command.name}" if command else None


def _command_line(name: str, args: list[str], root: Path) -> list[str]:
    """A toolkit command runs as `python -m trustpub SUB` from the checkout's src/ (so its usage line is
    the installed `trustpub SUB`); any other script in scripts/ runs as a file."""
    command = installed_command(name)
    if command and (root / "src" / "trustpub" / "__main__.py").is_file():
        return [sys.executable, "-m", "trustpub", command.split()[1], *args]
    return [sys.executable, f"{SCRIPTS_DIR}/{name}", *args]


def script_help_text(name: str, root: Path = ROOT, timeout: float = HELP_TIMEOUT,
                     cache_dir: Path | None = None) -> str:
    """The script's real `--help` output, as the reader will see it."""
    res = run_script(name, ["--help"], root=root, timeout=timeout, cache_dir=cache_dir)
    if res.returncode != 0 or not res.stdout.strip():
        first = (res.stderr.strip().splitlines() or ["no output"])[-1]
        raise SiteError(MSG_HELP_FAILED.format(name=name, why=f"exited {res.returncode}: {first}"))
    return res.stdout.rstrip() + "\n"


def _help_env(root: Path = ROOT) -> dict[str, str]:
    # A fixed width, so the help text is the same on every machine that builds the site; the checkout's
    # own trustpub first on the path, so the page shows this checkout's commands.
    path = os.pathsep.join(p for p in (str(root / "src"), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, **RUN_ENV, "PYTHONPATH": path}


def script_help(name: str, root: Path = ROOT, cache_dir: Path | None = None) -> str:
    text = script_help_text(name, root, cache_dir=cache_dir)
    fence = _fence_for(text)
    title = installed_command(name) or f"python scripts/{name}"
    return f'{fence} text title="{title} --help"\n{text}{fence}'


def script_url(name: str, source: "ToolkitSource | str", root: Path = ROOT) -> str:
    """The script in the guide's own repository, at the released tag when there is one."""
    _check_script(name, root)
    if isinstance(source, str):
        source = ToolkitSource(source)
    return f"{source.repo_url.rstrip('/')}/blob/{source.ref}/{SCRIPTS_DIR}/{name}"


def script_link(name: str, source: "ToolkitSource | str", root: Path = ROOT) -> str:
    """Markdown link to the script in the guide's repository, named by its file."""
    return f"[`scripts/{name}`]({script_url(name, source, root)})"


def pages_url(subject: Subject) -> str:
    """The GitHub Pages address of the subject's repository (a user site lives at the root)."""
    return config_pages_url(subject.owner, subject.repository)


def publisher_table(subject: Subject, index: str | None = None) -> str:
    """The 'Add a new publisher' form values as a Markdown table."""
    rows = ["| Field | Value |", "| --- | --- |"]
    for field_name, value in subject.publisher_form(index):
        rows.append(f"| {field_name} | `{value}` |")
    return "\n".join(rows)


class BuildStopped(SystemExit):
    """Ends the build after its one-line reason was logged. A SystemExit, not an Exception:
    mkdocs-macros would otherwise wrap it in a multi-line 'Macro Rendering Error' with tracebacks."""


def _fail(exc: BadInput):
    log.error(str(exc))
    raise BuildStopped(1)


def guarded(func):
    """`func` as a macro: bad input it raises fails the build with one line (as the configuration does)."""
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except BadInput as exc:
            _fail(exc)
    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def run_cache_dir() -> Path:
    """Where scripts' outputs shown on pages are cached between builds."""
    return cache_root(ROOT) / HELP_CACHE_SUBDIR


_BOARDS: dict[int, BadgeBoard] = {}  # the board of each build's macros environment


def _page_dest(env) -> Path | None:
    """Where the page being rendered will be written (its badges are filled in there later)."""
    try:
        return Path(env.page.file.abs_dest_path)
    except AttributeError:
        return None


def on_post_build(env) -> None:
    board = _BOARDS.pop(id(env), None)
    if board is not None:
        board.fill_pages()


def _try(func):
    try:
        return func()
    except BadInput:
        return None


def register(env, subject: Subject) -> None:
    extra_tp = (env.conf.get("extra") or {}).get("tp") or {}
    source = str(env.conf.get("config_file_path") or "mkdocs.yml")
    try:
        settings = BadgeSettings.from_mapping(extra_tp.get("badges"), source=source)
    except BadInput as exc:  # one line naming the key, as for the rest of extra.tp
        raise PluginError(str(exc)) from None
    try:
        source = toolkit_source(env.conf)
    except BadInput as exc:  # one line naming the setting, as for the rest of the configuration
        raise PluginError(str(exc)) from None
    if not env.conf.get("site_url"):
        # Where docs.yml publishes the site. MkDocs needs it for the 404 page (served at any depth,
        # its links must carry the Pages sub-path) and the sitemap.
        env.conf["site_url"] = pages_url(subject)
    board = BadgeBoard([subject], settings, BadgeCache(default_cache_dir(ROOT)), offline=offline_requested())
    help_cache: dict[str, str] = {}

    help_dir = run_cache_dir()

    def cached_help(name: str) -> str:
        if not help_cache:
            # First use in this build: run every script's --help at once, in parallel (each
            # is a Python start-up), so a build with all of them costs about one.
            with ThreadPoolExecutor(max_workers=4) as pool:
                for script, text in zip(known_scripts(), pool.map(
                        lambda n: _try(lambda: script_help(n, cache_dir=help_dir)), known_scripts())):
                    if text is not None:
                        help_cache[script] = text
        if name not in help_cache:  # unknown, or it failed: raise its own one-line error
            help_cache[name] = script_help(name, cache_dir=help_dir)
        return help_cache[name]

    macros = {
        "include_file": lambda path=".github/workflows/release.yml", highlight=None, title=None, lang=None:
            personal.mark_workflow(include_file(path, highlight, title=title, lang=lang), subject, path)
            if path.startswith(".github/workflows/") else include_file(path, highlight, title=title, lang=lang),
        "line_number": lambda path, text: line_number(path, text),
        "script_help": cached_help,
        "script_link": lambda name: script_link(name, source),
        "script_url": lambda name: script_url(name, source),
        "install_toolkit": lambda heading="##": install_section(heading),
        "pypi_badges": lambda: board.slot(subject, _page_dest(env)),
        "publisher_form_table": lambda index=None: publisher_table(personal.marked(subject), index),
        "checklist_command": lambda: personal.checklist_command(subject),
    }
    for name, func in macros.items():
        env.macro(guarded(func), name)
    # PyPI is asked while the pages render; the badges are written into them after the build.
    board.start()
    _BOARDS[id(env)] = board
    env.variables["tp_scripts"] = known_scripts()
