"""TP5xx: versions and tags."""

from __future__ import annotations

from typing import Any
from trustpub.errors import BadInput
from trustpub.repo import Workflow

from trustpub.checks.base import Context, Outcome, TEST_TAG_RE, _join, check, failed, passed, skipped, warned
from trustpub.checks.tagfilter import tag_trigger


# ---------------------------------------------------------------------------
# TP5xx: versions and tags
# ---------------------------------------------------------------------------
def _release_tags(ctx: Context) -> tuple[Workflow | None, list[Any]]:
    """Local tags that start the PyPI workflow (test tags aside), oldest version first."""
    wf = ctx.pypi_workflow
    trigger = tag_trigger(wf) if wf else None
    if trigger is None:
        return wf, []
    return wf, [t for t in ctx.repo.tags if trigger.matches(t.name) and not TEST_TAG_RE.search(t.name)]


def _tag_version(name: str) -> Any:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(name[1:] if name[:1] in "vV" else name)
    except InvalidVersion:
        return None


@check("TP501", "tag-matches-version", "Each release tag names the version its build produces",
       "For every release tag that starts the PyPI workflow, the version in pyproject.toml at that commit equals "
       "the tag's version (versions derived from git tags, e.g. setuptools-scm or hatch-vcs, are accepted).",
       fix_script="release.py")
def tag_matches_version(ctx: Context) -> Outcome:
    wf, tags = _release_tags(ctx)
    if wf is None:
        return skipped("no workflow publishes to PyPI (see TP102)")
    if tag_trigger(wf) is None:
        return skipped(f"{wf.filename} does not run on tag pushes (see TP103)")
    if not tags:
        return skipped(f"no release tags matching {wf.filename}'s trigger yet")
    from trustpub.pyproject import build_version, parse_pyproject  # here: no TOML parser without release tags

    texts = ctx.repo.show_many([(t.commit, "pyproject.toml") for t in tags])
    bad, notes, ok = [], [], []
    for tag, text in zip(tags, texts):
        version = _tag_version(tag.name)
        if version is None:
            bad.append(f"tag {tag.name} is not a version (PEP 440) but starts {wf.filename}")
            continue
        if text is None:
            notes.append(f"{tag.name}: no pyproject.toml at that commit")
            continue
        try:
            built = build_version(parse_pyproject(text, f"pyproject.toml at {tag.name}"))
        except BadInput as exc:
            bad.append(str(exc).splitlines()[0])
            continue
        if built.kind == "from-tags":
            ok.append(f"{tag.name} (version from the tag via {built.detail})")
        elif built.kind == "static":
            built_version = _tag_version(built.version or "")
            if built_version is None or str(built_version) != str(version):
                bad.append(f"tag {tag.name}, but pyproject.toml at that commit says version {built.version}")
            else:
                ok.append(f"{tag.name} = {built.version}")
        else:
            notes.append(f"{tag.name}: {built.detail or built.kind} (cannot tell what the build produces)")
    if bad:
        return failed(_join(bad))
    if notes:
        return warned(_join(notes))
    return passed(f"{len(ok)} release tag(s) match: {_join(ok[-3:])}")


@check("TP502", "tags-on-pypi", "Every release tag is on PyPI",
       "Every release tag has a release on PyPI, and the newest tag is not behind PyPI's latest version.",
       doc="release-process.md", online=True)
def tags_on_pypi(ctx: Context) -> Outcome:
    fetched = ctx.pypi_project()
    if fetched.not_found:
        return skipped(f"{ctx.subject.project} is not on {ctx.subject.index_name} yet (see TP701)")
    if not fetched.ok:
        return skipped(f"{ctx.subject.index_name} did not answer: {fetched.error}")
    releases = (fetched.data or {}).get("releases")
    if not isinstance(releases, dict):
        return skipped(f"{ctx.subject.json_url} has no releases list")
    wf, tags = _release_tags(ctx)
    if not tags:
        return skipped("no release tags yet")
    on_pypi = {str(v) for v in (_tag_version(k) for k in releases) if v is not None}
    missing = [t.name for t in tags if (v := _tag_version(t.name)) is not None and str(v) not in on_pypi]
    info = fetched.data.get("info") if isinstance(fetched.data.get("info"), dict) else {}
    latest = _tag_version(str(info.get("version", "")))
    versions = [v for v in (_tag_version(t.name) for t in tags) if v is not None]
    newest = max(versions) if versions else None
    bad = []
    if missing:
        bad.append(f"not on {ctx.subject.index_name}: {', '.join(missing[-5:])}"
                   f"{' (and older)' if len(missing) > 5 else ''}")
    if newest is not None and latest is not None and newest < latest:
        bad.append(f"newest tag {newest} is behind {ctx.subject.index_name}'s latest {latest} "
                   f"(git fetch --tags, or tag the release)")
    if bad:
        return failed("; ".join(bad))
    return passed(f"{len(tags)} release tag(s) all on {ctx.subject.index_name}; newest {newest}, latest {latest}")


@check("TP503", "test-tags-cleaned", "Test tags are cleaned up",
       "No `*-test*` tag from trying the setup is left, locally or on the remote (the remote is asked with "
       "`git ls-remote` unless --offline).",
       fix_script="push_test_tag.py")
def test_tags_cleaned(ctx: Context) -> Outcome:
    local = [t.name for t in ctx.repo.tags if TEST_TAG_RE.search(t.name)]
    remote: list[str] = []
    asked = ""
    if ctx.offline:
        asked = " (remote not asked: offline)"
    elif "origin" not in ctx.repo.remotes:
        asked = " (no origin remote)"
    else:
        try:
            remote = [t for t in ctx.repo.remote_tags() if TEST_TAG_RE.search(t)]
        except BadInput as exc:
            asked = f" (remote not reachable: {str(exc).rsplit(': ', 1)[-1]})"
    if local or remote:
        parts = ([f"local: {', '.join(local)}"] if local else []) + ([f"origin: {', '.join(remote)}"] if remote else [])
        return failed("test tags left: " + "; ".join(parts) + asked)
    return passed("no test tags locally" + ("" if asked else " or on origin") + asked)


