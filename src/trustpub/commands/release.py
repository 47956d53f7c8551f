"""Release a version: set it, move the changelog, commit, tag, push.

    trustpub release 1.4.0

1. Sets `[project].version` (or `[tool.poetry].version`) in pyproject.toml with
   tomlkit (formatting and comments kept). A version derived from git tags
   (setuptools-scm, hatch-vcs, …) is recognised and left alone: the tag sets it.
2. Moves CHANGELOG.md's `## [Unreleased]` entries under `## [VERSION] - DATE`
   (Keep a Changelog), keeps an empty Unreleased heading, updates the compare links.
3. Commits `chore(release): vVERSION`, creates the annotated tag `vVERSION`, and
   pushes the branch and the tag together (`git push --atomic`), which starts the
   release workflow.

Refuses, saying why, when: VERSION is not a valid PEP 440 version (or not in its
normalised form); the working tree has uncommitted changes; the tag exists
locally or on origin; the version is not newer than the latest on PyPI (asked
over the network; --offline skips this with a notice); the tag would not match
the version the build produces (a dynamic version not taken from tags); or no
workflow in .github/workflows runs on the tag.

Shows the diffs and the plan first; asks unless --yes (with no terminal: does
nothing). --dry-run shows everything and changes nothing. Run again after a
failed push: it resumes (pushes what is missing); after a finished release it
says there is nothing to do.

Exit: 0 released, resumed or nothing to do; 1 refused or not applied; 2 bad input.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import replace
from typing import Sequence

from packaging.version import InvalidVersion, Version

from trustpub.changelog import CHANGELOG, release_changelog
from trustpub.cli import info, make_parser, out, resolve_subject, run
from trustpub.edit import Edit, may_proceed, read_exact, unified_diff, write_atomic
from trustpub.errors import BadInput, CannotFix
from trustpub.pyproject import build_version, parse_pyproject
from trustpub.releases import index_versions
from trustpub.repo import Repo
from trustpub.tags import git_must, origin_tags, workflows_for_tag

PYPROJECT = "pyproject.toml"
COMMIT_MESSAGE = "chore(release): {tag}"
TAG_MESSAGE = "Release {tag}"
PUSH_TIMEOUT = 120.0   # seconds for the push
INDEX_TIMEOUT = 10.0   # seconds for asking the index for its latest version
OFFLINE_ENV = "TP_OFFLINE"

MSG_BAD_VERSION = "{version!r} is not a valid version (PEP 440), e.g. 1.4.0, 1.4.0rc1, 1.4.0.post1"
MSG_NOT_NORMALISED = ("{version!r} is a valid version, but builds name their files {normal!r}: "
                      "release {normal} so tag and files agree")
MSG_DIRTY = "the working tree has uncommitted changes; commit or stash them first (git status)"
MSG_DETACHED = "HEAD is detached; check out the branch to release from"
MSG_NO_ORIGIN = "no `origin` remote to push the release to"
MSG_TAG_ELSEWHERE = "tag {tag} already exists locally at {commit} (not HEAD); pick a new version"
MSG_TAG_REMOTE = "tag {tag} already exists on origin; pick a new version"
MSG_NO_PYPROJECT = "{path}: no such file; a release needs pyproject.toml"
MSG_DYNAMIC = ("pyproject.toml: the version is dynamic but not taken from git tags ({detail}); the tag {tag} "
               "could not be checked against what the build produces: set it there, or use a static version")
MSG_MISSING = "pyproject.toml: no [project].version and no tag-based dynamic version; the build has no version to match {tag}"
MSG_MISMATCH = "tag {tag} would not match the version the build produces ({built})"
MSG_FROM_TAGS = "pyproject.toml: the version comes from git tags ({tool}); the tag {tag} sets it, nothing to edit"
MSG_NO_WORKFLOW = ("no workflow in .github/workflows runs on tag {tag}: nothing would publish it "
                   "(see trustpub fix-tag-overlap and the release workflow)")
MSG_TRIGGERS = "tag {tag} starts {workflows}"
MSG_NOT_NEWER = "{version} is not newer than {latest}, the latest on {index}; pick a higher version"
MSG_INDEX_NEW = "{index}: {project} has no releases yet (the first trusted upload needs a pending publisher)"
MSG_INDEX_LATEST = "{index}: latest is {latest}; {version} is newer"
MSG_INDEX_FAILED = "could not ask {index} for the latest version of {project} ({why}); re-run, or pass --offline to skip this check"
MSG_OFFLINE = "offline: not checking that {version} is newer than the latest on the index"
MSG_PLAN = "plan: commit {files}; tag {tag} (annotated); push {branch} and {tag} to origin together"
MSG_PLAN_TAG_ONLY = "plan: tag {tag} (annotated) on HEAD; push {branch} and {tag} to origin together"
MSG_RESUME = "tag {tag} is already at HEAD but not everything is on origin: pushing {what}"
MSG_DONE_ALREADY = "nothing to do: {tag} is released from HEAD and on origin"
MSG_PUSH_FAILED = "push failed; the commit and tag are local"
MSG_RELEASED = "released {tag}: pushed {branch} and {tag}; the workflow runs at {url}"
MSG_NO_CHANGELOG = "no {name}: nothing to move"
MSG_BAD_DATE = "--date {value!r} is not a date in the form YYYY-MM-DD"


def build_parser():
    parser = make_parser("release.py", __doc__)
    parser.add_argument("version", metavar="VERSION", help="the version to release, e.g. 1.4.0 (a leading v is accepted)")
    parser.add_argument("--offline", action="store_true",
                        help=f"do not ask the index for its latest version (also: {OFFLINE_ENV}=1)")
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="the date for the changelog heading (default: today, UTC)")
    return parser


def parse_version(raw: str) -> str:
    text = raw.strip()
    bare = text[1:] if text[:1] in "vV" else text
    try:
        normal = str(Version(bare))
    except InvalidVersion:
        raise BadInput(MSG_BAD_VERSION.format(version=raw)) from None
    if normal != bare:
        raise BadInput(MSG_NOT_NORMALISED.format(version=raw, normal=normal))
    return normal


def parse_date(raw: str | None) -> str:
    if raw is None:
        return datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    try:
        return datetime.date.fromisoformat(raw).isoformat()
    except ValueError:
        raise BadInput(MSG_BAD_DATE.format(value=raw)) from None


def same_version(a: str | None, b: str) -> bool:
    """Equal as PEP 440 versions (1.3.0-rc1 is 1.3.0rc1); an unparseable one equals only itself."""
    if a is None:
        return False
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def set_pyproject_version(text: str, version: str, where: str) -> str:
    import tomlkit

    doc = tomlkit.parse(text)
    if where == "[tool.poetry].version":
        doc["tool"]["poetry"]["version"] = version
    else:
        doc["project"]["version"] = version
    return tomlkit.dumps(doc)


def triggered_workflows(repo: Repo, tag: str) -> list[tuple[str, list[str]]]:
    """(workflow file, indexes it publishes to) for each workflow the tag push starts."""
    return [(w.filename, list(w.indexes)) for w in workflows_for_tag(repo, tag)]


def check_newer(subject, version: str, indexes: list[str], transport=None) -> None:
    for index in indexes:
        found = index_versions(subject, index, transport=transport, timeout=INDEX_TIMEOUT)
        if found.error:
            raise CannotFix(MSG_INDEX_FAILED.format(index=found.index_name, project=subject.project, why=found.error))
        if found.latest is None:
            info(MSG_INDEX_NEW.format(index=found.index_name, project=subject.project))
        elif Version(version) <= found.latest:
            raise CannotFix(MSG_NOT_NEWER.format(version=version, latest=found.latest, index=found.index_name))
        else:
            info(MSG_INDEX_LATEST.format(index=found.index_name, latest=found.latest, version=version))


def remote_branch_sha(repo: Repo, branch: str) -> str | None:
    res = repo.git("ls-remote", "--heads", "origin", f"refs/heads/{branch}", check=False)
    line = res.stdout.strip().splitlines()
    return line[0].split()[0] if res.returncode == 0 and line else None


def push(repo: Repo, branch: str, tag: str) -> None:
    git_must(repo, MSG_PUSH_FAILED, "push", "--atomic", "origin", f"HEAD:refs/heads/{branch}", f"refs/tags/{tag}",
             timeout=PUSH_TIMEOUT)


def ask(args, question: str) -> int | None:
    """None to go on; an exit code to stop with."""
    return may_proceed(question, yes=args.yes, dry_run=args.dry_run)


def main(argv: Sequence[str] | None = None, *, transport=None) -> int:
    args = build_parser().parse_args(argv)
    version = parse_version(args.version)
    date = parse_date(args.date)
    tag = f"v{version}"
    repo = Repo.open(args.repo)
    pp_path = repo.path(PYPROJECT)
    if not pp_path.is_file():
        raise BadInput(MSG_NO_PYPROJECT.format(path=pp_path))
    pp_text = read_exact(pp_path)
    built = build_version(parse_pyproject(pp_text, str(pp_path)))
    subject = resolve_subject(repo, args).subject
    if "origin" not in repo.remotes:
        raise CannotFix(MSG_NO_ORIGIN)
    branch = repo.branch
    if branch is None:
        raise CannotFix(MSG_DETACHED)

    # A release that already happened (or was interrupted after tagging): finish it or say so.
    local = {t.name: t.commit for t in repo.tags}
    if tag in local:
        if local[tag] != repo.head:
            raise CannotFix(MSG_TAG_ELSEWHERE.format(tag=tag, commit=local[tag][:12]))
        if built.kind == "static" and not same_version(built.version, version):
            raise CannotFix(MSG_MISMATCH.format(tag=tag, built=built.version))
        missing = ([] if tag in origin_tags(repo) else [tag]) + \
                  ([] if remote_branch_sha(repo, branch) == repo.head else [branch])
        if not missing:
            info(MSG_DONE_ALREADY.format(tag=tag))
            return 0
        info(MSG_RESUME.format(tag=tag, what=" and ".join(missing)))
        stop = ask(args, f"Push {branch} and {tag} to origin?")
        if stop is not None:
            return stop
        push(repo, branch, tag)
        out(MSG_RELEASED.format(tag=tag, branch=branch, url=subject.actions_url))
        return 0

    if repo.is_dirty():
        raise CannotFix(MSG_DIRTY)
    if tag in origin_tags(repo):
        raise CannotFix(MSG_TAG_REMOTE.format(tag=tag))

    # The version the build will produce must be the tag's.
    edits: list[Edit] = []
    if built.kind == "static":
        if not same_version(built.version, version):
            new_pp = set_pyproject_version(pp_text, version, built.detail or "[project].version")
            edits.append(Edit(pp_path, pp_text, new_pp, PYPROJECT))
            after = build_version(parse_pyproject(new_pp, str(pp_path)))
            if not same_version(after.version, version):
                raise CannotFix(MSG_MISMATCH.format(tag=tag, built=after.version))
    elif built.kind == "from-tags":
        info(MSG_FROM_TAGS.format(tool=built.detail, tag=tag))
    elif built.kind == "dynamic":
        raise CannotFix(MSG_DYNAMIC.format(detail=built.detail, tag=tag))
    else:
        raise CannotFix(MSG_MISSING.format(tag=tag))

    workflows = triggered_workflows(repo, tag)
    if not workflows:
        raise CannotFix(MSG_NO_WORKFLOW.format(tag=tag))
    info(MSG_TRIGGERS.format(tag=tag, workflows=", ".join(
        f"{name} (publishes to {', '.join(idx) or 'no index'})" for name, idx in workflows)))

    offline = args.offline or os.environ.get(OFFLINE_ENV) == "1"
    if offline:
        info(MSG_OFFLINE.format(version=version))
    else:
        indexes = sorted({subject.index} | {i for _, idx in workflows for i in idx})
        check_newer(subject, version, indexes, transport)

    cl_path = repo.path(CHANGELOG)
    if cl_path.exists() or cl_path.is_symlink():  # a directory or a dangling link: a one-line error, exit 2
        cl_text = read_exact(cl_path)
        update = release_changelog(cl_text, version, date, tag)
        for note in update.notes:
            info(note)
        if update.text != cl_text:
            edits.append(Edit(cl_path, cl_text, update.text, CHANGELOG))
    else:
        info(MSG_NO_CHANGELOG.format(name=CHANGELOG))

    for e in edits:
        out(unified_diff(e).rstrip("\n"))
    files = [e.label for e in edits]
    info(MSG_PLAN.format(files=", ".join(files), tag=tag, branch=branch) if files
         else MSG_PLAN_TAG_ONLY.format(tag=tag, branch=branch))
    stop = ask(args, f"Release {tag}?")
    if stop is not None:
        return stop

    for e in edits:
        write_atomic(e)
    if edits:
        git_must(repo, f"edited {', '.join(files)} but could not commit them", "add", "--", *files)
        git_must(repo, f"edited {', '.join(files)} but could not commit them",
                 "commit", "-q", "-m", COMMIT_MESSAGE.format(tag=tag), "--", *files)
    git_must(repo, f"could not create the tag {tag}", "tag", "-a", tag, "-m", TAG_MESSAGE.format(tag=tag))
    repo.invalidate()
    push(repo, branch, tag)
    runs = [replace(subject, workflow=name).workflow_runs_url for name, _ in workflows]
    out(MSG_RELEASED.format(tag=tag, branch=branch, url=" and ".join(runs)))
    return 0


if __name__ == "__main__":  # python -m trustpub.commands.release
    run(main)
