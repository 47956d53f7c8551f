"""Try the setup with a test tag (Step 4): create it, push it, watch for the upload, clean up.

    trustpub push-test-tag                # tag v<version>-test<N> at HEAD, push it
    trustpub push-test-tag --wait 600     # ...and wait until the version is on the index
    trustpub push-test-tag --cleanup      # delete the test tags locally and on origin

The default tag is `v<version>-test<N>`: <version> is the static version in
pyproject.toml (what the build produces and what gets uploaded), N one higher
than the test tags so far. `--tag NAME` picks the name (needed when the version
is dynamic). Before pushing it says which workflow the tag starts and where that
uploads (the guide's testpypi.yml sends `-test*` tags to TestPyPI), and refuses
when no workflow runs on the tag, or when that version is already on the index
(the run would fail with "File already exists"; --offline skips this check).

Asks before pushing or deleting (--yes skips; with no terminal nothing is done).
Running it again when HEAD already carries a pushed test tag of this version
does nothing (and still waits with --wait).

Exit: 0 pushed, seen on the index, cleaned or nothing to do; 1 refused, not
applied, or not on the index within --wait; 2 bad input.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from typing import Sequence

from trustpub.cli import info, make_parser, out, resolve_subject, run
from trustpub.edit import may_proceed
from trustpub.errors import BadInput, CannotFix
from trustpub.pyproject import build_version, read_pyproject
from trustpub.releases import index_versions
from trustpub.repo import Repo
from trustpub.tags import git_must, origin_tags, is_test_tag, next_test_tag, workflows_for_tag

PUSH_TIMEOUT = 120.0       # seconds for one git push
DEFAULT_POLL = 15.0        # seconds between two looks at the index while waiting
REQUEST_TIMEOUT = 10.0     # seconds for one look
OFFLINE_ENV = "TP_OFFLINE"
TAG_MESSAGE = "Test trusted publishing ({version})"

MSG_NO_VERSION = ("pyproject.toml: the version is {kind} ({detail}); pass --tag NAME "
                  "(e.g. v1.2.3.dev1, which a tag-based version turns into 1.2.3.dev1)")
MSG_NO_PYPROJECT = "{path}: no such file; pass --tag NAME to name the test tag yourself"
MSG_BAD_TAG = "{tag!r} is not a valid tag name (git check-ref-format)"
MSG_TAG_ELSEWHERE = "tag {tag} already exists at {commit} (not HEAD); pick another --tag"
MSG_TAG_ON_REMOTE = "tag {tag} already exists on origin but not here; pick another --tag (or fetch it)"
MSG_NO_ORIGIN = "no `origin` remote to push the tag to"
MSG_NO_WORKFLOW = ("no workflow in .github/workflows runs on tag {tag}: pushing it would test nothing "
                   "(the guide's testpypi.yml runs on v*-test* tags)")
MSG_STARTS = "tag {tag} starts {workflow}, which uploads to {indexes}"
MSG_STARTS_NO_UPLOAD = "tag {tag} starts {workflow}, which has no publish step"
MSG_REAL_PYPI = ("warning: {workflow} publishes to PyPI, so this test tag releases {version} on PyPI for real; "
                 "narrow its trigger (trustpub fix-tag-overlap) to test on TestPyPI only")
MSG_ALREADY_ON_INDEX = ("{version} is already on {index}: the run would fail with 'File already exists'; "
                        "set a new version first (e.g. {suggestion})")
MSG_INDEX_UNKNOWN = "could not ask {index} whether {version} is there ({why}); going on"
MSG_OFFLINE = "offline: not checking whether {version} is already on the index"
MSG_PUBLISHES = "the run uploads version {version} (from {source})"
MSG_PLAN = "plan: create annotated tag {tag} at HEAD ({commit}) and push it to origin"
MSG_PLAN_PUSH = "plan: push the existing tag {tag} (at HEAD) to origin"
MSG_NOTHING = "nothing to do: {tag} is at HEAD and on origin"
MSG_PUSHED = "pushed {tag}"
MSG_WATCH = "watch the run: {url}"
MSG_CLEANUP_HINT = "when done: trustpub push-test-tag --cleanup"
MSG_PUSH_FAILED = "git push failed"
MSG_WAITING = "waiting up to {seconds:g}s for {version} on {index} ({url})"
MSG_SEEN = "{version} is on {index}: {url}"
MSG_NOT_SEEN = ("{version} is not on {index} after {seconds:g}s; look at the run ({url}) and, if it failed, "
                "run `trustpub diagnose` on its log")
MSG_CANNOT_WAIT = "--wait needs to know the version that is uploaded; the tag {tag} does not name one"
MSG_CLEAN_NOTHING = "nothing to do: no test tags locally{remote}"
MSG_CLEAN_PLAN = "plan: delete {where}"
MSG_CLEANED = "deleted {where}"
MSG_BAD_WAIT = "--wait SECONDS must be 0 or more"
MSG_BAD_POLL = "--poll SECONDS must be more than 0"


def build_parser():
    parser = make_parser("push_test_tag.py", __doc__)
    parser.add_argument("--tag", metavar="NAME", help="the test tag (default: v<version>-test<N>)")
    parser.add_argument("--wait", metavar="SECONDS", type=float,
                        help="after pushing, wait up to SECONDS until the version is on the index")
    parser.add_argument("--poll", metavar="SECONDS", type=float, default=DEFAULT_POLL,
                        help=f"seconds between two looks at the index while waiting (default: {DEFAULT_POLL:g})")
    parser.add_argument("--cleanup", action="store_true",
                        help="delete the test tags (or --tag) locally and on origin instead")
    parser.add_argument("--offline", action="store_true",
                        help=f"do not ask the index before pushing (also: {OFFLINE_ENV}=1)")
    return parser


def ask(args, question: str) -> int | None:
    """None to go on; an exit code to stop with."""
    return may_proceed(question, yes=args.yes, dry_run=args.dry_run)


def check_tag_name(repo: Repo, tag: str) -> None:
    if repo.git("check-ref-format", f"refs/tags/{tag}", check=False).returncode != 0 or tag.startswith("-"):
        raise BadInput(MSG_BAD_TAG.format(tag=tag))


def git_push(repo: Repo, *refspecs: str) -> None:
    git_must(repo, MSG_PUSH_FAILED, "push", "origin", *refspecs, timeout=PUSH_TIMEOUT)


def uploaded_version(repo: Repo, tag: str | None) -> tuple[str | None, str]:
    """(the version the run uploads, where that comes from); raises when no tag can be named."""
    from packaging.version import InvalidVersion, Version

    pp = repo.path("pyproject.toml")
    if not pp.is_file():
        if tag is None:
            raise BadInput(MSG_NO_PYPROJECT.format(path=pp))
        built = None
    else:
        built = build_version(read_pyproject(pp))
    if built is not None and built.kind == "static":
        return built.version, "pyproject.toml"
    if tag is None:
        raise BadInput(MSG_NO_VERSION.format(kind=built.kind, detail=built.detail or "no static version"))
    if built is not None and built.kind == "from-tags":
        try:
            return str(Version(tag[1:] if tag[:1] in "vV" else tag)), f"the tag ({built.detail})"
        except InvalidVersion:
            return None, "the tag (not a PEP 440 version)"
    return None, "unknown"


def cleanup(args, repo: Repo) -> int:
    local = [t.name for t in repo.tags if (t.name == args.tag if args.tag else is_test_tag(t.name))]
    has_origin = "origin" in repo.remotes
    remote = [t for t in (origin_tags(repo) if has_origin else [])
              if (t == args.tag if args.tag else is_test_tag(t))]
    if not local and not remote:
        info(MSG_CLEAN_NOTHING.format(remote=" or on origin" if has_origin else " (no origin remote)"))
        return 0
    where = "; ".join(([f"locally: {', '.join(local)}"] if local else [])
                      + ([f"on origin: {', '.join(remote)}"] if remote else []))
    out(MSG_CLEAN_PLAN.format(where=where))
    stop = ask(args, "Delete these tags?")
    if stop is not None:
        return stop
    if remote:
        git_push(repo, *[f":refs/tags/{t}" for t in remote])
    for t in local:
        git_must(repo, f"could not delete the local tag {t}", "tag", "-d", t)
    repo.invalidate()
    out(MSG_CLEANED.format(where=where))
    return 0


def wait_for(subject, indexes: list[str], version: str, seconds: float, poll: float, runs_url: str,
             transport=None) -> int:
    deadline = time.monotonic() + seconds
    targets = [subject.for_index(i) for i in indexes]
    for t in targets:
        info(MSG_WAITING.format(seconds=seconds, version=version, index=t.index_name, url=t.json_url))
    pending = list(indexes)
    while True:
        for index in list(pending):
            remaining = deadline - time.monotonic()
            found = index_versions(subject, index, transport=transport,
                                   timeout=max(0.5, min(REQUEST_TIMEOUT, remaining)))
            if found.has(version):
                out(MSG_SEEN.format(version=version, index=found.index_name,
                                    url=subject.for_index(index).release_url(version)))
                pending.remove(index)
        if not pending:
            return 0
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            for index in pending:
                info(MSG_NOT_SEEN.format(version=version, index=subject.for_index(index).index_name,
                                         seconds=seconds, url=runs_url))
            return 1
        time.sleep(max(0.05, min(poll, remaining)))


def main(argv: Sequence[str] | None = None, *, transport=None) -> int:
    args = build_parser().parse_args(argv)
    if args.wait is not None and args.wait < 0:
        raise BadInput(MSG_BAD_WAIT)
    if args.poll <= 0:
        raise BadInput(MSG_BAD_POLL)
    repo = Repo.open(args.repo)
    if args.tag:
        check_tag_name(repo, args.tag)
    if "origin" not in repo.remotes:
        raise CannotFix(MSG_NO_ORIGIN)
    if args.cleanup:
        return cleanup(args, repo)

    subject = resolve_subject(repo, args).subject
    version, source = uploaded_version(repo, args.tag)
    head = repo.head
    local = {t.name: t.commit for t in repo.tags}
    remote = set(origin_tags(repo))

    # Reuse a test tag of this version already at HEAD (a second run), else pick the next one.
    tag = args.tag
    if tag is None:
        at_head = sorted(n for n, c in local.items() if c == head and n.startswith(f"v{version}-test"))
        tag = at_head[-1] if at_head else next_test_tag(version, list(local) + sorted(remote))
    if tag in local and local[tag] != head:
        raise CannotFix(MSG_TAG_ELSEWHERE.format(tag=tag, commit=local[tag][:12]))
    if tag not in local and tag in remote:
        raise CannotFix(MSG_TAG_ON_REMOTE.format(tag=tag))

    workflows = workflows_for_tag(repo, tag)
    if not workflows:
        raise CannotFix(MSG_NO_WORKFLOW.format(tag=tag))
    indexes: list[str] = []
    for w in workflows:
        if w.indexes:
            names = " and ".join(subject.for_index(i).index_name for i in w.indexes)
            info(MSG_STARTS.format(tag=tag, workflow=w.filename, indexes=names))
        else:
            info(MSG_STARTS_NO_UPLOAD.format(tag=tag, workflow=w.filename))
        indexes += [i for i in w.indexes if i not in indexes]
        if "pypi" in w.indexes:
            info(MSG_REAL_PYPI.format(workflow=w.filename, version=version or "the built version"))
    if version:
        info(MSG_PUBLISHES.format(version=version, source=source))
    runs_url = " and ".join(replace(subject, workflow=w.filename).workflow_runs_url for w in workflows)
    if args.wait is not None and not version:
        raise BadInput(MSG_CANNOT_WAIT.format(tag=tag))

    pushed_already = tag in local and tag in remote
    if pushed_already:
        info(MSG_NOTHING.format(tag=tag))
    else:
        offline = args.offline or os.environ.get(OFFLINE_ENV) == "1"
        if version and offline:
            info(MSG_OFFLINE.format(version=version))
        elif version:
            for index in indexes:
                found = index_versions(subject, index, transport=transport, timeout=REQUEST_TIMEOUT)
                if found.error:
                    info(MSG_INDEX_UNKNOWN.format(index=found.index_name, version=version, why=found.error))
                elif found.has(version):
                    raise CannotFix(MSG_ALREADY_ON_INDEX.format(version=version, index=found.index_name,
                                                                suggestion=f"{version}.post1 or the next patch"))
        out(MSG_PLAN_PUSH.format(tag=tag) if tag in local else MSG_PLAN.format(tag=tag, commit=(head or "")[:12]))
        stop = ask(args, f"Push {tag} to origin?")
        if stop is not None:
            return stop
        if tag not in local:
            git_must(repo, f"could not create the tag {tag}", "tag", "-a", tag, "-m",
                     TAG_MESSAGE.format(version=version or tag))
            repo.invalidate()
        git_push(repo, f"refs/tags/{tag}")
        out(MSG_PUSHED.format(tag=tag))
    out(MSG_WATCH.format(url=runs_url))
    if args.wait is not None and indexes:
        code = wait_for(subject, indexes, version, args.wait, args.poll, runs_url, transport)
        if code:
            return code
    info(MSG_CLEANUP_HINT)
    return 0


if __name__ == "__main__":  # python -m trustpub.commands.push_test_tag
    run(main)
