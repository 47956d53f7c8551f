"""TP1xx: the workflows that upload, judged per upload path of the publishing model."""

from __future__ import annotations

import re
from typing import Any
from trustpub.repo import Workflow

from trustpub.checks.base import (
    BUILD_COMMAND_RE, CHECKOUT_ACTION, Context, DANGEROUS_TRIGGERS, FULL_SHA_RE, LINUX_HOSTED_RE,
    MIN_ACTION_VERSION, NON_LINUX_RE, Outcome, PYPI_SECRET_RE, RECOMMENDED_REF, _describe_permissions,
    _is_expression, _join, _no_publish, _pypi_uploads, _registered_environment,
    _registered_workflow, _where, check, failed, passed, skipped, warned,
)
from trustpub.publishing.model import DOCKER_TOOLS, INDEX_LABELS, Upload

MSG_OTHER_INDEX = "uploads to other indexes are out of scope: {items}"


def _label(u: Upload) -> str:
    return f"job {u.job!r} ({u.tool} -> {INDEX_LABELS.get(u.index, u.index)})"


@check("TP100", "workflows-readable", "Every workflow file can be read",
       "Every file in `.github/workflows` is valid YAML with a mapping at the top; a broken file is reported with "
       "its parse error and line, and every other workflow is still judged.",
       doc="workflow.md")
def workflows_readable(ctx: Context) -> Outcome:
    broken = ctx.model.broken
    if broken:
        return failed(_join([f"{b.workflow}:{b.line}: {b.message}" if b.line else f"{b.workflow}: {b.message}"
                             for b in broken]))
    return passed(f"{len(ctx.workflows)} workflow file(s) read")


# ---------------------------------------------------------------------------
# TP1xx: the workflows that upload
# ---------------------------------------------------------------------------
@check("TP101", "workflow-tracked", "The workflow that publishes exists and is committed",
       "Each workflow file that uploads to PyPI (the file the publisher must name) is tracked by git; when the "
       "registered workflow is given (option or `[tool.trustpub]`), that file is the one that uploads.",
       doc="workflow.md")
def workflow_tracked(ctx: Context) -> Outcome:
    if not ctx.workflows and not ctx.model.broken:
        return failed(".github/workflows: no workflow at all")
    uploads = _pypi_uploads(ctx)
    registered = _registered_workflow(ctx, "pypi")
    if registered and ctx.subject.index == "pypi":
        names = sorted({u.register for u in ctx.model.for_index("pypi")})
        if uploads and names and registered not in names:
            return failed(f".github/workflows/{registered}: the registered workflow does not upload to PyPI; "
                          f"uploads to PyPI are in {', '.join(names)}")
        if not (ctx.repo.root / ".github/workflows" / registered).is_file():
            return failed(f".github/workflows/{registered}: no such file (the registered workflow)")
    if not uploads:
        return skipped("no workflow step uploads to PyPI or TestPyPI (see TP102)")
    files = list(dict.fromkeys([u.workflow for u in uploads] + [c.rsplit(":", 1)[0] for u in uploads
                                                                  for c in u.callers]))
    untracked = [f for f in files if not ctx.repo.is_tracked(f)]
    if untracked:
        return failed(_join([f"{f}: exists but is not committed (git add {f} && git commit)" for f in untracked]))
    return passed(f"tracked by git: {', '.join(files)}")


@check("TP102", "publish-step-present", "A workflow uploads to PyPI",
       "Some workflow step uploads distributions to PyPI or TestPyPI (the pypa publish action, `uv publish`, "
       "`twine upload`, `poetry`/`pdm`/`hatch`/`flit publish`, `maturin upload`, or a repository script that runs "
       "one); a delegation the checklist cannot read (`tox -e release`, `make release`) is reported, not ignored.",
       doc="workflow.md")
def publish_step_present(ctx: Context) -> Outcome:
    uploads = _pypi_uploads(ctx)
    if uploads and not ctx.model.for_index("pypi", "unknown"):
        return warned(_join([f"{u.where}: {_label(u)}: uploads to TestPyPI only" for u in uploads]))
    if uploads:
        return passed(_join([f"{u.where}: {_label(u)}: {u.command}" for u in uploads], 4))
    may = [f"{m.where}: job {m.job!r} runs `{m.command}` (may upload; not inspected: {m.reason})"
           for m in ctx.model.may_upload]
    others = [f"{u.where}: {u.tool} -> {u.index_url or 'another index'}" for u in ctx.uploads]
    if may:
        return warned(_join(may))
    if others:
        return warned("no upload to PyPI or TestPyPI; " + MSG_OTHER_INDEX.format(items=_join(others)))
    broken = f" ({len(ctx.model.broken)} workflow file(s) could not be read, see TP100)" if ctx.model.broken else ""
    return failed(f"no workflow step uploads to PyPI or TestPyPI in {len(ctx.workflows)} workflow(s){broken}")


@check("TP103", "tag-trigger", "Each upload runs on a release event",
       "Each upload to PyPI runs on a tag push, a GitHub release or a manual `workflow_dispatch` (after the "
       "job's `if:` and its `needs:` narrowed the workflow's triggers), never on every branch push.",
       doc="workflow.md")
def tag_trigger_check(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, notes, good = [], [], []
    for u in _pypi_uploads(ctx):
        trig = u.triggers
        if not trig:
            notes.append(f"{u.where}: {_label(u)} is never started from this repository (reusable workflow "
                         f"with no caller here, or conditions that never hold)")
            continue
        branch = [t for t in trig if t.event == "push" and t.branches]
        if branch and u.index == "pypi":
            t = branch[0]
            bad.append(f"{t.workflow}:{t.line}: {_label(u)} runs on every push to {', '.join(t.branches)} "
                       f"(no tag filter or `if:` keeps branch pushes out)")
        elif any(t.event in ("pull_request", "merge_group") for t in trig) and u.index == "pypi":
            events = sorted({t.event for t in trig if t.event in ("pull_request", "merge_group")})
            bad.append(f"{u.where}: {_label(u)} can run on {', '.join(events)} (no `if:` keeps it out)")
        elif any(t.event == "schedule" for t in trig) and u.index == "pypi":
            notes.append(f"{u.where}: {_label(u)} can run on schedule")
        else:
            good.append(f"{u.where}: {_label(u)} on {u.describe_triggers()}")
    if bad:
        return failed(_join(bad))
    return warned(_join(notes)) if notes else passed(_join(good))


def _action_version(ref: str) -> tuple[int, ...] | None:
    m = re.fullmatch(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", ref)
    return tuple(int(x or 0) for x in m.groups()) if m else None


def _comment_after(wf: Workflow, line: int) -> str:
    lines = wf.text.splitlines()
    if 0 < line <= len(lines) and "#" in lines[line - 1]:
        return lines[line - 1].split("#", 1)[1].strip()
    return ""


def _uses_line(ctx: Context, u: Upload) -> int:
    """The line of the step's `uses:` (the step may start with `- name:`)."""
    wf = ctx.workflow_at(u.workflow)
    if wf is None:
        return u.line
    lines = wf.text.splitlines()
    for n in range(u.line, min(len(lines), u.line + 30) + 1):
        if u.command.split("@")[0] in lines[n - 1]:
            return n
    return u.line


@check("TP104", "publish-action-ref", "Publish action reference is current",
       "`pypa/gh-action-pypi-publish` is used at `release/v1` or pinned to a full 40-character commit SHA "
       "(of v1.11 or later), never a branch like `master` or an old `v1.x` tag.",
       fix_script="fix_action_ref.py")
def publish_action_ref(ctx: Context) -> Outcome:
    steps = [u for u in ctx.uploads if u.tool == "pypa-action"]
    if not steps:
        if (skip := _no_publish(ctx)):
            return skip
        return skipped("no upload uses pypa/gh-action-pypi-publish (the other tools are not pinned actions)")
    bad, notes, good = [], [], []
    for u in steps:
        line = _uses_line(ctx, u)
        where, ref = f"{u.workflow}:{line}", (u.command.split("@", 1)[1] if "@" in u.command else "")
        wf = ctx.workflow_at(u.workflow)
        if ref == RECOMMENDED_REF:
            good.append(f"{where}: @{ref}")
        elif FULL_SHA_RE.match(ref):
            comment = _comment_after(wf, line) if wf else ""
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
                bad.append(f"{where}: @{ref} is older than v1.11 (no attestations{no_tp}); use @{RECOMMENDED_REF}")
            else:
                notes.append(f"{where}: @{ref} is a fixed tag; @{RECOMMENDED_REF} or a SHA pin gets fixes")
        elif not ref:
            bad.append(f"{where}: no @ref at all")
        elif ref in ("v1", "release/v1"):
            good.append(f"{where}: @{ref}")
        else:
            bad.append(f"{where}: @{ref} is not a maintained ref; use @{RECOMMENDED_REF} or a full SHA")
    if bad:
        return failed(_join(bad))
    if notes:
        return warned(_join(notes))
    return passed(_join(good))


def _permissions_where(ctx: Context, u: Upload) -> str:
    wf = ctx.workflow_at(u.workflow)
    if wf is None:
        return u.where
    job = wf.jobs.get(u.job, {})
    if u.permissions_from == "job":
        return _where(wf, job, "permissions")
    if u.permissions_from == "workflow":
        return _where(wf, wf.data, "permissions")
    return _where(wf, job)


@check("TP105", "id-token-on-publish-job", "Each trusted upload can mint the OIDC token",
       "Every job with a trusted upload (no password or token given) gets `id-token: write`: on the job, "
       "inherited from the workflow, or for a reusable workflow granted by its caller too.",
       fix_script="fix_id_token.py")
def id_token_on_publish_job(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, good = [], []
    for u in _pypi_uploads(ctx):
        if not u.trusted:
            continue
        where = _permissions_where(ctx, u)
        if u.id_token:
            how = {"job": "has", "workflow": "inherits", "caller": "gets from its caller"}.get(u.permissions_from, "has")
            good.append(f"{where}: {_label(u)} {how} id-token: write")
        elif u.permissions_from == "caller" or u.callers:
            bad.append(f"{where}: {_label(u)} runs in a reusable workflow whose caller "
                       f"({', '.join(u.callers)}) does not grant id-token: write")
        elif u.permissions_from == "default":
            bad.append(f"{where}: {_label(u)} has no permissions block; the default token has no id-token: write")
        else:
            wf = ctx.workflow_at(u.workflow)
            replacing = " (replacing the workflow's, which had it)" if (
                u.permissions_from == "job" and wf is not None and _grants(wf.data.get("permissions"))) else ""
            verb = "inherits" if u.permissions_from == "workflow" else "permissions"
            bad.append(f"{where}: {_label(u)} {verb} {_describe_permissions(u.permissions)}, "
                       f"which lack id-token: write{replacing}")
    if not bad and not good:
        return skipped("every upload to PyPI/TestPyPI authenticates with a token (see TP110)")
    return failed(_join(bad)) if bad else passed(_join(good))


def _grants(perms: Any) -> bool:
    from trustpub.publishing.github import grants_id_token

    return grants_id_token(perms)


@check("TP106", "id-token-not-elsewhere", "OIDC permission only where it is needed",
       "In workflows that upload, `id-token: write` reaches only jobs that need it: trusted uploads, callers of a "
       "reusable workflow that uploads, and jobs that mint a token for something else (GitHub build "
       "attestations with `actions/attest-build-provenance`, cloud logins).",
       fix_script="fix_id_token.py")
def id_token_not_elsewhere(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, notes = [], []
    for rel in ctx.model.upload_workflows:
        wf = ctx.workflow_at(rel)
        if wf is None:
            continue
        needing = ctx.model.jobs_needing_id_token(rel)
        inheriting = [j for j, job in wf.jobs.items() if "permissions" not in job and j not in needing
                      and not job.get("uses")]
        if _grants(wf.data.get("permissions")) and inheriting:
            bad.append(f"{_where(wf, wf.data, 'permissions')}: workflow-level id-token: write reaches "
                       f"job(s) that do not need it ({', '.join(inheriting[:3])})")
        elif _grants(wf.data.get("permissions")):
            notes.append(f"{_where(wf, wf.data, 'permissions')}: id-token: write is granted at workflow level; "
                         f"only jobs that need it have it today, but every job added later inherits it")
        for job_id, job in wf.jobs.items():
            if job_id in needing or job.get("uses") or "permissions" not in job:
                continue
            if _grants(job.get("permissions")):
                bad.append(f"{_where(wf, job, 'permissions')}: job {job_id!r} does not publish (no trusted upload, "
                           f"no attestation or other OIDC use) but has id-token: write")
    if bad:
        return failed(_join(bad))
    if notes:
        return warned(_join(notes))
    needs = [f"{o.workflow.rsplit('/', 1)[-1]}:{o.job} ({o.what})" for o in ctx.model.oidc_uses
             if o.workflow in ctx.model.upload_workflows]
    jobs = ", ".join(dict.fromkeys(f"{u.register}:{u.job}" for u in _pypi_uploads(ctx) if u.trusted))
    extra = f"; also needed by {', '.join(dict.fromkeys(needs))}" if needs else ""
    return passed(f"id-token: write only where needed ({jobs or 'no trusted upload'}{extra})")


# The steps an upload job may run beside the upload without building anything.
_HARMLESS_USES = ("actions/download-artifact", "astral-sh/setup-uv", "actions/setup-python",
                  "pypa/gh-action-pypi-publish", "pyo3/maturin-action", "actions/attest-build-provenance",
                  "actions/attest", "sigstore/gh-action-sigstore-python", "snok/install-poetry",
                  "pdm-project/setup-pdm", "actions/github-script", "softprops/action-gh-release")


@check("TP107", "separate-build-publish", "Build and publish are separate jobs",
       "A job that uploads with Trusted Publishing does not build the distributions: a separate job builds "
       "and passes them as an artifact, so build tooling never runs next to the OIDC token.",
       fix_script="harden_workflow.py")
def separate_build_publish(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, notes, good = [], [], []
    for u in _pypi_uploads(ctx):
        wf = ctx.workflow_at(u.workflow)
        if wf is None:
            continue
        builds, checkout = None, None
        if u.builds:
            builds = (u.where, f"{u.tool} publish builds before it uploads")
        for step in wf.steps(u.job):
            if not isinstance(step, dict):
                continue
            uses, run = str(step.get("uses") or ""), str(step.get("run") or "")
            if uses.split("@")[0].strip().lower() == CHECKOUT_ACTION:
                checkout = checkout or _where(wf, step, "uses")
            elif (m := BUILD_COMMAND_RE.search(run)):
                builds = builds or (f"{_where(wf, step, 'run')}", m.group(0))
            elif uses.split("@")[0].strip().lower() == "pyo3/maturin-action" and \
                    str(_with(step).get("command", "build")).strip() in ("build", "sdist"):
                builds = builds or (_where(wf, step, "uses"), "maturin-action build")
        if builds:
            text = f"{builds[0]}: {_label(u)} also builds (`{builds[1]}`)"
            # Build tooling next to a PyPI upload token fails; TestPyPI or a token upload is a warning.
            (bad if u.trusted and u.index == "pypi" else notes).append(
                text + ("" if u.trusted else " (token upload)"))
        elif checkout:
            notes.append(f"{checkout}: {_label(u)} checks out the code (not needed to upload built files)")
        else:
            good.append(f"{u.register}:{u.job}")
    if bad:
        return failed(_join(bad))
    if notes:
        return warned(_join(notes))
    return passed(f"upload jobs only download and upload ({', '.join(dict.fromkeys(good))})")


def _with(step: dict) -> dict:
    w = step.get("with")
    return w if isinstance(w, dict) else {}


@check("TP108", "publish-runner-linux", "Upload runs on a runner its tool supports",
       "The pypa publish action is a Docker container action: its job runs on Linux (`ubuntu-*`; a self-hosted "
       "runner needs Docker and `python` on the PATH). `uv publish`, `twine` and the other tools run on any runner.",
       doc="workflow.md")
def publish_runner_linux(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, notes, good = [], [], []
    for u in _pypi_uploads(ctx):
        labels = u.runs_on
        where = u.where
        wf = ctx.workflow_at(u.workflow)
        if wf is not None and "runs-on" in wf.jobs.get(u.job, {}):
            where = _where(wf, wf.jobs[u.job], "runs-on")
        if not labels:
            bad.append(f"{where}: {_label(u)} has no runs-on")
        elif u.tool not in DOCKER_TOOLS:
            good.append(f"{where}: {_label(u)} runs-on {', '.join(labels)} ({u.tool} runs on any runner)")
        elif any(_is_expression(x) for x in labels):
            notes.append(f"{where}: {_label(u)} runs-on {', '.join(labels)} (an expression: the action needs Linux)")
        elif any(re.match(r"^(windows|macos)-", x, re.I) for x in labels):
            bad.append(f"{where}: {_label(u)} runs-on {', '.join(labels)}; the action is a Docker container "
                       f"action: use ubuntu-latest")
        elif all(LINUX_HOSTED_RE.match(x) for x in labels) or any(x.lower().startswith("ubuntu") for x in labels):
            good.append(f"{where}: {_label(u)} runs-on {', '.join(labels)}")
        elif any(NON_LINUX_RE.search(x) for x in labels):
            notes.append(f"{where}: {_label(u)} runs-on {', '.join(labels)}: a self-hosted runner needs Linux, "
                         f"Docker and python on the PATH for the action")
        else:
            notes.append(f"{where}: {_label(u)} runs-on {', '.join(labels)} (not a GitHub-hosted ubuntu-* label: "
                         f"the action needs Linux with Docker)")
    if bad:
        return failed(_join(bad))
    return warned(_join(notes)) if notes else passed(_join(good))


@check("TP109", "publish-environment", "Each upload job declares a GitHub environment",
       "Each job that uploads to PyPI or TestPyPI declares a GitHub environment (its protection rules apply, and "
       "the publisher on PyPI names it); when the registered environment is given (option or `[tool.trustpub]`), "
       "the job's is that one. An expression is reported, never called a mismatch.",
       fix_script="harden_workflow.py")
def publish_environment(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, notes, good = [], [], []
    for u in _pypi_uploads(ctx):
        expected = _registered_environment(ctx, u.index)
        registered_wf = _registered_workflow(ctx, u.index)
        if registered_wf and u.register != registered_wf:
            expected = None  # another publisher's upload: its registered environment is not known
        wf = ctx.workflow_at(u.workflow)
        where = _where(wf, wf.jobs[u.job], "environment") if wf and "environment" in wf.jobs.get(u.job, {}) \
            else u.where
        if u.environment is None:
            if expected:
                bad.append(f"{where}: {_label(u)} declares no environment; the registered publisher names "
                           f"{expected!r}")
            else:
                notes.append(f"{where}: {_label(u)} declares no environment (add one with protection rules and "
                             f"name it on the publisher)")
        elif not u.environment_known:
            notes.append(f"{where}: {_label(u)} environment {u.environment} is an expression"
                         + (f"; it must evaluate to {expected!r}" if expected else ""))
        elif expected and u.environment != expected:
            bad.append(f"{where}: {_label(u)} environment {u.environment!r}, but the registered publisher "
                       f"names {expected!r} (source: {ctx.sources.get('environment') if ctx.sources else 'given'})")
        else:
            good.append(f"{where}: {_label(u)} environment {u.environment!r}"
                        + ("" if expected else " (the publisher on PyPI must name it)"))
    if bad:
        return failed(_join(bad))
    if not notes and not good:
        return skipped("no trusted upload to PyPI/TestPyPI")
    return warned(_join(notes)) if notes else passed(_join(good))


def _other_index_lines(ctx: Context, wf: Workflow) -> set[int]:
    """Lines of steps that upload to another index: their secrets are that index's business."""
    lines: set[int] = set()
    for u in ctx.uploads:
        if u.workflow != wf.relpath or u.index != "other":
            continue
        steps = [s for s in wf.steps(u.job) if isinstance(s, dict)]
        for i, step in enumerate(steps):
            start = wf.line(step)
            end = wf.line(steps[i + 1]) if i + 1 < len(steps) else start + 200
            if start <= u.line < end:
                lines |= set(range(start, end))
    return lines


@check("TP110", "no-token-input", "No API token on an upload to PyPI",
       "No upload to PyPI or TestPyPI gets a password or token (action `password:`, `TWINE_PASSWORD`, "
       "`UV_PUBLISH_TOKEN`, `--token`, `__token__`, `POETRY_PYPI_TOKEN_*`, ...) and no workflow refers to a "
       "`secrets.*PYPI*` secret outside uploads to other indexes (those are out of scope).",
       fix_script="harden_workflow.py")
def no_token_input(ctx: Context) -> Outcome:
    if not ctx.workflows:
        return skipped("no workflow files")
    bad, seen = [], set()
    for u in _pypi_uploads(ctx):
        if not u.trusted:
            bad.append(f"{u.where}: {_label(u)} authenticates with a token ({u.auth_evidence})")
    for wf in ctx.workflows:
        skip_lines = _other_index_lines(ctx, wf)
        for number, line in enumerate(wf.text.splitlines(), 1):
            if line.lstrip().startswith("#") or number in skip_lines:
                continue
            for m in PYPI_SECRET_RE.finditer(line):
                name = m.group(1) or m.group(2)
                if (wf.relpath, name) not in seen:
                    seen.add((wf.relpath, name))
                    bad.append(f"{wf.relpath}:{number}: uses the secret {name}")
    others = [f"{u.where} ({u.index_url or u.tool})" for u in ctx.uploads if u.index == "other"]
    scope = "; " + MSG_OTHER_INDEX.format(items=_join(others, 2)) if others else ""
    if bad:
        return failed(_join(bad) + scope)
    return passed(f"no token on an upload to PyPI/TestPyPI and no PyPI secret in {len(ctx.workflows)} "
                  f"workflow(s){scope}")


@check("TP111", "publish-not-reusable", "PyPI can match the workflow that uploads",
       "Each upload runs in a workflow file of this repository: started directly, or as a reusable workflow "
       "called from this repository (`uses: ./.github/workflows/x.yml`), in which case PyPI's publisher must "
       "name the CALLED file (warehouse reads it from the token's `job_workflow_ref`). A reusable workflow from "
       "another repository cannot be matched to this repository's publisher.",
       doc="workflow.md")
def publish_not_reusable(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        external = [m for m in ctx.model.may_upload if "another repository" in m.reason]
        if external:
            return warned(_join([f"{m.where}: job {m.job!r} calls {m.command}: {m.reason}" for m in external]))
        return skip
    bad, notes, good = [], [], []
    for m in ctx.model.may_upload:
        if "another repository" in m.reason:
            notes.append(f"{m.where}: job {m.job!r} calls {m.command}: {m.reason}")
    for u in _pypi_uploads(ctx):
        wf = ctx.workflow_at(u.workflow)
        called = wf is not None and "workflow_call" in wf.triggers
        if u.callers:
            good.append(f"{u.where}: reusable workflow called from {' > '.join(u.callers)}: register "
                        f"{u.register} (the called file) on the publisher")
        elif called and not u.triggers:
            notes.append(f"{u.where}: {u.register} is a reusable workflow no workflow here calls; if another "
                         f"repository calls it, PyPI cannot match that caller to this repository's publisher")
        else:
            good.append(f"{u.where}: started directly; register {u.register}")
    if bad:
        return failed(_join(bad))
    return warned(_join(notes)) if notes else passed(_join(list(dict.fromkeys(good))))


def _is_false(value: Any) -> bool:
    return value is False or str(value).strip().lower() == "false"


@check("TP112", "attestations-on", "Attestations are not switched off",
       "No pypa publish step sets `attestations: false`, so PyPI gets PEP 740 provenance naming this repository "
       "and workflow (the action makes them for trusted uploads).",
       fix_script="fix_attestations.py")
def attestations_on(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    steps = [u for u in _pypi_uploads(ctx) if u.tool == "pypa-action"]
    bad = [f"{u.where}: publish step sets attestations: {u.step_inputs['attestations']}"
           for u in steps if "attestations" in u.step_inputs and _is_false(u.step_inputs["attestations"])]
    if bad:
        return failed(_join(bad))
    others = sorted({u.tool for u in _pypi_uploads(ctx) if u.tool != "pypa-action"})
    note = f"; {', '.join(others)} upload(s): attestations are uploaded only if the job makes them" if others else ""
    return passed(f"attestations on (the action's default) in {len(steps)} pypa publish step(s){note}")


@check("TP113", "no-dangerous-trigger", "No dangerous trigger reaches an upload job",
       "No upload job can be started by `pull_request_target` or `workflow_run` (after its `if:` narrowed the "
       "workflow's triggers), which run with the repository's privileges on behalf of code from outside.",
       doc="workflow.md")
def no_dangerous_trigger(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad = [f"{t.workflow}:{t.line}: {_label(u)} can run on {t.event}" for u in _pypi_uploads(ctx)
           for t in u.triggers if t.event in DANGEROUS_TRIGGERS]
    if bad:
        return failed(_join(list(dict.fromkeys(bad))))
    return passed("upload jobs run on: " + "; ".join(dict.fromkeys(
        f"{u.register}:{u.job}: {u.describe_triggers()}" for u in _pypi_uploads(ctx))))
