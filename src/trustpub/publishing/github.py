"""The GitHub Actions reader: `.github/workflows/*` -> PublishingModel.

Reads every workflow once (a broken file becomes a `BrokenFile`, the others are
still read), finds every upload step (actions and commands, scripts of the
repository followed), follows same-repository reusable workflows to their callers,
and narrows each upload's triggers by the `if:` of its step, its job, the jobs it
needs and its callers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from trustpub.publishing import conditions
from trustpub.publishing.model import (
    BrokenFile, MayUpload, OidcUse, PublishingModel, ReusableCall, Trigger, Upload,
)
from trustpub.publishing.tools import (
    find_task_delegations, find_uploads_in_text, judge_action, judge_command, script_candidates,
)

# Actions that mint an OIDC token for their own use (so `id-token: write` there is needed).
OIDC_ACTIONS = {
    "actions/attest-build-provenance": "GitHub build attestations",
    "actions/attest": "GitHub attestations",
    "actions/attest-sbom": "GitHub SBOM attestations",
    "sigstore/gh-action-sigstore-python": "Sigstore signing",
    "aws-actions/configure-aws-credentials": "AWS login (OIDC)",
    "google-github-actions/auth": "Google Cloud login (OIDC)",
    "azure/login": "Azure login (OIDC)",
    "actions/deploy-pages": "GitHub Pages deployment",
    "codecov/codecov-action": "Codecov upload (OIDC)",
    "hynek/build-and-inspect-python-package": "GitHub build attestations (attest-build-provenance-github)",
}
MAX_SCRIPT_BYTES = 200_000
MSG_TASK = "a task runner target; the reader does not run it"
MSG_EXTERNAL = ("a reusable workflow from another repository; PyPI cannot match it to a publisher of this "
                "repository (the token's job_workflow_ref names the other repository's file)")
MSG_SCRIPT_MISSING = "runs {path}, which is not in the repository"
SAMPLE_BRANCHES = ("main", "master", "release", "develop")
# The refs a run of these events has (GitHub's docs, "Events that trigger workflows"); "" = could be any.
EVENT_REFS = {
    "pull_request": ["refs/pull/1/merge"], "pull_request_target": ["refs/heads/main"],
    "schedule": ["refs/heads/main"], "merge_group": ["refs/heads/gh-readonly-queue/main/pr-1"],
    "release": ["refs/tags/v1.2.3", "refs/tags/1.2.3", "refs/tags/v1.2.3rc1", "refs/tags/v1.2.3-rc.1"],
}


def read(root: Path, workflows: Iterable[Any], broken: Iterable[BrokenFile] = ()) -> PublishingModel:
    """The model of these (already parsed) workflows; `root` is where scripts are looked up."""
    model = PublishingModel(broken=list(broken))
    by_path = {}
    for wf in workflows:
        by_path[wf.relpath] = wf
        _read_workflow(root, wf, model)
    for u in model.uploads:
        _attach_triggers(u, by_path[u.workflow], by_path, model)
    return model


def read_repo(repo: Any) -> PublishingModel:
    """Read a `trustpub.repo.Repo`'s workflows for reading (fast parser), broken files kept as findings."""
    cache = getattr(repo, "_cache", None)
    if cache is not None and "publishing-model" in cache:
        return cache["publishing-model"]  # one reading per run (the subject's detection and the checks)
    workflows, broken = repo.workflows_lenient()
    model = read(repo.root, workflows, [BrokenFile(*b) for b in broken])
    if cache is not None:
        cache["publishing-model"] = model
    return model


# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------
def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _labels(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        labels = _labels(value.get("labels")) if value.get("labels") is not None else []
        return labels + ([f"group:{value['group']}"] if value.get("group") else [])
    return []


def environment_of(job: dict) -> str | None:
    env = job.get("environment")
    if isinstance(env, dict):
        env = env.get("name")
    return None if env in (None, "") else str(env)


def grants_id_token(perms: Any) -> bool:
    if isinstance(perms, str):
        return perms.strip() == "write-all"
    return isinstance(perms, dict) and str(perms.get("id-token", "")).strip() == "write"


def _matrix(job: dict) -> dict[str, list[str]]:
    matrix = _mapping(_mapping(job.get("strategy")).get("matrix"))
    found = {}
    for key, value in matrix.items():
        if key in ("include", "exclude"):
            continue
        found[str(key)] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    for entry in matrix.get("include") or [] if isinstance(matrix.get("include"), list) else []:
        for key, value in _mapping(entry).items():
            found.setdefault(str(key), [])
            if str(value) not in found[str(key)]:
                found[str(key)].append(str(value))
    return found


def _read_workflow(root: Path, wf: Any, model: PublishingModel) -> None:
    wf_env = _mapping(wf.data.get("env"))
    for job_id, job in wf.jobs.items():
        uses = job.get("uses")
        if isinstance(uses, str):
            _read_call(wf, job_id, job, uses.strip(), model)
            continue
        if _mapping(job.get("permissions")).get("attestations") == "write":
            # `attestations: write` is only useful with an OIDC token: the job makes GitHub attestations,
            # itself or through an action that calls actions/attest-build-provenance.
            model.oidc_uses.append(OidcUse(wf.relpath, job_id, wf.line(job, "permissions") or wf.line(job),
                                           "GitHub attestations (attestations: write)"))
        job_env = {**wf_env, **_mapping(job.get("env"))}
        job_text = "\n".join(str(s.get("run", "")) for s in wf.steps(job_id) if isinstance(s, dict))
        default_dir = _mapping(_mapping(job.get("defaults")).get("run")).get("working-directory")
        for step in wf.steps(job_id):
            if not isinstance(step, dict):
                continue
            env = {str(k): v for k, v in {**job_env, **_mapping(step.get("env"))}.items()}
            line = wf.line(step)
            uses_step = step.get("uses")
            if isinstance(uses_step, str):
                name = uses_step.split("@", 1)[0].strip().lower()
                found = judge_action(uses_step, _mapping(step.get("with")), env)
                if found:
                    model.uploads.append(_upload(wf, job_id, job, step, line, found, None,
                                                 default_dir))
                for action, what in OIDC_ACTIONS.items():
                    if name == action or name.startswith(action + "/"):
                        model.oidc_uses.append(OidcUse(wf.relpath, job_id, line, what))
                continue
            run = step.get("run")
            if not isinstance(run, str):
                continue
            run_line = wf.line(step, "run") or line
            hits = find_uploads_in_text(run)
            for offset, logical, m in hits:
                found = judge_command(m, logical, env, job_text)
                model.uploads.append(_upload(wf, job_id, job, step, run_line + (offset if offset else 0), found,
                                             None, default_dir))
            if hits:
                continue
            followed = False
            for offset, path in script_candidates(run):
                script = _script(root, path, step.get("working-directory") or default_dir)
                if script is None:
                    continue
                rel, text = script
                for _, logical, m in find_uploads_in_text(text):
                    found = judge_command(m, logical, env, job_text + "\n" + text)
                    model.uploads.append(_upload(wf, job_id, job, step, run_line + offset, found, rel, default_dir))
                    followed = True
                if not followed:
                    for _, cmd in find_task_delegations(text):
                        model.may_upload.append(MayUpload(wf.relpath, job_id, run_line + offset,
                                                          f"{path}: {cmd}", MSG_TASK))
                        followed = True
            if not followed:
                for offset, cmd in find_task_delegations(run):
                    model.may_upload.append(MayUpload(wf.relpath, job_id, run_line + offset, cmd, MSG_TASK))


def _script(root: Path, path: str, workdir: Any) -> tuple[str, str] | None:
    """(repository path, text) of a script a step runs, when it is a small text file of the repository."""
    bases = [root / str(workdir), root] if isinstance(workdir, str) and "${{" not in workdir else [root]
    for base in bases:
        try:
            candidate = (base / path).resolve()
            rel = candidate.relative_to(root.resolve()).as_posix()
        except (ValueError, OSError):
            continue
        if rel.startswith(".github/workflows/") or not candidate.is_file():
            continue
        try:
            if candidate.stat().st_size > MAX_SCRIPT_BYTES:
                continue
            raw = candidate.read_bytes()
        except OSError:
            continue
        if b"\0" in raw:
            continue
        return rel, raw.decode("utf-8", "replace")
    return None


def _upload(wf: Any, job_id: str, job: dict, step: dict, line: int, found: Any, via: str | None,
            default_dir: Any) -> Upload:
    job_perms = job.get("permissions")
    if "permissions" in job:
        perms, source = job_perms, "job"
    elif "permissions" in wf.data:
        perms, source = wf.data.get("permissions"), "workflow"
    else:
        perms, source = None, "default"
    env = environment_of(job)
    workdir = step.get("working-directory") or default_dir
    return Upload(
        workflow=wf.relpath, job=job_id, line=line, tool=found.tool, command=" ".join(found.command.split()),
        index=found.index, index_url=found.index_url, auth=found.auth, auth_evidence=found.auth_evidence,
        register=Path(wf.relpath).name, id_token=grants_id_token(perms), permissions=perms,
        permissions_from=source, environment=env, environment_known=env is None or "${{" not in env,
        runs_on=_labels(job.get("runs-on")), via_script=via,
        working_directory=str(workdir) if workdir is not None else None,
        packages_dir=found.packages_dir, matrix=_matrix(job),
        step_inputs=dict(_mapping(step.get("with"))), builds=found.builds,
    )


def _read_call(wf: Any, job_id: str, job: dict, uses: str, model: PublishingModel) -> None:
    line = wf.line(job, "uses") or wf.line(job)
    local = "@" not in uses and ".github/workflows/" in uses
    target = None
    if local:
        target = uses.split(".github/workflows/", 1)[1]
        target = ".github/workflows/" + target
    model.calls.append(ReusableCall(wf.relpath, job_id, line, uses, local, target))
    if not local and ".github/workflows/" in uses:
        hint = any(w in uses.lower() for w in ("pypi", "publish", "release", "upload", "deploy"))
        if hint or grants_id_token(job.get("permissions")):
            model.may_upload.append(MayUpload(wf.relpath, job_id, line, uses, MSG_EXTERNAL))


# ---------------------------------------------------------------------------
# Triggers and conditions
# ---------------------------------------------------------------------------
def _listed(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def workflow_triggers(wf: Any) -> list[Trigger]:
    """The workflow's `on:` as Trigger objects (workflow_call included)."""
    found = []
    on_key = "on" if "on" in wf.data else True
    on = wf.data.get(on_key)
    for event, settings in wf.triggers.items():
        line = 0
        if isinstance(on, dict):
            line = wf.line(on, event)
        elif isinstance(on, list) and event in on:
            line = wf.line(on, on.index(event))
        if not line:
            line = wf.line(wf.data, on_key)
        settings = _mapping(settings)
        t = Trigger(event, wf.relpath, line)
        if event == "push":
            tags, ignore = _listed(settings.get("tags")), _listed(settings.get("tags-ignore"))
            branches = _listed(settings.get("branches"))
            branch_ignore = _listed(settings.get("branches-ignore"))
            has_tag_filter = "tags" in settings or "tags-ignore" in settings
            has_branch_filter = "branches" in settings or "branches-ignore" in settings
            if not has_tag_filter and not has_branch_filter:
                tags, branches = ["*"], ["*"]   # a bare push: every tag and every branch
            else:
                if has_tag_filter and not tags:
                    tags = ["*"]
                if has_branch_filter and not branches:
                    branches = ["*"] if branch_ignore else []
            t.tags, t.tags_ignore, t.branches = tags, ignore, branches
            node = settings.get("tags")
            if isinstance(node, list):
                t.pattern_lines = {str(p): wf.line(node, i) for i, p in enumerate(node)}
            elif isinstance(node, str):
                t.pattern_lines = {node: wf.line(settings, "tags")}
        elif event in ("release", "pull_request_target", "workflow_run"):
            t.types = _listed(settings.get("types"))
        found.append(t)
    return found


def _job_conditions(wf: Any, job_id: str) -> list[str]:
    """`if:` of the job and of the jobs it needs (unless it runs regardless of them, `always()`)."""
    jobs = wf.jobs
    found: list[str] = []
    seen: set[str] = set()
    stack = [job_id]
    while stack:
        current = stack.pop()
        if current in seen or current not in jobs:
            continue
        seen.add(current)
        job = jobs[current]
        cond = job.get("if")
        if cond is not None and str(cond).strip():
            found.append(str(cond))
        if conditions.mentions_always(cond):
            continue  # runs whatever the jobs it needs did
        needs = job.get("needs")
        stack += [needs] if isinstance(needs, str) else [str(n) for n in needs] if isinstance(needs, list) else []
    return found


def _step_condition(wf: Any, job_id: str, line: int) -> list[str]:
    for step in wf.steps(job_id):
        if isinstance(step, dict) and step.get("if") is not None:
            start = wf.line(step)
            if start <= line and (line - start) < 400 and _step_holds(wf, job_id, step, line):
                return [str(step["if"])]
    return []


def _step_holds(wf: Any, job_id: str, step: dict, line: int) -> bool:
    steps = [s for s in wf.steps(job_id) if isinstance(s, dict)]
    i = steps.index(step)
    end = wf.line(steps[i + 1]) if i + 1 < len(steps) else 10 ** 9
    return wf.line(step) <= line < end


def _attach_triggers(u: Upload, wf: Any, by_path: dict[str, Any], model: PublishingModel) -> None:
    """Set u.triggers, u.conditions, u.callers and u.may_run from the workflow and its callers."""
    own = _step_condition(wf, u.job, u.line) + _job_conditions(wf, u.job)
    paths: list[tuple[list[Trigger], list[str], list[str], bool]] = []  # triggers, conds, chain, caller id-token
    direct = [t for t in workflow_triggers(wf) if t.event != "workflow_call"]
    if direct:
        paths.append((direct, list(own), [], True))
    if "workflow_call" in wf.triggers:
        for chain, conds, caller_grants, triggers in _caller_paths(wf.relpath, by_path, model, set()):
            paths.append((triggers, own + conds, chain, caller_grants))
    if not paths:
        u.conditions = own
        return
    # A called workflow's uploads can mint the token only if the caller grants id-token too.
    if all(p[2] for p in paths):
        caller_grants = any(p[3] for p in paths)
        if u.permissions_from == "default":  # no permissions of its own: it inherits the caller's
            u.id_token, u.permissions_from = caller_grants, "caller"
        else:  # a called workflow can only keep or lower what its caller grants
            u.id_token = u.id_token and caller_grants
    u.callers = paths[0][2] if paths[0][2] else []
    u.conditions = list(dict.fromkeys(c for p in paths for c in p[1]))
    triggers: list[Trigger] = []
    for trig, conds, _, _ in paths:
        triggers += [t for t in (_narrow(t, conds) for t in trig) if t is not None]
    u.triggers = triggers
    u.tag_prefixes = sorted({_literal_prefix(p) for t in triggers for p in t.tags if _literal_prefix(p)})

    def may_run(event: str, ref: str, extra: dict) -> bool | None:
        verdicts = []
        for trig, conds, _, _ in paths:
            if not any(_trigger_admits(t, event, ref) for t in trig):
                verdicts.append(False)
                continue
            verdicts.append(_all(conds, conditions.run_context(event, ref, extra)))
        if True in verdicts:
            return True
        return None if None in verdicts else False

    u.may_run = may_run


def _caller_paths(relpath: str, by_path: dict[str, Any], model: PublishingModel, seen: set[str]):
    """(chain, conditions, caller grants id-token, triggers) for each way a reusable workflow is started."""
    if relpath in seen:
        return
    seen = seen | {relpath}
    for call in model.calls:
        if not call.local or call.target != relpath or call.workflow not in by_path:
            continue
        caller = by_path[call.workflow]
        job = caller.jobs.get(call.job, {})
        conds = _job_conditions(caller, call.job)
        grants = grants_id_token(job.get("permissions")) if "permissions" in job else \
            grants_id_token(caller.data.get("permissions")) if "permissions" in caller.data else False
        link = f"{call.workflow}:{call.job}"
        direct = [t for t in workflow_triggers(caller) if t.event != "workflow_call"]
        if direct:
            yield [link], conds, grants, direct
        if "workflow_call" in caller.triggers:
            for chain, more, up_grants, triggers in _caller_paths(call.workflow, by_path, model, seen):
                yield chain + [link], conds + more, grants and up_grants, triggers


def _all(conds: list[str], ctx: dict) -> bool | None:
    unknown = False
    for c in conds:
        v = conditions.evaluate(c, ctx)
        if v is False:
            return False
        if v is None:
            unknown = True
    return None if unknown else True


def _trigger_admits(t: Trigger, event: str, ref: str) -> bool:
    if t.event != event:
        return False
    if event != "push" or not ref:
        return True
    from trustpub.checks.tagfilter import pattern_regex

    if ref.startswith("refs/tags/"):
        name = ref[len("refs/tags/"):]
        if not t.tags:
            return False
        if any(pattern_regex(p).match(name) for p in t.tags_ignore):
            return False
        included = False
        for p in t.tags:
            if p.startswith("!"):
                if included and pattern_regex(p[1:]).match(name):
                    included = False
            elif pattern_regex(p).match(name):
                included = True
        return included
    name = ref[len("refs/heads/"):] if ref.startswith("refs/heads/") else ref
    return any(pattern_regex(p).match(name) for p in t.branches if not p.startswith("!"))


def trigger_pattern(u: Upload, event: str, ref: str) -> tuple[str, int, str] | None:
    """(file, line, pattern) of the tag pattern that lets a push of `ref` start `u` (line of the pattern
    when the file is known to the reader), or of the event."""
    from trustpub.checks.tagfilter import pattern_regex

    for t in u.triggers:
        if not _trigger_admits(t, event, ref):
            continue
        if event == "push" and ref.startswith("refs/tags/"):
            name = ref[len("refs/tags/"):]
            pattern = next((p for p in reversed(t.tags) if not p.startswith("!") and pattern_regex(p).match(name)),
                           "*")
            return t.workflow, t.pattern_lines.get(pattern, t.line), pattern
        return t.workflow, t.line, event
    return None


def _narrow(t: Trigger, conds: list[str]) -> Trigger | None:
    """The trigger, minus what the conditions rule out for sure (None: the job never runs for it)."""
    if not conds:
        return t
    if t.event == "push":
        from trustpub.checks.tagfilter import TYPICAL_TAGS, pattern_examples

        tag_examples = list(dict.fromkeys([x for p in t.tags for x in pattern_examples(p)] + list(TYPICAL_TAGS)))
        tag_ok = any(_all(conds, conditions.run_context("push", "refs/tags/" + x)) is not False
                     for x in tag_examples[:60] if _trigger_admits(t, "push", "refs/tags/" + x)) if t.tags else False
        branch_examples = [b for b in t.branches if "*" not in b] + list(SAMPLE_BRANCHES)
        branch_ok = any(_all(conds, conditions.run_context("push", "refs/heads/" + b)) is not False
                        for b in branch_examples) if t.branches else False
        if not tag_ok and not branch_ok:
            return None
        return Trigger(t.event, t.workflow, t.line, t.tags if tag_ok else [], t.tags_ignore if tag_ok else [],
                       t.branches if branch_ok else [], t.types, t.pattern_lines)
    refs = EVENT_REFS.get(t.event, [""])
    if all(_all(conds, conditions.run_context(t.event, ref)) is False for ref in refs):
        return None
    return t


def _literal_prefix(pattern: str) -> str:
    """`core-v*` -> `core-v`; `v[0-9]*` -> `v`; `*` -> ``."""
    out = []
    for ch in pattern.lstrip("!"):
        if ch in "*?+[\\":
            break
        out.append(ch)
    prefix = "".join(out)
    # Strip a trailing digit run: `v1.*` is a version, not a package prefix.
    while prefix and (prefix[-1].isdigit() or prefix[-1] == "."):
        prefix = prefix[:-1]
    return prefix
