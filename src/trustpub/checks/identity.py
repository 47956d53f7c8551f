"""TP4xx: the publisher's identity."""

from __future__ import annotations

from trustpub.checks.base import (
    Context, Outcome, _environment_name, _is_expression, check, failed, passed, skipped, warned,
)


# ---------------------------------------------------------------------------
# TP4xx: publisher identity
# ---------------------------------------------------------------------------
@check("TP401", "publisher-identity", "Repository, workflow and environment match the registered publisher",
       "The GitHub owner and repository of the git remote, the file name of the workflow that publishes and its "
       "environment are the values registered as the trusted publisher (a mismatch is the usual cause of "
       "`invalid-publisher`).",
       fix_script="publisher_values.py")
def publisher_identity(ctx: Context) -> Outcome:
    s = ctx.subject
    bad, good = [], []
    gh = ctx.repo.github
    if gh:
        owner, repo = gh
        if (owner.lower(), repo.lower()) != (s.owner.lower(), s.repository.lower()):
            bad.append(f"git remote origin is {owner}/{repo}, the publisher names {s.owner}/{s.repository}")
        else:
            good.append(f"repository {owner}/{repo}")
    wf = ctx.pypi_workflow
    publishing_pypi = [w.filename for w in ctx.publishing if any(x.target_index == "pypi" for x in w.publish_steps)]
    if wf is None:
        if publishing_pypi:
            bad.append(f"workflows {', '.join(publishing_pypi)} publish to PyPI, the publisher names {s.workflow}")
        else:
            bad.append(f"no workflow publishes to PyPI; the publisher names {s.workflow}")
    elif wf.filename != s.workflow:
        bad.append(f"{wf.relpath} publishes to PyPI, the publisher names workflow {s.workflow}")
    else:
        good.append(f"workflow {wf.filename}")
        envs = {(_environment_name(pj.job) or "(none)") for pj in ctx.publish_jobs
                if pj.workflow is wf and pj.index == "pypi"}
        if envs != {s.environment} and not all(_is_expression(e) for e in envs):
            bad.append(f"{wf.filename} publishes from environment {', '.join(sorted(envs))}, "
                       f"the publisher names {s.environment}")
        else:
            good.append(f"environment {', '.join(sorted(envs))}")
    if bad:
        return failed("; ".join(bad))
    # TestPyPI has its own publisher; the configuration names its workflow file too.
    testpypi = sorted({pj.workflow.filename for pj in ctx.publish_jobs if pj.index == "testpypi"})
    if testpypi and s.testpypi_workflow not in testpypi:
        return warned(f"{', '.join(testpypi)} publishes to TestPyPI, the TestPyPI publisher is configured as "
                      f"{s.testpypi_workflow} ({', '.join(good)} match)")
    if not gh:
        url = ctx.repo.remote_url()
        origin = f"origin {url} is not on GitHub" if url else "no origin remote"
        return skipped(f"{origin}: owner/repository not compared ({', '.join(good)} match)")
    return passed(", ".join(good) + f" match {s.slug}")


