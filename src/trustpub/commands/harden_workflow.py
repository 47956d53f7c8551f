"""Split a build-and-publish job into a `build` job and a publish job, and harden the workflow.

Only the publish job can mint the OIDC token; the build (which runs the
project's own build backend and its dependencies) cannot. The distributions
pass between them as an artifact.
"""

from __future__ import annotations

import copy
from typing import Any, Sequence

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from trustpub.checks import PYPI_SECRET_RE
from trustpub.cli import make_parser, run
from trustpub.config import DEFAULTS, subject_from_site_config
from trustpub.pins import DOWNLOAD_ARTIFACT, UPLOAD_ARTIFACT, Pin, is_full_sha, pin_for
from trustpub.repo import Repo
from trustpub.wfedit import (ID_TOKEN, WorkflowEdit, add_workflow_option, block_map, eol_comment,
                          insert_key, job_environment, limit_id_token, peek_trailing, put_trailing,
                          remove_key, replace_value, run_fixer, set_block_permissions,
                          set_eol_comment, tail_holder, take_trailing)

DESCRIPTION = """\
Turn a job that both builds and publishes (checkout, setup-python, build, then
pypa/gh-action-pypi-publish) into two jobs: `build` keeps your own steps, their
names and comments, runs with `permissions: contents: read` and uploads dist/
as an artifact; the publish job keeps its id, name and publish step, gets
`needs: build`, the GitHub environment registered on PyPI, `permissions:
id-token: write` only, and downloads the artifact first. Then: id-token leaves
the workflow-level permissions; actions/checkout gets `persist-credentials:
false`; every `uses:` whose major version has a confirmed commit SHA
(checkout v4/v5, setup-python v5/v6, upload-artifact v4, download-artifact v4,
gh-action-pypi-publish v1/release/v1) is pinned to it with a `# vX.Y.Z`
comment; other `uses:` are left as they are; the publish step loses its
`password:`/`user:` inputs (an API token) so the action uses Trusted Publishing.
A workflow already split only gets the missing parts. A publish job that
declares a different environment than the configured one is reported, and only
changed when --environment (or --testpypi-environment) names the one to use.

exit: 0 fixed or nothing to do, 1 not applied or could not fix, 2 bad input"""

MSG_WHAT = "the workflow builds and publishes in separate, hardened jobs"
MSG_STEPS_AFTER = ("job {job}: steps after the publish step ({name}) would need the build's files "
                   "and permissions; split this job by hand (see the guide's workflow page)")
MSG_MATRIX = "job {job}: a matrix job cannot be split automatically (one artifact per matrix entry); split it by hand"
MSG_OUTPUTS = "job {job}: its outputs refer to build steps; split this job by hand"
MSG_BOTH = ("job {job}: publishes to both PyPI and TestPyPI, so no single environment fits; "
            "use one job per index")
MSG_REUSABLE = "job {job}: calls a reusable workflow; harden that workflow instead"
MSG_OTHER_ENV = ("job {job}: environment {found!r}, but the publisher names {wanted!r}: register {found!r} on "
                 "{index} (see publisher_values.py) or re-run with --{option} {found} to keep it, "
                 "or with --{option} {wanted} to switch")
MSG_SECRET_LEFT = ("line {line}: still uses the secret {name}; Trusted Publishing needs no token: remove it from "
                   "the workflow, then delete the secret")

BUILD_JOB = "build"
BUILD_JOB_NAME = "Build distributions"
UPLOAD_STEP_NAME = "Upload distributions"
DOWNLOAD_STEP_NAME = "Download distributions"
ARTIFACT = "dist"
DIST_DIR = "dist/"
PUBLISH_RUNNER = "ubuntu-latest"  # the publish action is a Docker container action: Linux only
CHECKOUT = "actions/checkout"
TOKEN_INPUTS = ("password", "user")  # the API-token way of using the publish action
# Job keys the build needs from the original job; the rest (name, environment, permissions) are the publish job's.
BUILD_KEYS = ("needs", "if", "runs-on", "container", "services", "env", "defaults",
              "timeout-minutes", "continue-on-error")
BUILD_ONLY_KEYS = ("container", "services", "defaults")


def _uses(step: Any) -> str:
    return str(step.get("uses") or "").strip() if isinstance(step, dict) else ""


def _action(step: Any) -> str:
    return _uses(step).split("@", 1)[0]


def pinned_step(name: str, pin: Pin, inputs: list[tuple[str, Any]]) -> CommentedMap:
    step = CommentedMap()
    step["name"] = name
    step["uses"] = pin.uses
    set_eol_comment(step, "uses", pin.comment, gap=1)
    step["with"] = block_map(*inputs)
    return step


def _spaced(steps: CommentedSeq) -> bool:
    """Whether the user separates steps with a blank line."""
    for i in range(len(steps) - 1):
        holder, key = tail_holder(steps, i)
        entry = holder.ca.items.get(key)
        tok = entry[0 if isinstance(holder, CommentedSeq) else 2] if entry else None
        if tok is not None and "\n\n" in tok.value:
            return True
    return False


def _free_job_id(jobs: CommentedMap, wanted: str) -> str:
    candidate, n = wanted, 2
    while candidate in jobs:
        candidate, n = f"{wanted}-{n}", n + 1
    return candidate


def split_job(we: WorkflowEdit, job_id: str, artifact: str) -> list[str]:
    """Move the steps before the first publish step into a new build job. Returns problems."""
    jobs = we.data["jobs"]
    job = jobs[job_id]
    steps = job["steps"]
    publish = [ps for ps in we.workflow.publish_steps if ps.job_id == job_id]
    first = min(ps.index for ps in publish)
    publish_idx = {ps.index for ps in publish}
    stray = [s for i, s in enumerate(steps) if i > first and i not in publish_idx]
    if stray:
        return [MSG_STEPS_AFTER.format(job=job_id, name=stray[0].get("name") or _uses(stray[0]) or "run")]
    if "strategy" in job:
        return [MSG_MATRIX.format(job=job_id)]
    if "outputs" in job:
        return [MSG_OUTPUTS.format(job=job_id)]
    spaced = _spaced(steps)
    keys = list(job)
    # Blank lines the user keeps before `steps:` (kept the same in the build job).
    before_steps = peek_trailing(job, keys[keys.index("steps") - 1]) if keys.index("steps") > 0 else ""
    dist = str(publish[0].inputs.get("packages-dir") or DIST_DIR)

    # Comment lines just above the publish step belong to it, not to the last build step.
    lead = take_trailing(steps, first - 1) if first > 0 else ""
    blank = lead[:len(lead) - len(lead.lstrip("\n"))]
    above_publish = lead[len(blank):] if lead[len(blank):].strip() else ""
    if first > 0:
        put_trailing(steps, first - 1, blank if above_publish else lead)

    # The build job: the user's steps, the artifact upload after them.
    build_steps = CommentedSeq(steps[:first])
    if steps.ca.comment:
        build_steps.ca.comment = steps.ca.comment
    for i, entry in list(steps.ca.items.items()):
        if isinstance(i, int) and i < first:
            build_steps.ca.items[i] = entry
    upload = pinned_step(UPLOAD_STEP_NAME, UPLOAD_ARTIFACT,
                         [("name", artifact), ("path", dist), ("if-no-files-found", "error")])
    build_steps.append(upload)
    build = CommentedMap()
    build["name"] = BUILD_JOB_NAME
    for key in BUILD_KEYS:
        if key in job:
            build[key] = copy.deepcopy(job[key])
    build["permissions"] = block_map(("contents", "read"))
    put_trailing(build, "permissions", before_steps)
    build["steps"] = build_steps
    # A comment above `steps:` (ruamel keeps it on the key) goes with the user's steps.
    key_comment = job.ca.items.get("steps")
    if key_comment and key_comment[3]:
        build.ca.items["steps"] = [None, None, None, key_comment[3]]
        key_comment[3] = None
    put_trailing(build, "steps", "\n")  # a blank line between the two jobs
    build_id = _free_job_id(jobs, BUILD_JOB)
    jobs.insert(list(jobs).index(job_id), build_id, build)

    # The publish job: the same id and name, only what publishing needs.
    publish_steps = CommentedSeq()
    download = pinned_step(DOWNLOAD_STEP_NAME, DOWNLOAD_ARTIFACT, [("name", artifact), ("path", dist)])
    if above_publish:
        put_trailing(download, "with", (blank if spaced else "") + above_publish)
    elif spaced:
        put_trailing(download, "with", "\n")
    publish_steps.append(download)
    for s in steps[first:]:
        publish_steps.append(s)
    # Comments ruamel keeps on the old sequence move with the steps they follow.
    for i, entry in list(steps.ca.items.items()):
        if isinstance(i, int) and i >= first:
            publish_steps.ca.items[i - first + 1] = entry
    if getattr(steps.ca, "end", None):  # comment lines after the last step (e.g. at the end of the file)
        put_trailing(publish_steps, len(publish_steps) - 1, "".join(tok.value for tok in steps.ca.end if tok))
    replace_value(job, "steps", publish_steps)
    for key in BUILD_ONLY_KEYS:
        if key in job:
            remove_key(job, key)
    keys = list(job)
    if "needs" in job:
        replace_value(job, "needs", build_id)
    else:
        insert_key(job, keys.index("name") + 1 if "name" in keys else 0, "needs", build_id)
    runner = job.get("runs-on")
    if not (isinstance(runner, str) and runner.startswith("ubuntu")):
        replace_value(job, "runs-on", PUBLISH_RUNNER)
    # The comment that explained an id-token grant (job or workflow level) moves with it.
    comment = ""
    for owner in (job, we.data):
        old = owner.get("permissions")
        if not comment and isinstance(old, dict) and ID_TOKEN in old:
            comment = eol_comment(old, ID_TOKEN)
    perms = block_map((ID_TOKEN, "write"))
    if comment:
        set_eol_comment(perms, ID_TOKEN, comment)
    set_block_permissions(job, perms)
    return []


def ensure_environment(we: WorkflowEdit, job_id: str, envs: dict[str, str], explicit: set[str]) -> list[str]:
    """The publish job declares the configured environment; another name is only replaced when asked (--environment)."""
    job = we.data["jobs"][job_id]
    targets = {ps.target_index for ps in we.workflow.publish_steps if ps.job_id == job_id}
    if len(targets) != 1:
        return [] if job_environment(job) else [MSG_BOTH.format(job=job_id)]
    index = targets.pop()
    wanted, found = envs[index], job_environment(job)
    if found == wanted or (found and "${{" in found):
        return []
    if found:
        if index not in explicit:
            option = "environment" if index == "pypi" else "testpypi-environment"
            return [MSG_OTHER_ENV.format(job=job_id, found=found, wanted=wanted, option=option,
                                         index="PyPI" if index == "pypi" else "TestPyPI")]
        env = job["environment"]
        if isinstance(env, dict):
            env["name"] = wanted
        else:
            job["environment"] = wanted
        return []
    env = block_map(("name", wanted))
    keys = list(job)
    if "environment" in job:  # present but empty
        replace_value(job, "environment", env)
    else:
        after = next((k for k in ("runs-on", "needs", "name") if k in keys), None)
        insert_key(job, keys.index(after) + 1 if after else 0, "environment", env)
    return []


def pin_uses(we: WorkflowEdit) -> None:
    """Pin every step's `uses:` that has a confirmed SHA for its major line."""
    for job_id in we.workflow.jobs:
        for step in we.workflow.steps(job_id):
            uses = _uses(step)
            ref = uses.split("@", 1)[1] if "@" in uses else ""
            if not ref or is_full_sha(ref):
                continue
            pin = pin_for(uses)
            if pin is None:
                continue
            old_comment = eol_comment(step, "uses")
            step["uses"] = pin.uses
            set_eol_comment(step, "uses", pin.comment + (f"  {old_comment}" if old_comment else ""), gap=1)


def no_persisted_credentials(we: WorkflowEdit) -> None:
    """actions/checkout with `persist-credentials: false`: the token must not stay in .git/config."""
    for job_id in we.workflow.jobs:
        for step in we.workflow.steps(job_id):
            if _action(step) != CHECKOUT:
                continue
            inputs = step.get("with")
            if isinstance(inputs, dict):
                if inputs.get("persist-credentials") is False or str(inputs.get("persist-credentials")).lower() == "false":
                    continue
                if "persist-credentials" in inputs:
                    inputs["persist-credentials"] = False
                else:
                    insert_key(inputs, len(inputs), "persist-credentials", False)
            else:
                keys = list(step)
                pos = keys.index("with") if "with" in keys else keys.index("uses") + 1
                if "with" in step:
                    replace_value(step, "with", block_map(("persist-credentials", False)))
                else:
                    insert_key(step, pos, "with", block_map(("persist-credentials", False)))


def drop_token_inputs(we: WorkflowEdit) -> list[str]:
    """No `password:`/`user:` on the publish step (the action then uses Trusted Publishing); report other secrets."""
    from trustpub.publishing.tools import index_of

    for ps in we.workflow.publish_steps:
        inputs = ps.step.get("with")
        if not isinstance(inputs, dict):
            continue
        url = inputs.get("repository-url") or inputs.get("repository_url")
        if index_of(str(url) if url is not None else None, is_url=True) == "other":
            continue  # a private index's credentials: not a PyPI token, and that upload needs them
        for key in TOKEN_INPUTS:
            if key in inputs:
                if len(inputs) == 1:
                    remove_key(ps.step, "with")
                    break
                remove_key(inputs, key)
    problems = []
    for number, line in enumerate(we.render().splitlines(), 1):
        if not line.lstrip().startswith("#"):
            for m in PYPI_SECRET_RE.finditer(line):
                problems.append(MSG_SECRET_LEFT.format(line=number, name=m.group(1) or m.group(2)))
    return problems


def block_style_jobs(we: WorkflowEdit) -> None:
    """Jobs written in flow style (`jobs: {p: {steps: [...]}}`) become block style down to each step.

    The split and the pins add end-of-line comments, which flow style cannot hold readably.
    """
    jobs = we.data.get("jobs")
    if not isinstance(jobs, CommentedMap):
        return
    nodes: list[Any] = [jobs]
    for job in jobs.values():
        if isinstance(job, CommentedMap):
            nodes.append(job)
            steps = job.get("steps")
            if isinstance(steps, CommentedSeq):
                nodes.append(steps)
                nodes += [s for s in steps if isinstance(s, CommentedMap)]
    if any(n.fa.flow_style() for n in nodes):
        for n in nodes:
            n.fa.set_block_style()


def harden(we: WorkflowEdit, envs: dict[str, str], explicit: set[str] = frozenset()) -> list[str]:
    problems: list[str] = []
    block_style_jobs(we)
    jobs = we.workflow.jobs
    publishing = we.workflow.publishing_jobs
    split = [j for j in publishing
             if any(_action(s) != DOWNLOAD_ARTIFACT.action
                    for s in we.workflow.steps(j)[:min(ps.index for ps in we.workflow.publish_steps if ps.job_id == j)])]
    for job_id in publishing:
        if "uses" in jobs[job_id]:
            problems.append(MSG_REUSABLE.format(job=job_id))
            continue
        if job_id in split:
            artifact = ARTIFACT if len(split) == 1 else f"{ARTIFACT}-{job_id}"
            problems += split_job(we, job_id, artifact)
        problems += ensure_environment(we, job_id, envs, explicit)
    problems += drop_token_inputs(we)
    problems += limit_id_token(we)
    no_persisted_credentials(we)
    pin_uses(we)
    return problems


def configured_environments(repo: Repo, args: Any) -> dict[str, str]:
    """Environment names: the options, else the site's mkdocs.yml `extra.tp`, else the defaults."""
    site = repo.root / "mkdocs.yml"
    configured = subject_from_site_config(site) if site.is_file() else None
    pypi = args.environment or (configured.environment if configured else DEFAULTS["environment"])
    test = args.testpypi_environment or (configured.testpypi_environment if configured
                                         else DEFAULTS["testpypi_environment"])
    return {"pypi": pypi, "testpypi": test}


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser("harden_workflow.py", DESCRIPTION, subject=False)
    add_workflow_option(parser)
    parser.add_argument("--environment", metavar="NAME",
                        help="GitHub environment of a PyPI publish job (default: mkdocs.yml extra.tp, else pypi)")
    parser.add_argument("--testpypi-environment", metavar="NAME",
                        help="GitHub environment of a TestPyPI publish job (default: extra.tp, else testpypi)")
    args = parser.parse_args(argv)
    envs = configured_environments(Repo.open(args.repo), args)
    explicit = {index for index, given in (("pypi", args.environment), ("testpypi", args.testpypi_environment))
                if given}
    return run_fixer(args, lambda we, _args: harden(we, envs, explicit), MSG_WHAT)


if __name__ == "__main__":  # python -m trustpub.commands.harden_workflow
    run(main)
