"""Check a repository (and PyPI) against the Trusted Publishing checklist, item by item.

Every item has a stable id, a status (pass, fail, warn, manual, skip), one
line of evidence (file:line where there is one) and the fix: the script to
run, or the section of the guide for items only a person can confirm.

Exit status: 0 when nothing fails (warn, manual and skip don't fail),
1 when a check fails, 2 for bad input or usage.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Sequence

from trustpub.cli import EXIT_OK, SOURCE_ASSUMED, make_parser, out, resolve_subject, run
from trustpub import zizmor
from trustpub.errors import BadInput

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "checklist.schema.json"
OFFLINE_ENV = "TP_OFFLINE"

MSG_NO_WORKFLOWS = "{root}: no workflow files in .github/workflows (expected {path}, *.yml or *.yaml); nothing to check"
MSG_HEADER = "Trusted Publishing checklist for {project} on {index} ({slug}, {workflow}, environment {environment})"
MSG_SOURCE_LINE = "  {key}: {value} (from {source})"
MSG_SOURCES_HEAD = "Where these values come from (compared with the repository only when given by you):"
MSG_OFFLINE_NOTE = "offline: PyPI was not asked"
MSG_PACKAGE_NO_NAME = "--package {path}: cannot read the project's name ({why}); pass --project NAME too"
MSG_SUMMARY = "{counts} -> exit {code}"
MSG_FIX = "fix: {fix}"
MSG_DOCS = "see the guide: {page}"
MSG_FORMAT_CLASH = "--json asks for JSON, --format {format} for something else: give one of them"
FORMATS = ("text", "json", "sarif")
MSG_MANUAL_FOLDED = "{n} to confirm by hand: {page} (--manual lists them)"
MANUAL_PAGE = "checklist.md"   # the guide's security checklist: every manual item with its page
DEFAULT_WIDTH = 80             # columns when stdout is not a terminal
MAX_ID_COLUMN = 11            # ids longer than this overrun the id column on their own line
MIN_ROOM = 20                  # columns of text a wrapped line keeps however narrow the width

EPILOG = """\
examples:
  trustpub check --repo .                       # this repository, PyPI included
  trustpub check --repo ../mypkg --offline
  trustpub check --repo . --format json > checklist.json
  trustpub check --repo . --format sarif > checklist.sarif   # GitHub code scanning
  trustpub check --repo . --only TP105 --only publish-environment

environment:
  TP_OFFLINE=1   same as --offline
  PYPIRC         the .pypirc to check instead of ~/.pypirc (--pypirc wins)
  NO_COLOR       no colour even on a terminal

JSON output (--format json, or --json) follows trustpub/checklist.schema.json
("schema": "tp-checklist/2"); its `publishing` list holds one object per upload
step found in the workflows. SARIF output (--format sarif) is SARIF 2.1.0: one
result per fail or warn, at the file and line of its evidence.
"""

_COLOURS = {"pass": "32", "fail": "31;1", "warn": "33", "manual": "36", "skip": "2"}


def build_parser():
    parser = make_parser("checklist.py", __doc__.split("\n\n")[0], edits=False)
    parser.epilog = EPILOG
    parser.add_argument("--offline", action="store_true",
                        help="don't ask PyPI or the git remote (the PyPI items are skipped)")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="text (the table, default), json (see the schema below) or sarif (SARIF 2.1.0)")
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    parser.add_argument("--pypirc", metavar="PATH", help="the .pypirc to check (default: $PYPIRC or ~/.pypirc)")
    parser.add_argument("--only", metavar="ID", action="append",
                        help="run only this check (id like TP105 or slug like publish-environment); repeatable")
    parser.add_argument("--list", action="store_true", help="list the checks (id, slug, title) and exit")
    parser.add_argument("--manual", "--all", dest="manual", action="store_true",
                        help="list the manual items (TP9xx) one by one (default: one line with the page to read)")
    parser.add_argument("--width", metavar="COLUMNS", type=int,
                        help="wrap text at this width (default: the terminal's, 80 when not a terminal)")
    parser.add_argument("--package", metavar="PATH",
                        help="check one package of several: its folder (or its pyproject.toml/setup.py), relative "
                             "to the repository; its name becomes the project unless --project is given")
    parser.add_argument("--strict", action="store_true",
                        help="zizmor's findings fail in every workflow (default: only in workflows that upload)")
    return parser


def fix_hint(fix: str | None, repo_root: Path | None = None, cwd: Path | None = None) -> str:
    """How a person applies a fix: the command for a script, the page for a doc anchor, or the URL."""
    if not fix:
        return ""
    if fix.endswith(".py"):
        from trustpub.commands import command_for_script

        cwd = (cwd or Path.cwd()).resolve()
        target = f" --repo {repo_root}" if repo_root is not None and repo_root.resolve() != cwd else ""
        return MSG_FIX.format(fix=f"trustpub {command_for_script(fix).name}{target}")
    if fix.startswith(("http://", "https://")):
        return MSG_FIX.format(fix=fix)
    return MSG_DOCS.format(page=f"docs/{fix}")


def use_colour(stream=None) -> bool:
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def output_width(stream=None) -> int:
    """The terminal's width when stdout is one, else 80 (a pipe, a file, a CI log)."""
    stream = stream or sys.stdout
    if getattr(stream, "isatty", lambda: False)():
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


def wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """`text` wrapped to `width` columns: `first` before the first line, `rest` (spaces) before the others.
    Long words (URLs, paths) are never broken: a line holding one may run past the width."""
    room = max(MIN_ROOM, width - len(rest))
    first_room = max(MIN_ROOM, width - len(first))
    words = text.split()
    if not words:
        return [first.rstrip()]
    lines: list[str] = []
    current, limit = "", first_room
    for word in words:
        if current and len(current) + 1 + len(word) > limit:
            lines.append(current)
            current, limit = word, room
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return [(first if i == 0 else rest) + line for i, line in enumerate(lines)]


def _collapse_manual(results) -> tuple[list, list]:
    """(the results shown one by one, the manual items folded into one line)."""
    manual = [r for r in results if r.group == "manual" and r.status == "manual"]
    return [r for r in results if r not in manual], manual


def render_table(results, subject, *, offline: bool, colour: bool, repo_root: Path | None = None,
                 width: int = 80, show_manual: bool = False, model=None, sources: dict | None = None
                 ) -> list[str]:
    from trustpub.checks import GROUPS, exit_code, summarize

    def paint(status: str, text: str) -> str:
        return f"\x1b[{_COLOURS[status]}m{text}\x1b[0m" if colour else text

    lines = []
    if model is not None:  # how the repository publishes comes first (trustpub.publishing)
        from trustpub.publishing import describe_model

        for described in describe_model(model):  # wrapped like every other line, under its own indent
            lead = described[:len(described) - len(described.lstrip())]
            lines += wrap(described, width, lead, lead + "  ")
        lines.append("")
    def shown(key: str) -> str:  # an assumed value is marked as one
        value = getattr(subject, key)
        return f"{value} (assumed)" if sources and sources.get(key) == SOURCE_ASSUMED else value

    lines += wrap(MSG_HEADER.format(project=subject.project, index=subject.index_name, slug=subject.slug,
                                    workflow=shown("workflow"), environment=shown("environment")), width, "", "  ")
    if sources:
        lines += wrap(MSG_SOURCES_HEAD, width, "", "  ")
        for key, source in sources.items():
            lines += wrap(MSG_SOURCE_LINE.format(key=key, value=getattr(subject, key), source=source).strip(),
                          width, "  ", "    ")
    if offline:
        lines.append(MSG_OFFLINE_NOTE)
    shown, folded = (list(results), []) if show_manual else _collapse_manual(results)
    ids = [r.id for r in shown] + ([_folded_ids(folded)] if folded else [])
    # Long ids (zizmor's TP301.<audit>) overrun their column on their own line rather than push every
    # evidence line to the right.
    id_width = max([len(i) for i in ids if len(i) <= MAX_ID_COLUMN] + [5])
    indent = " " * (2 + 6 + 2 + id_width + 2)
    group = None

    for r in shown:
        if r.group != group:
            group = r.group
            lines += ["", GROUPS[group]]
        # The head is as wide as the indent, so wrapping counts the colour codes as zero columns.
        plain_head = f"  {r.status.upper().ljust(6)}  {r.id.ljust(id_width)}  "
        titled = wrap(r.title, width, plain_head if len(plain_head) > len(indent) else indent, indent)
        head = f"  {paint(r.status, r.status.upper().ljust(6))}  {r.id.ljust(id_width)}  "
        lines.append(head + titled[0][max(len(plain_head), len(indent)):])
        lines.extend(titled[1:])
        lines.extend(wrap(r.evidence, width, indent, indent))
        if r.status in ("fail", "warn", "manual") and r.fix:
            lines.append(indent + fix_hint(r.fix, repo_root))  # one command or page: pasteable, never wrapped
    if folded:
        if group != "manual":
            lines += ["", GROUPS["manual"]]
        text = wrap(MSG_MANUAL_FOLDED.format(n=len(folded), page=f"docs/{MANUAL_PAGE}"), width, indent, indent)
        head = f"  {paint('manual', 'MANUAL')}  {_folded_ids(folded).ljust(id_width)}  "
        lines += [head + text[0][len(indent):], *text[1:]]
    counts = summarize(results)
    shown_counts = ", ".join(paint(s, f"{n} {s}") for s, n in counts.items())
    lines += ["", MSG_SUMMARY.format(counts=shown_counts, code=exit_code(results))]
    return lines


def _folded_ids(folded) -> str:
    """`TP9xx` for the manual group (the id column stays as narrow as the ids)."""
    return folded[0].id if len(folded) == 1 else folded[0].id[:3] + "xx"


def as_json(results, subject, *, repo, offline: bool, model=None, sources: dict | None = None) -> dict:
    from trustpub.checks import SCHEMA_ID, exit_code, summarize

    if model is None:
        from trustpub.publishing import read_repo

        model = read_repo(repo)
    return {
        "publishing": model.as_list(),
        "may_upload": [m.as_dict() for m in model.may_upload],
        "sources": dict(sources or {}),
        "schema": SCHEMA_ID,
        "repo": str(repo.root),
        "offline": offline,
        "subject": {"project": subject.project, "owner": subject.owner, "repository": subject.repository,
                    "workflow": subject.workflow, "environment": subject.environment,
                    "testpypi_workflow": subject.testpypi_workflow,
                    "testpypi_environment": subject.testpypi_environment, "index": subject.index,
                    "index_url": subject.index_url},
        "summary": {**summarize(results), "exit_code": exit_code(results)},
        "checks": [r.as_dict() for r in results],
    }


def list_checks() -> list[str]:
    from trustpub.checks import CHECKS

    return [f"{c.id}  {c.slug:<30} {c.title}" for c in CHECKS]


def output_format(args) -> str:
    return args.format or ("json" if args.json else "text")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.json and args.format not in (None, "json"):
        raise BadInput(MSG_FORMAT_CLASH.format(format=args.format))
    if args.list:
        for line in list_checks():
            out(line)
        return EXIT_OK
    if args.only is None or {"TP301", "zizmor"} & set(args.only):
        # zizmor is the slowest item: start it before the YAML parser is even imported.
        zizmor.prestart(Path(args.repo).expanduser())
    try:
        return run_checklist(args)
    finally:
        zizmor.discard()


def run_checklist(args) -> int:
    from trustpub.repo import Repo

    repo = Repo.open(args.repo)
    from trustpub.checks import exit_code, run_checks, select_checks

    select_checks(args.only)  # an unknown --only is bad usage before anything runs
    package = None
    if args.package:
        from trustpub.packages import select_package

        package = select_package(repo, args.package)
        if not args.project:
            if package.name is None:
                raise BadInput(MSG_PACKAGE_NO_NAME.format(path=args.package, why=package.name_source))
            args.project = package.name
    resolved = resolve_subject(repo, args)
    subject, sources = resolved.subject, resolved.sources
    if not repo.workflow_paths():
        raise BadInput(MSG_NO_WORKFLOWS.format(root=repo.root, path=subject.workflow_path))
    offline = args.offline or os.environ.get(OFFLINE_ENV, "") not in ("", "0")
    ctx: list = []
    results = run_checks(repo, subject, offline=offline, only=args.only, pypirc=args.pypirc, sources=sources,
                         strict=args.strict, context=ctx, package=package)
    model = ctx[0].model
    if output_format(args) == "json":
        out(json.dumps(as_json(results, subject, repo=repo, offline=offline, model=model, sources=sources),
                       indent=2, ensure_ascii=False))
    elif output_format(args) == "sarif":
        from trustpub import __version__
        from trustpub.sarif import to_sarif

        log = to_sarif(results, root=repo.root, workflow_path=subject.workflow_path, version=__version__,
                       fix_hint=lambda fix: fix_hint(fix, repo.root))
        out(json.dumps(log, indent=2, ensure_ascii=False))
    else:
        width = args.width if args.width and args.width > 0 else output_width()
        for line in render_table(results, subject, offline=offline, colour=use_colour(), repo_root=repo.root,
                                 width=width, show_manual=args.manual, model=model, sources=sources):
            out(line)
    return exit_code(results)


if __name__ == "__main__":  # python -m trustpub.commands.checklist
    run(main)
