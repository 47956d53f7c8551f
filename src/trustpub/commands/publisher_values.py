"""Print the exact values PyPI's "Add a new publisher" form needs, read from the repository.

The fix for "Trusted publishing exchange failure" / `invalid-publisher`: the
publisher registered on PyPI must name this repository's owner and name, the
file name of the workflow that uploads, and the environment of its publish job.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, replace
from typing import Any, Sequence

from trustpub.cli import detect_project_name, make_parser, out, resolve_subject, run
from trustpub.config import Subject
from trustpub.pypi import DEFAULT_TIMEOUT
from trustpub.releases import index_versions
from trustpub.repo import Repo, Workflow
from trustpub.publishing.model import PublishingModel
from trustpub.wfedit import has_upload, target_workflows, workflow_name

DESCRIPTION = """\
Read the publisher values from the repository (owner and repository of the git
remote origin, the file name of each workflow that runs
pypa/gh-action-pypi-publish, the environment of its publish job), once for PyPI
and once for TestPyPI when a workflow uploads there, and print them as PyPI's
"Add a new publisher" form (GitHub tab) asks for them, next to the configured
values (the options, else the site's mkdocs.yml `extra.tp`, else what is
detected); a differing value is marked `<-- differs`. Then the link: the
project's publishing settings, or the pending-publisher page when the project
is not on the index yet (`--pending`, or found out online unless `--offline`).

TP_OFFLINE=1 is the same as --offline. This script reads only; it never
changes a file (--dry-run and --yes are accepted for uniformity with the other
scripts and change nothing).

exit: 0 all values match, 1 a value differs, 2 bad input"""

MSG_HEADER = "{index} publisher (Add a new publisher > GitHub) for {workflow}:"
MSG_DIFFERS = "<-- differs"
MSG_LINK_EXISTING = "Enter them at {url}"
MSG_LINK_PENDING = "{project} is not on {index} yet: add a pending publisher at {url}"
MSG_LINK_UNKNOWN = ("Could not tell whether {project} is on {index} ({reason}): if it is, use {existing}; "
                    "if not, add a pending publisher at {pending}")
MSG_SOURCES = "Configured values from: {sources}"
MSG_SUMMARY_OK = "All values match the configured publisher."
MSG_SUMMARY_DIFF = ("{count} value(s) differ: change the publisher on {index_list} (or the workflow/remote) so "
                    "they are the same; PyPI rejects the token otherwise (invalid-publisher).")
MSG_NO_REMOTE = "(origin is not on GitHub)"
MSG_NO_ENV = "(none)"
MSG_UNKNOWN = "(unknown)"
MSG_NO_INDEX_WORKFLOW = "no workflow publishes to {index}"

OFFLINE_ENV = "TP_OFFLINE"  # TP_OFFLINE=1: same as --offline, like the other scripts
FIELDS = ("PyPI Project Name", "Owner", "Repository name", "Workflow name", "Environment name")


@dataclass
class Row:
    field: str
    derived: str
    configured: str

    @property
    def differs(self) -> bool:
        if self.derived == MSG_UNKNOWN:
            return False  # nothing to compare with (e.g. no [project].name)
        if self.field in ("Owner", "Repository name", "PyPI Project Name"):
            return self.derived.lower() != self.configured.lower()  # PyPI compares these case-insensitively
        return self.derived != self.configured


@dataclass
class Table:
    index: str                # "pypi" | "testpypi"
    workflow: Workflow
    rows: list[Row]

    @property
    def differences(self) -> int:
        return sum(r.differs for r in self.rows)


def environments(model: PublishingModel, register: str, index: str) -> str:
    names = [u.environment or MSG_NO_ENV for u in model.uploads if u.index == index and u.register == register]
    return ", ".join(dict.fromkeys(names)) or MSG_NO_ENV


def derive_tables(repo: Repo, subject: Subject, workflows: list[Workflow]) -> list[Table]:
    """One table per (index, workflow file PyPI must name), from the publishing model of `workflows`."""
    from trustpub.publishing import read_workflows

    model = read_workflows(repo.root, workflows)
    by_path = {wf.relpath: wf for wf in workflows}
    owner, repository = repo.github or (MSG_NO_REMOTE, MSG_NO_REMOTE)
    project = detect_project_name(repo.root) or MSG_UNKNOWN
    tables = []
    for index in ("pypi", "testpypi"):
        uploads = [u for u in model.uploads if u.index == index]
        registers = list(dict.fromkeys((u.register, u.workflow) for u in uploads))
        configured = dict(subject.publisher_form(index))
        # Prefer the workflow the publisher names; when none is that one, show each that uploads.
        named = [r for r in registers if r[0] == configured["Workflow name"]]
        for register, relpath in named or registers:
            derived = dict(zip(FIELDS, (project, owner, repository, register, environments(model, register, index))))
            tables.append(Table(index, by_path[relpath], [Row(f, derived[f], configured[f]) for f in FIELDS]))
    return tables


def render_table(table: Table, subject: Subject) -> list[str]:
    index_name = subject.for_index(table.index).index_name
    head = ("Field", "From the repository", "Configured")
    body = [(r.field, r.derived, r.configured, MSG_DIFFERS if r.differs else "") for r in table.rows]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(3)]
    lines = [MSG_HEADER.format(index=index_name, workflow=table.workflow.relpath)]
    fmt = "  {0:<%d}  {1:<%d}  {2:<%d}  {3}" % tuple(widths)
    lines.append(fmt.format(*head, "").rstrip())
    lines.append(fmt.format(*("-" * w for w in widths), "").rstrip())
    lines += [fmt.format(*row).rstrip() for row in body]
    return lines


def project_exists(subject: Subject, transport: Any = None) -> tuple[bool | None, str]:
    """(True/False, "") when the index answered, (None, reason) when it did not (or not with a project)."""
    found = index_versions(subject, subject.index, transport=transport, timeout=DEFAULT_TIMEOUT)
    if found.error:
        return None, found.error
    return found.exists, ""


def link_line(subject: Subject, pending: bool, offline: bool, transport: Any = None) -> str:
    if pending:
        return MSG_LINK_PENDING.format(project=subject.project, index=subject.index_name,
                                       url=subject.pending_publisher_url)
    if offline:
        return MSG_LINK_EXISTING.format(url=subject.publishing_url)
    exists, reason = project_exists(subject, transport)
    if exists is None:
        return MSG_LINK_UNKNOWN.format(project=subject.project, index=subject.index_name, reason=reason,
                                       existing=subject.publishing_url, pending=subject.pending_publisher_url)
    if exists:
        return MSG_LINK_EXISTING.format(url=subject.publishing_url)
    return MSG_LINK_PENDING.format(project=subject.project, index=subject.index_name,
                                   url=subject.pending_publisher_url)


def configured_subject(repo: Repo, args: argparse.Namespace) -> tuple[Subject, dict[str, str]]:
    resolved = resolve_subject(repo, args)
    subject, sources = resolved.subject, dict(resolved.sources)
    for key in ("testpypi_environment", "testpypi_workflow"):
        given = getattr(args, key, None)
        if given:
            subject = replace(subject, **{key: workflow_name(given) if key.endswith("workflow") else given})
            sources[key] = "--" + key.replace("_", "-")
    if args.workflow:
        subject = replace(subject, workflow=workflow_name(args.workflow))
    return subject, sources


def main(argv: Sequence[str] | None = None, *, transport: Any = None) -> int:
    parser = make_parser("publisher_values.py", DESCRIPTION, edits=False)
    # Accepted like every script's, but there is never anything to change.
    parser.add_argument("--dry-run", action="store_true", help="accepted for uniformity; nothing is ever changed")
    parser.add_argument("--yes", "-y", action="store_true", help="accepted for uniformity; nothing is ever changed")
    parser.add_argument("--pending", action="store_true",
                        help="the project is not on the index yet: link the pending-publisher page")
    parser.add_argument("--offline", action="store_true",
                        help="do not ask the index whether the project exists (link its publishing settings)")
    args = parser.parse_args(argv)
    offline = args.offline or os.environ.get(OFFLINE_ENV, "") not in ("", "0")
    repo = Repo.open(args.repo)
    subject, sources = configured_subject(repo, args)
    workflows = target_workflows(repo, None, has_upload)
    tables = derive_tables(repo, subject, workflows)
    differing = 0
    indexes = []
    for table in tables:
        sub = subject.for_index(table.index)
        for line in render_table(table, subject):
            out(line)
        out(link_line(sub, args.pending, offline, transport))
        out()
        differing += table.differences
        if table.differences and sub.index_name not in indexes:
            indexes.append(sub.index_name)
    used = sorted(set(sources.values()))
    out(MSG_SOURCES.format(sources=", ".join(used)))
    if differing:
        out(MSG_SUMMARY_DIFF.format(count=differing, index_list=" and ".join(indexes)))
        return 1
    out(MSG_SUMMARY_OK)
    return 0


if __name__ == "__main__":  # python -m trustpub.commands.publisher_values
    run(main)
