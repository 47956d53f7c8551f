"""Diagnose a failed Trusted Publishing release from its log.

Reads a GitHub Actions log (a file, or stdin with no file or `-`), recognises the
real error messages of pypa/gh-action-pypi-publish, PyPI's token exchange,
`uv publish`, twine/the upload endpoint and GitHub Actions, and prints each
case's cause and the script that fixes it.

When the log carries the OIDC token's claims (the action's bullet list under a
refused exchange, or uv's `OidcTokenClaims { … }` / `GitHubTokenClaims { … }`),
it derives the exact publisher values PyPI must have (owner, repository,
workflow file name, environment; PyPI or TestPyPI from every clue in the log)
and shows them next to the values configured for this repository, marking each
difference. When the log does not say which index it uploaded to, both indexes'
pages are given, labelled.

Changes nothing (--dry-run and --yes are accepted like in every script).
Exit: 0 something recognised, 1 nothing recognised, 2 bad input (unreadable or empty log).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Sequence

from trustpub.cli import info, make_parser, out, resolve_subject, run
from trustpub.config import INDEXES
from trustpub.diagnose import (INDEX_LABELS, PYPI_TROUBLESHOOTING_URL, TROUBLESHOOTING_PAGE_URL,
                               Diagnosis, Row, compare, diagnose, guide_url, report)
from trustpub.errors import BadInput
from trustpub.repo import Repo, read_text

MAX_LOG_BYTES = 64 * 1024 * 1024
MSG_NO_INPUT = "no log given: pass LOGFILE, or pipe the log on stdin (use - for stdin)"
MSG_EMPTY = "{source}: the log is empty"
MSG_TOO_BIG = "{source}: larger than {limit} MB; pass the failed job's log only"
MSG_NOTHING = ("{source}: no known Trusted Publishing error found. Read the troubleshooting page ("
               + TROUBLESHOOTING_PAGE_URL + ") and PyPI's (" + PYPI_TROUBLESHOOTING_URL + "), or run "
               "`trustpub check --repo PATH` to check the repository")
MSG_NOTHING_VERBOSE = ("{source}: the publish action's log shows no reason from the index: set `verbose: true` on the "
                       "publish step "
                       "(and `print-hash: true` to see the files sent), re-run, and diagnose that log")
MSG_RECOGNISED = "{source}: recognised {count} case(s)"
MSG_NO_CONFIG = "(no configured values to compare: {why})"
MSG_ENV_NOTE = ("Environment name: when it is set on the index, the job must declare exactly that "
                "`environment:`; leave it blank on the index to accept any")
MSG_REGISTER = "Register or correct the publisher at {url} (project exists) or {pending} (pending publisher)"
MSG_REGISTER_EITHER = "{label}: {url} (project exists) or {pending} (pending publisher)"
MSG_REGISTER_NO_PROJECT = ("{label}: {base}/manage/projects/ (the project, then Publishing) or "
                           "{base}/manage/account/publishing/ (pending publisher)")
MSG_INDEX_UNKNOWN = ("the log does not say which index it uploaded to (no upload URL, `repository-url` or index "
                     "link in it); the publisher must be on that one")
MSG_INDEX_FROM_LOG = "{name} (the log says: {evidence})"
MSG_PUBLISHER_ON = "Where to register the publisher: {where}:"
MSG_LOCAL = "(the log looks like a local run, not CI: advice for your own machine)"
MISSING_VALUE = "(none)"
DIFFERS = "<- differs"
MSG_CONFIG_SOURCE = "Configured values from: {source}"


def build_parser():
    parser = make_parser("diagnose.py", __doc__, edits=True, subject=True)
    parser.set_defaults(repo=None)
    parser.add_argument("logfile", nargs="?", metavar="LOGFILE", help="the log to read (default/-: stdin)")
    parser.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    return parser


def read_log(logfile: str | None) -> tuple[str, str]:
    if logfile and logfile != "-":
        path = Path(logfile)
        if path.is_file() and path.stat().st_size > MAX_LOG_BYTES:
            raise BadInput(MSG_TOO_BIG.format(source=logfile, limit=MAX_LOG_BYTES // 2**20))
        text, source = read_text(path, logfile), logfile
    else:
        if logfile is None and (sys.stdin is None or sys.stdin.isatty()):
            raise BadInput(MSG_NO_INPUT)
        raw = sys.stdin.buffer.read(MAX_LOG_BYTES + 1)
        if len(raw) > MAX_LOG_BYTES:
            raise BadInput(MSG_TOO_BIG.format(source="stdin", limit=MAX_LOG_BYTES // 2**20))
        if b"\0" in raw:
            raise BadInput("stdin: binary data, expected a text log")
        text, source = raw.decode("utf-8", errors="replace"), "stdin"
    if not text.strip():
        raise BadInput(MSG_EMPTY.format(source=source))
    return text, source


def configured_subject(args):
    """(subject, where its values come from) or (None, why not)."""
    explicit = args.repo is not None
    try:
        repo = Repo.open(args.repo or ".")
        resolved = resolve_subject(repo, args)
    except BadInput as exc:
        if explicit:
            raise
        return None, str(exc)
    sources = sorted(set(resolved.sources[k] for k in ("owner", "repository", "workflow", "environment")
                         if k in resolved.sources))
    return resolved.subject, ", ".join(sources)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    text, source = read_log(args.logfile)
    result = diagnose(text)
    subject, config_source = None, None
    if result.publisher:
        subject, config_source = configured_subject(args)
    elif result.wants_registration:
        # Only for the links' project name: a --repo that cannot say it is no reason to fail the diagnosis.
        try:
            subject, config_source = configured_subject(args)
        except BadInput as exc:
            config_source = str(exc)
    rows: list[Row] | None = None
    index = result.index
    if result.publisher:
        # Compare with the configuration of the log's index; without one, the configured index (links: both).
        configured = subject.publisher_form(index or subject.index) if subject else None
        rows = compare(result.publisher, configured)
    if args.json:
        out(json.dumps(report(result, source, rows, subject, config_source, index), indent=2, ensure_ascii=False))
    else:
        print_text(result, source, rows, subject, config_source, index, text)
    return 0 if result.recognised else 1


def print_register_links(subject, index: str | None) -> None:
    """Where to register the publisher: on the log's index, or both indexes labelled when it names none."""
    names = [index] if index else list(INDEX_LABELS)
    for name in names:
        if subject is None:  # no project to name: the index's own pages
            out("  " + MSG_REGISTER_NO_PROJECT.format(label=INDEX_LABELS[name], base=INDEXES[name]))
            continue
        target = subject.for_index(name)
        if index:
            out("  " + MSG_REGISTER.format(url=target.publishing_url, pending=target.pending_publisher_url))
        else:
            out("  " + MSG_REGISTER_EITHER.format(label=INDEX_LABELS[name], url=target.publishing_url,
                                                   pending=target.pending_publisher_url))


def plain(text: str) -> str:
    """Markdown emphasis off for the terminal (the table's texts are also the docs' texts)."""
    return text.replace("**", "")


# The action's container never started (no image, no Docker, its setup script failed): no upload, no reason to
# show. Not the setup step's name alone (`Run # Create Docker container action`): every run since v1.12 prints it.
_NO_UPLOAD_RE = re.compile(r"docker: command not found|docker: Error response from daemon|manifest unknown"
                           r"|Unable to find image|create-docker-action\.py'?:? \[Errno", re.IGNORECASE)


def verbose_hint_applies(text: str) -> bool:
    """The publish action's log with no reason from the index in it: its `verbose: true` shows the reason."""
    return "gh-action-pypi-publish" in text and "HTTPError:" not in text and not _NO_UPLOAD_RE.search(text)


def print_text(result: Diagnosis, source: str, rows, subject, config_source, index, text: str = "") -> None:
    if not result.recognised:
        info(MSG_NOTHING.format(source=source))
        if verbose_hint_applies(text):
            info(MSG_NOTHING_VERBOSE.format(source=source))
        return
    shown = result.shown
    info(MSG_RECOGNISED.format(source=source, count=len(shown)))
    if result.place == "local":
        out(MSG_LOCAL)
    for m in shown:
        fix, command = result.advice(m)
        out(f"[{m.id}] {m.title}" + (f"  (printed by {m.source})" if m.source else ""))
        out(f"  cause:  {plain(m.cause)}")
        out(f"  fix:    {plain(fix)}")
        if command:
            out(f"  run:    trustpub {command} --repo PATH")
        if result.place is None and m.local_fix:
            out(f"  on your own machine instead: {plain(m.local_fix)}")
            if m.local_command:
                out(f"  run:    trustpub {m.local_command}")
        if m.section or not command:
            out(f"  read:   {guide_url(m.read_at)}")
        out()
    index_name = INDEX_LABELS.get(index or "")
    where = MSG_INDEX_FROM_LOG.format(name=index_name, evidence=result.index_evidence) if index_name \
        else MSG_INDEX_UNKNOWN
    pub = result.publisher
    if pub is None:
        if result.wants_registration:
            out(MSG_PUBLISHER_ON.format(where=where))
            print_register_links(subject, index)
        return
    out(f"Publisher values from the token's claims ({result.claims_format} format), {where}:")
    # Where the configured values come from goes on a line of its own: in the header it would set the
    # column's width and push the "<- differs" marker out of a narrow terminal or page.
    if subject:
        out("  " + MSG_CONFIG_SOURCE.format(source=config_source))
    header = ("Field", f"{index_name or 'The index'} must have", "Configured")
    table = [(r.field, r.required or MISSING_VALUE, r.configured if r.configured is not None else "-",
              DIFFERS if r.differs else "") for r in rows]
    widths = [max(len(header[i]), *(len(t[i]) for t in table)) for i in range(3)]
    out("  " + "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
    for t in table:
        out(("  " + "  ".join(c.ljust(w) for c, w in zip(t[:3], widths)) + ("  " + t[3] if t[3] else "")).rstrip())
    if pub.ref:
        out(f"  (token issued for {pub.ref})")
    for note in pub.notes:
        out(f"  note: {plain(note)}")
    if any(r.differs and r.field == "Environment name" for r in rows):
        out(f"  note: {MSG_ENV_NOTE}")
    if subject is None:
        out("  " + MSG_NO_CONFIG.format(why=config_source))
    print_register_links(subject, index)


if __name__ == "__main__":  # python -m trustpub.commands.diagnose
    run(main)
