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
        "publisher (default: the site's mkdocs.yml `extra.tp` when the repository has one, "
        "else detected from pyproject.toml and the git remote)")
    g.add_argument("--project", help="PyPI project name")
    g.add_argument("--owner", help="GitHub owner (user or organisation)")
    g.add_argument("--repository", help="GitHub repository name")
    g.add_argument("--workflow", help="workflow file name registered on PyPI (e.g. release.yml)")
    g.add_argument("--environment", help="GitHub environment registered on PyPI")
    g.add_argument("--index", choices=sorted(INDEXES), help="package index (default: pypi)")


@dataclass
class ResolvedSubject:
    subject: Subject
    sources: dict[str, str] = field(default_factory=dict)  # key -> where the value came from


def resolve_subject(repo, args: argparse.Namespace) -> ResolvedSubject:
    """The subject for `repo`: options > the site's mkdocs.yml > detection > defaults."""
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    site = repo.root / "mkdocs.yml"
    configured = subject_from_site_config(site) if site.is_file() else None
    if configured is not None:
        for key in ("project", "owner", "repository", "workflow", "environment", "testpypi_environment",
                    "testpypi_workflow", "index"):
            values[key] = getattr(configured, key)
            sources[key] = "mkdocs.yml extra.tp"
    else:
        name = detect_project_name(repo.root)
        if name:
            values["project"], sources["project"] = name, "pyproject.toml [project].name"
        elif only := only_package(repo):
            values["project"], sources["project"] = only.name, only.name_source
        gh = repo.github
        if gh:
            values["owner"], values["repository"] = gh
            sources["owner"] = sources["repository"] = "git remote origin"
        wf = detect_workflow(repo)
        if wf:
            values["workflow"], sources["workflow"] = wf, "the workflow that publishes"
    for key in ("project", "owner", "repository", "workflow", "environment", "index"):
        given = getattr(args, key, None)
        if given:
            values[key], sources[key] = given, "--" + key
    for key, default in DEFAULTS.items():
        if key not in values and key not in ("project", "owner", "repository"):
            values[key], sources[key] = default, "default"
    missing = [k for k in ("project", "owner", "repository") if k not in values]
    if missing:
        hint = {"project": "--project (no [project].name in pyproject.toml)",
                "owner": "--owner (origin is not a GitHub remote)",
                "repository": "--repository (origin is not a GitHub remote)"}
        raise BadInput(f"{repo.root}: cannot tell the {', '.join(missing)}: pass {hint[missing[0]]}")
    override = configured.index_url_override if configured else None
    return ResolvedSubject(Subject(index_url_override=override, **values), sources)


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


def detect_workflow(repo) -> str | None:
    """The file name of the one workflow that publishes to PyPI (not TestPyPI), if unambiguous."""
    names = [wf.filename for wf in repo.workflows_for_reading
             if any(s.target_index == "pypi" for s in wf.publish_steps)]
    return names[0] if len(names) == 1 else None


def run(main: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None = None) -> NoReturn:
    """Call `main`, turning expected errors into one line and an exit code."""
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
