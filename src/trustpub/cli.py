"""What every script shares: one-line errors, common options, the subject.

stdout is for results; diagnostics and prompts go to stderr. Every message
passes through `redact_text`, so a token can never be printed whole.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, NoReturn, Sequence

from trustpub.config import DEFAULTS, INDEXES, Subject, subject_from_site_config
from trustpub.errors import BadInput, CannotFix
from trustpub.secrets import redact_text

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

# How the running command was invoked (`trustpub check`); set by trustpub.commands.launch.
PROG: str | None = None


def out(text: str = "") -> None:
    """A result line on stdout."""
    sys.stdout.write(redact_text(text) + "\n")
    sys.stdout.flush()


def info(text: str) -> None:
    """A diagnostic line on stderr."""
    sys.stderr.write(redact_text(text) + "\n")
    sys.stderr.flush()


def die(message: str, code: int = EXIT_USAGE) -> NoReturn:
    prog = PROG or (Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "trustpub")
    info(f"{prog}: error: {message}")
    raise SystemExit(code)


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error for bad usage (exit 2)."""

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {redact_text(message)} (see --help)\n")


def make_parser(prog: str, description: str, *, edits: bool = True, subject: bool = True) -> Parser:
    parser = Parser(prog=PROG or prog, description=description,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", metavar="PATH", default=".",
                        help="the repository to work on (default: the current directory)")
    if edits:
        parser.add_argument("--dry-run", action="store_true",
                            help="show the unified diff and change nothing")
        parser.add_argument("--yes", "-y", action="store_true",
                            help="apply without asking (without it: ask; with no terminal: change nothing)")
    if subject:
        add_subject_options(parser)
    return parser


def add_subject_options(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group(
        "publisher as registered on PyPI (default: the package's pyproject.toml [tool.trustpub] table; "
        "else what the repository shows: the workflow that uploads, pyproject.toml, the git remote)")
    g.add_argument("--project", help="PyPI project name")
    g.add_argument("--owner", help="GitHub owner (user or organisation)")
    g.add_argument("--repository", help="GitHub repository name")
    g.add_argument("--workflow", help="workflow file name registered on PyPI (e.g. release.yml)")
    g.add_argument("--environment", help="GitHub environment registered on PyPI")
    g.add_argument("--testpypi-workflow", dest="testpypi_workflow",
                   help="workflow file name registered on TestPyPI")
    g.add_argument("--testpypi-environment", dest="testpypi_environment",
                   help="GitHub environment registered on TestPyPI")
    g.add_argument("--index", choices=sorted(INDEXES), help="package index (default: pypi)")


@dataclass
class ResolvedSubject:
    subject: Subject
    sources: dict[str, str] = field(default_factory=dict)  # key -> where the value came from


# Where a value came from, as the header prints it.
SOURCE_OPTION = "--{key}"
SOURCE_TOOL_TABLE = "pyproject.toml [tool.trustpub]"
SOURCE_SITE = "mkdocs.yml extra.tp"
SOURCE_PYPROJECT = "pyproject.toml [project].name"
SOURCE_REMOTE = "git remote origin"
SOURCE_WORKFLOW = "the workflow that uploads ({where})"
SOURCE_ASSUMED = "assumption"
SUBJECT_KEYS = ("project", "owner", "repository", "workflow", "environment", "testpypi_environment",
                "testpypi_workflow", "index")
# The package's own record of its publisher, in its pyproject.toml (keys as written there).
TOOL_TABLE_KEYS = {"project": "project", "owner": "owner", "repository": "repository", "workflow": "workflow",
                   "environment": "environment", "testpypi-workflow": "testpypi_workflow",
                   "testpypi-environment": "testpypi_environment"}

MSG_TOOL_TABLE_KEY = "{path}: [tool.trustpub] has no setting {key!r}; known: {known}"
MSG_TOOL_TABLE_VALUE = "{path}: [tool.trustpub] {key} must be a non-empty string"
MSG_MISSING = "{root}: cannot tell the {what}: pass {options}"
MSG_WHY = {"project": "no [project].name in pyproject.toml",
           "no-origin": "the repository has no remote named origin",
           "origin-elsewhere": "origin is {url}, not a GitHub remote"}


def tool_table(root: Path) -> dict[str, str]:
    """The `[tool.trustpub]` table of the repository's pyproject.toml: what the maintainer registered on PyPI.

    Keys: project, owner, repository, workflow, environment, testpypi-workflow, testpypi-environment.
    """
    from trustpub.pyproject import read_pyproject

    pp = root / "pyproject.toml"
    if not pp.is_file():
        return {}
    table = read_pyproject(pp).get("tool", {}).get("trustpub")
    if not isinstance(table, dict):
        return {}
    found = {}
    for key, value in table.items():
        if key not in TOOL_TABLE_KEYS:
            raise BadInput(MSG_TOOL_TABLE_KEY.format(path=pp, key=key, known=", ".join(TOOL_TABLE_KEYS)))
        if not isinstance(value, str) or not value.strip():
            raise BadInput(MSG_TOOL_TABLE_VALUE.format(path=pp, key=key))
        found[TOOL_TABLE_KEYS[key]] = value.strip()
    return found


def resolve_subject(repo, args: argparse.Namespace) -> ResolvedSubject:
    """The subject for `repo`, each value with where it came from:
    options > `[tool.trustpub]` > the site's mkdocs.yml (this guide's own) > the repository (the workflow that
    uploads, pyproject.toml, the git remote) > an assumption. Checks compare the repository only with values a
    person gave (options, [tool.trustpub], extra.tp); detected values and assumptions never make them fail."""
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    site = repo.root / "mkdocs.yml"
    configured = subject_from_site_config(site) if site.is_file() else None
    if configured is not None:
        for key in SUBJECT_KEYS:
            values[key] = getattr(configured, key)
            sources[key] = SOURCE_SITE
    else:
        name = detect_project_name(repo.root)
        if name:
            values["project"], sources["project"] = name, SOURCE_PYPROJECT
        elif only := only_package(repo):
            values["project"], sources["project"] = only.name, only.name_source
        gh = repo.github
        if gh:
            values["owner"], values["repository"] = gh
            sources["owner"] = sources["repository"] = SOURCE_REMOTE
        for key, (value, where) in detect_publisher(repo).items():
            values[key], sources[key] = value, SOURCE_WORKFLOW.format(where=where)
    for key, value in tool_table(repo.root).items():
        values[key], sources[key] = value, SOURCE_TOOL_TABLE
    for key in SUBJECT_KEYS:
        given = getattr(args, key, None)
        if given:
            values[key], sources[key] = given, SOURCE_OPTION.format(key=key.replace("_", "-"))
    for key, default in DEFAULTS.items():
        if key not in values and key not in ("project", "owner", "repository"):
            values[key], sources[key] = default, SOURCE_ASSUMED
    missing = [k for k in ("project", "owner", "repository") if k not in values]
    if missing:
        raise BadInput(missing_message(repo, missing))
    override = configured.index_url_override if configured else None
    return ResolvedSubject(Subject(index_url_override=override, **values), sources)


def missing_message(repo, missing: list[str]) -> str:
    """One message naming every missing value, why it is missing, and the options that give it."""
    reasons = []
    if "project" in missing:
        reasons.append(f"project ({MSG_WHY['project']})")
    remote = [k for k in missing if k in ("owner", "repository")]
    if remote:
        url = repo.remote_url()
        why = MSG_WHY["origin-elsewhere"].format(url=url) if url else MSG_WHY["no-origin"]
        reasons.append(f"{' and '.join(remote)} ({why})")
    options = " ".join(f"--{k} NAME" for k in missing)
    return MSG_MISSING.format(root=repo.root, what="; ".join(reasons), options=options)


def detect_project_name(root: Path) -> str | None:
    from trustpub.pyproject import read_pyproject

    pp = root / "pyproject.toml"
    if not pp.is_file():
        return None
    name = read_pyproject(pp).get("project", {}).get("name")
    return name if isinstance(name, str) else None


def only_package(repo):
    """The repository's one named Python project outside tests/examples (trustpub.packages), when it has one."""
    from trustpub import packages

    named = [p for p in packages.released(packages.discover(repo)) if p.name]
    return named[0] if len(named) == 1 else None


def detect_publisher(repo) -> dict[str, tuple[str, str]]:
    """What the workflows say PyPI's and TestPyPI's publishers must name, when one answer each:
    {key: (value, file:line it came from)} for workflow, environment, testpypi_workflow, testpypi_environment."""
    from trustpub.publishing import read_repo

    model = read_repo(repo)
    found: dict[str, tuple[str, str]] = {}
    for index, wf_key, env_key in (("pypi", "workflow", "environment"),
                                   ("testpypi", "testpypi_workflow", "testpypi_environment")):
        uploads = [u for u in model.uploads if u.index == index and u.trusted]
        names = {u.register for u in uploads}
        if len(names) == 1:
            found[wf_key] = (names.pop(), uploads[0].where)
            envs = {u.environment for u in uploads if u.environment and u.environment_known}
            if len(envs) == 1:
                found[env_key] = (envs.pop(), uploads[0].where)
    return found


def detect_workflow(repo) -> str | None:
    """The file name of the one workflow that uploads to PyPI (not TestPyPI), if unambiguous."""
    found = detect_publisher(repo).get("workflow")
    return found[0] if found else None


def run(main: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None = None) -> NoReturn:
    """Call `main`, turning expected errors into one line and an exit code."""
    global PROG
    if PROG is None and getattr(main, "__module__", None) == "__main__":
        # `python -m trustpub.commands.NAME`: usage and errors name what was run.
        spec = getattr(sys.modules["__main__"], "__spec__", None)
        if spec is not None and spec.name.startswith("trustpub."):
            PROG = f"python -m {spec.name}"
    try:
        code = main(argv)
    except BadInput as exc:
        die(str(exc), EXIT_USAGE)
    except CannotFix as exc:
        die(str(exc), EXIT_FAIL)
    except KeyboardInterrupt:
        die("interrupted; nothing was changed after the last message", 130)
    except BrokenPipeError:
        code = EXIT_OK
    raise SystemExit(code)


def with_subject(subject: Subject, **changes: str) -> Subject:
    return replace(subject, **changes)
