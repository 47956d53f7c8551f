"""TP4xx: the publisher's identity."""

from __future__ import annotations

from trustpub.checks.base import (
    Context, Outcome, _registered_environment, _registered_workflow, check, failed, passed, skipped, warned,
)


# ---------------------------------------------------------------------------
# TP4xx: publisher identity
# ---------------------------------------------------------------------------
@check("TP401", "publisher-identity", "Repository, workflow and environment match the registered publisher",
       "When the registered publisher is given (options or the package's `[tool.trustpub]` table), the GitHub "
       "owner and repository of the git remote, the workflow file that uploads to PyPI (the called file for a "
       "reusable workflow) and its job's environment are those values (a mismatch is the usual cause of "
       "`invalid-publisher`). Without them, the values to register are shown.",
       fix_script="publisher_values.py")
def publisher_identity(ctx: Context) -> Outcome:
    s = ctx.subject
    index = s.index
    uploads = ctx.model.for_index(index)
    bad, good = [], []
    gh = ctx.repo.github
    owner, repository = ctx.registered("owner"), ctx.registered("repository")
    if gh and owner and repository:
        if (gh[0].lower(), gh[1].lower()) != (owner.lower(), repository.lower()):
            bad.append(f"git remote origin is {gh[0]}/{gh[1]}, the publisher names {owner}/{repository}")
        else:
            good.append(f"repository {gh[0]}/{gh[1]}")
    workflow = _registered_workflow(ctx, index)
    environment = _registered_environment(ctx, index)
    names = sorted({u.register for u in uploads})
    if not uploads:
        return skipped(f"nothing uploads to {s.index_name} (see TP102)")
    if workflow:
        if workflow not in names:
            bad.append(f"{', '.join(names)} upload(s) to {s.index_name}, the publisher names workflow {workflow}")
        else:
            good.append(f"workflow {workflow}")
    matching = [u for u in uploads if not workflow or u.register == workflow]
    envs = sorted({u.environment or "(none)" for u in matching if u.environment_known})
    if environment and matching:
        wrong = [e for e in envs if e != environment]
        if wrong:
            bad.append(f"the upload job(s) declare environment {', '.join(wrong)}, the publisher names "
                       f"{environment}")
        else:
            good.append(f"environment {environment}")
    if bad:
        return failed("; ".join(bad))
    # TestPyPI has its own publisher; when its workflow was given, the TestPyPI uploads are in that file.
    test_wf = _registered_workflow(ctx, "testpypi") if index == "pypi" else None
    test_names = sorted({u.register for u in ctx.model.for_index("testpypi")})
    if test_wf and test_names and test_wf not in test_names:
        return warned(f"{', '.join(test_names)} publishes to TestPyPI, the TestPyPI publisher is configured as "
                      f"{test_wf} ({', '.join(good) or 'the PyPI side'} match)")
    if not (workflow or environment or (owner and repository)):
        slug = f"{gh[0]}/{gh[1]}" if gh else "(no GitHub remote)"
        values = "; ".join(dict.fromkeys(
            f"{slug}, workflow {u.register}, environment {u.environment or '(none)'}" for u in uploads))
        return passed(f"no registered publisher given (--workflow/--environment or [tool.trustpub]); register: "
                      f"{values}")
    if not gh:
        url = ctx.repo.remote_url()
        origin = f"origin {url} is not on GitHub" if url else "no origin remote"
        matched = f" ({', '.join(good)} match)" if good else ""
        return skipped(f"{origin}: owner/repository not compared{matched}")
    return passed(", ".join(good) + " match the registered publisher")
