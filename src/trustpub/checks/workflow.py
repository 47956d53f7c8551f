"""TP1xx: the release workflow."""

from __future__ import annotations

import re
from typing import Any
from trustpub.repo import Workflow

from trustpub.checks.base import (
    BUILD_COMMAND_RE, CHECKOUT_ACTION, Context, DANGEROUS_TRIGGERS, FULL_SHA_RE, LINUX_HOSTED_RE,
    MIN_ACTION_VERSION, NON_LINUX_RE, Outcome, PYPI_SECRET_RE, RECOMMENDED_REF, _describe_permissions,
    _environment_name, _expected_environment, _is_expression, _join, _no_publish, _on_where,
    _permissions_grant_id_token, _where, check, failed, passed, skipped, warned,
)
from trustpub.checks.tagfilter import tag_trigger


# ---------------------------------------------------------------------------
# TP1xx: the release workflow
# ---------------------------------------------------------------------------
@check("TP101", "workflow-tracked", "Release workflow exists and is committed",
       "The workflow file registered on PyPI exists in `.github/workflows` and is tracked by git.",
       doc="workflow.md")
def workflow_tracked(ctx: Context) -> Outcome:
    rel = ctx.subject.workflow_path
    wf = ctx.configured
    if not ctx.workflows:
        return failed(f"{rel}: no such file, and no workflow at all in .github/workflows")
    if wf is None:
        others = [w.filename for w in ctx.publishing]
        hint = f"; publishing workflows here: {', '.join(others)}" if others else ""
        return failed(f"{rel}: no such file (the publisher on PyPI names {ctx.subject.workflow}){hint}")
    if not ctx.repo.is_tracked(wf.relpath):
        return failed(f"{wf.relpath}: exists but is not committed (git add {wf.relpath} && git commit)")
    return passed(f"{wf.relpath}: tracked by git")


@check("TP102", "publish-step-present", "Release workflow uses the PyPI publish action",
       "The release workflow has a step that uses `pypa/gh-action-pypi-publish` to upload to PyPI.",
       doc="workflow.md")
def publish_step_present(ctx: Context) -> Outcome:
    wf = ctx.configured
    if wf is None:
        return skipped(f"{ctx.subject.workflow_path} does not exist (see TP101)")
    steps = [s for s in wf.publish_steps if s.target_index == "pypi"]
    if steps:
        s = steps[0]
        return passed(f"{_where(wf, s.step, 'uses')}: job {s.job_id!r} uses {s.uses}")
    if wf.publish_steps:
        s = wf.publish_steps[0]
        return failed(f"{_where(wf, s.step, 'uses')}: the publish step uploads to TestPyPI only "
                      f"(repository-url); PyPI's publisher names this workflow")
    callers = [(job_id, str(job.get("uses"))) for job_id, job in wf.jobs.items() if job.get("uses")]
    if callers:
        job_id, uses = callers[0]
        return failed(f"{_where(wf, wf.jobs[job_id], 'uses')}: job {job_id!r} calls the reusable workflow {uses}; "
                      f"PyPI does not support publishing from a reusable workflow: put the publish step here")
    uploads = re.search(r"^.*\b(twine\s+upload|uv\s+publish|poetry\s+publish|flit\s+publish)\b.*$", wf.text, re.M)
    if uploads:
        line = wf.text[:uploads.start()].count("\n") + 1
        return failed(f"{wf.relpath}:{line}: uploads with `{uploads.group(1)}` instead of "
                      f"pypa/gh-action-pypi-publish")
    return failed(f"{wf.relpath}: no step uses pypa/gh-action-pypi-publish")


@check("TP103", "tag-trigger", "Release workflow runs on tag pushes",
       "The release workflow is triggered by pushing a tag (`on.push.tags`), so a release is one `git push` of a tag.",
       doc="workflow.md")
def tag_trigger_check(ctx: Context) -> Outcome:
    wf = ctx.configured
    if wf is None:
        return skipped(f"{ctx.subject.workflow_path} does not exist (see TP101)")
    trigger = tag_trigger(wf)
    on_line = _on_where(wf)
    if trigger is None:
        if "release" in wf.triggers:
            return warned(f"{on_line}: runs on GitHub releases, not tag pushes; the tag checks (TP201, TP501) "
                          f"cannot tell which tags publish")
        events = ", ".join(wf.triggers) or "nothing"
        return failed(f"{on_line}: triggered by {events}, not by pushing a tag")
    if trigger.all_tags:
        return warned(f"{on_line}: on.push has no tags filter, so every push (branches too) runs it; "
                      f"add `tags:` with release patterns")
    patterns = [p for p, _ in trigger.patterns] or [f"tags-ignore {p}" for p, _ in trigger.ignore]
    return passed(f"{_where(wf, wf.triggers.get('push'), 'tags') if trigger.patterns else on_line}: "
                  f"tags {', '.join(patterns)}")


def _action_version(ref: str) -> tuple[int, ...] | None:
    m = re.fullmatch(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", ref)
    return tuple(int(x or 0) for x in m.groups()) if m else None


def _comment_after(wf: Workflow, line: int) -> str:
    lines = wf.text.splitlines()
    if 0 < line <= len(lines) and "#" in lines[line - 1]:
        return lines[line - 1].split("#", 1)[1].strip()
    return ""


@check("TP104", "publish-action-ref", "Publish action reference is current",
       "`pypa/gh-action-pypi-publish` is used at `release/v1` or pinned to a full 40-character commit SHA "
       "(of v1.11 or later), never a branch like `master` or an old `v1.x` tag.",
       fix_script="fix_action_ref.py")
def publish_action_ref(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, notes, good = [], [], []
    for wf in ctx.publishing:
        for s in wf.publish_steps:
            where, ref = _where(wf, s.step, "uses"), s.ref
            if ref == RECOMMENDED_REF:
                good.append(f"{where}: @{ref}")
            elif FULL_SHA_RE.match(ref):
                comment = _comment_after(wf, wf.line(s.step, "uses"))
                version = _action_version(comment.split()[0]) if comment else None
                if version is not None and version < MIN_ACTION_VERSION:
                    bad.append(f"{where}: SHA pin of {comment.split()[0]} (older than v1.11: no attestations)")
                elif version is None:
                    notes.append(f"{where}: SHA pin without a version comment (add `# v1.x.y` so updates are readable)")
                else:
                    good.append(f"{where}: @{ref[:12]}… # {comment.split()[0]}")
            elif (version := _action_version(ref)) is not None and len(ref.split(".")) == 3:
                if version < MIN_ACTION_VERSION:
                    no_tp = " and, before v1.8, no Trusted Publishing at all" if version < (1, 8, 0) else ""
                    bad.append(f"{where}: @{ref} is older than v1.11 (no attestations{no_tp}); "
                               f"use @{RECOMMENDED_REF}")
                else:
                    notes.append(f"{where}: @{ref} is a fixed tag; @{RECOMMENDED_REF} or a SHA pin gets fixes")
            elif not ref:
                bad.append(f"{where}: no @ref at all")
            else:
                bad.append(f"{where}: @{ref} is not a maintained ref; use @{RECOMMENDED_REF} or a full SHA")
    if bad:
        return failed(_join(bad))
    if notes:
        return warned(_join(notes))
    return passed(_join(good))


@check("TP105", "id-token-on-publish-job", "Publishing job can mint the OIDC token",
       "Every job that publishes has `id-token: write`, set on the job or inherited from the workflow and not "
       "cancelled by a job-level `permissions:` block without it.",
       fix_script="fix_id_token.py")
def id_token_on_publish_job(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, good = [], []
    for pj in ctx.publish_jobs:
        wf, job = pj.workflow, pj.job
        if "permissions" in job:
            if _permissions_grant_id_token(job["permissions"]):
                good.append(f"{_where(wf, job, 'permissions')}: {pj.label} has id-token: write")
            else:
                extra = " (replacing the workflow's, which had it)" if _permissions_grant_id_token(
                    wf.data.get("permissions")) else ""
                bad.append(f"{_where(wf, job, 'permissions')}: {pj.label} permissions "
                           f"{_describe_permissions(job['permissions'])} lack id-token: write{extra}")
        elif "permissions" in wf.data:
            if _permissions_grant_id_token(wf.data["permissions"]):
                good.append(f"{_where(wf, wf.data, 'permissions')}: {pj.label} inherits id-token: write")
            else:
                bad.append(f"{_where(wf, wf.data, 'permissions')}: {pj.label} inherits "
                           f"{_describe_permissions(wf.data['permissions'])}, without id-token: write")
        else:
            bad.append(f"{_where(wf, job)}: {pj.label} has no permissions block; "
                       f"the default token has no id-token: write")
    return failed(_join(bad)) if bad else passed(_join(good))


@check("TP106", "id-token-not-elsewhere", "OIDC permission only where it publishes",
       "In publishing workflows, `id-token: write` is not granted at workflow level or to jobs that do not "
       "publish, so build steps and other jobs cannot mint an upload token.",
       fix_script="fix_id_token.py")
def id_token_not_elsewhere(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad = []
    for wf in ctx.publishing:
        if _permissions_grant_id_token(wf.data.get("permissions")):
            bad.append(f"{_where(wf, wf.data, 'permissions')}: workflow-level permissions grant id-token: write "
                       f"to every job; grant it on the publishing job only")
        publishing = set(wf.publishing_jobs)
        for job_id, job in wf.jobs.items():
            if job_id not in publishing and _permissions_grant_id_token(job.get("permissions")) \
                    and not job.get("uses"):
                bad.append(f"{_where(wf, job, 'permissions')}: job {job_id!r} does not publish but has id-token: write")
    if bad:
        return failed(_join(bad))
    names = ", ".join(f"{pj.workflow.filename}:{pj.job_id}" for pj in ctx.publish_jobs)
    return passed(f"id-token: write only on publishing jobs ({names})")


@check("TP107", "separate-build-publish", "Build and publish are separate jobs",
       "The publishing job does not check out or build the code: a separate job builds and passes the "
       "distributions as an artifact, so build tooling never runs with the OIDC token.",
       fix_script="harden_workflow.py")
def separate_build_publish(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, notes = [], []
    for pj in ctx.publish_jobs:
        wf = pj.workflow
        for i, step in enumerate(wf.steps(pj.job_id)):
            if not isinstance(step, dict):
                continue
            uses, run = str(step.get("uses") or ""), str(step.get("run") or "")
            if uses.split("@")[0] == CHECKOUT_ACTION:
                bad.append(f"{_where(wf, step, 'uses')}: {pj.label} checks out the code")
            elif (m := BUILD_COMMAND_RE.search(run)):
                bad.append(f"{_where(wf, step, 'run')}: {pj.label} builds (`{m.group(0)}`)")
            elif run:
                notes.append(f"{_where(wf, step, 'run')}: {pj.label} runs shell commands next to the OIDC token")
    if bad:
        return failed(_join(bad))
    if notes:
        return warned(_join(notes))
    jobs = ", ".join(f"{pj.workflow.filename}:{pj.job_id}" for pj in ctx.publish_jobs)
    return passed(f"publishing jobs only download and upload ({jobs})")


def _runner_labels(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        labels = value.get("labels")
        found = _runner_labels(labels) if labels is not None else []
        return found + ([f"group:{value['group']}"] if value.get("group") else [])
    return []


@check("TP108", "publish-runner-linux", "Publishing job runs on a Linux GitHub-hosted runner",
       "The publishing job runs on `ubuntu-*` (GitHub-hosted): the publish action is a container action and "
       "does not run on Windows or macOS, and self-hosted runners are not the trusted environment.",
       doc="workflow.md")
def publish_runner_linux(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, notes, good = [], [], []
    for pj in ctx.publish_jobs:
        wf, job = pj.workflow, pj.job
        where = _where(wf, job, "runs-on") if "runs-on" in job else _where(wf, job)
        labels = _runner_labels(job.get("runs-on"))
        if not labels:
            bad.append(f"{where}: {pj.label} has no runs-on")
        elif any(_is_expression(x) for x in labels):
            notes.append(f"{where}: {pj.label} runs-on {', '.join(labels)} (an expression: make sure it is ubuntu-*)")
        elif any(NON_LINUX_RE.search(x) for x in labels):
            bad.append(f"{where}: {pj.label} runs-on {', '.join(labels)}; use ubuntu-latest or ubuntu-24.04")
        elif all(LINUX_HOSTED_RE.match(x) for x in labels):
            good.append(f"{where}: {pj.label} runs-on {', '.join(labels)}")
        else:
            notes.append(f"{where}: {pj.label} runs-on {', '.join(labels)} (not a GitHub-hosted ubuntu-* label)")
    if bad:
        return failed(_join(bad))
    return warned(_join(notes)) if notes else passed(_join(good))


@check("TP109", "publish-environment", "Publishing job declares the registered environment",
       "The PyPI publishing job declares the GitHub environment registered on PyPI (and the TestPyPI job the one "
       "registered on TestPyPI), so the token's `environment` claim matches and the environment's protection "
       "rules apply.",
       fix_script="harden_workflow.py")
def publish_environment(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, notes, good = [], [], []
    for pj in ctx.publish_jobs:
        wf, job = pj.workflow, pj.job
        expected = _expected_environment(ctx, pj)
        name = _environment_name(job)
        if name is None:
            bad.append(f"{_where(wf, job)}: {pj.label} declares no environment; the publisher names "
                       f"environment {expected!r}")
        elif _is_expression(name):
            notes.append(f"{_where(wf, job, 'environment')}: {pj.label} environment {name} is an expression; "
                         f"it must evaluate to {expected!r}")
        elif name != expected:
            bad.append(f"{_where(wf, job, 'environment')}: {pj.label} environment {name!r}, but the publisher "
                       f"names {expected!r}")
        else:
            good.append(f"{_where(wf, job, 'environment')}: {pj.label} environment {name!r}")
    if bad:
        return failed(_join(bad))
    return warned(_join(notes)) if notes else passed(_join(good))


@check("TP110", "no-token-input", "No API token in the workflow",
       "The publish step gets no `password` or `user` input and no workflow refers to a `secrets.*PYPI*` "
       "secret: uploads authenticate through Trusted Publishing only.",
       fix_script="harden_workflow.py")
def no_token_input(ctx: Context) -> Outcome:
    if not ctx.workflows:
        return skipped("no workflow files")
    bad = []
    for wf in ctx.publishing:
        for s in wf.publish_steps:
            for key in ("password", "user"):
                if key in s.inputs:
                    bad.append(f"{_where(wf, s.inputs, key)}: publish step passes `{key}:` (a token path, "
                               f"not Trusted Publishing)")
    for wf in ctx.workflows:
        for number, line in enumerate(wf.text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            for m in PYPI_SECRET_RE.finditer(line):
                bad.append(f"{wf.relpath}:{number}: uses the secret {m.group(1) or m.group(2)}")
    if bad:
        return failed(_join(bad))
    return passed(f"no password/user input and no PyPI secret in {len(ctx.workflows)} workflow(s)")


@check("TP111", "publish-not-reusable", "Publish step is not in a reusable workflow",
       "The publish step is in the workflow the tag push starts, not in a reusable workflow (`on: workflow_call`): "
       "PyPI does not support reusable workflows as trusted publishers, because the token names the caller.",
       doc="workflow.md")
def publish_not_reusable(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad = []
    for wf in ctx.publishing:
        if "workflow_call" in wf.triggers:
            bad.append(f"{_on_where(wf, 'workflow_call')}: {wf.filename} publishes and is a "
                       f"reusable workflow (on: workflow_call); PyPI does not support reusable workflows as "
                       f"trusted publishers: move the publish job into the calling workflow")
    return failed(_join(bad)) if bad else passed(
        f"publishing workflows are started directly: {', '.join(w.filename for w in ctx.publishing)}")


def _is_false(value: Any) -> bool:
    return value is False or str(value).strip().lower() == "false"


@check("TP112", "attestations-on", "Attestations are not switched off",
       "No publish step sets `attestations: false`, so PyPI gets PEP 740 provenance naming this repository "
       "and workflow.",
       fix_script="fix_attestations.py")
def attestations_on(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad = [f"{_where(wf, s.inputs, 'attestations')}: publish step sets attestations: {s.inputs['attestations']}"
           for wf in ctx.publishing for s in wf.publish_steps
           if "attestations" in s.inputs and _is_false(s.inputs["attestations"])]
    if bad:
        return failed(_join(bad))
    n = sum(len(wf.publish_steps) for wf in ctx.publishing)
    return passed(f"attestations on (the action's default) in {n} publish step(s)")


@check("TP113", "no-dangerous-trigger", "No dangerous trigger reaches the publish job",
       "Publishing workflows are not triggered by `pull_request_target` or `workflow_run`, which run with the "
       "repository's privileges on behalf of code from outside.",
       doc="workflow.md")
def no_dangerous_trigger(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad = [f"{_on_where(wf, t)}: {wf.filename} publishes and runs on {t}" for wf in ctx.publishing for t in DANGEROUS_TRIGGERS if t in wf.triggers]
    if bad:
        return failed(_join(bad))
    return passed("publishing workflows run on: " + "; ".join(
        f"{wf.filename}: {', '.join(wf.triggers)}" for wf in ctx.publishing))


