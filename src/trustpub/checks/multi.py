"""TP2xx: several workflows."""

from __future__ import annotations

from trustpub.repo import Workflow

from trustpub.checks.base import Context, Outcome, _join, _no_publish, _where, check, failed, passed, warned
from trustpub.checks.tagfilter import first_overlap, tag_trigger


# ---------------------------------------------------------------------------
# TP2xx: several workflows
# ---------------------------------------------------------------------------
def _distinct_conditions(wf: Workflow, jobs: list[str]) -> bool:
    conditions = []
    for job_id in jobs:
        job = wf.jobs[job_id]
        cond = job.get("if") or next((s.step.get("if") for s in wf.publish_steps if s.job_id == job_id
                                      and s.step.get("if")), None)
        if not cond:
            return False
        conditions.append(str(cond).strip())
    return len(set(conditions)) == len(conditions)


@check("TP201", "tag-patterns-no-overlap", "One tag publishes to one index",
       "No tag starts both a workflow that publishes to PyPI and one that publishes to TestPyPI (GitHub's filter "
       "patterns, `!` exclusions and tags-ignore included), and a workflow with both kinds of publish job tells "
       "them apart with `if:`.",
       fix_script="fix_tag_overlap.py")
def tag_patterns_no_overlap(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    by_index: dict[str, list[Workflow]] = {"pypi": [], "testpypi": []}
    for wf in ctx.publishing:
        for index in {s.target_index for s in wf.publish_steps}:
            by_index[index].append(wf)
    bad, notes = [], []
    for pypi_wf in by_index["pypi"]:
        for test_wf in by_index["testpypi"]:
            if test_wf is pypi_wf:
                continue
            a, b = tag_trigger(pypi_wf), tag_trigger(test_wf)
            if a is None or b is None:
                continue
            tag = first_overlap(a, b)
            if tag:
                pa, pb = a.matching_pattern(tag), b.matching_pattern(tag)
                assert pa and pb
                bad.append(f"{pypi_wf.relpath}:{pa[1]} `{pa[0]}` (PyPI) and {test_wf.relpath}:{pb[1]} `{pb[0]}` "
                           f"(TestPyPI) both match the tag {tag}")
    for wf in ctx.publishing:
        kinds = {pj.index: pj.job_id for pj in ctx.publish_jobs if pj.workflow is wf}
        if len(kinds) == 2 and not _distinct_conditions(wf, list(kinds.values())):
            notes.append(f"{_where(wf, wf.jobs[kinds['testpypi']])}: {wf.filename} publishes to PyPI (job "
                         f"{kinds['pypi']!r}) and TestPyPI (job {kinds['testpypi']!r}) with no `if:` telling them "
                         f"apart: every tag goes to both")
    if bad:
        return failed(_join(bad))
    if notes:
        return warned(_join(notes))
    if not by_index["testpypi"]:
        return passed("only PyPI is published to; no TestPyPI workflow to overlap with")
    pairs = ", ".join(f"{a.filename} vs {b.filename}" for a in by_index["pypi"] for b in by_index["testpypi"]
                      if a is not b)
    return passed(f"no example tag reaches both: {pairs or 'one workflow with distinct if: conditions'}")


