"""TP2xx: several workflows."""

from __future__ import annotations

from trustpub.checks.base import Context, Outcome, _join, _no_publish, check, passed, failed
from trustpub.checks.tagfilter import TYPICAL_TAGS, pattern_examples
from trustpub.publishing.model import Upload


# ---------------------------------------------------------------------------
# TP2xx: several workflows
# ---------------------------------------------------------------------------
def _example_refs(uploads: list[Upload]) -> list[tuple[str, str]]:
    """(event, ref) runs to try: every example tag of every tag pattern, as a tag push and as a release."""
    tags: list[str] = list(TYPICAL_TAGS)
    for u in uploads:
        for t in u.triggers:
            for p in t.tags + t.tags_ignore:
                tags += pattern_examples(p)
    tags = list(dict.fromkeys(tags))
    runs = [("push", "refs/tags/" + t) for t in tags] + [("release", "refs/tags/" + t) for t in tags]
    return runs + [("workflow_dispatch", "refs/heads/main"), ("workflow_dispatch", "refs/tags/v1.2.3")]


def _side(u: Upload, event: str, ref: str) -> str:
    """`file:line `pattern`` of the trigger that lets this run in (the tag pattern for a tag push)."""
    from trustpub.publishing.github import trigger_pattern

    found = trigger_pattern(u, event, ref)
    return f"{found[0]}:{found[1]} `{found[2]}`" if found else u.where


def _run_name(event: str, ref: str) -> str:
    name = ref.split("/", 2)[2] if ref.count("/") >= 2 else ref
    return {"push": f"a push of the tag {name}", "release": f"a release of {name}",
            "workflow_dispatch": f"a manual run on {name}"}.get(event, f"{event} {name}")


@check("TP201", "tag-patterns-no-overlap", "One tag publishes to one index",
       "No single run (a tag push, a release, a manual run) reaches both an upload to PyPI and one to TestPyPI, "
       "computed from each upload's triggers (GitHub's filter patterns, `!` exclusions, tags-ignore) and the `if:` "
       "of its step, its job, the jobs it needs and its callers; one job uploading to both for every tag fails.",
       fix_script="fix_tag_overlap.py")
def tag_patterns_no_overlap(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    pypi, test = ctx.model.for_index("pypi"), ctx.model.for_index("testpypi")
    if not test:
        return passed("only PyPI is uploaded to; no TestPyPI upload to overlap with")
    runs = _example_refs(pypi + test)
    bad, unsure = [], []
    for p in pypi:
        for t in test:
            for event, ref in runs:
                a, b = p.runs_for(event, ref), t.runs_for(event, ref)
                if a is True and b is True:
                    same = " (the same job)" if (p.workflow, p.job) == (t.workflow, t.job) else ""
                    bad.append(f"{_side(p, event, ref)} (PyPI, job {p.job!r}) and {_side(t, event, ref)} "
                               f"(TestPyPI, job {t.job!r}){same} both run for {_run_name(event, ref)}")
                    break
                if (a is None and b is not False) or (b is None and a is not False):
                    unsure.append(f"{p.where} vs {t.where}")
    if bad:
        return failed(_join(list(dict.fromkeys(bad))))
    pairs = ", ".join(dict.fromkeys(f"{p.label} vs {t.label}" for p in pypi for t in test))
    note = (f"; conditions not decidable from the workflow for {_join(list(dict.fromkeys(unsure)), 2)}"
            if unsure else "")
    return passed(f"no example run reaches both: {pairs}{note}")
