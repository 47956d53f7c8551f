"""TP5xx: versions and tags."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from trustpub.errors import BadInput
from trustpub.repo import Workflow

from trustpub.checks.base import Context, Outcome, TEST_TAG_RE, _join, check, failed, passed, skipped, warned
from trustpub.checks.tagfilter import tag_trigger


# ---------------------------------------------------------------------------
# Release tags: which tags could publish, and which package each releases
# ---------------------------------------------------------------------------
@dataclass
class ReleaseTag:
    tag: Any                      # trustpub.repo.Tag
    workflow: Workflow            # the workflow that publishes on it
    prefix: str                   # `core-v` of `core-v2.42.0`
    version: Any                  # packaging Version of the tag, or None: not a version
    candidates: list[Any] = field(default_factory=list)  # the packages it may release (Package)
    why_unknown: str = ""         # when there is no candidate: why it cannot tell
    catch_all: bool = False       # only a pattern matching every tag (`*`, `**`, bare `push`) let it in


@dataclass
class ReleaseTags:
    judged: list[ReleaseTag]
    before_workflow: dict[str, int]   # workflow file -> tags made before it existed (not judged)
    workflows: list[Workflow]
    other_components: dict[str, int] = field(default_factory=dict)  # prefix naming no Python package -> tags


def release_tags(ctx: Context) -> ReleaseTags:
    return ctx.cached("release_tags", lambda: _find_release_tags(ctx))


# Tag prefixes that name no component (`release-1.2.3`, `version-2`): the tag is the repository's release.
GENERIC_PREFIXES = ("release", "rel", "version", "ver", "tag")
# Patterns that let every tag in: a tag they start is no claim about a version.
CATCH_ALL_PATTERNS = ("*", "**", "(every tag)", "(every tag not in tags-ignore)")


def _catch_all(trigger: Any, tag: str) -> bool:
    matched = trigger.matching_pattern(tag)
    return matched is not None and matched[0] in CATCH_ALL_PATTERNS


def _pypi_tag_workflows(ctx: Context) -> list[Workflow]:
    """The workflows holding an upload to PyPI that tag pushes start."""
    found = {id(up.workflow): up.workflow for up in ctx.upload_links()
             if up.index == "pypi" and up.workflow is not None and tag_trigger(up.workflow) is not None}
    return list(found.values())


def _find_release_tags(ctx: Context) -> ReleaseTags:
    from trustpub import packages

    candidates_all = packages.released(ctx.packages) or ctx.packages
    judged: list[ReleaseTag] = []
    before: dict[str, int] = {}
    others: dict[str, int] = {}
    workflows = _pypi_tag_workflows(ctx)
    for wf in workflows:
        trigger = tag_trigger(wf)
        links = [up.link for up in ctx.upload_links() if up.workflow is wf and up.index == "pypi"]
        released = list({p.path: p for link in links if link.known for p in link.packages}.values())
        tags = [t for t in ctx.repo.tags if trigger.matches(t.name) and not TEST_TAG_RE.search(t.name)]
        # A tag made before this workflow was in the repository never ran it: not judged against it.
        present = ctx.repo.has_files([(t.commit, wf.relpath) for t in tags])
        before[wf.relpath] = present.count(False)
        for tag, has in zip(tags, present):
            if not has:
                continue
            catch_all = _catch_all(trigger, tag.name)
            split = packages.split_tag(tag.name)
            if split is None:
                judged.append(ReleaseTag(tag, wf, "", None, catch_all=catch_all))
                continue
            prefix = split[0]
            stem = packages.prefix_stem(prefix)
            named = packages.package_for_prefix(prefix, candidates_all) if stem else None
            if stem and named is None and stem.lower() not in GENERIC_PREFIXES:
                others[stem] = others.get(stem, 0) + 1  # `bindings/go/v0.1.0`: another component's tag
                continue
            found = [named] if named is not None else released
            why = "" if found else (links[0].how if links else packages.CANNOT_TELL)
            if ctx.package is not None:
                if found and all(p.path != ctx.package.path for p in found):
                    continue  # another package's tag
                found = [ctx.package]
            judged.append(ReleaseTag(tag, wf, prefix, packages.tag_version(tag.name, prefix), found, why,
                                     catch_all=catch_all))
    return ReleaseTags(judged, before, workflows, others)


def _before_note(tags: ReleaseTags, absent: int = 0, loose: int = 0) -> str:
    """Why some matching tags were not judged: made before their workflow, or before their package, was here;
    another component's tags; tags a catch-all pattern let in that name no package's version."""
    counted = [f"{n} made before {rel} existed" for rel, n in tags.before_workflow.items() if n]
    if absent:
        counted.append(f"{absent} from before the package was in this repository")
    if tags.other_components:
        named = ", ".join(f"{stem}/… or {stem}-…" if "/" not in stem else f"{stem}/…"
                          for stem in list(tags.other_components)[:3])
        counted.append(f"{sum(tags.other_components.values())} of components that are no Python package here "
                       f"({named})")
    if loose:
        counted.append(f"{loose} let in only by a pattern matching every tag and naming no package's version")
    return f" (not judged: {'; '.join(counted)})" if counted else ""


@dataclass
class TagVerdict:
    tag: ReleaseTag
    status: str                  # "ok" | "bad" | "unknown" | "absent"
    text: str
    package: Any = None          # the package whose version the tag names (when ok)


def tag_verdicts(ctx: Context) -> list[TagVerdict]:
    return ctx.cached("tag_verdicts", lambda: _judge_tags(ctx))


def _judge_tags(ctx: Context) -> list[TagVerdict]:
    from trustpub.pkgversion import versions_at

    tags = release_tags(ctx).judged
    wanted = [(rt.tag.commit, pkg) for rt in tags if rt.version is not None for pkg in rt.candidates]
    answers = iter(versions_at(ctx.repo, wanted))
    verdicts: list[TagVerdict] = []
    for rt in tags:
        name = rt.tag.name
        if rt.version is None:
            verdicts.append(TagVerdict(rt, "loose" if rt.catch_all else "bad",
                                       f"tag {name} is not a version (PEP 440) but starts {rt.workflow.filename}"))
            continue
        if not rt.candidates:
            verdicts.append(TagVerdict(rt, "unknown", f"{name}: {rt.why_unknown}"))
            continue
        seen = [(pkg, next(answers)) for pkg in rt.candidates]
        present = [(pkg, v) for pkg, v in seen if v.kind != "absent"]
        if not present:
            verdicts.append(TagVerdict(rt, "absent", f"{name}: {seen[0][1].detail}"))
            continue
        match = next(((pkg, v) for pkg, v in present if v.kind == "from-tags"
                      or (v.kind == "static" and tag_version_of(v.version) == rt.version)), None)
        if match is not None:
            pkg, v = match
            how = f"version from the tag via {v.detail}" if v.kind == "from-tags" else f"{v.detail} says {v.version}"
            verdicts.append(TagVerdict(rt, "ok", f"{name} = {pkg.name or pkg.path} {rt.version} ({how})", pkg))
        elif all(v.kind == "static" for _, v in present):
            said = "; ".join(f"{v.detail} at that commit says version {v.version}"
                             + (f" ({pkg.name or pkg.path})" if len(present) > 1 else "") for pkg, v in present)
            verdicts.append(TagVerdict(rt, "loose" if rt.catch_all else "bad", f"tag {name}, but {said}"))
        else:
            said = "; ".join(v.detail for _, v in present if v.kind == "unknown")
            verdicts.append(TagVerdict(rt, "unknown", f"{name}: {said} (cannot tell what the build produces)"))
    return verdicts


def tag_version_of(text: str | None) -> Any:
    from trustpub.packages import tag_version

    return tag_version(text or "", "")


# ---------------------------------------------------------------------------
# TP5xx: versions and tags
# ---------------------------------------------------------------------------
@check("TP501", "tag-matches-version", "Each release tag names the version its build produces",
       "For every release tag that starts a workflow publishing to PyPI, and whose commit already had that workflow, "
       "the version of the package it releases at that commit equals the tag's version under PEP 440 (a prefix "
       "such as `core-v` names the package; versions derived from git tags, e.g. setuptools-scm or hatch-vcs, are "
       "accepted). Where it cannot tell which package a tag releases, or what the build produces, it says so.",
       fix_script="release.py")
def tag_matches_version(ctx: Context) -> Outcome:
    tags = release_tags(ctx)
    if not tags.workflows:
        if not any(up.index == "pypi" for up in ctx.upload_links()):
            return skipped("no workflow publishes to PyPI (see TP102)")
        return skipped("no workflow publishing to PyPI runs on tag pushes (see TP103)")
    verdicts = tag_verdicts(ctx)
    names = ", ".join(wf.filename for wf in tags.workflows)
    if not verdicts:
        return skipped(f"no release tags matching {names}'s trigger yet{_before_note(tags)}")
    bad = [v.text for v in verdicts if v.status == "bad"]
    unknown = [v.text for v in verdicts if v.status == "unknown"]
    ok = [v.text for v in verdicts if v.status == "ok"]
    absent = sum(v.status == "absent" for v in verdicts)
    note = _before_note(tags, absent, sum(v.status == "loose" for v in verdicts))
    if bad:
        return failed(_join(bad) + note, items=bad + unknown)
    if not ok:
        if unknown:
            return skipped(f"cannot tell: {_join(unknown)}{note}", items=unknown)
        return skipped(f"no release tag of a package in this repository{note}")
    told = f"; cannot tell for {len(unknown)}: {_join(unknown, 1)}" if unknown else ""
    return passed(f"{len(ok)} release tag(s) match: {_join(ok[-3:])}{told}{note}", items=ok + unknown)


@check("TP502", "tags-on-pypi", "Every release tag is on PyPI",
       "Every judged release tag (see TP501) has a release of its package on PyPI (compared under PEP 440: "
       "`v1.10a1` is `1.10.0a1`), and each package's newest tag is not behind PyPI's latest version.",
       doc="release-process.md", online=True)
def tags_on_pypi(ctx: Context) -> Outcome:
    from packaging.version import InvalidVersion, Version

    verdicts = [v for v in tag_verdicts(ctx) if v.status == "ok" and v.package is not None and v.package.name]
    if not verdicts:
        return skipped("no release tags whose package is known yet (see TP501)")
    by_project: dict[str, list[TagVerdict]] = {}
    for v in verdicts:
        by_project.setdefault(v.package.name, []).append(v)
    bad, good, skips = [], [], []
    index = ctx.subject.index_name
    for project, found in by_project.items():
        fetched = ctx.pypi_project(project)
        if fetched.not_found:
            skips.append(f"{project} is not on {index} yet (see TP701)")
            continue
        if not fetched.ok:
            skips.append(f"{project}: {index} did not answer: {fetched.error}")
            continue
        releases = fetched.data.get("releases")
        if not isinstance(releases, dict):
            skips.append(f"{project}: no releases list")
            continue
        on_pypi = set()
        for key in releases:
            try:
                on_pypi.add(Version(str(key)))
            except InvalidVersion:
                pass
        missing = [v.tag.tag.name for v in found if v.tag.version not in on_pypi]
        info = fetched.data.get("info") if isinstance(fetched.data.get("info"), dict) else {}
        latest = tag_version_of(str(info.get("version", "")))
        newest = max(v.tag.version for v in found)
        if missing:
            bad.append(f"{project}: not on {index}: {', '.join(missing[-5:])}"
                       f"{' (and older)' if len(missing) > 5 else ''}")
        if latest is not None and newest < latest:
            bad.append(f"{project}: newest tag {newest} is behind {index}'s latest {latest} "
                       f"(git fetch --tags, or tag the release)")
        if not missing:
            good.append(f"{project}: {len(found)} tag(s) on {index}; newest {newest}, latest {latest}")
    if bad:
        return failed(_join(bad), items=bad + skips)
    if not good:
        return skipped(_join(skips), items=skips)
    return passed(_join(good + skips), items=good + skips)


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


